"""Screenshots of every screen on the demo, compared with the stored SVGs.

The demo's simulator runs on a manual clock and wall-clock time is frozen
(time-machine, without ticking), so what the screens show repeats exactly.
Update after an intended change with ``pytest --snapshot-update``; review the
SVGs in ``__snapshots__`` before committing them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from textual.pilot import Pilot

from tests.app.test_shell import SIM_START, demo_opener, wait_until
from tui.app import CsmsApp
from tui.config import Config, Profile
from tui.engine.service import Engine
from tui.registry import SCREENS
from tui.screens.help import HelpScreen
from tui.screens.login import LoginScreen
from tui.screens.quick_send import QuickSendScreen

#: The smallest supported terminal, a common one, and a large one.
SIZES = [(80, 24), (100, 30), (160, 50)]
#: The two sizes every dialog and wizard step is taken at.
SMALL_AND_LARGE = [(80, 24), (160, 50)]
MAIN_SCREENS = [entry.mode for entry in SCREENS]


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    with time_machine.travel(SIM_START, tick=False):
        yield


def make_demo_app(tmp_path: Path) -> CsmsApp:
    """The demo app with its engine's background work done once, in order, at
    start (one status round, one inbox check) instead of in concurrent tasks
    whose interleaving would vary from run to run."""
    open_demo = demo_opener(tmp_path / "demo")

    async def open_engine(profile: Profile) -> Engine:
        engine: Engine = await open_demo(profile)
        start = engine.start

        async def start_in_order() -> None:
            engine._spawn = lambda work, name: work.close()  # type: ignore[method-assign]
            await start()
            await engine.tracker.run_round()
            await engine.inbox.cycle(auto_pay=False)
            await engine.refresh_account()

        engine.start = start_in_order  # type: ignore[method-assign]
        return engine

    return CsmsApp(
        Config(), config_path=tmp_path / "config.toml", demo=True, open_engine=open_engine
    )


async def settled(pilot: Pilot[Any], mode: str) -> None:
    """Open ``mode`` once the demo has logged in, polled and fetched its inbox."""
    app = pilot.app
    assert isinstance(app, CsmsApp)

    def ready() -> bool:
        engine: Engine | None = app.engine
        return (
            engine is not None
            and app.current_mode == "dashboard"
            and app.shell_status.credit is not None
            and not any(w.is_running for w in app.workers if w.group == "account")
        )

    await wait_until(pilot, ready, "the demo to settle")
    if mode != "dashboard":
        app.open_screen(mode)
        await wait_until(pilot, lambda: app.current_mode == mode, mode)
    app.screen.set_focus(None)  # no blinking cursor or focus ring in the picture
    await pilot.pause()


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


async def still(pilot: Pilot[Any]) -> None:
    """No cursor or focus ring and no notification in the picture."""
    pilot.app.clear_notifications()
    pilot.app.screen.set_focus(None)
    await pilot.pause()


def run_before(mode: str) -> Callable[[Pilot[Any]], Any]:
    async def before(pilot: Pilot[Any]) -> None:
        await settled(pilot, mode)

    return before


@pytest.mark.parametrize("size", SIZES, ids=size_id)
@pytest.mark.parametrize("mode", MAIN_SCREENS)
def test_main_screen(snap_compare: Any, tmp_path: Path, mode: str, size: tuple[int, int]) -> None:
    app = make_demo_app(tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=run_before(mode))


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_help(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_demo_app(tmp_path)

    async def before(pilot: Pilot[Any]) -> None:
        await settled(pilot, "quick_send")
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "help")

    assert snap_compare(app, terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_login(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    config = Config(profiles={"default": Profile("default", base_url="http://127.0.0.1:9")})
    app = CsmsApp(config, config_path=tmp_path / "config.toml")

    async def before(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, LoginScreen), "login")
        pilot.app.screen.set_focus(None)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SMALL_AND_LARGE, ids=size_id)
def test_reply(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    """A reply: the sender, an empty message, and the message answered quoted."""
    app = make_demo_app(tmp_path)

    async def before(pilot: Pilot[Any]) -> None:
        await settled(pilot, "inbox")
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuickSendScreen), "reply")
        await still(pilot)

    assert snap_compare(app, terminal_size=size, run_before=before)
