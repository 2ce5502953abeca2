"""End to end at 80x24, the terminal most SSH sessions have: the installed
``csms --demo`` opens every screen by its function key and by a mouse click
on its name in the navigation bar, and each screen's primary action is on
screen (in its footer) once it is open."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Terminal, start_demo
from tui.registry import SCREENS

pytestmark = pytest.mark.e2e

#: What each screen must offer at 80x24 (its footer lists it).
PRIMARY_ACTIONS = {
    "dashboard": "Refresh account",
    "quick_send": "^s Send",
    "inbox": "f Fetch",
    "activity": "Settle unknown",
    "lists": "^o Import",
    "sms_campaigns": "d Duplicate",
    "voice_campaigns": "y Surveys",
    "audio": "^t Convert",
    "settings": "^s Save",
    "optouts": "a Add",
}


@pytest.fixture
def small_terminal(terminal: Terminal, tmp_path: Path) -> Terminal:
    start_demo(terminal, tmp_path, (80, 24))
    terminal.wait_for(lambda s: "DEMO" in s and "logged in" in s, "the demo at 80x24")
    return terminal


def _footer(screen: str) -> str:
    return screen.rstrip("\n").splitlines()[-1]


def _click(terminal: Terminal, x: int, y: int) -> None:
    """A left click at 0-based column ``x``, row ``y`` (xterm SGR mouse report)."""
    press = f"\x1b[<0;{x + 1};{y + 1}M"
    release = f"\x1b[<0;{x + 1};{y + 1}m"
    terminal.run("send-keys", "-t", "csms", "-l", press + release)


def test_every_screen_by_key_and_by_click_shows_its_primary_action(
    small_terminal: Terminal,
) -> None:
    terminal = small_terminal
    entries = [e for e in SCREENS if e.is_available()]
    assert {e.mode for e in entries} <= set(PRIMARY_ACTIONS), "name each screen's action"
    # Each action names one screen only, so a click that did nothing cannot pass.
    assert len(set(PRIMARY_ACTIONS.values())) == len(PRIMARY_ACTIONS)
    for entry in entries:
        terminal.keys(entry.fkey.upper())
        terminal.wait_for(
            lambda s, entry=entry: PRIMARY_ACTIONS[entry.mode] in _footer(s),
            f"{entry.title} by {entry.fkey}",
        )

    terminal.keys("F2")
    terminal.wait_for(lambda s: "Refresh account" in _footer(s), "the dashboard")
    for entry in entries:
        nav = terminal.screen().splitlines()[1]
        label = entry.short or entry.title
        assert f" {label} " in f"{nav} ", f"{label!r} is not in the navigation bar: {nav!r}"
        _click(terminal, nav.index(f" {label}") + 2, 1)
        terminal.wait_for(
            lambda s, entry=entry: PRIMARY_ACTIONS[entry.mode] in _footer(s),
            f"{entry.title} by a click on {label!r}",
        )
