"""Campaign wizard responsiveness with a 1,000,000-member list.

The app runs headless on the demo engine (in-process simulator, manual clock).
The ledger gets a list of N members (built with executemany in one
transaction), a second list of 10 members, and 1,000 other numbers on the
do-not-contact list. The SMS campaign wizard is then driven with Pilot:

- toggle: Space ticks the big list, until the lists step shows its counts;
- toggle a second: Space ticks the small list too (distinct numbers across both);
- review: Ctrl+N from "When and mask" until the review shows the counts and
  the opted-out warning (the wizard counting nothing any more);
- create: Create on the review until the campaign is created on the simulator
  and recorded; "→ closed": then until the wizard has closed and the screen
  below is painted again (Textual's screen change, the same for any list);
- a second wizard, once 1,000 of the big list's members are on the
  do-not-contact list: its review (the warning counts them), and "create
  anyway": the question's "Create anyway" until the campaign is recorded (the
  dialog closes, the override is recorded for the 1,000 numbers).

A task wakes every 2 ms and records the longest gap between its wake-ups: the
longest event-loop stall of each step. The floor is the same run with a
10-member list instead of N. The gateway's copy of the big list holds 10
numbers (the simulator runs in the same event loop, and its own work on a
million recipients is not the app's).

Before each step a full garbage collection is made (see ``StallWatch.reset``).
The machine may be busy with other work: each figure is the median of the
runs (the worst run in brackets), floor and loaded runs alternating.

Target: every step stalls the loop under 100 ms with N = 1,000,000.

    python bench/wizard_lists.py [--members N] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import SelectionList, Static  # noqa: E402

from tui.app import CsmsApp  # noqa: E402
from tui.config import Config, Profile  # noqa: E402
from tui.engine.demo import open_demo_engine  # noqa: E402
from tui.engine.service import Engine  # noqa: E402
from tui.screens.campaign_wizard import CampaignWizard  # noqa: E402
from tui.screens.confirm import ConfirmScreen  # noqa: E402

TARGET_MS = 100.0
SIZE = (120, 40)
TICK = 0.002
STEPS = (
    "open",
    "toggle",
    "toggle a second",
    "review",
    "create",
    "create → closed",
    "review, opted out",
    "create anyway",
    "create anyway → closed",
)


class StallWatch:
    """The longest gap between wake-ups of a task sleeping TICK at a time."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.last = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        self.last = loop.time()
        while True:
            await asyncio.sleep(TICK)
            now = loop.time()
            self.worst = max(self.worst, now - self.last)
            self.last = now

    def reset(self) -> None:
        """Start a step: a full garbage collection first, so that one (50-150 ms for
        the app's objects, whatever the list's size) does not land at random in one
        step's figures and not in another's."""
        gc.collect()
        self.worst = 0.0
        self.last = asyncio.get_running_loop().time()

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


async def until(pilot: Pilot[Any], condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        await pilot.pause(0.005)


async def add_lists(engine: Engine, members: int) -> tuple[str, str]:
    """The big list (N members in the ledger) and the small one; returns their IDs.
    1,000 numbers outside both lists are on the do-not-contact list."""
    now = datetime.now(UTC)
    ids = []
    for name, size in (("Everyone", members), ("Board", 10)):
        list_id = await engine.client.create_list(name)
        await engine.client.add_contacts(list_id, [number(n) for n in range(10)])
        engine.ledger.lists.add_list(list_id, name, now)
        numbers = (number(n) for n in range(size))
        engine.ledger.lists.add_members(list_id, numbers, None, now)  # one transaction
        ids.append(list_id)
    engine.optouts.add([f"92302{n:07d}" for n in range(1000)], "bench")
    return ids[0], ids[1]


def number(n: int) -> str:
    return f"92301{n:07d}"


class Driver:
    """Drives the SMS campaign wizard and records each step's longest stall."""

    def __init__(self, app: CsmsApp, pilot: Pilot[Any], watch: StallWatch) -> None:
        self.app, self.pilot, self.watch = app, pilot, watch
        self.stalls: dict[str, float] = {}

    async def open(self, name: str, step: str) -> tuple[CampaignWizard, list[str | None]]:
        created: list[str | None] = []
        wizard = CampaignWizard()
        self.watch.reset()
        await self.app.push_screen(wizard, created.append)
        await until(self.pilot, lambda: not wizard.counting, "the lists' counts")
        self.stalls[step] = self.watch.worst
        await self.pilot.press(*name, "enter")
        await until(self.pilot, lambda: wizard.step == "lists", "the lists step")
        return wizard, created

    async def tick(self, wizard: CampaignWizard, list_id: str, step: str) -> None:
        lists = wizard.query_one(SelectionList)
        audience = wizard.query_one("#wizard-audience", Static)
        lists.highlighted = next(
            i for i in range(lists.option_count) if lists.get_option_at_index(i).value == list_id
        )
        await self.pilot.pause()
        self.watch.reset()
        await self.pilot.press("space")
        await until(self.pilot, lambda: "distinct" in str(audience.content), "the count")
        self.stalls[step] = self.watch.worst

    async def review(self, wizard: CampaignWizard, step: str) -> None:
        await self.pilot.press("ctrl+n", *"Hello", "ctrl+n")
        await until(self.pilot, lambda: wizard.step == "when", "the when step")
        self.watch.reset()
        await self.pilot.press("ctrl+n")
        await until(
            self.pilot,
            lambda: (
                wizard.step == "review"
                and not wizard.counting
                and "counting" not in wizard.review_shown
            ),
            "the review",
        )
        self.stalls[step] = self.watch.worst

    async def created(
        self, engine: Engine, name: str, created: list[str | None], step: str
    ) -> None:
        """The campaign recorded (``step``), then the wizard closed and the screen
        below painted again (``step`` + " → closed")."""
        await until(
            self.pilot,
            lambda: engine.ledger.campaigns.campaign_by_name(name) is not None,
            "the campaign",
        )
        self.stalls[step] = self.watch.worst
        self.watch.reset()
        await until(self.pilot, lambda: bool(created), "the wizard to close")
        await self.pilot.pause()
        self.stalls[f"{step} → closed"] = self.watch.worst
        if created[0] is None or engine.ledger.campaigns.campaign(created[0]) is None:
            raise SystemExit("the campaign was not created")


async def measure(members: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        box: list[Engine] = []

        async def open_engine(_: Profile) -> Engine:
            engine = await open_demo_engine(manual_clock=True, directory=Path(tmp) / "demo")
            engine.set_auto_fetch(False)
            box.append(engine)
            return engine

        app = CsmsApp(
            Config(), config_path=Path(tmp) / "config.toml", demo=True, open_engine=open_engine
        )
        watch = StallWatch()
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.engine is not None, "the engine")
            engine = box[0]
            built = time.perf_counter()
            big, small = await add_lists(engine, members)
            print(f"  {members:,} members written in {time.perf_counter() - built:.1f} s")
            watch.start()
            drive = Driver(app, pilot, watch)
            # 1: two lists, nobody opted out; Create on the review creates.
            wizard, created = await drive.open("Bench", "open")
            await drive.tick(wizard, big, "toggle")
            await drive.tick(wizard, small, "toggle a second")
            await drive.review(wizard, "review")
            watch.reset()
            await pilot.press("ctrl+s")
            await drive.created(engine, "Bench", created, "create")
            # 2: the big list holds 1,000 opted-out members: asked, then created anyway.
            engine.optouts.add([number(n) for n in range(0, members, max(1, members // 1000))])
            wizard, created = await drive.open("Bench anyway", "open (2)")
            await drive.tick(wizard, big, "toggle (2)")
            await drive.review(wizard, "review, opted out")
            await pilot.press("ctrl+s")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
            watch.reset()
            await pilot.press("right", "enter")  # Create anyway
            await drive.created(engine, "Bench anyway", created, "create anyway")
            watch.stop()
            await app.action_quit()
    return {step: seconds * 1000 for step, seconds in drive.stalls.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    floors: list[dict[str, float]] = []
    loads: list[dict[str, float]] = []
    for run in range(args.runs):
        print(f"run {run + 1} of {args.runs}: floor (10-member list)")
        floors.append(asyncio.run(measure(10)))
        print(f"run {run + 1} of {args.runs}: {args.members:,}-member list")
        loads.append(asyncio.run(measure(args.members)))
    print(
        f"\nlongest event-loop stall per step, median of {args.runs} runs (worst run)"
        f", headless {SIZE[0]}x{SIZE[1]}, tick {TICK * 1000:g} ms"
    )
    print(f"{'step':<24} {'floor ms':>14} {'loaded ms':>16} {'ratio':>6}  target < {TARGET_MS:g}")
    ok = True
    for step in STEPS:
        floor = statistics.median(f[step] for f in floors)
        loaded = statistics.median(m[step] for m in loads)
        worst_floor = max(f[step] for f in floors)
        worst = max(m[step] for m in loads)
        ratio = loaded / floor if floor else float("inf")
        passed = loaded < TARGET_MS
        ok &= passed
        print(
            f"{step:<24} {floor:>6.1f} ({worst_floor:>5.1f}) {loaded:>7.1f} ({worst:>6.1f})"
            f" {ratio:>6.1f}  {'ok' if passed else 'OVER'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
