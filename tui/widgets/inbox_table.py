"""The Inbox's page of messages, one row each: unread mark, when, from, text.

The text is cut to one line, after "Opt-out: " or "Opt-in: " when the whole
message is a keyword for the do-not-contact list. Showing the same messages
again only redraws what changed (the unread marks), so the cursor and the
scroll stay put; new messages or another time zone redraw the page, with the
cursor kept on its message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from tui.engine.inbox_view import InboxWriting
from tui.ledger import InboxMessage
from tui.widgets.conversation_table import PagedTable, fit

PREVIEW_CHARS = 80
UNREAD_MARK = "●"


class InboxTable(PagedTable):
    """The page of messages. PageDown on the last row and PageUp on the first
    turn the page; ``c`` copies the sender's number."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        #: The page's messages by row key.
        self.messages: dict[str, InboxMessage] = {}
        #: The time zone the page's times were written in.
        self._zone = ""

    def on_mount(self) -> None:
        self.add_column(" ", key="unread", width=1)
        self.add_column("Received", key="received", width=16)
        self.add_column("From", key="from", width=13)
        self.add_column("Message", key="message")

    def show(self, messages: Sequence[InboxMessage], writing: InboxWriting) -> None:
        """Show ``messages``, their times and keyword prefixes as ``writing`` says."""
        keys = [str(m.id) for m in messages]
        with self.app.batch_update():
            if keys == list(self.messages) and writing.zone_name == self._zone:
                for message in messages:
                    key = str(message.id)
                    if self.messages[key].read != message.read:
                        self.update_cell(key, "unread", "" if message.read else UNREAD_MARK)
            else:
                current = self.cursor_key()
                self.clear()
                for message in messages:
                    self.add_row(
                        "" if message.read else UNREAD_MARK,
                        writing.when(message),
                        message.msisdn,
                        fit(writing.label(message.text) + message.text, PREVIEW_CHARS),
                        key=str(message.id),
                    )
                if current is not None and current in self.rows:
                    self.move_cursor(row=self.get_row_index(current))
        self.messages = {str(m.id): m for m in messages}
        self._zone = writing.zone_name

    def cursor_key(self) -> str | None:
        """The row key under the cursor (None on an empty page)."""
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)

    def mark_read(self, message: InboxMessage) -> None:
        """Take the unread mark off ``message``'s row (when it is on the page)."""
        key = str(message.id)
        if key in self.rows:
            self.update_cell(key, "unread", "")
        self.messages[key] = replace(message, read=True)
