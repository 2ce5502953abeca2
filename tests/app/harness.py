"""Running the app headless on the in-process simulator, for the screen tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tui.app import CsmsApp
from tui.config import Config, Profile
from tui.engine.service import Engine

#: Upper bound on waiting for the engine (real time); tests finish long before.
PATIENCE = 10.0
STEP = 0.02


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], what: str = "") -> None:
    """Let the app run until ``condition`` holds (fails after PATIENCE seconds)."""
    for _ in range(int(PATIENCE / STEP)):
        if condition():
            return
        await pilot.pause(STEP)
    assert condition(), f"gave up waiting{': ' + what if what else ''}"


@asynccontextmanager
async def demo_app(
    tmp_path: Path, mode: str, *, size: tuple[int, int] = (120, 40)
) -> AsyncIterator[tuple[CsmsApp, Pilot[Any], Any]]:
    """The app on the demo engine (manual simulator clock), showing ``mode``.

    Yields the app, its pilot and the simulator behind the engine.
    """
    from tests.conftest import SIM_MASKS, SIM_MSISDN, SIM_PASSWORD, make_simulator

    sim = make_simulator()
    profile = Profile(
        name="test",
        base_url="http://simulator.invalid",
        msisdn=SIM_MSISDN,
        password=SIM_PASSWORD,
        masks=list(SIM_MASKS),
        default_mask=SIM_MASKS[0],
        poll_initial=0.05,
        poll_max=0.2,
        poll_backoff=1.0,
        auto_fetch=False,
    )

    async def open_engine(_: Profile) -> Engine:
        engine = await Engine.open(profile, data_dir=tmp_path / "data", transport=sim.transport())
        engine.simulator = sim
        return engine

    config = Config(active_profile="test", profiles={"test": profile})
    app = CsmsApp(
        config, config_path=tmp_path / "config.toml", open_engine=open_engine, start_mode=mode
    )
    async with app.run_test(size=size) as pilot:
        await wait_until(
            pilot, lambda: app.engine is not None and app.current_mode == mode, "app start"
        )
        await pilot.pause()
        yield app, pilot, sim
        await app.action_quit()
