"""Running personalised sends from the screen: start, stop, resume and retry a
send, report how it ended, and keep the sends' table current.

:class:`SendRunner` is the base of the personalised screen (which adds the
form and the preview). The sends run on the screen that opened it (``host``)
with the engine's sender (``engine.personalised``), so a send goes on after
the screen is closed and is found again when it is opened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from textual import on, work
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Button, ProgressBar, Static

from tui.engine import events
from tui.engine.personalised import PersonalisedPlan, PersonalisedSender, SendReport, job_name
from tui.engine.sms_campaigns import profile_zone
from tui.gateway.errors import CsmsError
from tui.ledger import LedgerError
from tui.screens.base import engine_of
from tui.screens.confirm import ConfirmScreen
from tui.screens.personalised_jobs import JOB_STATES, JobsTable
from tui.screens.personalised_results import PersonalisedResultsScreen


class SendRunner(Screen[None]):
    """Starts and follows personalised sends; the subclass shows problems."""

    def __init__(self, host: DOMNode | None) -> None:
        super().__init__()
        self.host = host
        self.sender: PersonalisedSender | None = None
        self.last_report: SendReport | None = None

    def _problem(self, message: str | None) -> None:
        """Show (or with None, clear) the form's problem."""
        raise NotImplementedError

    def _shared_sender(self) -> PersonalisedSender:
        """The engine's runner: a send outlives this screen and is found again."""
        return engine_of(self).personalised

    @property
    def running(self) -> int | None:
        """The job being sent, if any."""
        return self.sender.current if self.sender is not None else None

    def _runner(self) -> DOMNode:
        host = self.host
        return host if host is not None and host.is_attached else self

    def _start(self, plan: PersonalisedPlan, mask: str | None) -> None:
        self._launch(self._create_and_send(plan, mask))

    def _launch(self, work: Coroutine[Any, Any, None]) -> None:
        """Run a send on the host screen, so it outlives this one."""
        self._set_running(True)
        self._runner().run_worker(work, group="personalised-send", exit_on_error=False)

    async def _create_and_send(self, plan: PersonalisedPlan, mask: str | None) -> None:
        assert self.sender is not None
        try:
            job = await asyncio.to_thread(self.sender.create_job, plan, mask=mask)
        except (CsmsError, LedgerError) as error:
            self._set_running(False)
            self._problem(str(error))
            return
        if self.is_attached:
            self.load_jobs()
        await self._send(job, None)

    async def _send(self, job: int, retry: str | None) -> None:
        """Send a job (after queueing its failed or unknown rows again if asked)."""
        sender = self.sender
        assert sender is not None
        app = self.app
        try:
            if retry is not None:
                count = await asyncio.to_thread(
                    sender.retry, job, include_unknown=retry == "retry_unknown"
                )
                if not count and retry == "retry":
                    app.notify(f"Send {job} has no failed rows; resuming it.")
            report = await sender.run(job)
        except (CsmsError, LedgerError) as error:
            app.notify(str(error), severity="error", timeout=10)
            return
        finally:
            if self.is_attached:
                self._set_running(False)
                self.load_jobs()
        self.last_report = report
        self._report(report)

    def _report(self, report: SendReport) -> None:
        notify = self.app.notify
        rows = report.summary.rows
        counts = ", ".join(f"{rows[s]} {s}" for s in JOB_STATES if rows.get(s))
        if report.stopped:
            notify(
                f"Personalised send {report.job_id} stopped: {report.stopped} ({counts}). "
                "Resume it with r once fixed.",
                severity="error",
                timeout=15,
            )
        elif report.cancelled:
            notify(f"Personalised send {report.job_id} stopped ({counts}); r resumes it.")
        elif report.summary.needs_attention:
            notify(
                f"Personalised send {report.job_id} finished with problems ({counts}); "
                "see Activity for unknown outcomes.",
                severity="warning",
                timeout=10,
            )
        else:
            notify(f"Personalised send {report.job_id} finished: {counts}.")

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

    def action_stop(self) -> None:
        if self.running is None or self.sender is None:
            return
        self.sender.cancel()
        self.notify("Stopping after the requests already out…")

    def job_action(self, what: str, job: int) -> None:
        """Resume a job, or queue its failed (or unknown) rows again and resume it."""
        if self.running is not None or self.sender is None:
            self.notify("Wait for the running send to finish or stop it.", severity="warning")
            return
        if what == "retry_unknown":

            def confirmed(ok: bool | None) -> None:
                if ok:
                    self._launch(self._send(job, "retry_unknown"))

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
        self._launch(self._send(job, "retry" if what == "retry" else None))

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
        subscription = engine_of(self).subscribe()
        try:
            async for event in subscription:
                if isinstance(event, events.Progress) and event.job.startswith("personalised:"):
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
