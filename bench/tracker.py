"""Tracking 5,000 in-flight messages against the loopback simulator.

The simulator runs in its own process (as the gateway would be on another
machine), on a real-time clock at 10x speed: a message is delivered half a
second after it is submitted.

Prints requests issued per final status, wall time to all-final, and the
event loop's longest stall while tracking runs (a loop-lag probe: a task that
sleeps 5 ms and records how late it wakes). The floor, measured in the same
run, is a plain loop of the same 5,000 status queries over httpx with the same
concurrency and no ledger. Target: no stall over 20 ms.

Run: ``python bench/tracker.py``
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.synchronize
import tempfile
import time
from pathlib import Path

import httpx

from tui.config import Profile
from tui.engine.events import PollCycle
from tui.engine.service import Engine
from tui.simulator import Simulator, SimulatorConfig, SimulatorServer

COUNT = 5000
CONCURRENCY = 4


class LagProbe:
    def __init__(self, period: float = 0.005) -> None:
        self.period = period
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(self.period)
            self.worst = max(self.worst, loop.time() - start - self.period)

    def __enter__(self) -> LagProbe:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


def numbers() -> list[str]:
    return [f"92300{1000000 + i}" for i in range(COUNT)]


async def tracked(base_url: str, data: Path) -> tuple[float, int, float]:
    profile = Profile(
        name="bench",
        base_url=base_url,
        msisdn="923001234567",
        password="demo",
        poll_initial=0.5,
        poll_max=2.0,
        concurrency=CONCURRENCY,
    )
    engine = await Engine.open(profile, data_dir=data)
    try:
        outcome = await engine.send_sms(numbers(), "Benchmark")
        assert len(outcome.ids) == COUNT, outcome.error
        requests_before = engine.tracker.requests
        start = time.perf_counter()
        with LagProbe() as probe:
            task = asyncio.create_task(engine.tracker.run(idle=1.0))
            # Checked between rounds, as a screen would read the ledger.
            async for event in engine.subscribe():
                if isinstance(event, PollCycle) and event.in_flight == 0:
                    break
            task.cancel()
        wall = time.perf_counter() - start
        return wall, engine.tracker.requests - requests_before, probe.worst
    finally:
        await engine.stop()


async def floor(base_url: str, ids: list[str]) -> float:
    async with httpx.AsyncClient(base_url=base_url) as client:
        reply = await client.get(
            "/corporate_sms2/api/auth.jsp", params={"msisdn": "923001234567", "password": "demo"}
        )
        session = reply.text.split("<data>")[1].split("</data>")[0]
        limit = asyncio.Semaphore(CONCURRENCY)

        async def one(msg_id: str) -> None:
            async with limit:
                await client.get(
                    "/corporate_sms2/api/querymsg.jsp",
                    params={"session_id": session, "msg_id": msg_id},
                )

        start = time.perf_counter()
        await asyncio.gather(*(one(i) for i in ids))
        return time.perf_counter() - start


def serve(queue: multiprocessing.Queue[str], stop: multiprocessing.synchronize.Event) -> None:
    sim = Simulator(SimulatorConfig(seed=1, speed=10.0))
    sim.add_account(msisdn="923001234567", password="demo", masks=["CSMS"], credit=1e9)
    with SimulatorServer(sim, host="127.0.0.1", port=0) as server:
        queue.put(server.base_url)
        stop.wait()


def main() -> None:
    queue: multiprocessing.Queue[str] = multiprocessing.Queue()
    stop = multiprocessing.Event()
    child = multiprocessing.Process(target=serve, args=(queue, stop), daemon=True)
    child.start()
    try:
        base_url = queue.get(timeout=30)
        with tempfile.TemporaryDirectory() as tmp:
            wall, queries, worst = asyncio.run(tracked(base_url, Path(tmp)))
        # The same number of status queries, issued by a plain loop.
        ids = [f"{40000001 + i}" for i in range(COUNT)]
        base = asyncio.run(floor(base_url, ids))
    finally:
        stop.set()
        child.join(10)
    per_final = queries / COUNT
    print(f"messages tracked to Sent:       {COUNT}")
    print(f"status queries per final:       {per_final:.2f} (floor 1.00)")
    print(f"wall time to all-final:         {wall:.2f} s")
    print(f"floor: {COUNT} plain queries:    {base:.2f} s -> ratio {wall / base:.2f}")
    print(f"longest event-loop stall:       {worst * 1000:.1f} ms (target <= 20 ms)")


if __name__ == "__main__":
    main()
