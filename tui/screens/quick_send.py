"""Quick send: one SMS, call or feedback call to numbers pasted in any format.

The form checks everything it can before anything goes out (invalid numbers,
empty text, missing audio) and asks for confirmation stating what will be sent:
how many messages of how many segments to how many numbers, what that costs,
the numbers and the whole text. After sending, a table lists each recipient's
message or call ID and its live status, updated in place from the engine's
events.

A reply from the Inbox (and Ctrl+L, New) starts a fresh form: one definition of
"fresh" (``new_form``) empties the text, clears the results and closes any
question still open about the previous form. A confirmation only ever sends
the form it was asked about: answered after the form was renewed, it sends
nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Select, Static, Tab, Tabs

from tui.engine import events
from tui.gateway.codes import MAX_RETRIES, AudioStatus, Operator
from tui.gateway.errors import CsmsError
from tui.ledger import LedgerError
from tui.screens.base import EngineScreen, has_engine
from tui.screens.confirm import ConfirmScreen
from tui.screens.quick_send_request import (
    KIND_LABELS,
    SHOWN_NUMBERS,
    SendKind,
    SendRequest,
    invalid_numbers_message,
)
from tui.screens.sending_hours import SendingHoursScreen, ask_to_send, opens_label
from tui.widgets import MessageComposer, RecipientsBox
from tui.widgets.reply_quote import Reply, ReplyQuote
from tui.widgets.send_results import Outcome, SendResults, outcome_of
from tui.wording import plural

#: Statuses seen for IDs not yet in the table (events can overtake the reply).
EARLY_STATUSES = 2_000
UNKNOWN_STATUS = "Unknown outcome"
NOT_SENT_STATUS = "Not sent"
BLOCKED_STATUS = "Not sent: do-not-contact list"
DEFAULT_VALID_OPTIONS = 2


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
        self.kind: SendKind = "sms"
        #: A reply asked for before the screen was mounted.
        self._pending_reply: Reply | None = None
        #: Counts fresh forms: a confirmation or a send belongs to the form it began on.
        self.form = 0
        #: Statuses that arrived before their send's IDs were shown (status, outcome).
        self._early: OrderedDict[str, tuple[str, Outcome]] = OrderedDict()
        self._audio_options: list[tuple[str, str]] = []
        self._audio_names: dict[str, str] = {}
        self._mask_options: list[tuple[str, str]] = []
        self._sending = False

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="quick-send-form"):
            yield Tabs(
                *(Tab(label, id=f"kind-{kind}") for kind, label in KIND_LABELS.items()),
                id="kind-tabs",
            )
            yield Label("Recipients", classes="field-label")
            yield RecipientsBox(id="recipients")
            with Vertical(id="sms-fields"):
                yield ReplyQuote(id="reply-quote")
                yield Label("Message", classes="field-label")
                yield MessageComposer(id="message")
            with Vertical(id="call-fields"):
                with Horizontal(classes="field-row"):
                    yield Select[str]([], prompt="Recording (ready audio)", id="audio")
                    yield Select[int](
                        [(self._retries_label(n), n) for n in range(MAX_RETRIES + 1)],
                        allow_blank=False,
                        value=0,
                        id="retries",
                    )
                with Horizontal(classes="field-row", id="feedback-fields"):
                    yield Select[int](
                        [(f"{n} valid key{'' if n == 1 else 's'}", n) for n in range(10)],
                        allow_blank=False,
                        value=DEFAULT_VALID_OPTIONS,
                        id="valid-options",
                    )
                    yield Select[str]([], prompt="Clip after a valid key", id="valid-clip")
                    yield Select[str]([], prompt="Clip after an invalid key", id="invalid-clip")
            with Horizontal(classes="field-row", id="send-row"):
                yield Select[str]([], prompt="Account's default mask", id="mask")
                yield Select[int](
                    [(op.label, int(op)) for op in Operator],
                    prompt="Any operator",
                    id="operator",
                )
                yield Button("Send (Ctrl+S)", variant="primary", id="send")
            yield Static("", id="send-error", markup=False)
        yield SendResults(id="send-results")

    @staticmethod
    def _retries_label(n: int) -> str:
        return f"{n} retr{'y' if n == 1 else 'ies'}"

    def on_mount(self) -> None:
        self.query_one("#send-error").display = False
        self._show_kind()
        self.catch_up()
        if self._pending_reply is not None:
            waiting, self._pending_reply = self._pending_reply, None
            self.start_reply(waiting)

    def catch_up(self) -> None:
        if not has_engine(self):
            return
        self._load_masks()
        self._load_audio()

    def _load_masks(self) -> None:
        profile = self.engine.profile
        masks = list(dict.fromkeys(profile.masks))
        if profile.default_mask and profile.default_mask not in masks:
            masks.insert(0, profile.default_mask)
        options = [(mask, mask) for mask in masks]
        if options == self._mask_options:
            return
        self._mask_options = options
        select: Select[str] = self.query_one("#mask", Select)
        keep = select.value
        select.set_options(options)
        if isinstance(keep, str) and keep in masks:
            select.value = keep
        elif profile.default_mask:
            select.value = profile.default_mask

    def _load_audio(self) -> None:
        files = self.engine.ledger.audio_files(AudioStatus.READY)
        self._audio_names = {f.id: f.name for f in files}
        options = [(self._audio_label(f.name, f.duration), f.id) for f in files]
        if options == self._audio_options:
            return
        self._audio_options = options
        for selector in ("#audio", "#valid-clip", "#invalid-clip"):
            select: Select[str] = self.query_one(selector, Select)
            keep = select.value
            select.set_options(options)
            if isinstance(keep, str) and any(value == keep for _, value in options):
                select.value = keep

    @staticmethod
    def _audio_label(name: str, duration: float | None) -> str:
        return name if duration is None else f"{name} ({duration:.0f} s)"

    # -- kind ---------------------------------------------------------------

    @on(Tabs.TabActivated, "#kind-tabs")
    def _kind_chosen(self, event: Tabs.TabActivated) -> None:
        event.stop()
        kind = (event.tab.id or "kind-sms").removeprefix("kind-")
        if kind in KIND_LABELS:
            self.kind = kind
            self._show_kind()

    def select_kind(self, kind: SendKind) -> None:
        """Show the form for ``kind`` ("sms", "call" or "feedback")."""
        self.query_one("#kind-tabs", Tabs).active = f"kind-{kind}"
        self.kind = kind
        self._show_kind()

    def _show_kind(self) -> None:
        self.query_one("#sms-fields").display = self.kind == "sms"
        self.query_one("#operator").display = self.kind == "sms"
        self.query_one("#call-fields").display = self.kind != "sms"
        self.query_one("#feedback-fields").display = self.kind == "feedback"

    # -- public ---------------------------------------------------------------

    def start_reply(self, reply: Reply) -> None:
        """A fresh SMS to the sender of ``reply``: empty message, no old results,
        and the message being answered quoted above the composer."""
        if not self.is_mounted:
            self._pending_reply = reply
            return
        self.new_form(kind="sms", reply=reply)

    def new_form(self, *, kind: SendKind | None = None, reply: Reply | None = None) -> None:
        """Everything as a newly opened screen has it (of ``kind``, addressed to
        ``reply``'s sender when replying). Nothing of the previous form is kept:
        its text, results, errors and choices go, a confirmation still open
        about it is cancelled, and a send of it still running reports by
        notification only."""
        self.form += 1
        top = self.app.screen
        if top is not self and self in self.app.screen_stack:
            if isinstance(top, ConfirmScreen):
                top.dismiss(False)
            elif isinstance(top, SendingHoursScreen):
                top.dismiss(None)
        self.select_kind(kind or self.kind)
        self.query_one(RecipientsBox).text = reply.sender if reply else ""
        self.query_one(MessageComposer).text = ""
        quote = self.query_one(ReplyQuote)
        if reply is None:
            quote.clear()
        else:
            quote.show(reply)
        self._reset_choices()
        self.query_one(SendResults).clear()
        self._early.clear()
        self._show_error(None)
        if reply is None:
            self.query_one(RecipientsBox).focus()
        else:
            self.query_one(MessageComposer).focus()

    def _reset_choices(self) -> None:
        """Mask, operator, recordings and options as a new screen starts them."""
        mask: Select[str] = self.query_one("#mask", Select)
        default = self.engine.profile.default_mask if has_engine(self) else None
        if default and any(value == default for _, value in self._mask_options):
            mask.value = default
        else:
            mask.clear()
        for selector in ("#operator", "#audio", "#valid-clip", "#invalid-clip"):
            self.query_one(selector, Select).clear()
        self.query_one("#retries", Select).value = 0
        self.query_one("#valid-options", Select).value = DEFAULT_VALID_OPTIONS

    # -- sending --------------------------------------------------------------

    def action_clear_form(self) -> None:
        self.new_form()

    @on(Button.Pressed, "#send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_send()

    def action_send(self) -> None:
        if self._sending:
            self.notify("Still sending the previous request.", severity="warning")
            return
        request = self._build_request()
        if request is None:
            return
        self._show_error(None)

        asked_on = self.form

        def current() -> bool:
            if self.form != asked_on:
                self.notify("The form was renewed, so nothing was sent.", severity="warning")
                return False
            return True

        ask_to_send(
            self,
            self.engine,
            question=request.question(),
            title=f"Send {KIND_LABELS[request.kind]}",
            confirm_label="Send" if request.kind == "sms" else "Call",
            send=lambda: self._send(request, asked_on) if current() else None,
            hold=lambda: self._hold(request) if current() else None,
        )

    def _hold(self, request: SendRequest) -> None:
        """Keep the send until the sending hours open (the engine sends it then)."""
        holds = self.engine.holds
        try:
            if request.kind == "sms":
                held = holds.hold_sms(
                    request.reached, request.text, mask=request.mask, operator=request.operator
                )
            elif request.kind == "call":
                held = holds.hold_call(
                    request.reached, request.file_id, max_retries=request.retries,
                    mask=request.mask,
                )  # fmt: skip
            else:
                held = holds.hold_feedback_call(
                    request.reached,
                    request.file_id,
                    valid_options=request.valid_options,
                    valid_feedback_file_id=request.valid_file[0],
                    invalid_feedback_file_id=request.invalid_file[0],
                    max_retries=request.retries,
                    mask=request.mask,
                )
        except (CsmsError, LedgerError) as error:
            self._show_error(f"Nothing was held or sent: {error}")
            return
        due = opens_label(held.due_at.astimezone(holds.hours.zone), holds.clock())
        status = f"Held until {due} (hold {held.id})"
        results = self.query_one(SendResults)
        label = KIND_LABELS[request.kind]
        for recipient in request.reached:
            results.add(recipient, label, "—", status, "held")
        self.notify(
            f"{label} held until {due}: it goes out then while csms runs, or at"
            " `csms hold run` (`csms hold cancel "
            f"{held.id}` cancels it).",
            timeout=10,
        )

    def _build_request(self) -> SendRequest | None:
        """The checked request, or None after showing what must be fixed."""
        parsed = self.query_one(RecipientsBox).parsed
        if parsed.invalid:
            self._refuse(invalid_numbers_message(parsed.invalid), focus="#recipients")
            return None
        if not parsed.valid:
            self._refuse("Add at least one recipient number.", focus="#recipients")
            return None
        check = self.engine.optouts.check(list(parsed.valid))
        if not check.allowed:
            shown = ", ".join(check.blocked_numbers[:SHOWN_NUMBERS])
            self._refuse(
                f"Nothing was sent: every recipient is on the do-not-contact list ({shown}).",
                focus="#recipients",
            )
            return None
        mask_value = self.query_one("#mask", Select).value
        mask = mask_value if isinstance(mask_value, str) else None
        common: dict[str, Any] = {
            "recipients": list(parsed.valid),
            "repeats": len(parsed.duplicates),
            "blocked": tuple(check.blocked_numbers),
            "mask": mask,
        }
        if self.kind == "sms":
            composer = self.query_one(MessageComposer)
            analysis = composer.analysis
            if not composer.text.strip():
                self._refuse("Write the message text before sending.", focus="#message")
                return None
            if composer.problem:  # template fields such as {name} left in the text
                self._refuse(composer.problem, focus="#message")
                return None
            operator = self.query_one("#operator", Select).value
            return SendRequest(
                kind="sms",
                text=composer.text,
                segments=analysis.segments,
                encoding="Unicode" if analysis.is_unicode else "GSM-7",
                operator=operator if isinstance(operator, int) else None,
                price=self.engine.profile.price_per_segment,
                credit=self.engine.status.credit,
                **common,
            )
        names = self._audio_names
        audio = self.query_one("#audio", Select).value
        if not isinstance(audio, str):
            message = (
                "Choose the recording to play."
                if names
                else "No audio file is ready yet: upload one on the Audio screen first."
            )
            self._refuse(message, focus="#audio")
            return None
        retries = self.query_one("#retries", Select).value
        common.update(
            file_id=audio,
            file_name=names.get(audio, audio),
            retries=retries if isinstance(retries, int) else 0,
        )
        if self.kind == "call":
            return SendRequest(kind="call", **common)
        options = self.query_one("#valid-options", Select).value
        valid = self.query_one("#valid-clip", Select).value
        invalid = self.query_one("#invalid-clip", Select).value
        if not isinstance(valid, str) or not isinstance(invalid, str):
            self._refuse(
                "Choose the clips played after a valid and after an invalid key.",
                focus="#valid-clip" if not isinstance(valid, str) else "#invalid-clip",
            )
            return None
        return SendRequest(
            kind="feedback",
            valid_options=options if isinstance(options, int) else 0,
            valid_file=(valid, names.get(valid, valid)),
            invalid_file=(invalid, names.get(invalid, invalid)),
            **common,
        )

    def _refuse(self, message: str, *, focus: str) -> None:
        self._show_error(message)
        self.notify(message if len(message) < 200 else message[:197] + "…", severity="error")
        self.query_one(focus).focus()

    def _show_error(self, message: str | None) -> None:
        error = self.query_one("#send-error", Static)
        error.update(message or "")
        error.display = bool(message)

    def _set_sending(self, sending: bool) -> None:
        self._sending = sending
        button = self.query_one("#send", Button)
        button.disabled = sending
        button.label = "Sending…" if sending else "Send (Ctrl+S)"

    @work(exclusive=True, group="quick-send", exit_on_error=False)
    async def _send(self, request: SendRequest, form: int) -> None:
        self._set_sending(True)
        try:
            engine = self.engine
            if request.kind == "sms":
                outcome = await engine.send_sms(
                    request.recipients, request.text, mask=request.mask, operator=request.operator
                )
            elif request.kind == "call":
                outcome = await engine.make_call(
                    request.recipients,
                    request.file_id,
                    max_retries=request.retries,
                    mask=request.mask,
                )
            else:
                outcome = await engine.make_feedback_call(
                    request.recipients,
                    request.file_id,
                    valid_options=request.valid_options,
                    valid_feedback_file_id=request.valid_file[0],
                    invalid_feedback_file_id=request.invalid_file[0],
                    max_retries=request.retries,
                    mask=request.mask,
                )
        except CsmsError as error:
            if form == self.form:
                self._show_error(str(error))
            self.notify(str(error), severity="error", timeout=10)
            return
        finally:
            self._set_sending(False)
        # A send of a form since renewed (a reply begun meanwhile) reports here
        # only; its results are on the Activity screen, not in the new form.
        current = form == self.form
        if current:
            self._show_outcome(
                request, outcome.ids, outcome.unknown, outcome.unsent, outcome.blocked
            )
        if outcome.error:
            if current:
                self._show_error(outcome.error)
            self.notify(outcome.error, severity="error", timeout=10)
        else:
            sent = len(outcome.ids)
            where = "" if current else " (see Activity)"
            self.notify(
                f"{KIND_LABELS[request.kind]} accepted for {plural(sent, 'recipient')}{where}."
            )

    def _show_outcome(
        self,
        request: SendRequest,
        ids: list[tuple[str, str]],
        unknown: list[str],
        unsent: list[str],
        blocked: list[str] | None = None,
    ) -> None:
        results = self.query_one(SendResults)
        label = KIND_LABELS[request.kind]
        with self.app.batch_update():
            for recipient, item_id in ids:
                key = f"{request.tracked_kind}:{item_id}"
                status, outcome = self._early.pop(key, ("Submitted", "waiting"))
                results.add_keyed(key, recipient, label, item_id, status, outcome)
            for recipients, status, outcome in (
                (unknown, UNKNOWN_STATUS, "unknown"),
                (unsent, NOT_SENT_STATUS, "not sent"),
                (blocked or [], BLOCKED_STATUS, "blocked"),
            ):
                for recipient in recipients:
                    results.add(recipient, label, "—", status, outcome)

    # -- live statuses ----------------------------------------------------------

    def on_engine_event(self, event: events.Event) -> None:
        if isinstance(event, events.StatusChanged):
            if event.kind == "audio":
                self._load_audio()
                return
            status = f"{event.status} ({event.detail})" if event.detail else event.status
            key = f"{event.kind}:{event.item_id}"
            outcome = outcome_of(event.status, event.final)
            if self.query_one(SendResults).set_status(key, status, outcome):
                return
            if event.kind in ("message", "call"):
                self._early[key] = (status, outcome)
                while len(self._early) > EARLY_STATUSES:
                    self._early.popitem(last=False)
