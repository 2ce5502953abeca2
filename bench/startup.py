"""Start-up time: launch to the first painted dashboard of ``csms --demo``.

Both programs run in a real terminal (tmux, 120x40), each launch a fresh
Python process, and the bench reads the terminal (capture-pane) until the
expected text is on screen:

- floor: a minimal Textual app that paints one label ("Hello, floor");
- csms --demo: the dashboard's cards are painted ("Recent events"), then
  filled by the demo engine (the header shows the credit).

Runs alternate between the two and medians are compared. The terminal is read
every few milliseconds by the same loop for both, so the polling cost is the
same on each side. Both start from compiled bytecode, as an installed package
does (pip compiles it; the source tree's is compiled here first), so neither
pays for compiling its modules. Targets: the dashboard painted within 1.5x
the floor, and filled within 2.0x.

    python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.5
FILLED_TARGET = 2.0
WIDTH, HEIGHT = 120, 40
FLOOR_TEXT = "Hello, floor"
PAINTED_TEXT = "Recent events"
FILLED_TEXT = "credit Rs"


def child_floor() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Floor(App[None]):
        def compose(self) -> ComposeResult:
            yield Label(FLOOR_TEXT)

    Floor().run()


class Terminal:
    def __init__(self, socket: Path, env: dict[str, str]) -> None:
        tmux = shutil.which("tmux")
        if tmux is None:
            raise SystemExit("tmux is needed: apt-get install tmux")
        self.base = [tmux, "-S", str(socket)]
        env_args = [a for k, v in env.items() for a in ("-e", f"{k}={v}")]
        size = ["-x", str(WIDTH), "-y", str(HEIGHT)]
        self.run("new-session", "-d", "-s", "bench", *size, *env_args, "sleep", "3600")

    def run(self, *args: str) -> str:
        done = subprocess.run([*self.base, *args], capture_output=True, text=True, check=False)
        return done.stdout

    def time_until(self, command: list[str], texts: list[str]) -> list[float]:
        """Seconds from launching ``command`` in a new window until each text shows."""
        line = " ".join(shlex.quote(part) for part in command)
        started = time.perf_counter()
        self.run("new-window", "-t", "bench", "-n", "run", line)
        marks: list[float] = []
        deadline = started + 30
        while len(marks) < len(texts) and time.perf_counter() < deadline:
            screen = self.run("capture-pane", "-p", "-t", "bench:run")
            while len(marks) < len(texts) and texts[len(marks)] in screen:
                marks.append(time.perf_counter() - started)
        self.run("kill-window", "-t", "bench:run")
        if len(marks) < len(texts):
            raise SystemExit(f"{line} did not show {texts[len(marks)]!r} within 30 s")
        return marks

    def close(self) -> None:
        self.run("kill-server")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child", choices=["floor"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "floor":
        child_floor()
        return 0

    # The bytecode an install would have (PYTHONDONTWRITEBYTECODE may be set).
    compileall.compile_dir(ROOT / "tui", quiet=1)
    floor_cmd = [sys.executable, __file__, "--child", "floor"]
    csms_cmd = [sys.executable, "-m", "tui", "--demo"]
    floor: list[float] = []
    painted: list[float] = []
    filled: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = {
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
            "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "TERM": "xterm-256color",
        }
        terminal = Terminal(home / "tmux.sock", env)
        try:
            terminal.time_until(floor_cmd, [FLOOR_TEXT])  # warm the file cache for both
            terminal.time_until(csms_cmd, [PAINTED_TEXT, FILLED_TEXT])
            for _ in range(args.runs):
                floor.extend(terminal.time_until(floor_cmd, [FLOOR_TEXT]))
                first, second = terminal.time_until(csms_cmd, [PAINTED_TEXT, FILLED_TEXT])
                painted.append(first)
                filled.append(second)
        finally:
            terminal.close()
    floor_ms = statistics.median(floor) * 1000
    painted_ms = statistics.median(painted) * 1000
    filled_ms = statistics.median(filled) * 1000
    ratio = painted_ms / floor_ms
    print(f"runs: {args.runs} each, alternating, fresh process in tmux {WIDTH}x{HEIGHT}")
    print(f"floor (Textual app painting one label):  median {floor_ms:7.1f} ms")
    print(f"csms --demo, dashboard painted:          median {painted_ms:7.1f} ms")
    print(f"csms --demo, dashboard filled by engine: median {filled_ms:7.1f} ms")
    filled_ratio = filled_ms / floor_ms
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"ratio (painted / floor): {ratio:.2f}x (target <= {TARGET}x: {verdict})")
    verdict = "met" if filled_ratio <= FILLED_TARGET else "NOT met"
    print(f"ratio (filled / floor):  {filled_ratio:.2f}x (target <= {FILLED_TARGET}x: {verdict})")
    return 0 if ratio <= TARGET and filled_ratio <= FILLED_TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
