"""End to end: the installed ``csms --demo`` in a real terminal (tmux).

Types into it with send-keys, reads the screen with capture-pane, quits with
ctrl+q and checks the exit code. Needs tmux and the package installed in the
running interpreter's environment (``pip install .``), as CI does.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.conftest import PATIENCE, Terminal, start_demo

pytestmark = pytest.mark.e2e


def test_demo_starts_navigates_and_quits_cleanly(terminal: Terminal, tmp_path: Path) -> None:
    exit_file = start_demo(terminal, tmp_path, (120, 40))

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
