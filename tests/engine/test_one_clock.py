"""One clock under the engine: the demo records, compares and shows times on
the simulator's clock (which runs faster than real time), never on this
machine's, so the two cannot contradict each other on a screen."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.conftest import SIM_START
from tui.engine.demo import open_demo_engine
from tui.simulator import SimulatorConfig


async def test_the_demo_records_and_compares_on_the_simulators_clock(tmp_path: Path) -> None:
    config = SimulatorConfig(seed=1, manual_clock=True, start=SIM_START)  # 2024, not today
    engine = await open_demo_engine(directory=tmp_path / "demo", simulator_config=config)
    try:
        clock = engine.simulator.clock
        assert engine.now() == SIM_START
        counted = engine.ledger.history.per_hour("messages", "submitted_at", engine.now()).total
        outcome = await engine.send_sms(["03001234567"], "Hello")
        message = engine.ledger.messages.message(outcome.ids[0][1])
        assert message is not None and message.submitted_at == SIM_START
        # The gateway's replies are dated on the same clock: no offset to add.
        assert engine.client.clock_offset == timedelta(0)
        assert engine.gateway_now() == SIM_START
        clock.advance(3600)
        assert engine.now() == SIM_START + timedelta(hours=1)
        # The dashboard's hours count on that clock too: the send is in the last day.
        sent = engine.ledger.history.per_hour("messages", "submitted_at", engine.now())
        assert sent.total == counted + 1
    finally:
        await engine.stop()
