"""Engine fixtures: a real engine on a real ledger file, talking to the simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import SIM_MASKS, SIM_MSISDN, SIM_PASSWORD
from tui.config import Profile
from tui.engine.service import Engine
from tui.simulator import Simulator, SimulatorServer


def engine_profile(base_url: str, **overrides: object) -> Profile:
    profile = Profile(
        name="test",
        base_url=base_url,
        msisdn=SIM_MSISDN,
        password=SIM_PASSWORD,
        masks=list(SIM_MASKS),
        default_mask=SIM_MASKS[0],
        poll_initial=0.01,
        poll_max=0.05,
        inbox_interval=0.05,
    )
    for key, value in overrides.items():
        setattr(profile, key, value)
    return profile


@pytest.fixture
async def engine(simulator: Simulator, tmp_path: Path) -> AsyncIterator[Engine]:
    """An engine (background loops not started) on the in-process simulator."""
    eng = await Engine.open(
        engine_profile("http://simulator.test"),
        data_dir=tmp_path / "data",
        transport=simulator.transport(),
    )
    yield eng
    await eng.stop()


@pytest.fixture
async def loopback_engine(sim_server: SimulatorServer, tmp_path: Path) -> AsyncIterator[Engine]:
    """An engine talking to the simulator over real loopback HTTP."""
    eng = await Engine.open(engine_profile(sim_server.base_url), data_dir=tmp_path / "data")
    yield eng
    await eng.stop()
