"""Stopping the engine while its background loops wait: the stop is prompt and
leaves no coroutine that was never awaited (warnings are errors here)."""

from __future__ import annotations

import asyncio
import gc
import time
from pathlib import Path

import pytest

from tests.engine.conftest import engine_profile
from tui.engine.service import Engine
from tui.simulator import Simulator

pytestmark = pytest.mark.filterwarnings(
    "error::RuntimeWarning", "error::pytest.PytestUnraisableExceptionWarning"
)


async def _started(simulator: Simulator, tmp_path: Path) -> Engine:
    engine = await Engine.open(
        engine_profile("http://simulator.test", poll_max=5.0, inbox_interval=5.0),
        data_dir=tmp_path / "data",
        transport=simulator.transport(),
    )
    await engine.start()
    async with asyncio.timeout(5):
        while engine.tracker.next_round is None:  # noqa: ASYNC110 (the first round)
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)  # the tracker now waits for its next round
    return engine


async def test_a_stop_that_lands_as_the_tracker_is_woken_ends_it_at_once(
    simulator: Simulator, tmp_path: Path
) -> None:
    engine = await _started(simulator, tmp_path)
    requests = engine.tracker.requests
    rounds = engine.tracker.last_round
    began = time.monotonic()
    engine.tracker.wake()  # new work recorded just as the app closes
    engine.set_auto_fetch(True)  # and the inbox woken too
    await engine.stop()
    assert time.monotonic() - began < 0.5
    assert engine.tracker.last_round == rounds and engine.tracker.requests == requests
    gc.collect()


@pytest.mark.parametrize("turns", [0, 1, 2, 3, 5, 8])
async def test_stopping_at_any_point_of_the_tracker_wait_leaks_nothing(
    simulator: Simulator, tmp_path: Path, turns: int
) -> None:
    engine = await _started(simulator, tmp_path)
    engine.tracker.wake()
    for _ in range(turns):
        await asyncio.sleep(0)
    await engine.stop()
    assert all(task.done() for task in asyncio.all_tasks() if task.get_name().startswith("csms-"))
    gc.collect()
