"""Screenshots of every step of both campaign wizards at 80x24 and 160x50 on the
demo, compared with the stored SVGs (frozen time, manual simulator clock). Update
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
from tests.app.test_snapshots import SMALL_AND_LARGE, make_demo_app, settled, size_id, still
from tui.screens.campaign_wizard import CampaignWizard
from tui.screens.voice_campaigns import CampaignsTable
from tui.screens.voice_wizard import VoiceWizard
from tui.widgets import MessageComposer

SMS_STEPS = ("name", "lists", "message", "when", "review")
VOICE_STEPS = ("kind", "basics", "audio", "delivery", "review")


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    with time_machine.travel(SIM_START, tick=False):
        yield


async def quiet(pilot: Pilot[Any], wizard: Any) -> None:
    """Counts done, no cursor or focus ring, no notification in the picture."""
    await wait_until(pilot, lambda: not wizard.counting, "the counts")
    await still(pilot)


def list_id(pilot: Pilot[Any], name: str) -> str:
    return next(i.id for i in pilot.app.engine.ledger.lists.lists() if i.name == name)  # type: ignore[attr-defined]


async def sms_wizard_at(pilot: Pilot[Any], step: str) -> CampaignWizard:
    """The SMS campaign wizard on the demo, filled in (Staff list, sent now) up to ``step``."""
    await settled(pilot, "sms_campaigns")
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CampaignWizard), "wizard")
    wizard = pilot.app.screen
    assert isinstance(wizard, CampaignWizard)
    wizard.query_one("#wizard-name", Input).value = "Eid greetings"
    for target in SMS_STEPS[1 : SMS_STEPS.index(step) + 1]:
        if target == "message":
            wizard.query_one(SelectionList).select(list_id(pilot, "Staff"))
        if target == "when":
            wizard.query_one(MessageComposer).text = "Eid Mubarak from all of us!"
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda t=target: wizard.step == t, target)  # type: ignore[misc]
    return wizard


async def voice_wizard_at(pilot: Pilot[Any], step: str) -> VoiceWizard:
    """The voice campaign wizard on the demo, filled in (Staff list, Welcome
    message) up to ``step``."""
    await settled(pilot, "voice_campaigns")
    screen = pilot.app.screen
    screen.query_one(CampaignsTable).focus()
    await pilot.press("n")
    wizard = screen.query_one(VoiceWizard)
    await wait_until(pilot, lambda: wizard.display, "wizard")
    ledger = pilot.app.engine.ledger  # type: ignore[attr-defined]
    for target in VOICE_STEPS[1 : VOICE_STEPS.index(step) + 1]:
        if target == "audio":
            wizard.query_one("#wiz-name", Input).value = "Clinic reminder"
            wizard.query_one(SelectionList).select(list_id(pilot, "Staff"))
        if target == "delivery":
            welcome = next(a.id for a in ledger.audio.audio_files() if a.name == "Welcome message")
            wizard.query_one("#wiz-audio", Select).value = welcome
        if target == "review":
            wizard.query_one(MessageComposer).text = "Sorry we missed you"
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda t=target: wizard.step == t, target)  # type: ignore[misc]
    return wizard


@pytest.mark.parametrize("size", SMALL_AND_LARGE, ids=size_id)
@pytest.mark.parametrize("step", SMS_STEPS)
def test_sms_wizard_step(
    snap_compare: Any, tmp_path: Path, step: str, size: tuple[int, int]
) -> None:
    app = make_demo_app(tmp_path)

    async def before(pilot: Pilot[Any]) -> None:
        await quiet(pilot, await sms_wizard_at(pilot, step))

    assert snap_compare(app, terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SMALL_AND_LARGE, ids=size_id)
@pytest.mark.parametrize("step", VOICE_STEPS)
def test_voice_wizard_step(
    snap_compare: Any, tmp_path: Path, step: str, size: tuple[int, int]
) -> None:
    app = make_demo_app(tmp_path)

    async def before(pilot: Pilot[Any]) -> None:
        await quiet(pilot, await voice_wizard_at(pilot, step))

    assert snap_compare(app, terminal_size=size, run_before=before)
