"""The garbage collector is paused while the app starts, and on again once it
has connected or asked to log in (tui/collector.py says why)."""

from __future__ import annotations

import argparse
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.harness import wait_until
from tui import collector
from tui.app import CsmsApp
from tui.cli import run_app as run_app_module
from tui.config import Config, Profile
from tui.engine.demo import open_demo_engine
from tui.engine.service import Engine
from tui.screens.login import LoginScreen
from tui.simulator import SimulatorConfig


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    yield
    collector.end_start_up()
    gc.unfreeze()
    gc.enable()


async def test_the_collector_is_off_while_connecting_and_on_once_connected(
    tmp_path: Path,
) -> None:
    while_opening: list[bool] = []

    async def open_engine(_: Profile) -> Engine:
        while_opening.append(gc.isenabled())
        return await open_demo_engine(
            directory=tmp_path / "demo", simulator_config=SimulatorConfig(manual_clock=True)
        )

    frozen = gc.get_freeze_count()
    collector.pause_start_up()
    app = CsmsApp(
        Config(), config_path=tmp_path / "config.toml", demo=True, open_engine=open_engine
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.engine is not None, "the engine")
        await wait_until(pilot, gc.isenabled, "the collector")
        assert while_opening == [False]
        assert not collector.is_paused()
        # What the start made is frozen: later full collections skip it.
        assert gc.get_freeze_count() > frozen
        await app.action_quit()


async def test_asking_to_log_in_ends_the_pause_too(tmp_path: Path) -> None:
    collector.pause_start_up()
    config = Config(profiles={"default": Profile("default", base_url="http://127.0.0.1:9")})
    app = CsmsApp(config, config_path=tmp_path / "config.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login")
        await wait_until(pilot, gc.isenabled, "the collector")
        assert app.engine is None


def test_csms_pauses_the_collector_for_the_apps_start_and_ends_it_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    seen: list[bool] = []

    def on_mount(self: CsmsApp) -> None:
        """The real app, quitting as it mounts: before it has connected."""
        seen.append(gc.isenabled())
        self.exit()

    monkeypatch.setattr(CsmsApp, "on_mount", on_mount)
    args = argparse.Namespace(demo=True, profile=None)
    assert run_app_module.run_app(args) == 0
    assert seen == [False]
    assert gc.isenabled() and not collector.is_paused()


async def test_a_slow_connection_does_not_keep_the_collector_paused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from tui import app as app_module

    monkeypatch.setattr(app_module, "START_UP_GC_PAUSE", 0.2)
    never = asyncio.Event()

    async def open_engine(_: Profile) -> Engine:
        await never.wait()  # a gateway that does not answer
        raise AssertionError("unreachable")

    collector.pause_start_up()
    app = CsmsApp(
        Config(), config_path=tmp_path / "config.toml", demo=True, open_engine=open_engine
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.05)
        assert not gc.isenabled()
        await wait_until(pilot, gc.isenabled, "the collector after the cap")
        assert app.engine is None  # still connecting
        app.exit()
