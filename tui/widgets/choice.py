"""A radio button whose state reads without colour: the dot only when chosen.

Textual's ``RadioButton`` draws the same dot in every button and shows which
one is chosen by colour alone; "Send now" and "At a date and time" then look
alike on a monochrome terminal. Here an unchosen button is empty.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import RadioButton

CHOSEN = RadioButton.BUTTON_INNER
UNCHOSEN = " " * len(CHOSEN)


class Choice(RadioButton):
    """A ``RadioButton`` with an empty button when not chosen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._show_state()

    def watch_value(self) -> None:
        super().watch_value()
        self._show_state()

    def _show_state(self) -> None:
        self.BUTTON_INNER = CHOSEN if self.value else UNCHOSEN
