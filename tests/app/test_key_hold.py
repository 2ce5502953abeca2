"""The hold for keys typed while a wizard step changes never keeps the
keyboard: a hold nobody releases gives its keys back, and quitting is never
held."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.harness import demo_app, wait_until
from tui.screens.activity import ActivityScreen
from tui.widgets import key_hold


async def test_a_hold_nobody_releases_gives_the_keys_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(key_hold, "LONGEST_HOLD", 0.3)
    async with demo_app(tmp_path, "dashboard") as (app, pilot, _sim):
        app.key_hold.hold()
        await pilot.press("f5")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, ActivityScreen)  # held
        assert [key.key for key in app.key_hold.held] == ["f5"]
        await wait_until(pilot, lambda: isinstance(app.screen, ActivityScreen), "given back")
        assert not app.key_hold.active
        await pilot.pause(0.2)  # the screen mounted before the app closes


def test_quitting_is_never_held() -> None:
    assert "ctrl+q" in key_hold.NEVER_HELD
