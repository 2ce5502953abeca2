"""Screenshots of every step of both campaign wizards at 80x24 on the demo,
compared with the stored SVGs (frozen time, manual simulator clock). Update
after an intended change with ``pytest --snapshot-update`` and review the SVGs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList

from tests.app.harness import wait_until
from tests.app.test_shell import SIM_START
from tests.app.test_snapshots import make_demo_app, settled
from tui.screens.campaign_wizard import CampaignWizard
from tui.screens.voice_campaigns import CampaignsTable
from tui.screens.voice_wizard import VoiceWizard
from tui.widgets import MessageComposer

SMALL = (80, 24)
SMS_STEPS = ("name", "lists", "message", "when", "review")
VOICE_STEPS = ("kind", "basics", "audio", "delivery", "review")


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    with time_machine.travel(SIM_START, tick=False):
        yield


async def quiet(pilot: Pilot[Any], wizard: Any) -> None:
    """Counts done, no cursor or focus ring, no notification in the picture."""
    await wait_until(pilot, lambda: not wizard.counting, "the counts")
    pilot.app.clear_notifications()
    pilot.app.screen.set_focus(None)
    await pilot.pause()


@pytest.mark.parametrize("step", SMS_STEPS)
def test_sms_wizard_step(snap_compare: Any, tmp_path: Path, step: str) -> None:
    app = make_demo_app(tmp_path)

    async def before(pilot: Pilot[Any]) -> None:
        await settled(pilot, "sms_campaigns")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CampaignWizard), "wizard")
        wizard = pilot.app.screen
        assert isinstance(wizard, CampaignWizard)
        wizard.query_one("#wizard-name", Input).value = "Eid greetings"
        for target in SMS_STEPS[1 : SMS_STEPS.index(step) + 1]:
            if target == "message":
                lists = wizard.query_one(SelectionList)
                staff = next(i.id for i in wizard.app.engine.ledger.lists() if i.name == "Staff")
                lists.select(staff)
            if target == "when":
                wizard.query_one(MessageComposer).text = "Eid Mubarak from all of us!"
            await pilot.press("ctrl+n")
            await wait_until(pilot, lambda t=target: wizard.step == t, target)  # type: ignore[misc]
        await quiet(pilot, wizard)

    assert snap_compare(app, terminal_size=SMALL, run_before=before)


@pytest.mark.parametrize("step", VOICE_STEPS)
def test_voice_wizard_step(snap_compare: Any, tmp_path: Path, step: str) -> None:
    app = make_demo_app(tmp_path)

    async def before(pilot: Pilot[Any]) -> None:
        await settled(pilot, "voice_campaigns")
        screen = pilot.app.screen
        screen.query_one(CampaignsTable).focus()
        await pilot.press("n")
        wizard = screen.query_one(VoiceWizard)
        await wait_until(pilot, lambda: wizard.display, "wizard")
        ledger = pilot.app.engine.ledger
        for target in VOICE_STEPS[1 : VOICE_STEPS.index(step) + 1]:
            if target == "audio":
                wizard.query_one("#wiz-name", Input).value = "Clinic reminder"
                staff = next(i.id for i in ledger.lists() if i.name == "Staff")
                wizard.query_one(SelectionList).select(staff)
            if target == "delivery":
                welcome = next(a.id for a in ledger.audio_files() if a.name == "Welcome message")
                wizard.query_one("#wiz-audio", Select).value = welcome
            if target == "review":
                wizard.query_one(MessageComposer).text = "Sorry we missed you"
            await pilot.press("ctrl+n")
            await wait_until(pilot, lambda t=target: wizard.step == t, target)  # type: ignore[misc]
        await quiet(pilot, wizard)

    assert snap_compare(app, terminal_size=SMALL, run_before=before)
