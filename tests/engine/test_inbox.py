"""The lossless inbox: receive, pay, fetch; nothing lost to a crash or a bad reply."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import SIM_MSISDN
from tests.engine.conftest import engine_profile
from tui.engine.inbox import RAW_REPLY_DAYS
from tui.engine.service import LEDGER_FILE, Engine
from tui.ledger import Ledger
from tui.simulator import Simulator, SimulatorServer

URDU = "السلام علیکم، میرا آرڈر کب پہنچے گا؟"


def _arrive(simulator: Simulator, count: int) -> list[str]:
    texts = [URDU if i % 2 else f"reply {i} & more" for i in range(count)]
    for i, text in enumerate(texts):
        simulator.push_incoming(msisdn=f"92345{1000000 + i}", text=text, short_code="8111")
    return texts


async def test_pay_and_fetch_stores_every_message_once(
    engine: Engine, simulator: Simulator
) -> None:
    texts = _arrive(simulator, 5)
    await engine.refresh_account()
    assert engine.status.unpaid_pending == 5
    credit_before = engine.status.credit
    outcome = await engine.pay_and_fetch()
    assert outcome.new_messages == 5
    assert engine.status.unpaid_pending == 0
    assert engine.status.credit is not None and credit_before is not None
    assert engine.status.credit < credit_before
    stored = sorted(m.text for m in engine.ledger.inbox.inbox_page(0, 50))
    assert stored == sorted(texts)
    assert engine.ledger.inbox.unread_count() == 5
    # The gateway hands each message out once: a second fetch finds nothing new.
    again = await engine.fetch_inbox()
    assert again.new_messages == 0 and engine.ledger.inbox.inbox_count() == 5
    assert [m.text for m in engine.ledger.inbox.search_inbox("آرڈر")] == [URDU, URDU]


async def test_fetch_pages_through_a_large_backlog(engine: Engine, simulator: Simulator) -> None:
    engine.inbox.page_size = 7
    _arrive(simulator, 30)
    outcome = await engine.pay_and_fetch()
    assert outcome.new_messages == 30
    assert engine.ledger.inbox.inbox_count() == 30


async def test_discard_loses_only_what_the_user_chose(engine: Engine, simulator: Simulator) -> None:
    _arrive(simulator, 3)
    assert await engine.discard_pending() == 3
    assert (await engine.fetch_inbox()).new_messages == 0
    assert engine.status.unpaid_pending == 0


async def test_an_unreadable_reply_is_kept_in_quarantine(
    engine: Engine, simulator: Simulator
) -> None:
    _arrive(simulator, 2)
    await engine.client.pending_action(1)  # type: ignore[arg-type]
    simulator.faults.add("get_incoming_messages", kind="malformed", probability=1.0, count=1)
    outcome = await engine.fetch_inbox()
    assert outcome.quarantined == 1 and outcome.new_messages == 0
    quarantined = engine.ledger.inbox.quarantined()
    assert len(quarantined) == 1
    raw = engine.ledger.inbox.raw_reply(quarantined[0].raw_id)
    assert raw is not None and raw.body  # the bytes the gateway sent are kept


async def test_raw_replies_are_pruned_after_the_retention_days(
    engine: Engine, simulator: Simulator
) -> None:
    """A parsed reply's bytes go after RAW_REPLY_DAYS; its messages stay, and a
    quarantined reply's bytes stay until dealt with."""
    _arrive(simulator, 2)
    await engine.pay_and_fetch()
    _arrive(simulator, 1)
    await engine.client.pending_action(1)  # type: ignore[arg-type]
    simulator.faults.add("get_incoming_messages", kind="malformed", probability=1.0, count=1)
    await engine.fetch_inbox()
    [bad] = engine.ledger.inbox.quarantined()
    raw_ids = [m.raw_id for m in engine.ledger.inbox.inbox_page(0, 50)]
    assert all(raw_ids) and engine.ledger.inbox.raw_reply(raw_ids[0]) is not None
    # Fresh replies are kept.
    assert engine.inbox.prune()[0] == 0

    later = datetime.now(UTC) + timedelta(days=RAW_REPLY_DAYS, minutes=1)
    engine.inbox._now = lambda: later
    replies, _markers = engine.inbox.prune()
    assert replies >= 1
    assert engine.ledger.inbox.raw_reply(raw_ids[0]) is None
    assert engine.ledger.inbox.raw_reply(bad.raw_id) is not None  # quarantined: kept
    assert engine.ledger.inbox.inbox_count() == 2  # the messages themselves stay
    assert engine.ledger.inbox_fetches.possible_losses() == []


CHILD = textwrap.dedent(
    """
    import asyncio, os, sys, time
    from pathlib import Path
    from tests.engine.conftest import engine_profile
    from tui.engine.service import Engine

    async def main() -> None:
        engine = await Engine.open(engine_profile(sys.argv[1]), data_dir=Path(sys.argv[2]))
        store = engine.ledger.inbox_fetches.store_fetched_reply

        def stored_then_hang(fetch_id, body, at):
            raw_id = store(fetch_id, body, at)
            print("STORED", flush=True)
            time.sleep(60)  # killed here: after receipt, before parsing and display
            return raw_id

        engine.ledger.inbox_fetches.store_fetched_reply = stored_then_hang
        await engine.pay_and_fetch()

    asyncio.run(main())
    """
)


def test_sigkill_between_receipt_and_display_loses_nothing(
    sim_server: SimulatorServer, simulator: Simulator, tmp_path: Path
) -> None:
    texts = _arrive(simulator, 4)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    data = tmp_path / "data"
    child = subprocess.Popen(
        [sys.executable, str(script), sim_server.base_url, str(data)],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == b"STORED"
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    child.stdout.close()
    # The gateway has handed the messages out: it will never give them again.
    assert simulator.credit(SIM_MSISDN) < 500.0
    with Ledger.open(data / LEDGER_FILE) as ledger:
        assert ledger.inbox.inbox_count() == 0
        assert len(ledger.inbox.unparsed_replies()) == 1

    async def reopen() -> list[str]:
        engine = await Engine.open(engine_profile(sim_server.base_url), data_dir=data)
        try:
            recovered = engine.inbox.recover()
            assert recovered == 4
            again = await engine.fetch_inbox()
            assert again.new_messages == 0
            return [m.text for m in engine.ledger.inbox.inbox_page(0, 10)]
        finally:
            await engine.stop()

    import asyncio

    assert sorted(asyncio.run(reopen())) == sorted(texts)
