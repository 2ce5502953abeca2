"""Quick send's form: the kind tabs (SMS, call, feedback call), the
recipients, the message (with the message being answered, when replying) or
the recording and its options, the mask, the operator, Send, and the line
saying what must be fixed.

The form shows and reads its fields; what the values mean is checked in
``quick_send_fields`` (no Textual), and the screen sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Select, Static, Tab, Tabs

from tui.gateway.codes import MAX_RETRIES, Operator
from tui.screens.quick_send_fields import (
    DEFAULT_VALID_OPTIONS,
    FormValues,
    Refusal,
    mask_choices,
    recording_label,
)
from tui.screens.quick_send_request import KIND_LABELS, SendKind
from tui.widgets import MessageComposer, RecipientsBox
from tui.widgets.reply_quote import Reply, ReplyQuote
from tui.wording import plural

if TYPE_CHECKING:
    from tui.ledger.audiofiles import AudioFile

SEND_LABEL = "Send (Ctrl+S)"
#: The selects offering the ready recordings.
RECORDING_SELECTS = ("#audio", "#valid-clip", "#invalid-clip")


T = TypeVar("T")


def retries_label(n: int) -> str:
    return f"{n} retr{'y' if n == 1 else 'ies'}"


class SendForm(VerticalScroll):
    """The fields of one quick send; scrolls when the terminal is small."""

    #: The recipients and text last sent or held from this form.
    _sent: tuple[str, str] | None = None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind: SendKind = "sms"
        self._mask_options: list[tuple[str, str]] = []
        self._audio_options: list[tuple[str, str]] = []
        #: The ready recordings' names by ID.
        self.recordings: dict[str, str] = {}

    def compose(self) -> ComposeResult:
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
                    [(retries_label(n), n) for n in range(MAX_RETRIES + 1)],
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
            yield Button(SEND_LABEL, variant="primary", id="send")
        yield Static("", id="send-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#send-error").display = False
        self._show_kind()

    # -- kind -----------------------------------------------------------------

    @on(Tabs.TabActivated, "#kind-tabs")
    def _kind_chosen(self, event: Tabs.TabActivated) -> None:
        event.stop()
        kind = (event.tab.id or "kind-sms").removeprefix("kind-")
        if kind in KIND_LABELS:
            self.kind = kind
            self._show_kind()

    def select_kind(self, kind: SendKind) -> None:
        """Show the fields of ``kind`` ("sms", "call" or "feedback")."""
        self.query_one("#kind-tabs", Tabs).active = f"kind-{kind}"
        self.kind = kind
        self._show_kind()

    def _show_kind(self) -> None:
        self.query_one("#sms-fields").display = self.kind == "sms"
        self.query_one("#operator").display = self.kind == "sms"
        self.query_one("#call-fields").display = self.kind != "sms"
        self.query_one("#feedback-fields").display = self.kind == "feedback"

    # -- choices --------------------------------------------------------------

    def set_masks(self, masks: Sequence[str], default: str | None) -> None:
        """Offer the profile's masks, keeping the one chosen (else the default)."""
        choices = mask_choices(masks, default)
        options = [(mask, mask) for mask in choices]
        if options == self._mask_options:
            return
        self._mask_options = options
        select: Select[str] = self.query_one("#mask", Select)
        keep = select.value
        select.set_options(options)
        if isinstance(keep, str) and keep in choices:
            select.value = keep
        elif default:
            select.value = default

    def set_recordings(self, files: Sequence[AudioFile]) -> None:
        """Offer the ready recordings, keeping those chosen that are still ready."""
        self.recordings = {f.id: f.name for f in files}
        options = [(recording_label(f.name, f.duration), f.id) for f in files]
        if options == self._audio_options:
            return
        self._audio_options = options
        for selector in RECORDING_SELECTS:
            select: Select[str] = self.query_one(selector, Select)
            keep = select.value
            select.set_options(options)
            if isinstance(keep, str) and any(value == keep for _, value in options):
                select.value = keep

    # -- a fresh form ---------------------------------------------------------

    def reset(self, *, kind: SendKind, reply: Reply | None, default_mask: str | None) -> None:
        """Every field as a newly opened screen has it, addressed to ``reply``'s
        sender (quoted above the message) when replying; focus where typing starts."""
        self.select_kind(kind)
        self._sent = None
        recipients = self.query_one(RecipientsBox)
        recipients.text = reply.sender if reply else ""
        composer = self.query_one(MessageComposer)
        composer.text = ""
        quote = self.query_one(ReplyQuote)
        if reply is None:
            quote.clear()
        else:
            quote.show(reply)
        mask: Select[str] = self.query_one("#mask", Select)
        if default_mask and any(value == default_mask for _, value in self._mask_options):
            mask.value = default_mask
        else:
            mask.clear()
        for selector in ("#operator", *RECORDING_SELECTS):
            self.query_one(selector, Select).clear()
        self.query_one("#retries", Select).value = 0
        self.query_one("#valid-options", Select).value = DEFAULT_VALID_OPTIONS
        self.show_error(None)
        if reply is None:
            recipients.focus()
        else:
            composer.focus()

    # -- reading and answering ------------------------------------------------

    def _typed(self) -> tuple[str, str]:
        return (
            self.query_one(RecipientsBox).text.strip(),
            self.query_one(MessageComposer).text.strip(),
        )

    def mark_sent(self) -> None:
        """What the fields hold went out (or was held): it is no longer a draft."""
        self._sent = self._typed()

    def draft(self) -> str | None:
        """What a reset would lose, in a few words (None: nothing typed, or only
        what was sent)."""
        recipients, text = typed = self._typed()
        if (not recipients and not text) or typed == self._sent:
            return None
        count = len(self.query_one(RecipientsBox).parsed.valid)
        to = f"to {plural(count, 'number')}" if count else "with no valid number yet"
        if not text:
            return f"a draft {to}"
        shown = text if len(text) <= 40 else text[:39] + "…"
        return f"a draft {to}: {shown!r}"

    def values(self) -> FormValues:
        """What the fields hold now."""
        composer = self.query_one(MessageComposer)
        sms = self.kind == "sms"
        value = self._chosen
        return FormValues(
            kind=self.kind,
            recipients=self.query_one(RecipientsBox).parsed,
            mask=value("#mask", str),
            text=composer.text if sms else "",
            analysis=composer.analysis if sms else None,
            problem=composer.problem if sms else None,
            operator=value("#operator", int),
            audio=value("#audio", str),
            retries=value("#retries", int) or 0,
            valid_options=value("#valid-options", int) or 0,
            valid_clip=value("#valid-clip", str),
            invalid_clip=value("#invalid-clip", str),
            recordings=dict(self.recordings),
        )

    def _chosen(self, selector: str, kind: type[T]) -> T | None:
        """A select's value, or None when nothing is chosen."""
        chosen = self.query_one(selector, Select).value
        return chosen if isinstance(chosen, kind) else None

    def refuse(self, refusal: Refusal) -> None:
        """Say what must be fixed (under the form and in a notification) and
        put the cursor in that field."""
        message = refusal.message
        self.show_error(message)
        self.notify(message if len(message) < 200 else message[:197] + "…", severity="error")
        self.query_one(refusal.focus).focus()

    def show_error(self, message: str | None) -> None:
        error = self.query_one("#send-error", Static)
        error.update(message or "")
        error.display = bool(message)

    def set_sending(self, sending: bool) -> None:
        """Send is disabled, and says so, while a send is under way."""
        button = self.query_one("#send", Button)
        button.disabled = sending
        button.label = "Sending…" if sending else SEND_LABEL
