"""Personalised sends: one text per row of a sheet, sent in the background.

:func:`plan_send` (``engine/personalised_plan.py``) renders the template for
every row and says, before anything is sent, which rows have an invalid
number, which left a field empty, each text's encoding and segments, the
longest text and the total.

:class:`PersonalisedSender` journals the planned rows in the ledger and sends
them. Each request's rows are marked ``sending`` (committed) before the request
goes out and marked sent, failed or unknown after, so a cancelled or crashed
run resumes where it stopped and never sends a row twice: rows whose outcome is
unknown are only sent again when the user asks. Rows with the same text share
one request; the requests run with the profile's concurrency, and the client
applies its rate limit. Accepted messages are tracked like any quick send.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from tui.engine import events
from tui.engine.jobs import Job, JobKind, JobWork
from tui.engine.personalised_outcome import SendReport, sent_messages, stops_run
from tui.engine.personalised_plan import (
    BadNumberRow,
    PersonalisedPlan,
    PlannedRow,
    plan_send,
)
from tui.gateway.errors import (
    CsmsError,
    InvalidInput,
    SubmitStopped,
)
from tui.gateway.results import SubmitIds
from tui.ledger import NewMessage, SendJobSummary, SendRow
from tui.wording import plural

if TYPE_CHECKING:
    from tui.engine.service import Engine

log = logging.getLogger("csms.engine")

__all__ = [
    "BadNumberRow",
    "PersonalisedPlan",
    "PersonalisedSender",
    "PlannedRow",
    "SendReport",
    "job_name",
    "plan_send",
]

#: Most recipients one shared-text request carries (the client also splits by URL length).
MAX_PER_REQUEST = 100
#: Pending rows taken from the journal at a time.
WINDOW = 500


def job_name(job_id: int) -> str:
    """The ``job`` of the Progress events of a personalised send."""
    return f"personalised:{job_id}"


# Sending ------------------------------------------------------------------------------


#: The kind of the engine's job (``engine.jobs``) that runs a personalised send.
JOB_KIND: JobKind = "personalised-send"


#: Jobs being sent in this process, by (ledger file, job id).
_RUNNING: set[tuple[str, int]] = set()

ProgressCallback = Callable[[events.Progress], None]


class PersonalisedSender:
    """Creates, runs, cancels, resumes and retries personalised send jobs."""

    def __init__(
        self,
        engine: Engine,
        *,
        concurrency: int | None = None,
        per_request: int = MAX_PER_REQUEST,
    ) -> None:
        self.engine = engine
        self.concurrency = max(1, concurrency or engine.profile.concurrency)
        self.per_request = max(1, per_request)
        self._cancel = False
        self._stop: str | None = None
        self._counts: dict[str, int] = {}
        #: The job this sender is running, if any.
        self.current: int | None = None

    # Jobs ---------------------------------------------------------------------------

    def opted_out(self, plan: PersonalisedPlan) -> list[PlannedRow]:
        """The rows to send whose number is on the do-not-contact list."""
        rows = plan.to_send
        blocked = set(self.engine.optouts.check([r.recipient for r in rows]).blocked_numbers)
        return [r for r in rows if r.recipient in blocked]

    def create_job(
        self,
        plan: PersonalisedPlan,
        *,
        mask: str | None = None,
        include_opted_out: str | None = None,
    ) -> int:
        """Journal the plan's rows to send; returns the job id (nothing is sent yet).
        Rows whose number is on the do-not-contact list are left out, unless
        ``include_opted_out`` gives the reason to send to them (recorded)."""
        rows = plan.to_send
        listed = self.opted_out(plan)
        if listed and include_opted_out is not None:
            self.engine.optouts.override_recorded([r.recipient for r in listed], include_opted_out)
        elif listed:
            left_out = {r.row for r in listed}
            rows = [r for r in rows if r.row not in left_out]
        if not rows:
            raise InvalidInput("No row can be sent; fix the numbers or the template first.")
        mask = mask or self.engine.profile.default_mask
        return self.engine.ledger.send_jobs.create_send_job(
            ((r.row, r.recipient, r.text) for r in rows), plan.source, self.engine.now(), mask=mask
        )

    # As jobs of the engine (what the screens use) -------------------------------------

    def start_new(self, plan: PersonalisedPlan, *, mask: str | None) -> Job[SendReport]:
        """Journal ``plan`` and send it, as a job of the engine: it runs on when
        the screen that started it closes, and ``current_job`` finds it again."""

        async def work(cancel: asyncio.Event, progress: ProgressCallback) -> SendReport:
            job_id = await asyncio.to_thread(self.create_job, plan, mask=mask)
            return await self._run_until(job_id, cancel, progress)

        return self._start_job("Personalised send", work)

    def start(
        self, job_id: int, *, retry: Literal["retry", "retry_unknown"] | None = None
    ) -> Job[SendReport]:
        """Resume ``job_id`` as a job of the engine, after queueing its failed
        (``retry``) or failed and unknown (``retry_unknown``) rows again."""

        async def work(cancel: asyncio.Event, progress: ProgressCallback) -> SendReport:
            note = ""
            if retry is not None:
                include_unknown = retry == "retry_unknown"
                count = await asyncio.to_thread(self.retry, job_id, include_unknown=include_unknown)
                if not count and retry == "retry":
                    note = f"Send {job_id} had no failed rows; it was resumed."
            report = await self._run_until(job_id, cancel, progress)
            return replace(report, note=note) if note else report

        return self._start_job(f"Personalised send {job_id}", work)

    def current_job(self) -> Job[SendReport] | None:
        """The send running now, else the last one that ended (None: none yet)."""
        return self.engine.jobs.latest(JOB_KIND)

    def _start_job(self, title: str, work: JobWork[SendReport]) -> Job[SendReport]:
        if self.engine.jobs.running(JOB_KIND):
            raise InvalidInput("A personalised send is already running; wait for it or stop it.")
        return self.engine.jobs.start(JOB_KIND, title, work)

    async def _run_until(
        self, job_id: int, cancel: asyncio.Event, progress: ProgressCallback
    ) -> SendReport:
        """``run``, stopped (after the requests already out) once ``cancel`` is set."""

        async def relay() -> None:
            await cancel.wait()
            self.cancel()

        relaying = asyncio.create_task(relay())
        try:
            return await self.run(job_id, progress)
        finally:
            relaying.cancel()

    def is_running(self, job_id: int) -> bool:
        return self._key(job_id) in _RUNNING

    def cancel(self) -> None:
        """Stop after the requests already out (their rows are recorded as usual)."""
        self._cancel = True

    def recover(self, job_id: int) -> int:
        """Rows an interrupted run left ``sending`` become unknown (never resent
        by themselves); returns how many. Does nothing while the job runs here."""
        if self.is_running(job_id):
            return 0
        return self._recover_rows(job_id)

    def _recover_rows(self, job_id: int) -> int:
        ledger = self.engine.ledger
        stuck = [row.row for row in ledger.send_jobs.send_rows(job_id, "sending")]
        if stuck:
            ledger.send_jobs.mark_rows_unknown(
                job_id, stuck, "interrupted before the reply", self.engine.now()
            )
        return len(stuck)

    def retry(self, job_id: int, *, include_unknown: bool = False) -> int:
        """Queue failed rows (and, if asked, rows of unknown outcome) to be sent
        again; returns how many. Sending an unknown row again may deliver it twice."""
        ledger = self.engine.ledger
        rows = [row.row for row in ledger.send_jobs.send_rows(job_id, "failed")]
        if include_unknown:
            rows += [row.row for row in ledger.send_jobs.send_rows(job_id, "unknown")]
        if rows:
            ledger.send_jobs.retry_send_rows(job_id, sorted(rows), self.engine.now())
        return len(rows)

    def _key(self, job_id: int) -> tuple[str, int]:
        return (str(self.engine.ledger.path), job_id)

    # Running ----------------------------------------------------------------------------

    async def run(self, job_id: int, on_progress: ProgressCallback | None = None) -> SendReport:
        """Send the job's pending rows; returns when none is left, on cancel, or
        when an error stops the run (for example out of credit). Ledger work
        runs in a thread so the event loop stays free."""
        key = self._key(job_id)
        if key in _RUNNING:
            raise InvalidInput(f"Personalised send {job_id} is already running.")
        ledger = self.engine.ledger
        self._cancel = False
        self._stop = None
        _RUNNING.add(key)
        self.current = job_id
        try:
            await asyncio.to_thread(self._recover_rows, job_id)
            summary = await asyncio.to_thread(ledger.send_jobs.send_job_summary, job_id)
            self._counts = dict(summary.rows)
            self._progress(job_id, on_progress)
            while not self._cancel and self._stop is None:
                window = await asyncio.to_thread(ledger.send_jobs.next_send_rows, job_id, WINDOW)
                if not window:
                    break
                requests = self._requests(window)
                for start in range(0, len(requests), self.concurrency):
                    if self._cancel or self._stop is not None:
                        break
                    batch = requests[start : start + self.concurrency]
                    await self._round(job_id, batch, summary.mask)
                    self._progress(job_id, on_progress)
        finally:
            _RUNNING.discard(key)
            self.current = None
        summary = await asyncio.to_thread(self._finish, job_id)
        return SendReport(summary, cancelled=self._cancel, stopped=self._stop)

    def close_if_done(self, job_id: int) -> SendJobSummary:
        """The job's summary, the job closed first when every row is sent (for
        instance once its rows of unknown outcome were settled as sent)."""
        return self._finish(job_id)

    def _finish(self, job_id: int) -> SendJobSummary:
        """Close the job once every row was sent; one needing attention stays open."""
        ledger = self.engine.ledger
        summary = ledger.send_jobs.send_job_summary(job_id)
        if summary.finished and not summary.needs_attention and summary.state == "open":
            ledger.send_jobs.close_send_job(job_id)
            summary = ledger.send_jobs.send_job_summary(job_id)
        return summary

    def _requests(self, window: Sequence[SendRow]) -> list[list[SendRow]]:
        """Rows grouped into requests: same text together, each number once per request."""
        groups: dict[str, list[list[SendRow]]] = {}
        for row in window:
            batches = groups.setdefault(row.text, [[]])
            current = batches[-1]
            if len(current) >= self.per_request or any(
                r.recipient == row.recipient for r in current
            ):
                current = []
                batches.append(current)
            current.append(row)
        ordered = [batch for batches in groups.values() for batch in batches]
        return sorted(ordered, key=lambda batch: batch[0].row)

    async def _round(self, job_id: int, requests: list[list[SendRow]], mask: str | None) -> None:
        """Send up to ``concurrency`` requests at once. Their rows are marked
        ``sending`` in one commit before any goes out, and the outcomes
        recorded in one thread call after (a commit per row would cost more
        than the requests on a fast gateway)."""
        ledger = self.engine.ledger
        numbers_ = [r.row for rows in requests for r in rows]
        await asyncio.to_thread(
            ledger.send_jobs.mark_rows_sending, job_id, numbers_, self.engine.now()
        )
        tasks = [asyncio.ensure_future(self._request(rows, mask)) for rows in requests]
        try:
            await asyncio.wait(tasks)
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._publish(self._record(job_id, requests, tasks, mask))
            raise
        self._publish(await asyncio.to_thread(self._record, job_id, requests, tasks, mask))

    async def _request(self, rows: list[SendRow], mask: str | None) -> SubmitIds | CsmsError:
        try:
            return await self.engine.client.send_sms(
                [r.recipient for r in rows], rows[0].text, mask=mask
            )
        except CsmsError as error:
            return error

    def _record(
        self,
        job_id: int,
        requests: list[list[SendRow]],
        tasks: Sequence[asyncio.Future[SubmitIds | CsmsError]],
        mask: str | None,
    ) -> list[events.Event]:
        """Write each request's outcome to the ledger; returns the events to publish."""
        sent: list[tuple[int, NewMessage]] = []
        accepted: list[tuple[str, str]] = []
        published: list[events.Event] = []
        at = self.engine.now()
        for rows, task in zip(requests, tasks, strict=True):
            outcome = task.result() if task.done() and not task.cancelled() else None
            if isinstance(outcome, SubmitIds):
                sent += sent_messages(rows, outcome, mask, at)
                accepted += outcome.ids
            elif isinstance(outcome, CsmsError):
                stopped = SubmitStopped.of(outcome, [r.recipient for r in rows])
                if stopped.done is not None:
                    sent += sent_messages(rows, stopped.done, mask, at)
                    accepted += stopped.done.ids
                published += self._record_failure(job_id, rows, stopped)
                if stops_run(stopped.cause) and self._stop is None:
                    self._stop = str(outcome)
            else:
                self._interrupted(job_id, [r.row for r in rows])
        if sent:
            self.engine.ledger.send_jobs.mark_rows_sent(job_id, sent)
            self._tally(sent=len(sent))
            published.append(
                events.Submitted(
                    at=at,
                    kind="message",
                    ids=accepted,
                    summary=f"Personalised send {job_id}: {plural(len(sent), 'message')}",
                )
            )
        return published

    def _publish(self, published: list[events.Event]) -> None:
        for event in published:
            self.engine.bus.publish(event)
        if any(isinstance(event, events.Submitted) for event in published):
            self.engine.tracker.wake()

    def _record_failure(
        self, job_id: int, rows: list[SendRow], error: SubmitStopped
    ) -> list[events.Event]:
        ledger = self.engine.ledger
        published: list[events.Event] = []
        at = self.engine.now()
        by_number = {r.recipient: r.row for r in rows}
        accounted = {number for number, _ in (error.done.ids if error.done else [])}
        unknown = [by_number[n] for n in error.unknown if n in by_number]
        accounted.update(error.unknown)
        # Whatever is neither sent nor unknown never left (refused or not reached).
        failed = [r.row for r in rows if r.recipient not in accounted]
        message = str(error)
        if unknown:
            ledger.send_jobs.mark_rows_unknown(job_id, unknown, message, at)
            self._tally(unknown=len(unknown))
            published.append(
                events.OutcomeUnknownRecorded(
                    at=at,
                    kind="personalised",
                    summary=f"{plural(len(unknown), 'row')} of personalised send {job_id}"
                    " may or may not have been sent.",
                )
            )
        if failed:
            ledger.send_jobs.mark_rows_failed(job_id, failed, message, at)
            self._tally(failed=len(failed))
        return published

    def _interrupted(self, job_id: int, rows: list[int]) -> None:
        """The run was cancelled with this request out: its rows are unknown."""
        try:
            self.engine.ledger.send_jobs.mark_rows_unknown(
                job_id, rows, "interrupted while sending", self.engine.now()
            )
            self._tally(unknown=len(rows))
        except Exception:  # the ledger may already be closed while the app quits
            log.warning("Rows %s of personalised send %s left as sending", rows, job_id)

    def _tally(self, **moved: int) -> None:
        """Rows that left ``pending`` for the given states."""
        for state, count in moved.items():
            self._counts[state] = self._counts.get(state, 0) + count
            self._counts["pending"] = self._counts.get("pending", 0) - count

    def _progress(self, job_id: int, callback: ProgressCallback | None) -> None:
        counts = self._counts
        total = sum(counts.values())
        pending = counts.get("pending", 0)
        detail = ", ".join(
            f"{counts.get(state, 0)} {state}"
            for state in ("sent", "failed", "unknown")
            if counts.get(state, 0)
        )
        event = events.Progress(
            at=self.engine.now(),
            job=job_name(job_id),
            done=total - pending,
            total=total,
            detail=detail,
        )
        self.engine.bus.publish(event)
        if callback is not None:
            callback(event)
