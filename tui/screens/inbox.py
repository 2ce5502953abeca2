"""Inbox: stored incoming messages, one page at a time, with search and actions.

Only one page (``PAGE_SIZE`` rows) is ever loaded from the ledger, so a large
inbox costs no more than a small one. Paying for pending messages and
discarding them are confirmed first, saying what each costs or loses.

``g`` groups the table by number (one row per conversation, from
``engine.threads``) and back. A message whose whole text is an opt-out or
opt-in keyword, as the do-not-contact list reads it, is marked so in its row.
"""

from __future__ import annotations

import asyncio
import unicodedata
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, DataTable, Input, Static

from tui.engine import events
from tui.gateway.errors import CsmsError
from tui.ledger import InboxMessage, LedgerError
from tui.screens import inbox_pending
from tui.screens.base import EngineScreen, has_engine
from tui.screens.display_time import local
from tui.screens.file_choice import may_write, open_picker
from tui.widgets.conversation_table import ConversationTable, PagedTable
from tui.widgets.loss_notice import LossNotice
from tui.widgets.path_input import PathInput, typed_path
from tui.widgets.pending_bar import PendingBar
from tui.widgets.reply_quote import Reply
from tui.wording import plural

PAGE_SIZE = 100
CSV_SUFFIXES = frozenset({".csv"})
PREVIEW_CHARS = 80
UNREAD_MARK = "●"
#: The prefix of a message that is a keyword for the do-not-contact list.
KEYWORD_LABELS = {"opt_out": "Opt-out: ", "opt_in": "Opt-in: "}


def default_export_path(today: date | None = None) -> str:
    """``~/csms-inbox-YYYYMMDD.csv`` for today."""
    return f"~/csms-inbox-{(today or date.today()):%Y%m%d}.csv"


def is_rtl(text: str) -> bool:
    """Whether the first letter with a direction is right-to-left (Urdu, Arabic...)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """The message on one line, cut to ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class InboxTable(PagedTable):
    """The page of messages. PageDown on the last row and PageUp on the first
    turn the page; ``c`` copies the sender's number."""


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
        self.page_offset = 0
        self.search: str | None = None
        self.total = 0
        self.page: dict[str, InboxMessage] = {}
        #: The time zone the page's times were written in (redrawn when it changes).
        self._page_zone = ""
        #: One row per number (True) or per message.
        self.grouped = False
        self._message_offset = 0
        self.opened: InboxMessage | None = None
        #: The last export's file and row count.
        self.last_export: tuple[Path, int] | None = None

    # -- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield LossNotice(how_to_acknowledge="Press K once noted.", id="loss-notice")
        with Horizontal(id="inbox-top"):
            yield Input(
                placeholder="Search messages and numbers (Enter; Escape clears)", id="search"
            )
            yield Static("", id="page-info")
        yield PendingBar(auto_fetch=self._auto_fetch(), id="pending-bar")
        yield InboxTable(id="messages", cursor_type="row", zebra_stripes=True)
        conversations = ConversationTable(id="conversations")
        conversations.display = False
        yield conversations
        with Vertical(id="detail-pane"):
            yield Static("Open a message (Enter) to read it in full.", id="detail-meta")
            with VerticalScroll(id="detail-scroll"):
                yield Static("", id="detail-text", markup=False)
        with Horizontal(id="export-bar"):
            yield Button("Reply", id="reply")
            yield PathInput(default_export_path(), id="export-path")
            yield Button("Export CSV", id="export")

    def _auto_fetch(self) -> bool:
        return self.engine.status.auto_fetch if has_engine(self) else True

    def on_mount(self) -> None:
        table = self.query_one(InboxTable)
        table.add_column(" ", key="unread", width=1)
        table.add_column("Received", key="received", width=16)
        table.add_column("From", key="from", width=13)
        table.add_column("Message", key="message")
        self.catch_up()

    def catch_up(self) -> None:
        if not has_engine(self):
            return
        status = self.engine.status
        self._show_pending(status.unpaid_pending, status.free_incoming)
        self._show_losses()
        self.query_one(PendingBar).set_auto_fetch(status.auto_fetch)
        self.reload()

    # -- the page -------------------------------------------------------------------

    def _zone(self) -> ZoneInfo | None:
        try:
            return ZoneInfo(self.engine.profile.timezone)
        except (KeyError, ValueError):
            return None

    def _when(self, message: InboxMessage) -> str:
        if message.timestamp is None and message.timestamp_raw:
            return message.timestamp_raw
        moment = message.timestamp or message.received_at
        if moment.tzinfo is not None:
            moment = moment.astimezone(self._zone())
        return moment.strftime("%Y-%m-%d %H:%M")

    def reload(self) -> None:
        """Read the current page from the ledger and show it, keeping the cursor's message."""
        if self.grouped:
            self._reload_conversations()
            return
        ledger = self.engine.ledger
        if self.search:
            self.total = ledger.search_count(self.search)
            messages = ledger.search_inbox(self.search, PAGE_SIZE, self.page_offset)
        else:
            self.total = ledger.inbox_count()
            messages = ledger.inbox_page(self.page_offset, PAGE_SIZE)
        if self.page_offset and not messages and self.total:
            self.page_offset = max(0, (self.total - 1) // PAGE_SIZE * PAGE_SIZE)
            self.reload()
            return
        self._fill(messages)
        self._show_page_info()

    def _fill(self, messages: list[InboxMessage]) -> None:
        table = self.query_one(InboxTable)
        keys = [str(m.id) for m in messages]
        with self.app.batch_update():
            zone = self.engine.profile.timezone
            if keys == list(self.page) and zone == self._page_zone:
                for message in messages:
                    key = str(message.id)
                    if self.page[key].read != message.read:
                        table.update_cell(key, "unread", "" if message.read else UNREAD_MARK)
            else:
                current = self._cursor_key()
                table.clear()
                for message in messages:
                    table.add_row(
                        "" if message.read else UNREAD_MARK,
                        self._when(message),
                        message.msisdn,
                        preview(self._label(message.text) + message.text),
                        key=str(message.id),
                    )
                if current is not None and current in table.rows:
                    table.move_cursor(row=table.get_row_index(current))
        self.page = {str(m.id): m for m in messages}
        self._page_zone = zone

    def _label(self, text: str) -> str:
        """The row's prefix for a keyword reply: "Opt-out: ", "Opt-in: " or nothing."""
        return KEYWORD_LABELS.get(self.engine.optouts.classify(text) or "", "")

    def _at(self, moment: datetime) -> str:
        return moment.astimezone(self._zone()).strftime("%Y-%m-%d %H:%M")

    def _reload_conversations(self) -> None:
        threads = self.engine.threads
        self.total = threads.conversation_count()
        rows = threads.conversations(self.page_offset, PAGE_SIZE)
        if self.page_offset and not rows and self.total:
            self.page_offset = max(0, (self.total - 1) // PAGE_SIZE * PAGE_SIZE)
            self._reload_conversations()
            return
        self.query_one(ConversationTable).show(rows, self._at, self._label)
        self._show_page_info()

    def _table(self) -> PagedTable:
        """The table on show."""
        return self.query_one(ConversationTable if self.grouped else InboxTable)

    def action_toggle_group(self) -> None:
        """One row per number, or one row per message (where the page was)."""
        if self.search and not self.grouped:
            self._clear_search_box()
            self.notify("Search lists messages only, so it was cleared for the grouped view.")
        self.grouped = not self.grouped
        if self.grouped:
            self._message_offset, self.page_offset = self.page_offset, 0
        else:
            self.page_offset = self._message_offset
        self.query_one(InboxTable).display = not self.grouped
        self.query_one(ConversationTable).display = self.grouped
        self.reload()
        self._table().focus()

    def _cursor_key(self) -> str | None:
        table = self.query_one(InboxTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)

    def _show_page_info(self) -> None:
        info = self.query_one("#page-info", Static)
        what = f"matching {self.search!r}" if self.search else "in the inbox"
        mode = "Grouped by number · " if self.grouped else ""
        if self.total == 0:
            info.update(f"{mode}No messages {what}.")
            return
        if self.grouped:
            what = "number" if self.total == 1 else "numbers"
        first = self.page_offset + 1
        last = min(self.page_offset + PAGE_SIZE, self.total)
        pages = (self.total + PAGE_SIZE - 1) // PAGE_SIZE
        page = self.page_offset // PAGE_SIZE + 1
        info.update(f"{mode}{first}-{last} of {self.total:,} {what} · page {page}/{pages}")

    def action_page(self, step: int) -> None:
        offset = self.page_offset + step * PAGE_SIZE
        if offset < 0 or (step > 0 and offset >= self.total):
            self.notify("No more pages that way.", timeout=2)
            return
        self.page_offset = offset
        self.reload()
        table = self._table()
        if table.row_count:
            table.move_cursor(row=0 if step > 0 else table.row_count - 1)

    @on(PagedTable.TurnPage)
    def _turn_page(self, event: PagedTable.TurnPage) -> None:
        event.stop()
        self.action_page(event.step)

    # -- reading --------------------------------------------------------------------

    @on(DataTable.RowSelected, "#messages")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        message = self.page.get(str(key)) if key is not None else None
        if message is None:
            return
        open_conversation = getattr(self.app, "open_conversation", None)
        if self.opened is not None and self.opened.id == message.id and open_conversation:
            open_conversation(message.msisdn)  # Enter again: the whole conversation
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
        open_conversation = getattr(self.app, "open_conversation", None)
        if open_conversation is not None:
            open_conversation(talk.msisdn)  # the table is read again on coming back
            return
        message = self.engine.ledger.inbox_message(talk.last_id)
        if message is not None:
            self.open_message(message)
            self.reload()

    def open_message(self, message: InboxMessage) -> None:
        """Show ``message`` in full and mark it read."""
        self.opened = message
        when = self._when(message)
        code = f" · to {message.short_code}" if message.short_code else ""
        keyword = self._label(message.text).rstrip(": ")
        keyword = f" · {keyword} keyword" if keyword else ""
        self.query_one("#detail-meta", Static).update(
            f"From {message.msisdn}{code} · {when} · {len(message.text)} characters{keyword}"
            " · Enter again: the conversation"
        )
        text = self.query_one("#detail-text", Static)
        text.update(message.text)
        text.set_class(is_rtl(message.text), "rtl")
        if not message.read:
            self.engine.ledger.mark_read([message.id])
            key = str(message.id)
            table = self.query_one(InboxTable)
            if key in table.rows:
                table.update_cell(key, "unread", "")
            self.page[key] = replace(message, read=True)

    # -- search ---------------------------------------------------------------------

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        event.stop()
        self.search = event.value.strip() or None
        self.page_offset = 0
        if self.grouped and self.search:
            self._message_offset = 0
            self.notify("Search lists messages, so the view is one row per message again.")
            self.action_toggle_group()  # reloads (at the first page) and focuses
            return
        self.reload()
        self.query_one(InboxTable).focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def _clear_search_box(self) -> None:
        self.query_one("#search", Input).value = ""
        self.search = None
        self.page_offset = 0

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        if not self.search and not search.value:
            return
        self._clear_search_box()
        self.reload()
        self._table().focus()

    # -- pending at the gateway -------------------------------------------------------

    def _show_pending(self, unpaid: int, free: int) -> None:
        self.query_one(PendingBar).show(unpaid, free)

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        actions = {
            "pay": self.action_pay_and_fetch,
            "discard": self.action_discard,
            "fetch": self.action_fetch,
            "reply": self.action_reply,
            "export": self.action_export,
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
        try:
            outcome = await self.engine.fetch_inbox()
        except CsmsError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.notify(f"Fetched {plural(outcome.new_messages, 'new message')}.")
        self.reload()

    @work(exclusive=True, group="inbox-action", exit_on_error=False)
    async def _pay_and_fetch(self) -> None:
        if await inbox_pending.pay_and_fetch(self, self.engine):
            self.page_offset = 0
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

    def _selected(self) -> InboxMessage | None:
        key = self._cursor_key()
        return self.page.get(key) if key is not None else self.opened

    def _reply_to(self) -> Reply | None:
        if self.grouped:
            talk = self.query_one(ConversationTable).cursor_conversation()
            return (
                None if talk is None else Reply(talk.msisdn, self._at(talk.last_at), talk.last_text)
            )
        message = self._selected()
        return None if message is None else Reply(message.msisdn, self._when(message), message.text)

    async def action_reply(self) -> None:
        """Open Quick send on a fresh form addressed to the selected message's
        sender (or number), quoting it (never on what was last typed or sent there)."""
        reply = self._reply_to()
        if reply is None:
            self.notify("Select a message to reply to.", severity="warning")
            return
        from tui.screens.quick_send import QuickSendScreen

        await self.app.switch_mode("quick_send")
        screen = next(
            (s for s in reversed(self.app.screen_stack) if isinstance(s, QuickSendScreen)), None
        )
        if screen is not None:
            screen.start_reply(reply)

    def action_export(self) -> None:
        field = self.query_one("#export-path", Input)
        if not field.value.strip():
            field.value = default_export_path()
        self._export(field.value)

    @on(Input.Submitted, "#export-path")
    def _export_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._export(event.value)

    @on(PathInput.PickRequested, "#export-path")
    def _pick_export(self, event: PathInput.PickRequested) -> None:
        open_picker(self, event, suffixes=CSV_SUFFIXES, title="Export the inbox to (a .csv file)")

    @work(exclusive=True, group="inbox-export", exit_on_error=False)
    async def _export(self, raw_path: str) -> None:
        if not raw_path.strip():
            self.notify("Give the file to export to, e.g. ~/inbox.csv.", severity="error")
            return
        path = typed_path(raw_path)
        if path is None:
            return
        if await asyncio.to_thread(path.is_dir):
            self.notify(f"{path} is a folder; give a file name ending in .csv.", severity="error")
            return
        if not await asyncio.to_thread(path.parent.is_dir):
            self.notify(
                f"The folder {path.parent} does not exist; create it or choose another.",
                severity="error",
            )
            return
        if not await may_write(self, path, "the inbox"):
            return
        try:
            rows = await self.engine.export_inbox(path)
        except (CsmsError, LedgerError) as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        except OSError as error:
            self.notify(
                f"Could not write {path}: {error.strerror}. Choose another file.",
                severity="error",
                timeout=10,
            )
            return
        self.last_export = (path, rows)
        self.notify(f"Exported {plural(rows, 'message')} to {path}.")

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
            self._show_pending(event.unpaid_pending, event.free_incoming)
        elif isinstance(event, events.InboxChanged) and event.new_messages and self.is_active:
            self.reload()
