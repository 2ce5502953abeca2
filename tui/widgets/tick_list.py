"""A selection list whose state reads without colour: ``X`` only when ticked.

Textual's ``SelectionList`` draws the same ``X`` in every box and shows the
state by colour alone, so on a monochrome terminal (or to a colour-blind eye)
every list looks chosen. Here an unticked box is empty.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

#: The box's inside as SelectionList draws it (the toggle buttons' glyph).
TICKED = Checkbox.BUTTON_INNER
UNTICKED = " " * len(TICKED)


class TickList(SelectionList[str]):
    """A ``SelectionList`` of string values with an empty box for unticked options."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if option.value in self.selected:
            return strip
        segments = list(strip)
        # The box is the first three segments: left side, inside, right side.
        if len(segments) > 1 and segments[1].text == TICKED:
            segments[1] = Segment(UNTICKED, segments[1].style)
            return Strip(segments, strip.cell_length)
        return strip

    def action_select(self) -> None:
        """Space toggles the highlighted list at once. (SelectionList toggles
        when a message of its own comes back, with the highlight as it is then:
        "Down Space Down Space" typed fast toggled the last list twice.)"""
        if self.highlighted is None:
            return
        option = self.get_option_at_index(self.highlighted)
        if not option.disabled:
            self.toggle(option)
