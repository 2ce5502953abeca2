"""Sending the same thing again: the same text, or the same recording, to
numbers that already had it within the last hour.

The form of a quick send keeps what was sent (to send it again on purpose, or
to change one word); a second Ctrl+S by habit would send it twice. Before a
quick send is confirmed, the ledger is asked which of its numbers had the same
text (an SMS) or the same recording (a call or a feedback call) within
``WINDOW``; the confirmation says so and its safe button takes the focus.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tui.engine.send_request import SendKind
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
        return (
            f"Already sent in the last hour: {what} went to {whom} (last at {last}). "
            "Sending again sends it twice."
        )


def recent_repeat(
    reads: Ledger,
    kind: SendKind,
    recipients: list[str],
    now: datetime,
    *,
    text: str = "",
    file_id: str = "",
) -> RepeatSend | None:
    """Which of ``recipients`` had this text (SMS) or recording (a call) since
    ``now - WINDOW``; None when none did."""
    since = now - WINDOW
    if kind == "sms":
        had = reads.messages.sent_text_since(text, since)
    else:
        had = reads.calls.called_since(kind, file_id, since)
    repeated = [had[number] for number in set(recipients) if number in had]
    if not repeated:
        return None
    return RepeatSend(kind, len(repeated), len(set(recipients)), max(repeated))
