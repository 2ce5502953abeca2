"""A checkbox whose state reads without colour: ``X`` only when ticked.

Textual's ``Checkbox`` draws the same ``X`` whether it is on or off and shows
the state by colour alone, so on a monochrome terminal (or to a colour-blind
eye) every box looks ticked. Here an unticked box is empty.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox

TICKED = Checkbox.BUTTON_INNER
UNTICKED = " " * len(TICKED)


class Tick(Checkbox):
    """A ``Checkbox`` with an empty box when not ticked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._show_state()

    def watch_value(self) -> None:
        super().watch_value()
        self._show_state()

    def _show_state(self) -> None:
        self.BUTTON_INNER = TICKED if self.value else UNTICKED
        self.refresh()
