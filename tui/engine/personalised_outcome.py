"""How a personalised send's requests and runs end: the messages an accepted
request records, which failure stops a run, and the run's report with the one
sentence (and how loudly) the screens and ``csms personalised`` say it with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from tui.gateway.errors import CsmsError, GatewayError, InvalidInput, OutcomeUnknown
from tui.gateway.results import SubmitIds
from tui.gateway.text import analyze
from tui.ledger import NewMessage, SendJobSummary, SendRow

#: Gateway errors that concern only the rows of one request; any other error
#: (credit, mask, account, throughput, no answer) stops the run.
ROW_ERRORS = frozenset({101, 201, 411})


def stops_run(error: CsmsError) -> bool:
    """Whether ``error`` stops the run (rows left pending) rather than failing
    only its request's rows."""
    if isinstance(error, OutcomeUnknown):
        return True
    if isinstance(error, GatewayError):
        return error.code not in ROW_ERRORS
    return not isinstance(error, InvalidInput)


def sent_messages(
    rows: list[SendRow], done: SubmitIds, mask: str | None, at: datetime
) -> list[tuple[int, NewMessage]]:
    """The messages an accepted request of ``rows`` (one text) recorded, by row."""
    by_number = {r.recipient: r.row for r in rows}
    text = rows[0].text
    analysis = analyze(text)
    return [
        (
            by_number[number],
            NewMessage(
                id=message_id,
                recipient=number,
                text=text,
                encoding=analysis.encoding,
                segments=analysis.segments,
                submitted_at=at,
                mask=mask,
            ),
        )
        for number, message_id in done.ids
    ]


@dataclass(frozen=True, slots=True)
class SendReport:
    """How a run ended."""

    summary: SendJobSummary
    cancelled: bool = False
    #: The error that stopped the run early (rows left pending), if any.
    stopped: str | None = None
    #: Said before the outcome (a retry that found no failed row resumed instead).
    note: str = ""

    @property
    def job_id(self) -> int:
        return self.summary.job_id

    def sentence(self) -> tuple[str, Literal["information", "warning", "error"]]:
        """How the run ended, for the user, and how loudly to say it."""
        rows = self.summary.rows
        counts = ", ".join(f"{rows[s]} {s}" for s in JOB_STATES if rows.get(s))
        job = self.job_id
        note = f"{self.note} " if self.note else ""
        if self.stopped:
            return (
                f"{note}Personalised send {job} stopped: {self.stopped} ({counts}). "
                "Resume it with r once fixed.",
                "error",
            )
        if self.cancelled:
            return f"{note}Personalised send {job} stopped ({counts}); r resumes it.", "information"
        if self.summary.needs_attention:
            return (
                f"{note}Personalised send {job} finished with problems ({counts}); "
                "see Activity for unknown outcomes.",
                "warning",
            )
        return f"{note}Personalised send {job} finished: {counts}.", "information"


#: The states of a send's rows, in the order they are told.
JOB_STATES = ("sent", "pending", "failed", "unknown")
