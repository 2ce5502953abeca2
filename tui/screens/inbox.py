"""Inbox: stored incoming messages, one page at a time, with search and actions.

The screen keeps its parts in step: the search (``widgets/inbox_search_bar.py``),
the list (``widgets/inbox_pages.py``: ``widgets/inbox_table.py``, or
``widgets/conversation_table.py`` when ``g`` groups it by number; the page on
show is ``engine/inbox_view.py``), the open message (``widgets/message_detail.py``),
what waits at the gateway (``widgets/pending_bar.py`` with
``screens/inbox_pending.py``), the reply (``screens/inbox_reply.py``) and the
export (``widgets/inbox_export_bar.py`` with ``screens/inbox_export.py``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button, Checkbox, DataTable, Input

from tui.app_services import shell_app
from tui.engine import events
from tui.engine.inbox_view import PAGE_SIZE, InboxWriting, is_rtl
from tui.ledger import InboxMessage
from tui.screens import inbox_pending
from tui.screens.base import EngineScreen, has_engine
from tui.screens.display_time import local
from tui.screens.inbox_export import export_inbox, pick_export_file
from tui.screens.inbox_reply import reply_in_quick_send
from tui.widgets.conversation_table import ConversationTable, PagedTable
from tui.widgets.inbox_export_bar import InboxExportBar
from tui.widgets.inbox_pages import InboxPages
from tui.widgets.inbox_search_bar import InboxSearchBar
from tui.widgets.inbox_table import UNREAD_MARK, InboxTable
from tui.widgets.loss_notice import LossNotice
from tui.widgets.message_detail import MessageDetail
from tui.widgets.path_input import PathInput
from tui.widgets.pending_bar import PendingBar

__all__ = ["PAGE_SIZE", "UNREAD_MARK", "InboxScreen", "InboxTable", "is_rtl"]


class InboxScreen(EngineScreen):
    """Incoming messages: read, search, pay and fetch, discard, reply, export."""

    CSS_PATH = "../styles/inbox.tcss"
    AUTO_FOCUS = "#messages"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "page(1)", "Next page", id="inbox.next_page"),
        Binding("g", "toggle_group", "Group", id="inbox.group"),
        Binding("p", "page(-1)", "Previous page", show=False, id="inbox.previous_page"),
        Binding("slash", "focus_search", "Search", id="inbox.search"),
        Binding("escape", "clear_search", "Clear search", show=False, id="inbox.clear_search"),
        Binding("r", "reply", "Reply", id="inbox.reply"),
        Binding("K", "acknowledge_losses", "Acknowledge lost-message warning", show=False),
        Binding("f", "fetch", "Fetch", id="inbox.fetch"),
        Binding("P", "pay_and_fetch", "Pay and fetch", show=False, id="inbox.pay"),
        Binding("D", "discard", "Discard pending", show=False, id="inbox.discard"),
        Binding("e", "export", "Export", show=False, id="inbox.export"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.opened: InboxMessage | None = None
        #: The last export's file and row count.
        self.last_export: tuple[Path, int] | None = None

    @property
    def pages(self) -> InboxPages:
        return self.query_one(InboxPages)

    @property
    def grouped(self) -> bool:
        """One row per number (True) or per message."""
        return self.pages.paging.grouped

    @property
    def search(self) -> str | None:
        return self.pages.paging.search

    # -- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield LossNotice(how_to_acknowledge="Press K once noted.", id="loss-notice")
        yield InboxSearchBar(id="inbox-top")
        yield PendingBar(auto_fetch=self._auto_fetch(), id="pending-bar")
        yield InboxPages(id="inbox-pages")
        yield MessageDetail(id="detail-pane")
        yield InboxExportBar(self._today, id="export-bar")

    def _today(self) -> date:
        if not has_engine(self):
            return date.today()
        return local(self.engine.now()).date()

    def _auto_fetch(self) -> bool:
        return self.engine.status.auto_fetch if has_engine(self) else True

    def on_mount(self) -> None:
        self.catch_up()

    def catch_up(self) -> None:
        if not has_engine(self):
            return
        status = self.engine.status
        self.query_one(PendingBar).show(status.unpaid_pending, status.free_incoming)
        self._show_losses()
        self.query_one(PendingBar).set_auto_fetch(status.auto_fetch)
        self.reload()
        self._show_opened()  # its time too, after a change of time zone

    # -- the page -------------------------------------------------------------------

    def _zone(self) -> ZoneInfo | None:
        return InboxWriting.of(self.engine).zone

    def reload(self) -> None:
        """Read the current page from the ledger and show it, keeping the cursor's row."""
        self.pages.reload(self.engine)
        self.query_one(InboxSearchBar).show_line(self.pages.paging.line())

    def action_toggle_group(self) -> None:
        """One row per number, or one row per message (where the page was)."""
        if self.search and not self.grouped:
            self._clear_search_box()
            self.notify("Search lists messages only, so it was cleared for the grouped view.")
        self.pages.toggle_group()
        self.reload()
        self.pages.table.focus()

    def action_page(self, step: int) -> None:
        if not self.pages.paging.turn(step):
            self.notify("No more pages that way.", timeout=2)
            return
        self.reload()
        self.pages.cursor_after_turn(step)

    @on(PagedTable.TurnPage)
    def _turn_page(self, event: PagedTable.TurnPage) -> None:
        event.stop()
        self.action_page(event.step)

    # -- reading --------------------------------------------------------------------

    @on(DataTable.RowSelected, "#messages")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        message = self.query_one(InboxTable).messages.get(str(key)) if key is not None else None
        if message is None:
            return
        app = shell_app(self.app)
        if self.opened is not None and self.opened.id == message.id and app is not None:
            app.open_conversation(message.msisdn)  # Enter again: the whole conversation
            return
        self.open_message(message)

    @on(DataTable.RowSelected, "#conversations")
    def _open_conversation(self, event: DataTable.RowSelected) -> None:
        """Enter on a number: the conversation with it (which marks it read), else
        its newest message."""
        event.stop()
        talk = self.query_one(ConversationTable).cursor_conversation()
        if talk is None:
            return
        app = shell_app(self.app)
        if app is not None:
            app.open_conversation(talk.msisdn)  # the table is read again on coming back
            return
        message = self.engine.reads.inbox.inbox_message(talk.last_id)
        if message is not None:
            self.open_message(message)
            self.reload()

    def open_message(self, message: InboxMessage) -> None:
        """Show ``message`` in full and mark it read."""
        self.opened = message
        self._show_opened()
        if not message.read:
            self.engine.inbox.mark_read([message.id])
            self.query_one(InboxTable).mark_read(message)

    def _show_opened(self) -> None:
        """The open message in the pane, as the profile writes times now."""
        message = self.opened
        if message is None:
            return
        writing = InboxWriting.of(self.engine)
        keyword = writing.label(message.text).rstrip(": ")
        self.query_one(MessageDetail).show(message, writing.when(message), keyword)

    # -- search ---------------------------------------------------------------------

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        event.stop()
        self.pages.paging.search_for(event.value)
        if self.grouped and self.search:
            self.notify("Search lists messages, so the view is one row per message again.")
            self.action_toggle_group()  # reloads (at the first page) and focuses
            return
        self.reload()
        self._close_unless_listed()
        self.query_one(InboxTable).focus()

    def _close_unless_listed(self) -> None:
        """A search changed what is listed: the open message stays open only if it
        is listed (else the pane, and a reply, would be about a message not shown)."""
        opened = self.opened
        if opened is not None and str(opened.id) not in self.query_one(InboxTable).messages:
            self.opened = None
            self.query_one(MessageDetail).clear()

    def action_focus_search(self) -> None:
        self.query_one(InboxSearchBar).focus_box()

    def _clear_search_box(self) -> None:
        self.query_one(InboxSearchBar).clear()
        self.pages.paging.clear_search()

    def action_clear_search(self) -> None:
        if not self.search and not self.query_one(InboxSearchBar).typed:
            return
        self._clear_search_box()
        self.reload()
        self._close_unless_listed()
        self.pages.table.focus()

    # -- pending at the gateway -------------------------------------------------------

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        actions = {
            "pay": self.action_pay_and_fetch,
            "discard": self.action_discard,
            "fetch": self.action_fetch,
            "reply": self.action_reply,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            event.stop()
            action()

    def action_fetch(self) -> None:
        self._fetch()

    def action_pay_and_fetch(self) -> None:
        self._pay_and_fetch()

    def action_discard(self) -> None:
        self._discard()

    @work(exclusive=True, group="inbox-action", exit_on_error=False)
    async def _fetch(self) -> None:
        bar = self.query_one(PendingBar)
        bar.busy("Fetching from the gateway…")
        try:
            fetched = await inbox_pending.fetch(self, self.engine)
        finally:
            bar.busy(None)
        if fetched:
            self.reload()

    @work(exclusive=True, group="inbox-action", exit_on_error=False)
    async def _pay_and_fetch(self) -> None:
        if await inbox_pending.pay_and_fetch(self, self.engine):
            self.pages.paging.offset = 0
            self.reload()

    @work(exclusive=True, group="inbox-action", exit_on_error=False)
    async def _discard(self) -> None:
        await inbox_pending.discard(self, self.engine)

    @on(Checkbox.Changed, "#auto-fetch")
    def _auto_fetch_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.engine.set_auto_fetch(event.value)
        self.notify("Auto-fetch on." if event.value else "Auto-fetch off.", timeout=2)

    # -- reply and export -------------------------------------------------------------

    async def action_reply(self) -> None:
        """Quick send, replying to the selected message (or number)."""
        reply = self.pages.reply(InboxWriting.of(self.engine), self.opened)
        await reply_in_quick_send(self, reply)

    def action_export(self) -> None:
        self.query_one(InboxExportBar).export()

    @on(InboxExportBar.Export)
    def _export_requested(self, event: InboxExportBar.Export) -> None:
        event.stop()
        self._export(event.path)

    @on(PathInput.PickRequested, "#export-path")
    def _pick_export(self, event: PathInput.PickRequested) -> None:
        pick_export_file(self, event)

    @work(exclusive=True, group="inbox-export", exit_on_error=False)
    async def _export(self, raw_path: str) -> None:
        exported = await export_inbox(self, self.engine, raw_path)
        if exported is not None:
            self.last_export = exported

    # -- events ------------------------------------------------------------------------

    def _show_losses(self) -> None:
        losses = self.engine.inbox.possible_losses()
        when = local(losses[-1].started_at).strftime("%Y-%m-%d %H:%M") if losses else None
        self.query_one(LossNotice).show_losses(losses, when)

    def action_acknowledge_losses(self) -> None:
        if not self.query_one(LossNotice).at_most:
            self.notify("No possible loss of incoming messages to acknowledge.")
            return
        self.engine.inbox.acknowledge_losses()
        self._show_losses()
        self.notify("Noted; the warning is not shown again for these fetches.")

    def on_engine_event(self, event: events.Event) -> None:
        if isinstance(event, events.InboxLossNoticed):
            self._show_losses()
        elif isinstance(event, events.AccountChanged):
            self.query_one(PendingBar).show(event.unpaid_pending, event.free_incoming)
        elif isinstance(event, events.InboxChanged) and event.new_messages and self.is_active:
            self.reload()
