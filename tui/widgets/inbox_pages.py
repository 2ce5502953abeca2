"""The Inbox's list, a page at a time: one row per message (all of them, or
those a search finds) in ``InboxTable``, or one row per number in
``ConversationTable`` when grouped.

Which page is on show is ``engine.inbox_view.InboxPaging``; each page is read
from the engine's ledger when shown, so a large inbox costs no more than a
small one. Grouping starts at the first page of numbers and going back returns
to the page of messages that was on show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical

from tui.engine.inbox_view import InboxPaging, InboxWriting
from tui.widgets.conversation_table import ConversationTable, PagedTable
from tui.widgets.inbox_table import InboxTable
from tui.widgets.reply_quote import Reply

if TYPE_CHECKING:
    from tui.engine.service import Engine
    from tui.ledger import InboxMessage


class InboxPages(Vertical):
    """The two tables, one shown at a time, and the page they show."""

    DEFAULT_CSS = """
    InboxPages { height: 1fr; min-height: 5; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.paging = InboxPaging()

    def compose(self) -> ComposeResult:
        yield InboxTable(id="messages", cursor_type="row", zebra_stripes=True)
        conversations = ConversationTable(id="conversations")
        conversations.display = False
        yield conversations

    @property
    def table(self) -> PagedTable:
        """The table on show."""
        return self.query_one(ConversationTable if self.paging.grouped else InboxTable)

    def reload(self, engine: Engine) -> None:
        """Read the page on show from ``engine``'s ledger and show it, keeping the
        cursor's row."""
        writing = InboxWriting.of(engine)
        if self.paging.grouped:
            rows = self.paging.conversations(engine.threads)
            self.query_one(ConversationTable).show(rows, writing.at, writing.label)
        else:
            messages = self.paging.messages(engine.reads)
            self.query_one(InboxTable).show(messages, writing)

    def toggle_group(self) -> None:
        """One row per number, or one row per message (where the page was); the
        caller reloads."""
        self.paging.toggle_group()
        self.query_one(InboxTable).display = not self.paging.grouped
        self.query_one(ConversationTable).display = self.paging.grouped

    def cursor_after_turn(self, step: int) -> None:
        """On a page turned to: the first row going forward, the last going back."""
        table = self.table
        if table.row_count:
            table.move_cursor(row=0 if step > 0 else table.row_count - 1)

    def reply(self, writing: InboxWriting, opened: InboxMessage | None) -> Reply | None:
        """The reply to the number under the cursor (its last message), or to the
        message under it (``opened`` on an empty page)."""
        if self.paging.grouped:
            talk = self.query_one(ConversationTable).cursor_conversation()
            if talk is None:
                return None
            return Reply(talk.msisdn, writing.at(talk.last_at), talk.last_text)
        table = self.query_one(InboxTable)
        key = table.cursor_key()
        message = table.messages.get(key) if key is not None else opened
        return (
            None if message is None else Reply(message.msisdn, writing.when(message), message.text)
        )
