"""Personalised sends: planning a large sheet, and sending with the journal.

Two measurements, each beside its floor in the same run:

* Planning 100,000 rows (read the CSV text, check and render the template,
  normalise each number, count segments) against the floor: ``csv.reader``
  plus ``str.format_map`` per row, which renders the same texts with no
  checks at all.
* Sending 2,000 rows through ``PersonalisedSender`` (each round of requests
  journalled in the SQLite ledger before it goes out and recorded after)
  against the floor: the same 2,000 ``send_sms`` calls with the same
  concurrency and no journal. Both go to the in-process simulator, so the
  difference is the journal's cost.

Prints the best of three runs of each and the ratios.

Run: ``python bench/personalised_send.py``
"""

from __future__ import annotations

import asyncio
import csv
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.config import Profile
from tui.engine.personalised import PersonalisedSender, plan_send
from tui.engine.service import Engine
from tui.engine.templates import sheet_from_text
from tui.gateway.client import CsmsClient
from tui.simulator import Simulator, SimulatorConfig

PLAN_ROWS = 100_000
SEND_ROWS = 2_000
RUNS = 3
CONCURRENCY = 4
TEMPLATE = "Dear {name}, your bill of Rs {amount} is due on {due}."
LOGIN, PASSWORD = "923001234567", "bench"


def sheet_text(rows: int) -> str:
    lines = ["name,phone,amount,due"]
    for i in range(rows):
        name = "علی" if i % 10 == 0 else f"Customer {i}"
        lines.append(f"{name},0300-{1000000 + i:07d},{100 + i % 900},2024-07-{1 + i % 28:02d}")
    return "\n".join(lines) + "\n"


def best(run: Callable[[], float]) -> float:
    return min(run() for _ in range(RUNS))


def plan_once(text: str) -> float:
    start = time.perf_counter()
    plan = plan_send(sheet_from_text(text), TEMPLATE, "phone")
    elapsed = time.perf_counter() - start
    assert len(plan.to_send) == PLAN_ROWS
    return elapsed


def plan_floor(text: str) -> float:
    start = time.perf_counter()
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    texts = [TEMPLATE.format_map(dict(zip(header, row, strict=True))) for row in reader]
    elapsed = time.perf_counter() - start
    assert len(texts) == PLAN_ROWS
    return elapsed


def simulator() -> Simulator:
    sim = Simulator(SimulatorConfig(seed=1, manual_clock=True))
    sim.add_account(LOGIN, PASSWORD, masks=["CSMS"], credit=1e9)
    return sim


def profile() -> Profile:
    return Profile(
        name="bench",
        base_url="http://simulator.bench",
        msisdn=LOGIN,
        password=PASSWORD,
        masks=["CSMS"],
        default_mask="CSMS",
        concurrency=CONCURRENCY,
    )


async def send_journalled(text: str) -> float:
    sim = simulator()
    with tempfile.TemporaryDirectory() as folder:
        engine = await Engine.open(profile(), data_dir=Path(folder), transport=sim.transport())
        try:
            plan = plan_send(sheet_from_text(text), TEMPLATE, "phone")
            sender = PersonalisedSender(engine)
            job = sender.create_job(plan)
            await engine.client.login()
            start = time.perf_counter()
            report = await sender.run(job)
            elapsed = time.perf_counter() - start
            assert report.summary.rows == {"sent": SEND_ROWS}, report.summary.rows
        finally:
            await engine.stop()
    return elapsed


async def send_floor(text: str) -> float:
    sim = simulator()
    plan = plan_send(sheet_from_text(text), TEMPLATE, "phone")
    async with CsmsClient.from_profile(profile(), transport=sim.transport()) as client:
        await client.login()
        limit = asyncio.Semaphore(CONCURRENCY)

        async def one(number: str, body: str) -> None:
            async with limit:
                await client.send_sms([number], body, mask="CSMS")

        start = time.perf_counter()
        await asyncio.gather(*(one(row.recipient, row.text) for row in plan.to_send))
        elapsed = time.perf_counter() - start
    assert len(sim.state.messages) == SEND_ROWS
    return elapsed


def main() -> None:
    big = sheet_text(PLAN_ROWS)
    planned = best(lambda: plan_once(big))
    floor = best(lambda: plan_floor(big))
    print(f"plan {PLAN_ROWS:,} rows:   {planned:.3f} s   floor (csv + format_map) {floor:.3f} s"
          f"   ratio {planned / floor:.1f}x")  # fmt: skip

    small = sheet_text(SEND_ROWS)
    sent = best(lambda: asyncio.run(send_journalled(small)))
    bare = best(lambda: asyncio.run(send_floor(small)))
    print(
        f"send {SEND_ROWS:,} rows:     {sent:.3f} s ({SEND_ROWS / sent:,.0f} rows/s)   "
        f"floor (send_sms, no journal) {bare:.3f} s ({SEND_ROWS / bare:,.0f} rows/s)   "
        f"ratio {sent / bare:.1f}x"
    )


if __name__ == "__main__":
    main()
