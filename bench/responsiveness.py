"""Responsiveness: key press to screen reaction while the engine is busy.

The app runs headless on an account's engine whose gateway is the simulator
served in a process of its own (a real gateway is remote: its work is not on
the app's event loop), with a clock slowed so the messages stay in flight and
the status tracker keeps polling all of them. The load: 5,000 messages in
flight, and an import of 100,000 numbers into a list running in the
background the whole time (started again with new numbers whenever one
finishes), writing its batches to the ledger. Two interactions are timed
from the key being posted to the app until the screen has been repainted
with the result:

- "down" in the Activity table (the cursor moves a row);
- a digit typed into Quick send's recipients box (the box and its live
  summary update).

Floor: the same keys on the same app with only a few messages in flight (for
rows in Activity) and no import.
Target: p99 under 50 ms under that load.

    python bench/responsiveness.py [--messages N] [--import-numbers N] [--presses N]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual import events as textual_events  # noqa: E402
from textual.message import Message  # noqa: E402
from textual.widgets import DataTable, TextArea  # noqa: E402

from tui.app import CsmsApp  # noqa: E402
from tui.config import Config, Profile  # noqa: E402
from tui.engine.list_upload import ListUploader  # noqa: E402
from tui.engine.service import Engine  # noqa: E402

TARGET_MS = 50.0
MSISDN, PASSWORD = "923001234567", "bench"
#: Messages in flight for the floor: rows for Activity's cursor to move over.
FLOOR_MESSAGES = 20
SIZE = (120, 40)


def numbers(count: int, start: int = 10_000_000) -> list[str]:
    return [f"9230{n:08d}" for n in range(start, start + count)]


async def keep_importing(engine: Engine, size: int, stop: asyncio.Event) -> int:
    """Import ``size`` new numbers into a list again and again until ``stop``;
    returns how many were uploaded."""
    uploader = ListUploader(engine)
    target = await uploader.create_list("Load")
    start, uploaded = 20_000_000, 0
    while not stop.is_set():
        results = await uploader.upload(target.id, numbers(size, start), "bench", cancel=stop)
        uploaded += sum(result.added_now for result in results)
        start += size
    return uploaded


class Reaction:
    """Times key press -> the message saying the widget changed -> next repaint."""

    def __init__(self, app: CsmsApp) -> None:
        self.app = app
        self.waiting: type[Message] | None = None
        self.done = asyncio.Event()

    def hook(self, message: Message) -> None:
        if self.waiting is not None and isinstance(message, self.waiting):
            self.waiting = None
            self.app.screen.call_after_refresh(self.done.set)

    async def press(self, key: str, reacts_with: type[Message]) -> float:
        self.done.clear()
        self.waiting = reacts_with
        character = key if len(key) == 1 else None
        started = time.perf_counter()
        self.app.post_message(textual_events.Key(key, character))
        await asyncio.wait_for(self.done.wait(), timeout=30)
        return (time.perf_counter() - started) * 1000


def serve_gateway(port: int, ready: Any) -> None:
    """The gateway in a process of its own, as a real one is remote: its work
    does not run on the app's event loop. Its clock crawls (a thousandth of real
    time), so what is sent stays in flight; the account has credit for the load."""
    from tui.simulator import Simulator, SimulatorConfig, SimulatorServer

    sim = Simulator(SimulatorConfig(seed=1, speed=0.001))
    sim.add_account(msisdn=MSISDN, password=PASSWORD, masks=["CSMS"], credit=1_000_000.0)
    with SimulatorServer(sim, host="127.0.0.1", port=port):
        ready.set()
        while True:
            time.sleep(3600)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def measure(in_flight: int, importing: int, presses: int) -> dict[str, list[float]]:
    port = free_port()
    ready = multiprocessing.Event()
    gateway = multiprocessing.Process(target=serve_gateway, args=(port, ready), daemon=True)
    gateway.start()
    try:
        if not ready.wait(30):
            raise SystemExit("the simulator did not start")
        return await measure_against(f"http://127.0.0.1:{port}", in_flight, importing, presses)
    finally:
        gateway.terminate()
        gateway.join()


async def measure_against(
    base_url: str, in_flight: int, importing: int, presses: int
) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        profile = Profile(
            "bench", base_url=base_url, msisdn=MSISDN, password=PASSWORD, masks=["CSMS"]
        )
        engine_box: list[Engine] = []

        async def open_engine(chosen: Profile) -> Engine:
            engine = await Engine.open(chosen, data_dir=Path(tmp) / "data")
            engine_box.append(engine)
            return engine

        app = CsmsApp(
            Config(active_profile="bench", profiles={"bench": profile}),
            config_path=Path(tmp) / "config.toml",
            open_engine=open_engine,
        )
        reaction = Reaction(app)
        results: dict[str, list[float]] = {"activity: up/down": [], "quick send: type": []}
        async with app.run_test(size=SIZE, message_hook=reaction.hook) as pilot:
            while app.engine is None:
                await pilot.pause(0.05)
            engine = engine_box[0]
            if in_flight:
                outcome = await engine.send_sms(numbers(in_flight), "Load test")
                if len(outcome.ids) != in_flight:
                    raise SystemExit(f"sent {len(outcome.ids)} of {in_flight}: {outcome.error}")
            stop = asyncio.Event()
            load = (
                asyncio.create_task(keep_importing(engine, importing, stop)) if importing else None
            )
            queries_before = status_queries(engine)
            started = time.perf_counter()
            await pilot.press("f5")
            await pilot.pause(0.5)
            table = app.screen.query(DataTable).first()
            table.focus()
            await pilot.pause()
            for i in range(presses):
                key = "down" if i % 2 == 0 else "up"
                results["activity: up/down"].append(
                    await reaction.press(key, DataTable.RowHighlighted)
                )
            await pilot.press("f3")
            await pilot.pause(0.5)
            box = app.screen.query(TextArea).first()
            box.focus()
            await pilot.pause()
            for i in range(presses):
                if i % 24 == 23:
                    box.clear()
                    await pilot.pause()
                results["quick send: type"].append(
                    await reaction.press(str(i % 10), TextArea.Changed)
                )
            queries = status_queries(engine) - queries_before
            elapsed = time.perf_counter() - started
            stop.set()
            imported = await load if load is not None else 0
            still = engine.ledger.tracking.in_flight().messages
            await app.action_quit()
        if still < in_flight:
            raise SystemExit(f"only {still} of {in_flight} messages were still in flight")
        results["status queries per second"] = [queries / elapsed]
        results["numbers imported per second"] = [imported / elapsed]
    return results


def status_queries(engine: Engine) -> int:
    """Requests the engine has sent so far (mostly the tracker's status queries)."""
    return engine.client.requests_sent


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--import-numbers", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=300)
    args = parser.parse_args()
    floor = asyncio.run(measure(FLOOR_MESSAGES, 0, args.presses))
    loaded = asyncio.run(measure(args.messages, args.import_numbers, args.presses))
    print(f"{args.presses} presses per interaction, headless {SIZE[0]}x{SIZE[1]}")
    worst = 0.0
    rate = loaded.pop("status queries per second")[0]
    imported = loaded.pop("numbers imported per second")[0]
    for name in ("status queries per second", "numbers imported per second"):
        floor.pop(name)
    print(f"tracker load while measuring: {rate:.0f} requests per second")
    print(
        f"import load while measuring: {imported:,.0f} numbers uploaded per second"
        f" (imports of {args.import_numbers:,} numbers, one after another)"
    )
    for name in loaded:
        f50, f99 = statistics.median(floor[name]), p99(floor[name])
        l50, l99 = statistics.median(loaded[name]), p99(loaded[name])
        worst = max(worst, l99)
        print(
            f"{name:18} floor (idle): p50 {f50:6.1f} ms p99 {f99:6.1f} ms | "
            f"loaded: p50 {l50:6.1f} ms p99 {l99:6.1f} ms | "
            f"p99 ratio {l99 / f99:.2f}x"
        )
    verdict = "met" if worst < TARGET_MS else "NOT met"
    print(f"worst p99 under load: {worst:.1f} ms (target < 50 ms: {verdict})")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
