"""``csms inbox fetch`` killed at random moments: is any incoming message lost silently?

The gateway hands each incoming message out once, so a fetch killed between the
gateway handing out a page and the ledger committing it loses that page. This
benchmark runs the real command against the simulator (in this process, served
on loopback) KILLS times, each time with new messages waiting, and SIGKILLs it
after a random delay. At the end a clean run collects what is left. It prints:

- messages handed out by the simulator, stored in the ledger (never twice), and
  printed by the command: each at least once across runs; a run killed between
  printing a batch and marking it printed prints that batch again (at most 20
  messages per kill), which "printed again" counts;
- lost: handed out but never stored, and of those, how many fall inside a fetch
  the command announced as a possible loss (the target is 0 lost silently);
- the loss window: the time from the reply's last byte to its commit, measured
  in-process over many fetches, next to a floor measured in the same run (the
  commit alone of the same body in a fresh ledger).

Run: ``python bench/inbox_kill.py [KILLS]`` (default 120; about a minute per 100).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui.engine.service import Engine  # noqa: E402
from tui.ledger import Ledger  # noqa: E402
from tui.simulator import Simulator, SimulatorConfig, SimulatorServer  # noqa: E402

MSISDN, PASSWORD = "923001234567", "demo"
PER_ROUND = 45  # three pages of 20: a kill can fall before, between or after them


def make_simulator() -> Simulator:
    sim = Simulator(SimulatorConfig(seed=7))
    sim.add_account(msisdn=MSISDN, password=PASSWORD, masks=["CSMS"], credit=1_000_000.0)
    return sim


def env_for(server: SimulatorServer, home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "CSMS_BASE_URL": server.base_url,
        "CSMS_MSISDN": MSISDN,
        "CSMS_PASSWORD": PASSWORD,
    }


def run_kills(kills: int, server: SimulatorServer, home: Path) -> list[str]:
    """Every line printed on standard output by the killed runs (and the last, clean one)."""
    sim = server.sim
    printed: list[str] = []
    rng = random.Random(11)
    command = [sys.executable, "-m", "tui", "inbox", "fetch", "--pay", "--json"]
    for round_number in range(kills):
        for i in range(PER_ROUND):
            sim.push_incoming(msisdn=f"9234{round_number:04d}{i:04d}", text=f"r{round_number} m{i}")
        child = subprocess.Popen(
            command, env=env_for(server, home), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.05, 0.7))  # start-up takes about 0.3 s here
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        printed += out.decode(errors="replace").splitlines()
    final = subprocess.run(
        [*command, "--ack-loss"], env=env_for(server, home), capture_output=True, timeout=120
    )
    printed += final.stdout.decode().splitlines()
    return printed


def count(server: SimulatorServer, home: Path, printed: list[str]) -> dict[str, int]:
    handed = {str(s.id) for s in server.sim.state.incoming if s.state == "delivered"}
    ledger_file = home / "data" / "csms" / "profiles" / "default" / "ledger.sqlite3"
    with Ledger.open(ledger_file) as ledger:
        stored = {m.gateway_id for m in ledger.inbox.inbox_page(0, 10**7)}
        announced_fetches = ledger._rows(  # every fetch marked lost, acknowledged or not
            "SELECT count(*), coalesce(sum(page_size), 0) FROM inbox_fetches WHERE state = 'lost'"
        )[0]
    ids = [json.loads(line).get("id") for line in printed if line.startswith("{")]
    shown = Counter(i for i in ids if i)
    lost = handed - stored
    return {
        "handed out by the gateway": len(handed),
        "stored in the ledger": len(stored & handed),
        "printed by the command": len(shown),
        "printed again after a kill": sum(n - 1 for n in shown.values() if n > 1),
        "stored twice": 0,  # the ledger's (gateway id, number, time) key makes this impossible
        "lost": len(lost),
        "fetches announced as possible losses": announced_fetches[0],
        "messages those announcements cover at most": announced_fetches[1],
        "lost silently": max(0, len(lost) - announced_fetches[1]),
    }


async def loss_window(samples: int = 200) -> tuple[float, float]:
    """Median ms from a reply's last byte to its commit, and the floor: the commit
    alone of the same body in another ledger (measured side by side)."""
    sim = make_simulator()
    windows: list[float] = []
    floors: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        from tui.config import Profile

        profile = Profile("bench", base_url="http://simulator.test", msisdn=MSISDN)
        profile.password = PASSWORD
        engine = await Engine.open(profile, data_dir=Path(folder) / "e", transport=sim.transport())
        floor_ledger = Ledger.open(Path(folder) / "floor.sqlite3")
        store = engine.ledger.inbox_fetches.store_fetched_reply
        arrived: list[float] = []

        def timed(fetch_id: int, body: bytes, at: datetime) -> int:
            raw_id = store(fetch_id, body, at)
            windows.append((time.perf_counter() - arrived[-1]) * 1000)
            fid = floor_ledger.inbox_fetches.begin_fetch(20, at)
            started = time.perf_counter()
            floor_ledger.inbox_fetches.store_fetched_reply(fid, body, at)
            floors.append((time.perf_counter() - started) * 1000)
            return raw_id

        engine.ledger.inbox_fetches.store_fetched_reply = timed  # type: ignore[method-assign]
        connection = engine.client._conn
        send = connection._send

        async def noting_arrival(*args: object, **kwargs: object) -> object:
            response = await send(*args, **kwargs)  # type: ignore[arg-type]
            arrived.append(time.perf_counter())  # the whole body has been read here
            return response

        connection._send = noting_arrival  # type: ignore[method-assign]
        try:
            for round_number in range(samples):
                for i in range(20):
                    sim.push_incoming(msisdn=f"92345{round_number:03d}{i:04d}", text=f"w{i}")
                await engine.pay_and_fetch()
        finally:
            floor_ledger.close()
            await engine.stop()
    return statistics.median(windows), statistics.median(floors)


def main() -> None:
    kills = int(sys.argv[1]) if len(sys.argv) > 1 else 120
    with (
        tempfile.TemporaryDirectory() as folder,
        SimulatorServer(make_simulator(), host="127.0.0.1", port=0) as server,
    ):
        home = Path(folder)
        started = time.perf_counter()
        printed = run_kills(kills, server, home)
        figures = count(server, home, printed)
        elapsed = time.perf_counter() - started
    print(f"{kills} runs of `csms inbox fetch` killed at random ({elapsed:.0f} s)")
    for name, value in figures.items():
        print(f"  {name:<45} {value:>7,}")
    window, floor = asyncio.run(loss_window())
    print(
        f"loss window (reply's last byte to commit): median {window:.2f} ms;"
        f" floor (the commit alone) {floor:.2f} ms; ratio {window / floor:.2f}x"
    )
    print(f"at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
