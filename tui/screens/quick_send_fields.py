"""What Quick send's form holds, without Textual: the values read from it
(``FormValues``), the choices it offers (masks, ready recordings), and the
check that turns the values into the request to confirm or into one refusal
saying what to fix and in which field."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tui.screens.quick_send_request import (
    SHOWN_NUMBERS,
    SendKind,
    SendRequest,
    invalid_numbers_message,
)

if TYPE_CHECKING:
    from tui.engine.optouts import OptOutCheck
    from tui.gateway.numbers import ParsedRecipients
    from tui.gateway.text import TextAnalysis

#: Valid keys a feedback call starts with.
DEFAULT_VALID_OPTIONS = 2


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the form cannot be sent, and the field (a selector) to fix it in."""

    message: str
    focus: str


@dataclass(frozen=True, slots=True)
class FormValues:
    """What the form holds when Send is pressed (None: nothing chosen)."""

    kind: SendKind
    recipients: ParsedRecipients
    mask: str | None = None
    #: SMS: the text, its analysis and why it cannot be sent as is (fields left).
    text: str = ""
    analysis: TextAnalysis | None = None
    problem: str | None = None
    operator: int | None = None
    #: Calls: the recording, retries and, for feedback calls, the keys and clips.
    audio: str | None = None
    retries: int = 0
    valid_options: int = 0
    valid_clip: str | None = None
    invalid_clip: str | None = None
    #: The ready recordings' names by ID.
    recordings: dict[str, str] = field(default_factory=dict)


def mask_choices(masks: Iterable[str], default: str | None) -> list[str]:
    """The profile's masks once each, its default mask first if not among them."""
    choices = list(dict.fromkeys(masks))
    if default and default not in choices:
        choices.insert(0, default)
    return choices


def recording_label(name: str, duration: float | None) -> str:
    """``welcome.wav (12 s)``; the name alone when the length is unknown."""
    return name if duration is None else f"{name} ({duration:.0f} s)"


def check_form(
    values: FormValues,
    *,
    optouts: Callable[[list[str]], OptOutCheck],
    price: float | None,
    credit: float | None,
    credit_at: datetime | None = None,
) -> SendRequest | Refusal:
    """The checked request, or the first thing that must be fixed. ``optouts``
    splits the valid numbers by the do-not-contact list."""
    parsed = values.recipients
    if parsed.invalid:
        return Refusal(invalid_numbers_message(parsed.invalid), "#recipients")
    if not parsed.valid:
        return Refusal("Add at least one recipient number.", "#recipients")
    check = optouts(list(parsed.valid))
    if not check.allowed:
        shown = ", ".join(check.blocked_numbers[:SHOWN_NUMBERS])
        return Refusal(
            f"Nothing was sent: every recipient is on the do-not-contact list ({shown}).",
            "#recipients",
        )
    common: dict[str, Any] = {
        "recipients": list(parsed.valid),
        "repeats": len(parsed.duplicates),
        "blocked": tuple(check.blocked_numbers),
        "mask": values.mask,
    }
    if values.kind == "sms":
        if not values.text.strip() or values.analysis is None:
            return Refusal("Write the message text before sending.", "#message")
        if values.problem:  # template fields such as {name} left in the text
            return Refusal(values.problem, "#message")
        return SendRequest(
            kind="sms",
            text=values.text,
            segments=values.analysis.segments,
            encoding="Unicode" if values.analysis.is_unicode else "GSM-7",
            analysis=values.analysis,
            operator=values.operator,
            price=price,
            credit=credit,
            credit_at=credit_at,
            **common,
        )
    names = values.recordings
    if values.audio is None:
        message = (
            "Choose the recording to play."
            if names
            else "No audio file is ready yet: upload one on the Audio screen first."
        )
        return Refusal(message, "#audio")
    common.update(
        file_id=values.audio,
        file_name=names.get(values.audio, values.audio),
        retries=values.retries,
    )
    if values.kind == "call":
        return SendRequest(kind="call", **common)
    valid, invalid = values.valid_clip, values.invalid_clip
    if valid is None or invalid is None:
        return Refusal(
            "Choose the clips played after a valid and after an invalid key.",
            "#valid-clip" if valid is None else "#invalid-clip",
        )
    return SendRequest(
        kind="feedback",
        valid_options=values.valid_options,
        valid_file=(valid, names.get(valid, valid)),
        invalid_file=(invalid, names.get(invalid, invalid)),
        **common,
    )
