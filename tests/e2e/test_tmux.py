"""End to end: the installed ``csms --demo`` in a real terminal (tmux).

Types into it with send-keys, reads the screen with capture-pane, quits with
ctrl+q and checks the exit code. Needs tmux and the package installed in the
running interpreter's environment (``pip install .``), as CI does.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

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


def test_demo_starts_navigates_and_quits_cleanly(terminal: Terminal, tmp_path: Path) -> None:
    csms = _installed_csms()
    exit_file = tmp_path / "exit.txt"
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    command = f"'{csms}' --demo; echo EXIT=$? > '{exit_file}'"
    env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    terminal.run(
        "new-session", "-d", "-s", "csms", "-x", "120", "-y", "40", *env_args, "sh", "-c", command
    )

    terminal.wait_for(
        lambda s: "DEMO" in s and "923001234567" in s and "logged in" in s,
        "the demo dashboard with its account logged in",
    )

    terminal.keys("F4")  # Inbox by its function key
    terminal.keys("F1")
    terminal.wait_for(lambda s: "Help: Inbox" in s, "the Inbox help")
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "Help: Inbox" not in s, "the help to close")

    terminal.keys("C-p")  # command palette, open Settings by name
    terminal.wait_for(lambda s: "Search for commands" in s, "the command palette")
    terminal.keys("Settings")
    terminal.wait_for(lambda s: "Profiles, masks" in s, "the Settings command to be listed")
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "Editing profile" in s, "the Settings screen")

    terminal.keys("C-q")
    deadline = time.monotonic() + PATIENCE
    while not exit_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert exit_file.exists(), f"csms did not exit; the screen showed:\n{terminal.screen()}"
    assert exit_file.read_text().strip() == "EXIT=0"
