"""Uploading 100,000 numbers to a list on the loopback simulator.

Measures numbers per second of the journaled, resumable upload
(``ListUploader.run``: each round of URL-sized batches committed as ``sending``
before its requests, then as done with their numbers recorded as members)
against a floor measured in the same run: a plain loop of httpx requests
sending the same batches to the same server. Rounds alternate and the best of
each is kept. Target: at least 0.8x the floor's rate.

The simulator (a ``SimulatorServer`` on 127.0.0.1) runs in a child process, as
a gateway would be another machine: its work does not share this process's
interpreter lock with the client being measured.

Run: python bench/list_upload.py [--numbers N] [--rounds R]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.config import Profile
from tui.engine.list_upload import ListUploader
from tui.engine.service import Engine
from tui.gateway.codes import ADD_CONTACTS, API_PREFIX, AUTH
from tui.simulator import Simulator, SimulatorConfig, SimulatorServer

LOGIN, PASSWORD = "923001234567", "bench"
TARGET = 0.8


def numbers(count: int) -> list[str]:
    return [f"923{i:09d}" for i in range(100_000_000, 100_000_000 + count)]


async def open_engine(base_url: str, folder: Path) -> Engine:
    profile = Profile(name="bench", base_url=base_url, msisdn=LOGIN, password=PASSWORD)
    return await Engine.open(profile, data_dir=folder)


async def ours(
    base_url: str, folder: Path, values: list[str], round_no: int
) -> tuple[float, float, int]:
    """Seconds to journal ``values`` in batches, seconds to upload them; the batch count."""
    engine = await open_engine(base_url, folder)
    try:
        uploader = ListUploader(engine)
        target = await uploader.create_list(f"bench-ours-{round_no}")
        started = time.perf_counter()
        job_id = uploader.start_job(target.id, values, "bench")
        planned = time.perf_counter()
        result = await uploader.run(job_id)
        done = time.perf_counter()
        assert result.ok and result.added == len(values), result.lines()
        return planned - started, done - planned, result.batches_total
    finally:
        await engine.stop()


async def floor(base_url: str, folder: Path, values: list[str], round_no: int) -> float:
    """Seconds for a plain loop of httpx requests with the same batches."""
    engine = await open_engine(base_url, folder)
    try:  # the engine only splits the batches and creates the list
        list_id = (await ListUploader(engine).create_list(f"bench-floor-{round_no}")).id
        batches = engine.client.contact_batches(list_id, values)
    finally:
        await engine.stop()
    async with httpx.AsyncClient(base_url=base_url + API_PREFIX.rstrip("/")) as http:
        reply = await http.post("/" + AUTH.page, data={"msisdn": LOGIN, "password": PASSWORD})
        session = reply.text.split("<data>")[1].split("</data>")[0]
        started = time.perf_counter()
        for batch in batches:
            response = await http.get(
                "/" + ADD_CONTACTS.page,
                params={"session_id": session, "list_id": list_id, "to": ",".join(batch)},
            )
            assert b"<response>OK</response>" in response.content, response.content[:200]
        return time.perf_counter() - started


def serve() -> int:
    """Child process: serve the simulator until stdin closes."""
    sim = Simulator(SimulatorConfig(seed=1))
    sim.add_account(LOGIN, PASSWORD)
    with SimulatorServer(sim) as server:
        print(server.base_url, flush=True)
        sys.stdin.read()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve()
    values = numbers(args.numbers)
    ours_times: list[float] = []
    floor_times: list[float] = []
    plan_times: list[float] = []
    batches = 0
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        base_url = child.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as tmp:
            for round_no in range(args.rounds):
                folder = Path(tmp) / f"round{round_no}"
                floor_times.append(asyncio.run(floor(base_url, folder / "f", values, round_no)))
                planning, seconds, batches = asyncio.run(
                    ours(base_url, folder / "o", values, round_no)
                )
                plan_times.append(planning)
                ours_times.append(seconds)
    finally:
        child.stdin.close()
        child.wait(timeout=30)
    best_ours, best_floor = min(ours_times), min(floor_times)
    rate_ours, rate_floor = len(values) / best_ours, len(values) / best_floor
    ratio = rate_ours / rate_floor
    print(f"numbers: {len(values):,} in {batches} batches; best of {args.rounds} rounds")
    print(f"journaled upload (ours):   {rate_ours:>10,.0f} numbers/s  ({best_ours:.2f} s)")
    print(f"plain httpx loop (floor):  {rate_floor:>10,.0f} numbers/s  ({best_floor:.2f} s)")
    print(f"ratio ours/floor: {ratio:.2f} (target >= {TARGET})")
    print(
        f"(before the upload, splitting into batches and journaling them took "
        f"{min(plan_times):.2f} s; the floor is given the same batches)"
    )
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
