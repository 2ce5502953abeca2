"""Quick send: one SMS, call or feedback call to numbers pasted in any format.

The form (``quick_send_form.SendForm``) checks everything it can before
anything goes out (invalid numbers, empty text, missing audio:
``quick_send_fields``) and asks for confirmation stating what will be sent:
how many messages of how many segments to how many numbers, what that costs,
the numbers and the whole text (``quick_send_request``). After sending, a table
(``widgets/send_monitor.py``) lists each recipient's message or call ID and its
live status, updated in place from the engine's events.

A reply from the Inbox (and Ctrl+L, New) starts a fresh form: one definition of
"fresh" (``new_form``) empties the text, clears the results and closes any
question still open about the previous form. A confirmation only ever sends
the form it was asked about: answered after the form was renewed, it sends
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button

from tui.engine import events
from tui.engine.repeat_sends import recent_repeats
from tui.gateway.codes import AudioStatus
from tui.gateway.errors import CsmsError, InvalidInput
from tui.ledger import LedgerError
from tui.screens.base import EngineScreen, has_engine
from tui.screens.confirm import ConfirmScreen
from tui.screens.display_time import local
from tui.screens.quick_send_fields import Refusal, check_form
from tui.screens.quick_send_form import SendForm
from tui.screens.quick_send_request import KIND_LABELS, SendKind, SendRequest
from tui.screens.quick_send_submit import hold, submit
from tui.screens.sending_hours import SendingHoursScreen, ask_to_send, opens_label
from tui.widgets.reply_quote import Reply
from tui.widgets.send_monitor import SendMonitor
from tui.wording import plural


class QuickSendScreen(EngineScreen):
    """Send an SMS, a call or a feedback call, and follow what happens to it."""

    CSS_PATH = "../styles/quick_send.tcss"
    AUTO_FOCUS = ".recipients-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", id="quick_send.send"),
        Binding("ctrl+l", "clear_form", "New", id="quick_send.clear"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: A reply asked for before the screen was mounted.
        self._pending_reply: Reply | None = None
        #: Counts fresh forms: a confirmation or a send belongs to the form it began on.
        self.form = 0
        self._sending = False

    def compose(self) -> ComposeResult:
        yield SendForm(id="quick-send-form")
        yield SendMonitor(id="send-results")

    @property
    def send_form(self) -> SendForm:
        return self.query_one(SendForm)

    @property
    def results(self) -> SendMonitor:
        return self.query_one(SendMonitor)

    @property
    def kind(self) -> SendKind:
        """The kind of send the form is for ("sms", "call" or "feedback")."""
        return self.send_form.kind

    def select_kind(self, kind: SendKind) -> None:
        """Show the form for ``kind``."""
        self.send_form.select_kind(kind)

    def on_mount(self) -> None:
        self.catch_up()
        if self._pending_reply is not None:
            waiting, self._pending_reply = self._pending_reply, None
            self.start_reply(waiting)

    def catch_up(self) -> None:
        if not has_engine(self):
            return
        profile = self.engine.profile
        self.send_form.set_masks(profile.masks, profile.default_mask)
        self._load_audio()

    def _load_audio(self) -> None:
        self.send_form.set_recordings(self.engine.reads.audio.audio_files(AudioStatus.READY))

    # -- a fresh form -----------------------------------------------------------

    def start_reply(self, reply: Reply) -> None:
        """A fresh SMS to the sender of ``reply``: empty message, no old results,
        and the message being answered quoted above the composer."""
        if not self.is_mounted:
            self._pending_reply = reply
            return
        self._unless_draft_kept(
            f"Replace it with a reply to {reply.sender}?",
            lambda: self.new_form(kind="sms", reply=reply),
        )

    def new_form(self, *, kind: SendKind | None = None, reply: Reply | None = None) -> None:
        """Everything as a newly opened screen has it (of ``kind``, addressed to
        ``reply``'s sender when replying). Nothing of the previous form is kept:
        its text, results, errors and choices go, a confirmation still open
        about it is cancelled, and a send of it still running reports by
        notification only."""
        self.form += 1
        self._cancel_open_question()
        default_mask = self.engine.profile.default_mask if has_engine(self) else None
        self.results.clear()
        self.send_form.reset(kind=kind or self.kind, reply=reply, default_mask=default_mask)

    def action_clear_form(self) -> None:
        self._unless_draft_kept("Clear the form?", self.new_form)

    def _cancel_open_question(self) -> None:
        """Cancel a confirmation still open about this form."""
        top = self.app.screen
        if top is not self and self in self.app.screen_stack:
            if isinstance(top, ConfirmScreen):
                top.dismiss(False)
            elif isinstance(top, SendingHoursScreen):
                top.dismiss(None)

    def _unless_draft_kept(self, question: str, then: Callable[[], None]) -> None:
        """``then()`` at once on an empty form; with something typed, only once
        the user agrees to lose it (Keep draft is the focused answer)."""
        draft = self.send_form.draft()
        if draft is None:
            then()
            return
        # A question about sending the draft is answered "no" first: a stray
        # Enter after this one never sends it.
        self._cancel_open_question()

        def answered(replace: bool | None) -> None:
            if replace:
                then()

        self.app.push_screen(
            ConfirmScreen(
                f"Quick send holds {draft}. {question} The draft is lost.",
                title="Replace the draft?",
                confirm_label="Replace draft",
                cancel_label="Keep draft",
                danger=True,
            ),
            answered,
        )

    # -- sending ----------------------------------------------------------------

    @on(Button.Pressed, "#send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_send()

    def action_send(self) -> None:
        if self._sending:
            self.notify("Still sending the previous request.", severity="warning")
            return
        engine = self.engine
        form = self.send_form
        request = check_form(
            form.values(),
            optouts=engine.optouts.check,
            price=engine.profile.price_per_segment,
            credit=engine.status.credit,
            credit_at=engine.status.credit_at,
        )
        if isinstance(request, Refusal):
            form.refuse(request)
            return
        form.show_error(None)

        asked_on = self.form

        def current() -> bool:
            if self.form != asked_on:
                self.notify("The form was renewed, so nothing was sent.", severity="warning")
                return False
            return True

        question = request.question()
        try:
            repeats = recent_repeats(engine.reads, request.send(reached_only=True), engine.now())
        except InvalidInput:  # nobody is reached: the send says so itself
            repeats = []
        for repeat in reversed(repeats):
            question = f"{repeat.sentence(f'{local(repeat.last_at):%H:%M}')}\n{question}"
        ask_to_send(
            self,
            engine,
            question=question,
            safe_first=bool(repeats),
            title=f"Send {KIND_LABELS[request.kind]}",
            confirm_label="Send" if request.kind == "sms" else "Call",
            send=lambda: self._sent_now(lambda: self._send(request, asked_on), current()),
            hold=lambda: self._sent_now(lambda: self._hold(request), current()),
        )

    def _sent_now(self, go: Callable[[], object], current: bool) -> None:
        """The user confirmed the form: it goes (or is held) and is no longer a draft."""
        if current:
            self.send_form.mark_sent()
            go()

    def _hold(self, request: SendRequest) -> None:
        """Keep the send until the sending hours open (the engine sends it then)."""
        holds = self.engine.holds
        try:
            held = hold(holds, request)
        except (CsmsError, LedgerError) as error:
            self.send_form.show_error(f"Nothing was held or sent: {error}")
            return
        due = opens_label(held.due_at.astimezone(holds.hours.zone), holds.clock())
        label = KIND_LABELS[request.kind]
        self.results.show_held(label, request.reached, f"Held until {due} (hold {held.id})")
        self.notify(
            f"{label} held until {due}: it goes out then while csms runs, or at"
            f" `csms hold run`. Activity lists it as hold {held.id}; x there cancels it.",
            timeout=10,
        )

    def _set_sending(self, sending: bool) -> None:
        self._sending = sending
        self.send_form.set_sending(sending)

    @work(exclusive=True, group="quick-send", exit_on_error=False)
    async def _send(self, request: SendRequest, form: int) -> None:
        self._set_sending(True)
        try:
            outcome = await submit(self.engine, request)
        except CsmsError as error:
            if form == self.form:
                self.send_form.show_error(str(error))
            self.notify(str(error), severity="error", timeout=10)
            return
        finally:
            self._set_sending(False)
        # A send of a form since renewed (a reply begun meanwhile) reports here
        # only; its results are on the Activity screen, not in the new form.
        current = form == self.form
        label = KIND_LABELS[request.kind]
        if current:
            self.results.show_outcome(
                label,
                request.tracked_kind,
                outcome.ids,
                outcome.unknown,
                outcome.unsent,
                outcome.blocked,
            )
        if outcome.error:
            if current:
                self.send_form.show_error(outcome.error)
            self.notify(outcome.error, severity="error", timeout=10)
        else:
            where = "" if current else " (see Activity)"
            self.notify(f"{label} accepted for {plural(len(outcome.ids), 'recipient')}{where}.")

    # -- live statuses ----------------------------------------------------------

    def on_engine_event(self, event: events.Event) -> None:
        if isinstance(event, events.StatusChanged):
            if event.kind == "audio":
                self._load_audio()
            else:
                self.results.status_changed(event)
