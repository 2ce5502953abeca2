"""The navigation bar names every main screen, clickable at 80x24 too."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.harness import demo_app, wait_until
from tui.registry import SCREENS
from tui.widgets.header import NavLink


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_every_screen_is_one_click_away(tmp_path: Path, size: tuple[int, int]) -> None:
    async with demo_app(tmp_path, "dashboard", size=size) as (app, pilot, _sim):
        await wait_until(pilot, lambda: bool(app.screen.query(NavLink)), "the bar")
        links = {link.entry.mode: link for link in app.screen.query(NavLink)}
        assert set(links) == {entry.mode for entry in SCREENS}
        width = size[0]
        for mode in ("optouts", "settings", "audio"):
            region = links[mode].region
            assert region.right <= width, f"{mode} is cut off at {width} columns"
        short = width < 120
        shown = {mode: str(link.content) for mode, link in links.items()}
        assert (shown["sms_campaigns"] == "SMS") is short
        await pilot.click("#nav-optouts")
        await wait_until(pilot, lambda: app.current_mode == "optouts", "the Opt-outs screen")
