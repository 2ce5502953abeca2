"""Creating lists and uploading numbers to the simulator: batches, faults, crash, resume."""

from __future__ import annotations

import asyncio
import csv
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import SIM_MSISDN, SIM_PASSWORD
from tests.engine.conftest import engine_profile
from tests.engine.test_imports import write_mixed_csv
from tui.engine.imports import preview_file
from tui.engine.list_upload import ImportRunning, ListUploader, UploadProgress
from tui.engine.service import Engine
from tui.gateway.errors import InvalidInput
from tui.simulator import Simulator, SimulatorServer

ROOT = Path(__file__).resolve().parents[2]


def contact_requests(sim: Simulator) -> list[list[str]]:
    return [r.params["to"].split(",") for r in sim.requests if r.page == "addcontacts.jsp"]


def assert_no_batch_twice(sim: Simulator) -> list[str]:
    """Every number reached the simulator in exactly one request; returns them all."""
    sent = [number for batch in contact_requests(sim) for number in batch]
    repeated = [number for number, times in Counter(sent).items() if times > 1]
    assert not repeated, f"{len(repeated)} numbers were sent twice"
    return sent


def numbers(count: int, start: int = 0) -> list[str]:
    return [f"92300{i:07d}" for i in range(start, start + count)]


async def test_a_mixed_10000_row_file_lands_exactly_in_the_list(
    engine: Engine, simulator: Simulator, tmp_path: Path
) -> None:
    uploader = ListUploader(engine)
    target = await uploader.create_list("Customers")
    known: set[str] = set()
    path = tmp_path / "customers.csv"
    expected = write_mixed_csv(path, known)
    # The list already holds 300 of the file's numbers.
    seeded = await uploader.upload(target.id, sorted(known), "earlier import")
    assert [r.added for r in seeded] == [300]

    progress: list[UploadProgress] = []
    members = engine.ledger.lists.member_set(target.id)
    with preview_file(path, known=members) as preview:
        assert (preview.to_upload, preview.already_in_list) == (7_700, 300)
        results = await uploader.upload(
            target.id, preview.numbers, str(path), on_progress=progress.append
        )

    [result] = results
    assert result.ok, result.lines()
    assert (result.added, result.added_now, result.numbers_total) == (7_700, 7_700, 7_700)
    assert result.lines()[0] == "Import 2 into list 'Customers': added 7,700 numbers now."
    held = set(simulator.state.lists[target.id].members)
    assert held == known | set(expected.to_upload)
    assert len(held) == 8_000
    assert engine.ledger.lists.member_set(target.id) == held
    assert len(assert_no_batch_twice(simulator)) == 8_000
    # Batches were sized by the URL limit, and progress counted up to the end.
    assert result.batches_total == len(contact_requests(simulator)) - 2  # the seed took 2
    assert progress[-1].numbers_done == progress[-1].numbers_total == 7_700
    assert progress[-1].batches_settled == result.batches_total
    assert [p.numbers_done for p in progress] == sorted(p.numbers_done for p in progress)
    assert not uploader.unfinished_jobs()  # finished jobs are closed


async def test_a_batch_that_times_out_is_unknown_and_the_rest_continue(
    engine: Engine, simulator: Simulator
) -> None:
    uploader = ListUploader(engine)
    target = await uploader.create_list("Timeouts")
    values = numbers(2_000)
    # The third batch's reply comes after the client's timeout (it still takes effect).
    simulator.faults.add("addcontacts", "late", count=1, skip=2, seconds=600)

    [result] = await uploader.upload(target.id, values, "file.csv")

    assert not result.ok and result.error is None
    assert len(result.unknown) == 1
    seq, size, ref = result.unknown[0]
    assert ref == f"import:{result.job_id}:{seq}"
    assert result.added == len(values) - size
    assert f"Batch {seq} ({size:,} numbers): outcome unknown" in "\n".join(result.lines())
    [entry] = engine.ledger.unknown.unknown_submits()
    assert entry.ref == ref and entry.kind == "list_import"
    assert_no_batch_twice(simulator)
    assert set(simulator.state.lists[target.id].members) == set(values)

    # Running the job again sends nothing: the unknown batch is never repeated.
    before = len(simulator.requests)
    again = await uploader.run(result.job_id)
    assert len(simulator.requests) == before
    assert again.added_now == 0 and again.unknown == result.unknown
    # Importing the same numbers again does not offer the unknown batch's numbers.
    assert len(uploader.queued_numbers(target.id)) == size

    # The user checked: the batch did arrive. The job is then complete and closed.
    assert uploader.confirm_batch(result.job_id, seq) == size
    assert not uploader.unfinished_jobs()
    assert not engine.ledger.unknown.unknown_submits()
    assert engine.ledger.lists.member_set(target.id) == set(values)


async def test_cancel_stops_after_the_batches_on_their_way_and_resume_finishes(
    engine: Engine, simulator: Simulator
) -> None:
    uploader = ListUploader(engine)
    target = await uploader.create_list("Cancelled")
    values = numbers(5_000)
    cancel = asyncio.Event()

    def stop_early(progress: UploadProgress) -> None:
        if progress.batches_settled >= 3:
            cancel.set()

    [first] = await uploader.upload(
        target.id, values, "big.csv", cancel=cancel, on_progress=stop_early
    )
    assert first.cancelled and first.pending > 0 and not first.unknown
    assert 0 < first.added < len(values)
    assert "resume the import" in "\n".join(first.lines())
    assert len(simulator.state.lists[target.id].members) == first.added

    # Importing into the list again finishes the interrupted job first.
    results = await uploader.upload(target.id, [], "again")
    [resumed] = results
    assert resumed.job_id == first.job_id and resumed.ok
    assert resumed.added == len(values)
    assert resumed.added_now == len(values) - first.added
    assert_no_batch_twice(simulator)
    assert set(simulator.state.lists[target.id].members) == set(values)


async def test_a_refusal_puts_the_batch_back_and_stops(
    engine: Engine, simulator: Simulator
) -> None:
    uploader = ListUploader(engine)
    # A list the ledger knows but the gateway does not (error 415).
    engine.ledger.lists.add_list("999", "Gone", datetime.now(UTC))
    [result] = await uploader.upload("999", numbers(1_000), "file.csv")
    assert result.error is not None and "415" in result.error
    assert result.added == 0 and not result.unknown and not result.failed
    assert result.pending == result.batches_total  # nothing lost, all still queued
    assert len(contact_requests(simulator)) <= 4  # stopped at once


async def test_list_names_are_checked_before_any_request(
    engine: Engine, simulator: Simulator
) -> None:
    uploader = ListUploader(engine)
    await uploader.create_list("  Staff ")
    assert uploader.find_list("staff") is not None
    requests = len(simulator.requests)
    with pytest.raises(InvalidInput, match="empty"):
        await uploader.create_list("   ")
    with pytest.raises(InvalidInput, match="A list named 'Staff' already exists"):
        await uploader.create_list("STAFF")
    assert len(simulator.requests) == requests


async def test_the_same_job_cannot_run_twice_at_once(engine: Engine) -> None:
    uploader = ListUploader(engine)
    target = await uploader.create_list("Twice")
    job = uploader.start_job(target.id, numbers(600), "x")
    first = asyncio.create_task(uploader.run(job))
    await asyncio.sleep(0)  # let it register
    with pytest.raises(ImportRunning):
        await uploader.run(job)
    assert (await first).ok


async def test_an_upload_refused_while_another_runs_releases_what_it_was_given(
    engine: Engine,
) -> None:
    """A second upload is refused while one runs; its ``on_end`` (a preview's
    temporary files) runs at once, not when the preview is garbage-collected."""
    uploader = ListUploader(engine)
    target = await uploader.create_list("Busy")
    ended: list[str] = []
    first = uploader.start_upload(
        target.id, "Busy", numbers(600), "a.csv", on_end=lambda: ended.append("first")
    )
    with pytest.raises(ImportRunning, match="under way"):
        uploader.start_upload(
            target.id, "Busy", numbers(10), "b.csv", on_end=lambda: ended.append("second")
        )
    assert ended == ["second"]
    await first.wait()
    assert ended == ["second", "first"]


async def test_export_writes_the_members(engine: Engine, tmp_path: Path) -> None:
    uploader = ListUploader(engine)
    target = await uploader.create_list("Export me")
    await uploader.upload(target.id, numbers(3), "x")
    out = tmp_path / "members.csv"
    assert await uploader.export_list(target.id, out) == 3
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "Number"
    assert [row[0] for row in rows[1:]] == [f'="{n}"' for n in numbers(3)]  # 12 digits kept


# A crash: the command-line upload killed with SIGKILL, then resumed ---------------------


def wait_for(condition: Callable[[], bool], what: str, limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}")


def kill_mid_upload(simulator: Simulator, base_url: str, tmp_path: Path, source: Path) -> None:
    """``csms lists import Crash SOURCE --yes`` in a child process, killed with
    SIGKILL while the sixth batch waits for its reply."""
    env = dict(
        os.environ,
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        CSMS_BASE_URL=base_url,
        CSMS_MSISDN=SIM_MSISDN,
        CSMS_PASSWORD=SIM_PASSWORD,
        PYTHONPATH=str(ROOT),
    )
    # One batch at a time, so the moment of the kill is exact: the sixth batch
    # is added, but its reply never comes while the process lives.
    config = tmp_path / "config" / "csms" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[profiles.default]\nconcurrency = 1\n")
    simulator.faults.add("addcontacts", "late", count=1, skip=5, seconds=60)
    child = subprocess.Popen(
        [sys.executable, "-m", "tui", "lists", "import", "Crash", str(source), "--yes"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: len(contact_requests(simulator)) >= 6, "the sixth batch")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL


async def test_killed_upload_resumes_without_sending_a_batch_twice(
    simulator: Simulator, sim_server: SimulatorServer, tmp_path: Path
) -> None:
    values = numbers(3_000)
    source = tmp_path / "numbers.txt"
    source.write_text("\n".join(values) + "\n")
    kill_mid_upload(simulator, sim_server.base_url, tmp_path, source)
    sent_before = len(contact_requests(simulator))

    simulator.faults.clear()
    data = tmp_path / "data" / "csms" / "profiles" / "default"
    engine = await Engine.open(engine_profile(sim_server.base_url), data_dir=data)
    try:
        uploader = ListUploader(engine)
        target = uploader.find_list("Crash")
        assert target is not None
        [job] = uploader.unfinished_jobs(target.id)
        assert job.batches == {"done": 5, "sending": 1, "pending": job.batches["pending"]}
        assert sent_before == 6

        [result] = await uploader.upload(target.id, [], "resume")

        # The batch on its way when the process died is unknown and never resent;
        # the rest were sent once each.
        assert result.recovered == [6]
        assert [seq for seq, _, _ in result.unknown] == [6]
        assert not result.failed and not result.pending
        unknown_size = result.unknown[0][1]
        assert result.added == len(values) - unknown_size
        first_five = sum(len(batch) for batch in contact_requests(simulator)[:5])
        assert result.added_now == result.added - first_five
        sent = assert_no_batch_twice(simulator)
        assert len(contact_requests(simulator)) == result.batches_total
        assert set(sent) == set(values)
        assert set(simulator.state.lists[target.id].members) == set(values)
        [entry] = engine.ledger.unknown.unknown_submits()
        assert entry.ref == f"import:{job.job_id}:6"
    finally:
        await engine.stop()
