"""End-to-end helpers: a tmux server of its own running the installed
``csms --demo`` in a fresh home (send-keys in, capture-pane out)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

#: Upper bound for the app to reach a state; a healthy run takes a second or two.
PATIENCE = 30.0


def _installed_csms() -> Path:
    path = Path(sys.executable).parent / "csms"
    assert path.exists(), f"csms is not installed next to {sys.executable}: run pip install ."
    return path


class Terminal:
    """One tmux server (own socket) running one window."""

    def __init__(self, socket: Path) -> None:
        tmux = shutil.which("tmux")
        assert tmux, "tmux is needed for the end-to-end tests (apt-get install tmux)"
        self.base = [tmux, "-S", str(socket)]

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [*self.base, *args], check=True, capture_output=True, text=True, timeout=10
        )
        return done.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "csms")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "csms", *keys)

    def wait_for(self, check: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + PATIENCE
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if check(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen showed:\n{text}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(tmp_path / "tmux.sock")
    yield term
    subprocess.run([*term.base, "kill-server"], capture_output=True, timeout=10)


def start_demo(terminal: Terminal, tmp_path: Path, size: tuple[int, int]) -> Path:
    """``csms --demo`` in a fresh home at ``size``; returns the file its exit
    code is written to when it ends."""
    return start_csms(terminal, tmp_path, size, ["--demo"])


def start_csms(
    terminal: Terminal,
    tmp_path: Path,
    size: tuple[int, int],
    args: list[str],
    env: dict[str, str] | None = None,
) -> Path:
    """The installed ``csms ARGS`` in a fresh home at ``size``, with ``env``
    added; returns the file its exit code is written to when it ends."""
    exit_file = tmp_path / "exit.txt"
    home = tmp_path / "home"
    home.mkdir()
    variables = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        **(env or {}),
    }
    words = " ".join(f"'{arg}'" for arg in args)
    command = f"cd '{home}' && '{_installed_csms()}' {words}; echo EXIT=$? > '{exit_file}'"
    env_args = [arg for key, value in variables.items() for arg in ("-e", f"{key}={value}")]
    width, height = size
    terminal.run(
        "new-session",
        "-d",
        "-s",
        "csms",
        "-x",
        str(width),
        "-y",
        str(height),
        *env_args,
        "sh",
        "-c",
        command,
    )
    return exit_file
