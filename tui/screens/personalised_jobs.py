"""The table of personalised sends (the running one and earlier ones): Enter
shows a send's rows, ``r`` resumes it, ``t`` retries its failed rows, ``u``
also resends rows of unknown outcome (after a warning)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from tui.engine.personalised_outcome import JOB_STATES  # the row counts shown, in this order
from tui.ledger import SendJobSummary


class JobsTable(DataTable[str]):
    """Earlier personalised sends; its keys ask the screen with a :class:`JobAction`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "results", "Rows", id="personalised.results"),
        Binding("r", "resume", "Resume", id="personalised.resume"),
        Binding("t", "retry", "Retry failed", id="personalised.retry"),
        Binding("u", "retry_unknown", "Resend unknown", id="personalised.retry_unknown"),
    ]

    class JobAction(Message):
        """``what`` (results, resume, retry, retry_unknown) asked for ``job``."""

        def __init__(self, what: str, job: int) -> None:
            super().__init__()
            self.what = what
            self.job = job

    def on_mount(self) -> None:
        for label, key in (("Job", "job"), ("Source", "source"), ("Created", "created"),
                           ("State", "state"), *((s.title(), s) for s in JOB_STATES)):  # fmt: skip
            self.add_column(label, key=key)

    def selected_job(self) -> int | None:
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def action_results(self) -> None:
        self._ask("results")

    def action_resume(self) -> None:
        self._ask("resume")

    def action_retry(self) -> None:
        self._ask("retry")

    def action_retry_unknown(self) -> None:
        self._ask("retry_unknown")

    def _ask(self, what: str) -> None:
        job = self.selected_job()
        if job is not None:
            self.post_message(self.JobAction(what, job))

    def show_jobs(self, jobs: Sequence[SendJobSummary], running: int | None, zone: tzinfo) -> None:
        """Newest first; rows of sends no longer in the ledger go."""
        keys = {str(job.job_id) for job in jobs}
        for key in [k for k in self.rows if k.value not in keys]:
            self.remove_row(key)
        for job in reversed(jobs):
            self.show_job(job, running, zone)

    def show_job(self, job: SendJobSummary, running: int | None, zone: tzinfo) -> None:
        key = str(job.job_id)
        state = "running" if running == job.job_id else job.state
        cells = [
            key,
            job.source,
            job.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            state,
            *(str(job.rows.get(s, 0)) for s in JOB_STATES),
        ]
        if key in self.rows:
            for column, value in zip(self.columns, cells, strict=True):
                self.update_cell(key, column, value, update_width=True)
        else:
            self.add_row(*cells, key=key)
