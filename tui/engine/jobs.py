"""Long jobs the engine runs for the screens: list uploads, audio uploads,
personalised sends.

A screen starts a job through its feature service and watches it; the job is
the engine's, not the screen's. It keeps running and reporting when the screen
that started it is closed, and a screen opened later finds it again
(``Jobs.latest``) to show its progress and, once it ends, its outcome. Progress
goes out on the engine's bus (``events.Progress``, whose ``job`` is the job's
key) as it always has; the end of a job is one ``events.JobEnded``.

Cancelling asks the job to stop after the requests already on their way, which
it records; stopping the engine does the same and waits a little for it
(``STOP_GRACE``) before cutting the job short.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from tui.engine import events
from tui.gateway.errors import CsmsError
from tui.ledger.errors import LedgerError

T = TypeVar("T")
log = logging.getLogger(__name__)

JobKind = Literal["list-upload", "audio-upload", "personalised-send"]
JobState = Literal["running", "finished", "failed", "cancelled"]

#: Seconds the engine's stop waits for a cancelled job to record the requests on
#: their way before it cuts the job short (they are then settled as unknown).
STOP_GRACE = 10.0

#: Failures with a sentence for the user: reported, not logged with a traceback.
_EXPECTED = (CsmsError, LedgerError)

#: A job's work: given its cancel event and a progress callback, the result.
JobWork = Callable[[asyncio.Event, Callable[[events.Progress], None]], Awaitable[T]]


@dataclass(eq=False)
class Job(Generic[T]):
    """One long job: its identity, its latest progress and, once ended, its outcome."""

    id: int
    kind: JobKind
    #: What the job does, as a screen names it ("Upload to 'Customers'").
    title: str
    started_at: datetime
    cancel_event: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    progress: events.Progress | None = None
    result: T | None = None
    #: The error that ended the job, as one sentence (failed jobs only).
    error: str | None = None
    #: The exception itself, for a caller that tells kinds of failure apart.
    exception: BaseException | None = field(default=None, repr=False)
    state: JobState = "running"
    _task: asyncio.Task[None] | None = field(default=None, repr=False)
    _told: bool = field(default=False, repr=False)

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def cancelling(self) -> bool:
        return self.running and self.cancel_event.is_set()

    def cancel(self) -> None:
        """Ask the job to stop after the requests on their way."""
        self.cancel_event.set()

    @property
    def told(self) -> bool:
        """Whether a screen has told the user how the job ended."""
        return self._told

    def take_outcome(self) -> bool:
        """True once, for the first screen to tell the user how the ended job
        went (several screens hear of its end; one of them says it)."""
        if self.running or self._told:
            return False
        self._told = True
        return True

    async def wait(self) -> Job[T]:
        """Until the job has ended (whatever the outcome); returns the job."""
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self._task)
        return self


class Jobs:
    """The engine's long jobs, running and recently ended (one per kind kept)."""

    def __init__(self, bus: events.EventBus, now: Callable[[], datetime]) -> None:
        self._bus = bus
        self._now = now
        self._next_id = 1
        self._jobs: dict[int, Job[Any]] = {}

    def start(
        self,
        kind: JobKind,
        title: str,
        work: JobWork[T],
        *,
        expected: tuple[type[Exception], ...] = (),
    ) -> Job[T]:
        """Run ``work`` as a job of the engine. A client or ledger error (or one of
        ``expected``) ends it as failed with its own sentence; any other error is
        logged with its traceback and named as unexpected."""
        job: Job[T] = Job(self._next_id, kind, title, self._now())
        self._next_id += 1
        # Ended jobs of the same kind are forgotten: a screen re-attaches to the latest.
        for old in [j for j in self._jobs.values() if j.kind == kind and not j.running]:
            del self._jobs[old.id]
        self._jobs[job.id] = job

        def progress(event: events.Progress) -> None:
            job.progress = event

        async def run() -> None:
            try:
                job.result = await work(job.cancel_event, progress)
                job.state = "cancelled" if job.cancel_event.is_set() else "finished"
            except asyncio.CancelledError:
                job.state, job.error = "cancelled", "Stopped as csms closed."
                raise
            except Exception as error:
                job.state, job.exception = "failed", error
                if isinstance(error, (*_EXPECTED, *expected)):
                    job.error = str(error)
                else:
                    log.exception("job %s (%s) failed", job.id, kind)
                    job.error = (
                        f"{title} stopped on an unexpected error ({type(error).__name__}:"
                        f" {error}); the log file has the details."
                    )
            finally:
                self._bus.publish(
                    events.JobEnded(
                        at=self._now(), job_id=job.id, kind=kind, state=job.state, title=title
                    )
                )

        job._task = asyncio.get_running_loop().create_task(run(), name=f"job-{kind}-{job.id}")
        return job

    def get(self, job_id: int) -> Job[Any] | None:
        return self._jobs.get(job_id)

    def latest(self, kind: JobKind) -> Job[Any] | None:
        """The running job of ``kind``, else the one that ended last (None: none)."""
        jobs = [job for job in self._jobs.values() if job.kind == kind]
        running = [job for job in jobs if job.running]
        chosen = running or jobs
        return chosen[-1] if chosen else None

    def running(self, kind: JobKind | None = None) -> list[Job[Any]]:
        return [j for j in self._jobs.values() if j.running and kind in (None, j.kind)]

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """Cancel every running job, let each record what is on its way for up to
        ``grace`` seconds, then cut short what is left."""
        tasks = [job._task for job in self.running() if job._task is not None]
        for job in self.running():
            job.cancel()
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=grace)
        for task in late:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
