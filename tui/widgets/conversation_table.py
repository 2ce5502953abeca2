"""The Inbox's tables: one page of a longer list, and the inbox grouped by number.

``PagedTable`` is what both Inbox tables share: PageDown on the last row and
PageUp on the first ask for the next or previous page (``TurnPage``), and
``c`` copies the number in the row under the cursor.

``ConversationTable`` shows one row per number (``Threads.conversations``):
the number, how many messages it sent, how many are unread, the newest one
(cut to fit, so its time stays on screen at 80 columns) and when it came.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from tui.app_services import copy_text
from tui.engine.threads import Conversation

__all__ = ["ConversationTable", "PagedTable", "fit"]

#: Widths of the conversation table's fixed columns (each cell also has one
#: space of padding either side).
NUMBER_WIDTH = 13
COUNT_WIDTHS = (8, 6)
WHEN_WIDTH = 16
#: The shortest and longest cut of the last message's text.
MIN_TEXT, MAX_TEXT = 20, 80


def fit(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters (an ellipsis marks a cut)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class PagedTable(DataTable[str]):
    """One page of rows; ``c`` copies the number in the ``NUMBER_COLUMN`` column."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_sender", "Copy number", id="inbox.copy_sender"),
    ]
    #: The key of the column holding the row's number.
    NUMBER_COLUMN: ClassVar[str] = "from"

    class TurnPage(Message):
        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def action_page_down(self) -> None:
        if self.row_count == 0 or self.cursor_row >= self.row_count - 1:
            self.post_message(self.TurnPage(1))
        else:
            super().action_page_down()

    def action_page_up(self) -> None:
        if self.row_count == 0 or self.cursor_row <= 0:
            self.post_message(self.TurnPage(-1))
        else:
            super().action_page_up()

    def cursor_number(self) -> str | None:
        """The number in the row under the cursor (None on an empty table)."""
        if self.row_count == 0:
            return None
        column = self.get_column_index(self.NUMBER_COLUMN)
        return str(self.get_cell_at(Coordinate(self.cursor_row, column)))

    def action_copy_sender(self) -> None:
        number = self.cursor_number()
        if number is None:
            return
        copy_text(self.app, number, "number")


class ConversationTable(PagedTable):
    """The inbox, one row per number (the Inbox's grouped view)."""

    DEFAULT_CSS = """
    ConversationTable {
        height: 1fr;
        min-height: 5;
    }
    """
    NUMBER_COLUMN: ClassVar[str] = "number"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.conversations: list[Conversation] = []
        self._when: Callable[[datetime], str] = lambda at: at.strftime("%Y-%m-%d %H:%M")
        self._label: Callable[[str], str] = lambda text: ""
        self._limit = 0

    def on_mount(self) -> None:
        self.add_column("Number", key="number", width=NUMBER_WIDTH)
        self.add_column("Messages", key="messages", width=COUNT_WIDTHS[0])
        self.add_column("Unread", key="unread", width=COUNT_WIDTHS[1])
        self.add_column("Last message", key="last", width=self._text_limit())
        self.add_column("Last at", key="last_at", width=WHEN_WIDTH)

    def _text_limit(self) -> int:
        """How much of the last message fits beside the other columns."""
        fixed = NUMBER_WIDTH + sum(COUNT_WIDTHS) + WHEN_WIDTH + 2 * 5 + 2  # padding, scrollbar
        return max(MIN_TEXT, min(MAX_TEXT, self.size.width - fixed))

    def show(
        self,
        conversations: Sequence[Conversation],
        when: Callable[[datetime], str],
        label: Callable[[str], str],
    ) -> None:
        """Show ``conversations``, keeping the cursor on the same number.

        ``when`` formats the last message's time; ``label`` gives a prefix for a
        message text ("Opt-out: ", or "").
        """
        self.conversations = list(conversations)
        self._when, self._label = when, label
        self._fill()

    def _fill(self) -> None:
        limit = self._limit = self._text_limit()
        current = None
        if self.row_count:
            row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
            current = row_key.value
        self.clear()
        column = self.columns.get(ColumnKey("last"))
        if column is not None:
            column.width = limit
        for talk in self.conversations:
            self.add_row(
                talk.msisdn,
                f"{talk.messages:,}",
                f"{talk.unread:,}",
                fit(self._label(talk.last_text) + talk.last_text, limit),
                self._when(talk.last_at),
                key=talk.msisdn,
            )
        if current is not None and current in self.rows:
            self.move_cursor(row=self.get_row_index(current))

    def on_resize(self, event: events.Resize) -> None:
        if self.conversations and self._text_limit() != self._limit:
            self._fill()

    def cursor_conversation(self) -> Conversation | None:
        number = self.cursor_number() if self.row_count else None
        return next((c for c in self.conversations if c.msisdn == number), None)
