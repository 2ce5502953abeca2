"""A conversation: everything exchanged with one number, with a reply box.

Messages the number sent, the SMS sent to it (quick, personalised, campaigns),
calls and the key pressed, and its do-not-contact history, in time order, newest
at the bottom. The reply box is the composer Quick send uses (same counter),
and a reply asks the same confirmation (or, outside the sending hours, "hold or
send anyway?"). Opened from the Inbox (Enter on a message), from Activity
(Enter on an SMS or call), from the command palette by typing a number in any
format, and printed by ``csms thread NUMBER``. Escape goes back.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from tui.engine import events
from tui.engine.threads import ThreadItem, thread_key
from tui.gateway.errors import CsmsError
from tui.ledger import LedgerError
from tui.screens.base import EngineScreen
from tui.screens.display_time import local
from tui.screens.quick_send_request import SendRequest
from tui.screens.sending_hours import ask_to_send, opens_label
from tui.widgets import MessageComposer

#: Newest items shown (older ones are counted above them).
SHOWN_ITEMS = 300

ARROWS = {"in": "←", "out": "→", "note": "·"}
KIND_WORDS = {
    "received": "Received",
    "sms": "SMS",
    "call": "Call",
    "campaign": "Campaign",
    "optout": "Do-not-contact",
}


def item_line(item: ThreadItem) -> str:
    """``04 Dec 09:01 ← Received (unread): Stop``: readable without colour."""
    at = local(item.at)
    status = f" ({item.status})" if item.status else ""
    detail = f" [{item.detail}]" if item.detail else ""
    what = f"{KIND_WORDS[item.kind]}{status}{detail}"
    return f"{at:%d %b %H:%M} {ARROWS[item.direction]} {what}: {item.text}"


class ConversationScreen(EngineScreen):
    DEFAULT_CSS = """
    ConversationScreen #conv-title { height: auto; padding: 0 1; text-style: bold; }
    ConversationScreen #conv-thread { height: 1fr; min-height: 3; padding: 0 1; }
    ConversationScreen .conv-item { height: auto; }
    ConversationScreen .conv-item.-in { color: $text; }
    ConversationScreen .conv-item.-out { color: $text-muted; }
    ConversationScreen .conv-item.-note { color: $warning; }
    ConversationScreen #conv-message { height: auto; max-height: 8; }
    ConversationScreen #conv-bottom { height: auto; }
    ConversationScreen #conv-error { width: 1fr; color: $error; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="conversation.close"),
        Binding("ctrl+s", "send", "Send reply", id="conversation.send"),
        Binding("ctrl+r", "reload", "Reload", id="conversation.reload"),
    ]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = thread_key(number)[0]
        self._sending = False
        #: IDs of the messages and calls shown: their status changes reload the thread.
        self._refs: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Static(f"Conversation with {self.number}", id="conv-title", markup=False)
        yield VerticalScroll(id="conv-thread")
        yield MessageComposer(placeholder=f"Reply to {self.number}", id="conv-message")
        with Horizontal(id="conv-bottom"):
            yield Static("", id="conv-error", markup=False)
            yield Button("Send (Ctrl+S)", id="conv-send", variant="primary")

    def on_mount(self) -> None:
        self.catch_up()
        self.query_one(MessageComposer).text_area.focus()

    def catch_up(self) -> None:
        self._load()

    def action_reload(self) -> None:
        self._load()

    def action_close(self) -> None:
        self.dismiss()

    def on_engine_event(self, event: events.Event) -> None:
        if isinstance(event, events.InboxChanged | events.OptOutsChanged):
            self._load()
        elif isinstance(event, events.StatusChanged) and event.item_id in self._refs:
            self._load()

    @work(exclusive=True, group="conversation-load", exit_on_error=False)
    async def _load(self) -> None:
        threads = self.engine.threads
        items = await asyncio.to_thread(threads.thread, self.number)
        await asyncio.to_thread(threads.mark_read, self.number)
        await self._show(items)

    async def _show(self, items: list[ThreadItem]) -> None:
        thread = self.query_one("#conv-thread", VerticalScroll)
        at_end = thread.scroll_y >= thread.max_scroll_y - 1
        shown = items[-SHOWN_ITEMS:]
        self._refs = {item.ref for item in shown if item.kind in ("sms", "call")}
        lines: list[Static] = []
        if len(items) > len(shown):
            older = len(items) - len(shown)
            lines.append(Static(f"{older:,} older items are not shown (csms thread prints all).",
                                classes="conv-item -note"))  # fmt: skip
        if not items:
            lines.append(Static("Nothing exchanged with this number yet.", classes="conv-item"))
        lines += [
            Static(item_line(item), classes=f"conv-item -{item.direction}", markup=False)
            for item in shown
        ]
        with self.app.batch_update():
            await thread.remove_children()
            await thread.mount_all(lines)
        sent = sum(1 for item in items if item.direction == "out")
        got = sum(1 for item in items if item.direction == "in")
        self.query_one("#conv-title", Static).update(
            f"Conversation with {self.number}: {got:,} received, {sent:,} sent or called"
        )
        if at_end or not self._shown_once:
            thread.scroll_end(animate=False)
        self._shown_once = True

    _shown_once = False

    # -- replying ------------------------------------------------------------------

    @on(Button.Pressed, "#conv-send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_send()

    def _error(self, message: str) -> None:
        self.query_one("#conv-error", Static).update(message)

    def action_send(self) -> None:
        if self._sending:
            self.notify("Still sending the previous reply.", severity="warning")
            return
        composer = self.query_one(MessageComposer)
        if not composer.text.strip() or composer.problem:
            self._error(composer.problem or "Write the reply first.")
            composer.text_area.focus()
            return
        engine = self.engine
        if engine.optouts.check([self.number]).blocked_numbers:
            self._error(
                f"{self.number} is on the do-not-contact list; take it off on the Opt-outs"
                " screen first if they asked to hear from you again."
            )
            return
        self._error("")
        analysis = composer.analysis
        request = SendRequest(
            kind="sms",
            recipients=[self.number],
            text=composer.text,
            segments=analysis.segments,
            encoding="Unicode" if analysis.is_unicode else "GSM-7",
            analysis=analysis,
            mask=engine.profile.default_mask,
            price=engine.profile.price_per_segment,
            credit=engine.status.credit,
        )
        ask_to_send(
            self,
            engine,
            question=request.question(),
            title=f"Reply to {self.number}",
            confirm_label="Send",
            send=lambda: self._send(request),
            hold=lambda: self._hold(request),
        )

    def _hold(self, request: SendRequest) -> None:
        holds = self.engine.holds
        try:
            held = holds.hold_send(request.send())
        except (CsmsError, LedgerError) as error:
            self._error(f"Nothing was held or sent: {error}")
            return
        due = opens_label(held.due_at.astimezone(holds.hours.zone), holds.clock())
        self.query_one(MessageComposer).text = ""
        self.notify(f"Reply held until {due} (hold {held.id}); it goes out then.", timeout=10)

    @work(exclusive=True, group="conversation-send", exit_on_error=False)
    async def _send(self, request: SendRequest) -> None:
        self._sending = True
        button = self.query_one("#conv-send", Button)
        button.disabled = True
        try:
            outcome = await self.engine.submit(request.send())
        except CsmsError as error:
            self._error(str(error))
            return
        finally:
            self._sending = False
            button.disabled = False
        if outcome.error:
            self._error(outcome.error)
        else:
            self.query_one(MessageComposer).text = ""
            self.notify(f"Reply accepted for {self.number}.")
        self._load()
