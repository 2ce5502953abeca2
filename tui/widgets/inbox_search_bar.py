"""The Inbox's top row: the search box and, beside it, where the page on show
is in the list ("1-100 of 250 in the inbox · page 1/3").

Enter in the box submits the search (``Input.Submitted`` from ``#search``,
which the screen acts on); Escape on the screen clears it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static


class InboxSearchBar(Horizontal):
    """The search box and the page line."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Search text or number (Esc clears)", id="search")
        yield Static("", id="page-info")

    @property
    def typed(self) -> str:
        """What is in the search box, submitted or not."""
        return self.query_one("#search", Input).value

    def clear(self) -> None:
        self.query_one("#search", Input).value = ""

    def focus_box(self) -> None:
        self.query_one("#search", Input).focus()

    def show_line(self, line: str) -> None:
        self.query_one("#page-info", Static).update(line)
