"""One quick send, typed: an SMS, a call or a feedback call to parsed numbers.

A ``SendRequest`` is checked when it is made: a problem raises ``InvalidInput``
(``InvalidNumbers`` for numbers) with one sentence saying what is wrong and
what to do, before anything is sent or recorded. Its recipients are the
normalised numbers (``923XXXXXXXXX``), parsed once by the caller or by
``SendRequest.parse``; an SMS's text is analysed once (encoding, segments) and
the analysis travels with it. ``Engine.submit`` sends it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from tui.gateway import validate
from tui.gateway.errors import InvalidInput, InvalidNumbers
from tui.gateway.numbers import NumberError, dedupe, normalize
from tui.gateway.text import TextAnalysis, analyze

__all__ = ["FeedbackOptions", "SendKind", "SendRequest"]

SendKind = Literal["sms", "call", "feedback"]
KINDS: tuple[str, ...] = get_args(SendKind)

_GATEWAY_FORM = re.compile(r"923[0-9]{9}")


@dataclass(frozen=True, slots=True)
class FeedbackOptions:
    """What a feedback call asks: valid keys 1..``valid_options``, and the
    recordings played after a valid and after an invalid key."""

    valid_options: int
    valid_file_id: str
    invalid_file_id: str


@dataclass(frozen=True, slots=True)
class SendRequest:
    """Everything one quick send needs, checked (see the module)."""

    kind: SendKind
    #: Normalised, distinct numbers (``923XXXXXXXXX``).
    recipients: tuple[str, ...]
    #: SMS: the text and its analysis (made here when not given).
    text: str = ""
    analysis: TextAnalysis | None = None
    #: None: the profile's default mask (SMS) or the account's (calls).
    mask: str | None = None
    operator: int | None = None
    #: Calls: the recording played, retries when unanswered.
    file_id: str = ""
    max_retries: int = 0
    #: Feedback calls only.
    feedback: FeedbackOptions | None = None
    #: Also send to numbers on the do-not-contact list, for this reason (recorded).
    override_reason: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidInput(f"Unknown kind of send {self.kind!r}; use sms, call or feedback.")
        object.__setattr__(self, "recipients", _checked_recipients(self.recipients))
        if self.override_reason is not None and not self.override_reason.strip():
            raise InvalidInput("Say why the do-not-contact list is overridden for this send.")
        if self.kind == "sms":
            self._check_sms()
        else:
            self._check_call()

    def _check_sms(self) -> None:
        if self.file_id or self.feedback is not None:
            raise InvalidInput("An SMS plays no recording; send a call for that.")
        text = validate.message_text(self.text)
        analysis = self.analysis
        if text != self.text or analysis is None:
            analysis = analyze(text)  # the one analysis of the text that is sent
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "analysis", analysis)
        validate.operator(self.operator)

    def _check_call(self) -> None:
        what = "feedback call" if self.kind == "feedback" else "call"
        if self.text or self.operator is not None:
            raise InvalidInput(f"A {what} has no text or operator; send an SMS for that.")
        validate.identifier(self.file_id, what="recording (audio file ID) to play")
        validate.retries(self.max_retries)
        options = self.feedback
        if self.kind == "call":
            if options is not None:
                raise InvalidInput("Valid keys and their clips are for feedback calls only.")
            return
        if options is None:
            raise InvalidInput(
                "A feedback call needs its valid keys and the clips played after a valid"
                " and after an invalid key."
            )
        validate.dtmf_options(options.valid_options)
        validate.identifier(options.valid_file_id, what="clip played after a valid key")
        validate.identifier(options.invalid_file_id, what="clip played after an invalid key")

    @classmethod
    def parse(
        cls,
        kind: SendKind,
        numbers: str | Sequence[str],
        *,
        text: str = "",
        mask: str | None = None,
        operator: int | None = None,
        file_id: str = "",
        max_retries: int = 0,
        feedback: FeedbackOptions | None = None,
        override_reason: str | None = None,
    ) -> SendRequest:
        """A request to ``numbers`` written any usual way (one string of numbers,
        or one number each); every invalid number is named at once."""
        return cls(
            kind=kind,
            recipients=tuple(validate.recipients(numbers)),
            text=text,
            mask=mask,
            operator=operator,
            file_id=file_id,
            max_retries=max_retries,
            feedback=feedback,
            override_reason=override_reason,
        )

    @property
    def segments(self) -> int:
        """SMS: the segments of the text (0 for a call)."""
        return self.analysis.segments if self.analysis is not None else 0

    @property
    def tracked_kind(self) -> Literal["message", "call"]:
        """The kind of item it creates (in the ledger and the engine's events)."""
        return "message" if self.kind == "sms" else "call"

    @property
    def summary(self) -> str:
        """A few words saying what is sent, for the journal and Activity."""
        if self.kind == "sms":
            segments = "1 segment" if self.segments == 1 else f"{self.segments} segments"
            return f"SMS of {segments}: {self.text[:60]}"
        if self.feedback is not None:
            return (
                f"feedback call playing audio {self.file_id},"
                f" options 1-{self.feedback.valid_options}"
            )
        return f"call playing audio {self.file_id}"


def _checked_recipients(recipients: Sequence[str]) -> tuple[str, ...]:
    """``recipients`` once each; every one not in the gateway's form is refused,
    named with what is wrong with it."""
    if isinstance(recipients, str):
        raise InvalidInput(
            "The recipients must be parsed numbers; read them with SendRequest.parse."
        )
    numbers = tuple(dedupe(recipients))
    if not numbers:
        raise InvalidInput("No recipients were given; add at least one number.")
    invalid: list[tuple[str, str]] = []
    for number in numbers:
        if _GATEWAY_FORM.fullmatch(number):
            continue
        try:
            normalize(number)
        except NumberError as error:
            invalid.append((number, error.reason))
        else:
            invalid.append((number, "is not parsed yet (read it with SendRequest.parse)"))
    if invalid:
        raise InvalidNumbers(invalid)
    return numbers
