"""How a personalised send's run ended: its rows counted by state, and the one
sentence (and how loudly) the screens and ``csms personalised`` say it with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tui.ledger import SendJobSummary


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
