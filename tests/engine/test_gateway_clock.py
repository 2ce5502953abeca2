"""The gateway's clock as its replies date them: a real account whose gateway
runs ahead of this machine (``csms simulate --speed 30``) still gets "send now"
campaigns accepted, because "now" is the gateway's now."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import make_simulator
from tests.engine.test_sms_campaigns import make_engine, make_list
from tui.engine.clock import SYSTEM_CLOCK
from tui.engine.sms_campaigns import CampaignDraft, SmsCampaigns
from tui.simulator import SimulatorServer


async def test_the_client_learns_the_gateway_clock_from_its_replies(tmp_path: Path) -> None:
    ahead = datetime.now(UTC) + timedelta(hours=3)
    sim = make_simulator(start=ahead)  # a manual clock three hours ahead
    with SimulatorServer(sim, host="127.0.0.1", port=0) as server:
        # A real account: this machine's clock, and nothing but the replies tells
        # the gateway's time.
        engine = await make_engine(
            server.base_url, tmp_path / "data", sim, "Asia/Karachi", SYSTEM_CLOCK
        )
        try:
            assert engine.client.clock_offset == timedelta(0)
            assert abs(engine.gateway_now() - datetime.now(UTC)) < timedelta(seconds=5)
            await engine.client.login()
            assert abs(engine.client.clock_offset - timedelta(hours=3)) < timedelta(seconds=5)
            assert abs(engine.gateway_now() - ahead) < timedelta(seconds=5)
        finally:
            await engine.stop()


async def test_send_now_works_against_a_gateway_whose_clock_runs_fast(
    tmp_path: Path,
) -> None:
    sim = make_simulator(manual_clock=False, speed=120.0, start=datetime.now(UTC))
    with SimulatorServer(sim, host="127.0.0.1", port=0) as server:
        engine = await make_engine(
            server.base_url, tmp_path / "data", sim, "Asia/Karachi", SYSTEM_CLOCK
        )
        try:
            list_id = await make_list(engine, "Fast", ["923001110001", "923001110002"])
            # Let the simulated clock run well past its one-minute grace for "the past".
            await asyncio.sleep(2)  # 4 simulated minutes
            campaigns = SmsCampaigns(engine)
            created = await campaigns.create(CampaignDraft("Now", [list_id], "Hello"))
            assert created.name == "Now"
            assert sim.state.sms_campaigns[created.id].name == "Now"
        finally:
            await engine.stop()
