"""The engine's long jobs (``engine.jobs``): they run without any screen, report
progress and their end on the bus, are told once, and stop cleanly."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from tui.engine import events
from tui.engine.jobs import Jobs
from tui.gateway.errors import InvalidInput


def now() -> datetime:
    return datetime.now(UTC)


async def test_a_job_runs_reports_progress_and_its_end_on_the_bus() -> None:
    bus = events.EventBus()
    seen = bus.subscribe()
    jobs = Jobs(bus, now)

    async def work(cancel: asyncio.Event, progress: Callable[[events.Progress], None]) -> int:
        for done in range(1, 4):
            progress(events.Progress(at=now(), job="count", done=done, total=3))
            await asyncio.sleep(0)
        return 42

    job = jobs.start("list-upload", "Counting", work)
    assert job.running and jobs.latest("list-upload") is job
    await job.wait()
    assert job.state == "finished" and job.result == 42
    assert job.progress is not None and job.progress.done == 3
    ended = await asyncio.wait_for(seen.get(), 1)
    assert isinstance(ended, events.JobEnded)
    assert (ended.job_id, ended.kind, ended.state) == (job.id, "list-upload", "finished")
    # The outcome is told once, whoever asks first.
    assert job.take_outcome() and not job.take_outcome() and job.told


async def test_a_failed_job_keeps_its_sentence_and_a_cancelled_one_says_so() -> None:
    jobs = Jobs(events.EventBus(), now)

    async def refused(cancel: asyncio.Event, progress: object) -> None:
        raise InvalidInput("The list name is taken; choose another.")

    failed = await jobs.start("audio-upload", "Refused", refused).wait()
    assert failed.state == "failed" and failed.result is None
    assert failed.error == "The list name is taken; choose another."

    async def until_cancelled(cancel: asyncio.Event, progress: object) -> str:
        await cancel.wait()
        return "recorded what was on its way"

    job = jobs.start("personalised-send", "Sending", until_cancelled)
    await asyncio.sleep(0)
    job.cancel()
    assert (await job.wait()).state == "cancelled"
    assert job.result == "recorded what was on its way"


async def test_stopping_lets_jobs_record_what_is_on_its_way_then_cuts_the_rest() -> None:
    jobs = Jobs(events.EventBus(), now)
    finished: list[str] = []

    async def polite(cancel: asyncio.Event, progress: object) -> None:
        await cancel.wait()
        finished.append("polite")

    async def stubborn(cancel: asyncio.Event, progress: object) -> None:
        try:
            await asyncio.sleep(60)
        finally:
            finished.append("stubborn cut")

    first = jobs.start("list-upload", "Polite", polite)
    second = jobs.start("audio-upload", "Stubborn", stubborn)
    await asyncio.sleep(0)
    await asyncio.wait_for(jobs.stop(grace=0.2), 5)
    assert first.state == "cancelled" and second.state == "cancelled"
    assert sorted(finished) == ["polite", "stubborn cut"]
    assert jobs.running() == []


async def test_the_latest_job_of_a_kind_is_the_running_one_else_the_last_ended() -> None:
    jobs = Jobs(events.EventBus(), now)

    async def quick(cancel: asyncio.Event, progress: object) -> int:
        return 1

    done = await jobs.start("list-upload", "First", quick).wait()
    assert jobs.latest("list-upload") is done
    assert jobs.latest("audio-upload") is None
    later = await jobs.start("list-upload", "Second", quick).wait()
    assert jobs.latest("list-upload") is later and jobs.get(done.id) is None


async def test_an_unexpected_error_ends_the_job_as_failed_and_is_logged(caplog) -> None:
    bus = events.EventBus()
    seen = bus.subscribe()
    jobs = Jobs(bus, now)

    async def broken(cancel: asyncio.Event, progress: object) -> None:
        raise KeyError("row")

    job = await jobs.start("list-upload", "Uploading to 'Staff'", broken).wait()
    assert job.state == "failed" and not job.running
    assert job.error == (
        "Uploading to 'Staff' stopped on an unexpected error (KeyError: 'row');"
        " the log file has the details."
    )
    assert any(record.exc_info for record in caplog.records)
    ended = await asyncio.wait_for(seen.get(), 1)
    assert isinstance(ended, events.JobEnded) and ended.state == "failed"
