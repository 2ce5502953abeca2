"""Running the app headless on the in-process simulator, for the screen tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from textual.pilot import Pilot
from textual.screen import Screen

from tui.app import CsmsApp
from tui.config import Config, Profile
from tui.engine.demo import open_demo_engine
from tui.engine.service import Engine
from tui.engine.tracker import PollBackoff

ScreenT = TypeVar("ScreenT", bound=Screen[Any])

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


async def workers_done(pilot: Pilot[Any], group: str) -> None:
    """Wait for the app's workers of ``group`` to finish (engine event pumps run on)."""
    app = pilot.app
    await wait_until(
        pilot,
        lambda: all(w.is_finished for w in app.workers if w.group == group),
        f"workers {group!r}",
    )


@asynccontextmanager
async def demo_app(
    tmp_path: Path, mode: str, *, size: tuple[int, int] = (120, 40), faults: str = ""
) -> AsyncIterator[tuple[CsmsApp, Pilot[Any], Any]]:
    """The app on the demo engine (demo seed, manual simulator clock), showing ``mode``.

    Background inbox fetching is off so tests decide when messages are fetched,
    and status polls are quick so statuses follow the simulator clock at once.
    ``faults`` are loaded into the simulator before the app's first request.
    Yields the app, its pilot and the simulator behind the engine.
    """

    async def open_engine(_: Profile) -> Engine:
        engine = await open_demo_engine(manual_clock=True, directory=tmp_path / "demo")
        engine.set_auto_fetch(False)
        engine.tracker.backoff = PollBackoff(initial=0.05, maximum=0.2, factor=1.0)
        if faults:  # from the very first request (csms simulate --faults syntax)
            engine.simulator.faults.load(faults)
        return engine

    app = CsmsApp(
        Config(),
        config_path=tmp_path / "config.toml",
        demo=True,
        open_engine=open_engine,
        start_mode=mode,
    )
    async with app.run_test(size=size) as pilot:
        await wait_until(
            pilot, lambda: app.engine is not None and app.current_mode == mode, "app start"
        )
        await pilot.pause()
        assert app.engine is not None
        yield app, pilot, app.engine.simulator
        await app.action_quit()


def burst(app: Any, *keys: str) -> None:
    """Keys as a fast typist sends them: all queued at once, before any is handled
    (``pilot.press`` waits for the app to be idle after each key). A key longer
    than one character is a key name (``ctrl+n``, ``space``); a one-character key
    is typed as that character."""
    from textual import events

    for key in keys:
        if len(key) == 1:
            name = "space" if key == " " else key
            app.post_message(events.Key(name, key))
        else:
            app.post_message(events.Key(key, " " if key == "space" else None))


def type_burst(app: Any, text: str, *then: str) -> None:
    """``text`` typed character by character, then the keys ``then``, in one burst."""
    burst(app, *text, *then)


def paste(app: Any, text: str) -> None:
    """A terminal paste, as the driver hands it to the app."""
    from textual import events

    app.post_message(events.Paste(text))


async def asked_by(pilot: Pilot[Any], key: str, kind: type[ScreenT]) -> ScreenT:
    """Press ``key`` and return the dialog of type ``kind`` it brings up."""
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind), kind.__name__)
    dialog = pilot.app.screen
    assert isinstance(dialog, kind)
    return dialog
