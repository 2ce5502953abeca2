"""The screen behind everything while the app connects (and behind the login)."""

from __future__ import annotations

from typing import Any

from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static


class StartupScreen(Screen[None]):
    """Shown while the app connects, and behind the login screen."""

    def compose(self) -> Any:
        with Middle(), Center():
            yield Static("Connecting…", id="startup-message")

    def say(self, text: str) -> None:
        self.query_one("#startup-message", Static).update(text)
