"""What a quick send is about to do: the request the form builds (kind,
recipients, text or recording, options) and the question it asks before it
goes (what is sent, to how many, at what cost, who is left out). ``send()``
gives the engine's typed request (``engine/send_request.py``) with the numbers
as the form parsed them and the text's analysis as the composer made it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tui.engine import send_request
from tui.engine.costs import estimate
from tui.engine.send_request import FeedbackOptions, SendKind
from tui.gateway.codes import Operator
from tui.gateway.numbers import describe_invalid
from tui.gateway.text import TextAnalysis
from tui.screens.display_time import credit_sentence
from tui.wording import plural

__all__ = ["KIND_LABELS", "SendKind", "SendRequest", "invalid_numbers_message", "numbers_line"]
KIND_LABELS: dict[SendKind, str] = {"sms": "SMS", "call": "Call", "feedback": "Feedback call"}
#: Numbers named in the confirmation (the count is always given).
SHOWN_NUMBERS = 10


def numbers_line(recipients: list[str], limit: int = SHOWN_NUMBERS) -> str:
    """``To: a, b, c`` naming at most ``limit`` numbers, then how many more."""
    shown = ", ".join(recipients[:limit])
    hidden = len(recipients) - limit
    return f"To: {shown}" + (f" and {hidden:,} more" if hidden > 0 else "")


@dataclass(frozen=True, slots=True)
class SendRequest:
    """Everything one send needs, checked and ready to confirm."""

    kind: SendKind
    recipients: list[str]
    repeats: int = 0
    #: Recipients on the do-not-contact list: the engine leaves them out.
    blocked: tuple[str, ...] = ()
    text: str = ""
    segments: int = 0
    encoding: str = ""
    mask: str | None = None
    operator: int | None = None
    file_id: str = ""
    file_name: str = ""
    retries: int = 0
    valid_options: int = 0
    valid_file: tuple[str, str] = ("", "")
    invalid_file: tuple[str, str] = ("", "")
    #: The profile's price of a segment and the credit last reported, if known.
    price: float | None = None
    credit: float | None = None
    #: When the gateway reported ``credit``.
    credit_at: datetime | None = None
    #: The composer's analysis of ``text`` (the engine's request reuses it).
    analysis: TextAnalysis | None = None

    def send(self, *, reached_only: bool = False) -> send_request.SendRequest:
        """The engine's request: to every recipient (the engine leaves out, and
        reports, those on the do-not-contact list) or, ``reached_only``, to those
        this request reaches. Raises ``InvalidInput`` saying what is wrong."""
        feedback = None
        if self.kind == "feedback":
            feedback = FeedbackOptions(self.valid_options, self.valid_file[0], self.invalid_file[0])
        return send_request.SendRequest(
            kind=self.kind,
            recipients=tuple(self.reached if reached_only else self.recipients),
            text=self.text,
            analysis=self.analysis,
            mask=self.mask,
            operator=self.operator,
            file_id=self.file_id,
            max_retries=self.retries,
            feedback=feedback,
        )

    @property
    def reached(self) -> list[str]:
        """The recipients the send goes to (the do-not-contact list's left out)."""
        left_out = set(self.blocked)
        return [number for number in self.recipients if number not in left_out]

    @property
    def tracked_kind(self) -> str:
        """The kind the engine's events use for what this request creates."""
        return "message" if self.kind == "sms" else "call"

    def question(self) -> str:
        """The confirmation: what goes to how many numbers, what it costs, the
        numbers and, for an SMS, the whole text."""
        reached = self.reached
        count = len(reached)
        numbers = plural(count, "number")
        repeats = (
            f"{plural(self.repeats, 'repeated number')} in the list sent once.\n"
            if self.repeats
            else ""
        )
        if self.blocked:
            repeats += (
                f"Left out, on the do-not-contact list: {', '.join(self.blocked[:SHOWN_NUMBERS])}"
                + (
                    f" and {len(self.blocked) - SHOWN_NUMBERS:,} more"
                    if len(self.blocked) > SHOWN_NUMBERS
                    else ""
                )
                + ".\n"
            )
        mask = f"Mask: {self.mask or 'the account default'}."
        if self.kind == "sms":
            cost = estimate(count, self.segments, price=self.price, credit=self.credit)
            operator = Operator(self.operator).label if self.operator else "any"
            lines = [
                f"Send 1 message of {plural(self.segments, 'segment')} ({self.encoding}) "
                f"to {numbers} ({plural(cost.segments, 'segment')} in all)?",
                f"{repeats}{mask} Operator: {operator}.",
            ]
            if cost.cost is not None:
                lines.append(
                    f"About {cost.cost:,.2f} credit at {cost.price:g} a segment "
                    "(the profile's price)."
                )
            if cost.credit is not None:
                lines.append(credit_sentence(cost.credit, self.credit_at))
            if cost.short:
                lines.append("The credit is not enough: the gateway stops when it runs out.")
            return "\n".join([*lines, numbers_line(reached), "Text:", self.text])
        retries = plural(self.retries, "retry", "retries")
        what = "Feedback-call" if self.kind == "feedback" else "Call"
        lines = [
            f"{what} {numbers} with the recording {self.file_name!r} ({retries})?",
            f"{repeats}{mask}",
        ]
        if self.kind == "feedback":
            lines.append(
                f"Valid keys: 1-{self.valid_options} "
                f"(valid-key clip {self.valid_file[1]!r}, "
                f"invalid-key clip {self.invalid_file[1]!r})."
            )
        return "\n".join([*lines, numbers_line(reached)])


def invalid_numbers_message(invalid: list[tuple[str, str]]) -> str:
    """One sentence naming every invalid number and why it was refused."""
    named = "; ".join(describe_invalid(raw, reason) for raw, reason in invalid)
    count = len(invalid)
    return (
        f"Nothing was sent: {count} invalid number{'' if count == 1 else 's'}: {named}. "
        "Correct or remove them and try again."
    )
