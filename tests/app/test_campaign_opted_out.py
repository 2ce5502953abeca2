"""A campaign over a list holding an opted-out number: the wizards warn, name the
count, ask before creating anyway (recorded), and make a clean list to use instead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, Select, SelectionList

from tests.app.harness import demo_app, wait_until
from tests.app.test_sms_campaigns_screen import open_wizard
from tests.app.test_voice_screens import creations, demo_engine_app, fill_basics, ids
from tests.app.test_voice_screens import open_wizard as open_voice_wizard
from tui.screens.confirm import ConfirmScreen
from tui.screens.sms_campaigns import SmsCampaignsScreen
from tui.screens.voice_campaigns import VoiceCampaignsScreen
from tui.widgets.opted_out_members import OptedOutMembers


async def to_review(app: Any, pilot: Pilot[Any], name: str, list_id: str, text: str) -> Any:
    """The SMS campaign wizard filled in (one list, sent now) and on its review."""
    wizard = await open_wizard(app, pilot)
    await pilot.press(*name, "enter")
    selection = wizard.query_one(SelectionList)
    selection.highlighted = next(
        i
        for i in range(selection.option_count)
        if selection.get_option_at_index(i).value == list_id
    )
    await pilot.press("space", "ctrl+n", *text, "ctrl+n", "ctrl+n")
    assert wizard.step_name == "review"
    return wizard


async def test_the_sms_wizard_warns_and_makes_a_clean_list(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "sms_campaigns") as (app, pilot, sim):
        engine = app.engine
        staff = next(item for item in engine.ledger.lists.lists() if item.name == "Staff")
        members = [m.msisdn for m in engine.ledger.lists.members(staff.id)]
        engine.optouts.add([members[0]], "asked to stop")

        wizard = await to_review(app, pilot, "Staff meeting", staff.id, "Meeting at 3")
        assert wizard.step_name == "review"
        warning = wizard.query_one(OptedOutMembers)
        await wait_until(pilot, lambda: warning.listed == [members[0]], "the warning")
        assert warning.display

        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.question.startswith("1 member of these lists is on the do-not-contact")
        assert confirm.focused is not None and confirm.focused.id == "cancel"
        await pilot.press("enter")  # Cancel: nothing is created
        await pilot.pause()
        assert (
            app.screen is wizard
            and engine.ledger.campaigns.campaign_by_name("Staff meeting") is None
        )

        warning.query_one("#opted-out-clean", Button).press()
        await wait_until(pilot, lambda: "Staff (clean)" in wizard.review_shown, "the clean list")
        clean = next(item for item in engine.ledger.lists.lists() if item.name == "Staff (clean)")
        assert set(sim.state.lists[clean.id].members) == set(members[1:])
        assert list(wizard.query_one(SelectionList).selected) == [clean.id]
        await wait_until(pilot, lambda: warning.listed == [], "the warning to go")

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SmsCampaignsScreen), "monitor")
        campaign = engine.ledger.campaigns.campaign_by_name("Staff meeting")
        assert campaign is not None and list(campaign.list_ids) == [clean.id]


async def test_creating_anyway_is_asked_and_recorded(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "sms_campaigns") as (app, pilot, _sim):
        engine = app.engine
        staff = next(item for item in engine.ledger.lists.lists() if item.name == "Staff")
        opted = engine.ledger.lists.members(staff.id)[0].msisdn
        engine.optouts.add([opted], "asked to stop")
        wizard = await to_review(app, pilot, "Staff notice", staff.id, "Office closed")
        warning = wizard.query_one(OptedOutMembers)
        await wait_until(pilot, lambda: warning.listed == [opted], "the warning")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("right", "enter")  # Create anyway
        await wait_until(pilot, lambda: isinstance(app.screen, SmsCampaignsScreen), "monitor")
        assert engine.ledger.campaigns.campaign_by_name("Staff notice") is not None
        actions = [event.action for event in engine.optouts.store.events(opted)]
        assert "override" in actions


async def test_the_voice_wizard_warns_and_uses_a_clean_list(tmp_path: Path) -> None:
    async with demo_engine_app(tmp_path, "voice_campaigns") as (app, pilot, engine):
        screen = app.screen
        assert isinstance(screen, VoiceCampaignsScreen)
        known = ids(engine)
        opted = engine.ledger.lists.members(known["Staff"])[0].msisdn
        engine.optouts.add([opted], "asked to stop")
        wizard = await open_voice_wizard(pilot, screen)
        await fill_basics(pilot, wizard, "Clinic reminder", known["Staff"])
        wizard.query_one("#wiz-audio", Select).value = known["Welcome message"]
        await pilot.press("ctrl+n", "ctrl+n")
        assert wizard.step == "review"
        warning = wizard.query_one(OptedOutMembers)
        await wait_until(pilot, lambda: warning.listed == [opted], "the warning")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        assert creations(engine) == []

        warning.query_one("#opted-out-clean", Button).press()
        await wait_until(pilot, lambda: "Staff (clean)" in wizard.review_shown, "the clean list")
        await wait_until(pilot, lambda: warning.listed == [], "the warning to go")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(creations(engine)) == 1, "create request")
        clean = next(item for item in engine.ledger.lists.lists() if item.name == "Staff (clean)")
        assert creations(engine)[0][1]["group_ids"] == clean.id
