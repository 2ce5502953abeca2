"""Sending the same thing again: the same text, or the same recording, to
numbers that already had it within the last hour, may have had it (the
send's outcome is unknown and not settled yet), or will have it (it is held
for the sending hours).

The form of a quick send keeps what was sent (to send it again on purpose, or
to change one word); a second Ctrl+S by habit would send it twice, and so
would a "retry" after a send whose answer was lost. Before a quick send is
confirmed, the ledger is asked which of its numbers had the same text (an SMS)
or the same recording (a call or a feedback call) within ``WINDOW``, and which
were in an open unknown outcome of the same send; the confirmation says so and
its safe button takes the focus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tui.engine.send_request import SendKind, SendRequest
from tui.ledger import Ledger
from tui.wording import plural

#: How far back a send counts as "just sent".
WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class RepeatSend:
    """Numbers of a send that had the same text or recording within ``WINDOW``."""

    kind: SendKind
    #: How many of the send's numbers had it, out of ``total``.
    count: int
    total: int
    #: When it last went to one of them.
    last_at: datetime
    #: True: not known to have gone; a send of it has an unknown outcome.
    unknown: bool = False
    #: The hold of the same send waiting for the sending hours (its ID), if
    #: that is what these numbers have (``last_at`` is when it was held).
    hold_id: int | None = None

    def rows_sentence(self, last: str) -> str:
        """A personalised send's (each row its own text): how many went out the same."""
        them = "it" if self.count == 1 else "them"
        return (
            f"Already sent in the last hour: {plural(self.count, 'message')} of these"
            f" {self.total:,} (the same number and text), the last at {last}. Sending"
            f" again sends {them} twice."
        )

    def sentence(self, last: str) -> str:
        """What the confirmation says (``last``: ``last_at`` as the user reads it)."""
        what = "the same text" if self.kind == "sms" else "the same recording"
        whom = (
            "this number"
            if self.total == 1
            else f"all {self.total:,} of these numbers"
            if self.count == self.total
            else f"{self.count:,} of these {plural(self.total, 'number')}"
        )
        if self.hold_id is not None:
            return (
                f"Already held: {what} waits for the sending hours for {whom} (hold"
                f" {self.hold_id}, held at {last}). Sending again sends it twice."
            )
        if self.unknown:
            return (
                f"Outcome unknown: {what} was sent to {whom} at {last} and no answer came"
                " back, so it may have gone out (Activity lists it to settle). Sending"
                " again may send it twice."
            )
        return (
            f"Already sent in the last hour: {what} went to {whom} (last at {last}). "
            "Sending again sends it twice."
        )


def recent_repeats(reads: Ledger, request: SendRequest, now: datetime) -> list[RepeatSend]:
    """Which of the request's numbers had its text (SMS) or recording (a call)
    since ``now - WINDOW``, and which may have had it (an open unknown outcome
    of the same send); empty when none."""
    since = now - WINDOW
    if request.kind == "sms":
        had = reads.messages.sent_text_since(request.text, since)
    else:
        had = reads.calls.called_since(request.kind, request.file_id, since)
    maybe = reads.unknown.open_targets_since(request.summary, since)
    numbers = set(request.recipients)
    found: list[RepeatSend] = []
    for times, unknown in ((had, False), (maybe, True)):
        repeated = [times[number] for number in numbers if number in times]
        if repeated:
            found.append(
                RepeatSend(request.kind, len(repeated), len(numbers), max(repeated), unknown)
            )
    for held in reads.holds.holds():
        payload = held.payload
        same = held.kind == request.kind and (
            payload.get("text") == request.text
            if request.kind == "sms"
            else payload.get("file_id") == request.file_id
        )
        waiting = numbers.intersection(payload.get("to", ())) if same else set()
        if waiting:
            found.append(
                RepeatSend(
                    request.kind, len(waiting), len(numbers), held.created_at, hold_id=held.id
                )
            )
            break  # one hold is enough to say it
    return found


def personalised_repeats(
    reads: Ledger, rows: Sequence[tuple[str, str]], now: datetime
) -> RepeatSend | None:
    """How many of a personalised send's (number, text) rows went out the same
    within ``WINDOW`` (a sheet sent again by habit); None when none did."""
    had = reads.messages.sent_pairs_since(now - WINDOW)
    repeated = [had[pair] for pair in set(rows) if pair in had]
    if not repeated:
        return None
    return RepeatSend("sms", len(repeated), len(set(rows)), max(repeated))
