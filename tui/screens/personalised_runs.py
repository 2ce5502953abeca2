"""Running personalised sends from the screen: start, stop, resume and retry a
send, report how it ended, and keep the sends' table current.

:class:`SendRunner` is the base of the personalised screen (which adds the
form and the preview). A send is a job of the engine (``engine.personalised``
starts it on ``engine.jobs``): it goes on after the screen is closed, and the
screen opened next finds it again, with its progress, then its outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from textual import on, work
from textual.screen import Screen
from textual.widgets import Button, ProgressBar, Static

from tui.engine import events
from tui.engine.jobs import Job
from tui.engine.personalised import (
    JOB_KIND,
    PersonalisedPlan,
    PersonalisedSender,
    SendReport,
    job_name,
)
from tui.engine.sms_campaigns import profile_zone
from tui.gateway.errors import CsmsError
from tui.ledger import LedgerError
from tui.screens.base import engine_of
from tui.screens.confirm import ConfirmScreen
from tui.screens.personalised_jobs import JobsTable
from tui.screens.personalised_results import PersonalisedResultsScreen


def tell_outcome(screen: Screen[Any], job: Job[SendReport]) -> None:
    """Say how an ended send went, once (the first screen to hear of it says it)."""
    if not job.take_outcome():
        return
    if job.result is not None:
        text, severity = job.result.sentence()
        screen.notify(text, severity=severity, timeout=10 if severity == "information" else 15)
    else:
        screen.notify(job.error or f"{job.title} stopped.", severity="error", timeout=10)


class SendRunner(Screen[None]):
    """Starts and follows personalised sends; the subclass shows problems."""

    def __init__(self) -> None:
        super().__init__()
        self.sender: PersonalisedSender | None = None
        self.last_report: SendReport | None = None

    def _problem(self, message: str | None) -> None:
        """Show (or with None, clear) the form's problem."""
        raise NotImplementedError

    def _shared_sender(self) -> PersonalisedSender:
        """The engine's sender: a send outlives this screen and is found again."""
        return engine_of(self).personalised

    @property
    def running(self) -> int | None:
        """The job being sent, if any."""
        return self.sender.current if self.sender is not None else None

    def _sending(self) -> bool:
        job = self.sender.current_job() if self.sender is not None else None
        return job is not None and job.running

    def _start(self, plan: PersonalisedPlan, mask: str | None) -> None:
        assert self.sender is not None
        sender = self.sender
        self._launch(lambda: sender.start_new(plan, mask=mask))

    def _launch(self, start: Callable[[], Job[SendReport]]) -> None:
        """Start a send as a job of the engine (``start`` makes it)."""
        try:
            start()
        except (CsmsError, LedgerError) as error:
            self._problem(str(error))
            return
        self._set_running(True)

    def _ended(self, job: Job[SendReport]) -> None:
        """A send ended (or had ended before this screen opened): show it."""
        if job.result is not None:
            self.last_report = job.result
        self._set_running(self._sending())
        self.load_jobs()
        tell_outcome(self, job)

    def action_stop(self) -> None:
        job = self.sender.current_job() if self.sender is not None else None
        if job is None or not job.running:
            return
        job.cancel()
        self.notify("Stopping after the requests already out…")

    def job_action(self, what: str, job: int) -> None:
        """Resume a job, or queue its failed (or unknown) rows again and resume it."""
        if self.sender is None or self._sending():
            self.notify("Wait for the running send to finish or stop it.", severity="warning")
            return
        sender = self.sender
        retry: Literal["retry", "retry_unknown"] | None = (
            "retry_unknown" if what == "retry_unknown" else "retry" if what == "retry" else None
        )
        if retry == "retry_unknown":

            def confirmed(ok: bool | None) -> None:
                if ok:
                    self._launch(lambda: sender.start(job, retry="retry_unknown"))

            self.app.push_screen(
                ConfirmScreen(
                    "Rows of unknown outcome may have been delivered already; sending them "
                    "again can deliver them twice. Send them again?",
                    title=f"Resend unknown rows of send {job}",
                    confirm_label="Resend",
                    danger=True,
                    safe_default=True,
                ),
                confirmed,
            )
            return
        self._launch(lambda: sender.start(job, retry=retry))

    def _set_running(self, running: bool) -> None:
        self.query_one("#pers-send", Button).disabled = running
        self.query_one("#pers-stop", Button).disabled = not running
        if running:
            self.query_one("#pers-progress").display = True

    def _on_progress(self, progress: events.Progress) -> None:
        self._set_running(True)
        bar = self.query_one("#pers-progress", ProgressBar)
        bar.update(total=max(1, progress.total), progress=progress.done)
        text = f"{progress.done:,} of {progress.total:,}"
        if progress.detail:
            text += f" ({progress.detail})"
        self.query_one("#pers-progress-text", Static).update(text)

    # -- jobs -----------------------------------------------------------------------

    def load_jobs(self) -> None:
        engine = engine_of(self)
        jobs = engine.reads.send_jobs.send_jobs(open_only=False)
        with self.app.batch_update():
            self.query_one(JobsTable).show_jobs(jobs, self.running, profile_zone(engine))

    @on(JobsTable.JobAction)
    def _job_asked(self, event: JobsTable.JobAction) -> None:
        event.stop()
        if event.what == "results":
            self.app.push_screen(PersonalisedResultsScreen(event.job))
        else:
            self.job_action(event.what, event.job)

    def action_results(self) -> None:
        """The rows of the running send, else of the send highlighted in the table."""
        job = self.running if self.running is not None else self.query_one(JobsTable).selected_job()
        if job is None:
            self.notify("No personalised send yet: send one first.", severity="warning")
            return
        self.app.push_screen(PersonalisedResultsScreen(job))

    @work(exclusive=True, group="personalised-events", exit_on_error=False)
    async def _follow_progress(self) -> None:
        """Keep the jobs table current while any job sends (also from other screens)."""
        engine = engine_of(self)
        subscription = engine.subscribe()
        ended = self.sender.current_job() if self.sender is not None else None
        if ended is not None and not ended.running and not ended.told:
            self._ended(ended)  # it ended while no screen could tell it
        try:
            async for event in subscription:
                if isinstance(event, events.JobEnded) and event.kind == JOB_KIND:
                    send = engine.jobs.get(event.job_id)
                    if send is not None:
                        self._ended(send)
                elif isinstance(event, events.Progress) and event.job.startswith("personalised:"):
                    job = int(event.job.removeprefix("personalised:"))
                    if job_name(job) != event.job:
                        continue
                    if job == self.running:
                        self._on_progress(event)
                    engine = engine_of(self)
                    summary = engine.reads.send_jobs.send_job_summary(job)
                    self.query_one(JobsTable).show_job(summary, self.running, profile_zone(engine))
        finally:
            subscription.close()
