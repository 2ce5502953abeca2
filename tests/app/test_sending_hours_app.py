"""Quick send and personalised sends outside the sending hours ask "hold until
09:00, or send anyway?"; a held send leaves when the window opens while the app
runs (the engine's clock is injected, no real waiting)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot

from tests.app.harness import asked_by, demo_app, wait_until
from tests.app.test_campaign_opted_out import to_review
from tests.app.test_quick_send import paste, statuses
from tui.engine import background
from tui.screens.confirm import ConfirmScreen
from tui.screens.quick_send import QuickSendScreen
from tui.screens.sending_hours import SendingHoursScreen
from tui.widgets.send_results import ResultsTable

pytestmark = pytest.mark.sending_hours
KARACHI = ZoneInfo("Asia/Karachi")
NIGHT = datetime(2026, 12, 4, 23, 10, tzinfo=KARACHI)


async def hours_question(pilot: Pilot[Any]) -> SendingHoursScreen:
    """Ctrl+S outside the sending hours, and the question it brings up."""
    return await asked_by(pilot, "ctrl+s", SendingHoursScreen)


async def asked_at_night(pilot: Pilot[Any]) -> Any:
    """At 23:10, "Hello" to one number on Quick send, and Ctrl+S: the sending
    hours' question is up; returns the Quick send screen under it."""
    app: Any = pilot.app
    app.engine.holds.clock = lambda: NIGHT
    screen = app.screen
    await paste(pilot, "03001234567")
    await pilot.press("tab", *"Hello")
    await pilot.press("ctrl+s")
    await pilot.pause()
    return screen


def sms_sent(sim: object) -> list[str]:
    return [r.params["to"] for r in sim.requests if r.page == "sendsms.jsp"]  # type: ignore[attr-defined]


async def test_a_quick_send_at_night_is_held_and_leaves_at_nine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(background, "HOLDS_INTERVAL", 0.05)
    clock = [NIGHT]
    async with demo_app(tmp_path, "quick_send") as (app, pilot, sim):
        app.engine.holds.clock = lambda: clock[0]
        screen = app.screen
        assert isinstance(screen, QuickSendScreen)
        await paste(pilot, "0300-1234567")
        await pilot.press("tab", *"Your bill is due")
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SendingHoursScreen)
        assert "It is 23:10 (Fri) in Asia/Karachi" in dialog.closed
        assert "Your bill is due" in dialog.question
        assert dialog.focused is not None and dialog.focused.id == "hold"  # a stray Enter holds
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        table = screen.query_one(ResultsTable)
        assert statuses(table) == ["Held until Sat 09:00 (hold 1)"]
        await pilot.pause(0.3)
        assert sms_sent(sim) == []  # the loop runs, but the hours are closed

        # Ctrl+S again by habit: the question says it is held already, and a
        # stray Enter (Cancel has the focus) holds no second copy.
        again = await hours_question(pilot)
        assert "Already held: the same text waits for the sending hours" in again.question
        assert again.focused is not None and again.focused.id == "cancel"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, "closed")
        assert len(app.engine.ledger.holds.holds()) == 1

        clock[0] = NIGHT + timedelta(hours=10)  # 09:10 the next morning
        await wait_until(pilot, lambda: sms_sent(sim) == ["923001234567"], "the held SMS")
        await pilot.pause(0.3)
        assert sms_sent(sim) == ["923001234567"]  # once
        [held] = app.engine.ledger.holds.holds(("sent",))
        assert held.result == "1 sent"


async def test_send_anyway_and_escape_at_night(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send") as (app, pilot, sim):
        screen = await asked_at_night(pilot)
        assert isinstance(app.screen, SendingHoursScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and sms_sent(sim) == []
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.click("#send")
        await wait_until(pilot, lambda: sms_sent(sim) == ["923001234567"], "the SMS")
        assert app.engine.ledger.holds.holds() == []

        app.engine.holds.clock = lambda: NIGHT.replace(hour=12)  # open: the usual question
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)


async def test_a_campaign_sent_now_at_night_is_warned_about_in_the_review(
    tmp_path: Path,
) -> None:
    async with demo_app(tmp_path, "sms_campaigns") as (app, pilot, _sim):
        app.engine.holds.clock = lambda: NIGHT
        staff = next(item for item in app.engine.ledger.lists.lists() if item.name == "Staff")
        wizard = await to_review(app, pilot, "Late notice", staff.id, "Office closed tomorrow")
        assert wizard.step_name == "review"
        assert "It starts outside the sending hours: It is 23:10 (Fri)" in wizard.review_shown


async def test_a_campaign_sent_now_at_night_asks_and_can_be_held_until_nine(
    tmp_path: Path,
) -> None:
    """Create on a "Send now" campaign outside the hours asks as Quick send does:
    Hold (focused) schedules it for when the hours open; Escape creates nothing."""
    async with demo_app(tmp_path, "sms_campaigns") as (app, pilot, sim):
        app.engine.holds.clock = lambda: NIGHT
        staff = next(item for item in app.engine.ledger.lists.lists() if item.name == "Staff")
        wizard = await to_review(app, pilot, "Late notice", staff.id, "Office closed tomorrow")
        await hours_question(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert (
            app.screen is wizard
            and app.engine.ledger.campaigns.campaign_by_name("Late notice") is None
        )
        dialog = await hours_question(pilot)
        assert "Create campaign 'Late notice' and send it now?" in dialog.question
        assert dialog.focused is not None and dialog.focused.id == "hold"
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: app.engine.ledger.campaigns.campaign_by_name("Late notice") is not None,
            "the campaign",
        )
        campaign = app.engine.ledger.campaigns.campaign_by_name("Late notice")
        assert campaign is not None and campaign.scheduled_at is not None
        assert campaign.scheduled_at.astimezone(KARACHI) == datetime(
            2026, 12, 5, 9, 0, tzinfo=KARACHI
        )
        # The gateway holds it until then too: nothing was delivered at night.
        held = sim.state.sms_campaigns[campaign.id]
        assert held.scheduled_at == campaign.scheduled_at.timestamp() and not held.delivered


async def test_a_held_send_is_listed_on_activity_and_cancelled_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.screens.activity import ActivityScreen
    from tui.widgets.held_sends import HeldSends, HeldTable

    monkeypatch.setattr(background, "HOLDS_INTERVAL", 0.05)
    clock = [NIGHT]
    async with demo_app(tmp_path, "quick_send", size=(80, 24)) as (app, pilot, sim):
        app.engine.holds.clock = lambda: clock[0]
        await paste(pilot, "0300-1234567")
        await pilot.press("tab", *"Your bill is due")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SendingHoursScreen)
        await pilot.press("enter")  # Hold
        await pilot.pause()

        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(app.screen, ActivityScreen), "Activity")
        pane = app.screen.query_one(HeldSends)
        await wait_until(pilot, lambda: pane.count == 1, "the held send")
        assert pane.display and pane.region.height > 0
        table = pane.query_one(HeldTable)
        assert [str(c) for c in table.get_row("1")] == [
            "1",
            "Sat 09:00",
            "SMS to 1 number: Your bill is due",
            "Held",
        ]
        table.focus()
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert "Cancel hold 1? SMS to 1 number: Your bill is due" in dialog.question
        await pilot.press("enter")  # "Keep it" has the focus
        await pilot.pause()
        assert pane.count == 1 and app.engine.ledger.holds.holds(("held",))

        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("right", "enter")  # to "Cancel the hold", by keys
        await wait_until(pilot, lambda: pane.count == 0, "the cancelled hold gone")
        assert not pane.display
        [cancelled] = app.engine.ledger.holds.holds(("cancelled",))
        assert cancelled.id == 1

        clock[0] = NIGHT + timedelta(hours=10)
        await pilot.pause(0.3)
        assert sms_sent(sim) == []  # the cancelled hold never leaves

        # A hold cancelled elsewhere (`csms hold cancel` in another shell tells
        # this app nothing) is gone when Activity is shown again.
        clock[0] = NIGHT
        held = app.engine.holds.hold("sms", {"to": ["923001234567"], "text": "Later"})
        await wait_until(pilot, lambda: pane.count == 1, "the new hold")
        assert app.engine.ledger.holds.mark_hold(held.id, "cancelled")
        await pilot.press("f3")
        await pilot.press("f5")
        await wait_until(pilot, lambda: pane.count == 0, "the hold cancelled elsewhere gone")


async def test_a_repeat_at_night_starts_on_cancel_so_enter_holds_no_second_copy(
    tmp_path: Path,
) -> None:
    async with demo_app(tmp_path, "quick_send") as (app, pilot, sim):
        screen = await asked_at_night(pilot)
        await pilot.click("#send")  # send anyway
        await wait_until(pilot, lambda: sms_sent(sim) == ["923001234567"], "the SMS")
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SendingHoursScreen)
        assert "Already sent in the last hour" in dialog.question
        assert dialog.focused is not None and dialog.focused.id == "cancel"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert app.engine.ledger.holds.holds(("held",)) == []
        assert sms_sent(sim) == ["923001234567"]


async def test_a_voice_campaign_calling_now_at_night_asks_and_can_be_held_until_nine(
    tmp_path: Path,
) -> None:
    """A voice campaign that would call as soon as it is approved, outside the
    hours, asks as the SMS wizard does: Escape creates nothing, Hold (focused)
    creates it starting when the hours open."""
    from tests.app.test_wizard_snapshots import voice_wizard_at

    async with demo_app(tmp_path, "dashboard") as (app, pilot, sim):
        app.engine.holds.clock = lambda: NIGHT
        wizard = await voice_wizard_at(pilot, "review")
        assert "as soon as approved" in wizard.review_shown

        def created() -> list[Any]:
            return [
                c for c in app.engine.ledger.voice.voice_campaigns() if c.name == "Clinic reminder"
            ]

        dialog = await hours_question(pilot)
        assert "Create voice campaign 'Clinic reminder' and start calling now?" in dialog.question
        assert "It is 23:10 (Fri) in Asia/Karachi" in dialog.closed
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one(type(wizard)) is wizard and created() == []
        assert not [r for r in sim.requests if r.page.endswith("_campaign.jsp")]

        dialog = await hours_question(pilot)
        assert dialog.focused is not None and dialog.focused.id == "hold"
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(created()) == 1, "the campaign")
        [campaign] = created()
        start = datetime.fromisoformat(campaign.params["start"]).astimezone(KARACHI)
        assert start == datetime(2026, 12, 5, 9, 0, tzinfo=KARACHI)
