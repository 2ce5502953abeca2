"""The Dashboard's count of numbers put on the do-not-contact list in 24 hours.

A STOP reply arrives at the simulator, is paid for and fetched over loopback
HTTP, and applied to the list in the ledger; the dashboard counts it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import Static

from tests.app.harness import demo_app, wait_until
from tui.engine.optouts import OptOutCounts
from tui.ledger.optouts import NewOptOut
from tui.screens.dashboard import DashboardScreen, optout_line


def test_the_line_says_how_they_came() -> None:
    assert optout_line(OptOutCounts()) == "Opt-outs: none new in 24 h"
    assert optout_line(OptOutCounts(replies=2, manual=1)) == (
        "Opt-outs: 3 new in 24 h (2 replies, 1 manual)"
    )
    assert optout_line(OptOutCounts(replies=1, imports=1200)) == (
        "Opt-outs: 1,201 new in 24 h (1 reply, 1,200 imported)"
    )


async def test_a_stop_reply_is_counted(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "dashboard", size=(80, 24)) as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert app.engine is not None
        engine = app.engine
        line = screen.query_one("#optouts", Static)

        def shown() -> str:
            return str(line.content)

        await wait_until(pilot, lambda: shown() == "Opt-outs: none new in 24 h", "first count")
        # On screen at 80x24, on one line, without scrolling.
        assert line.region.height == 1
        assert line.region.bottom <= screen.size.height
        assert line.region.right <= 80

        # An entry older than 24 hours is not new.
        old = datetime.now(UTC) - timedelta(hours=25)
        engine.optouts.store.add([NewOptOut("923005550001", "import", "old.csv")], old)

        # "stop the bill" is no keyword; "STOP" is.
        sim.push_incoming("923001112233", "stop the bill")
        sim.push_incoming("923214445566", "STOP")
        await engine.pay_and_fetch()
        await wait_until(
            pilot, lambda: shown() == "Opt-outs: 1 new in 24 h (1 reply)", "the STOP counted"
        )
        assert "923214445566" in engine.optouts.numbers()
        assert "923001112233" not in engine.optouts.numbers()

        # One added by hand elsewhere shows on the dashboard's refresh (r).
        engine.optouts.add(["03005550002"], note="asked on the phone")
        await pilot.press("r")
        await wait_until(
            pilot,
            lambda: shown() == "Opt-outs: 2 new in 24 h (1 reply, 1 manual)",
            "the manual entry counted",
        )
