"""Both campaign wizards on the step wizard base: every step usable by keyboard
at 80x24 through to a created campaign, problems listed one line per field and
cleared as that field changes, Escape closing an empty wizard at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from tests.app.harness import demo_app, wait_until
from tests.app.test_sms_campaigns_screen import open_wizard
from tests.app.test_voice_screens import creations, ids
from tests.app.test_voice_screens import open_wizard as open_voice_wizard
from tui.screens.campaign_wizard import CampaignWizard
from tui.screens.sms_campaigns import SmsCampaignsScreen
from tui.screens.voice_campaigns import VoiceCampaignsScreen
from tui.screens.voice_wizard import VoiceWizard

SMALL = (80, 24)


#: File trees open on the user's home: a folder of the test's own (conftest.py).
pytestmark = pytest.mark.usefixtures("home")


def on_screen(widget: Widget) -> bool:
    """Whether the whole widget is inside the 80x24 terminal and shown."""
    region = widget.region
    return (
        widget.display
        and region.height > 0
        and region.x >= 0
        and region.y >= 0
        and region.right <= SMALL[0]
        and region.bottom <= SMALL[1]
    )


def text_of(node: Any, selector: str) -> str:
    return str(node.query_one(selector, Static).content)


def usable(app: Any, wizard: Any, button: str) -> None:
    """The step's focused field and its primary button are on screen."""
    focused = app.focused
    assert focused is not None and on_screen(focused), f"{wizard.step}: {focused!r} hidden"
    assert on_screen(wizard.query_one(button)), f"{wizard.step}: {button} hidden"


async def test_the_sms_wizard_at_80x24_by_keyboard(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "sms_campaigns", size=SMALL) as (app, pilot, _sim):
        wizard = await open_wizard(app, pilot)
        usable(app, wizard, "#wizard-next")
        await pilot.press(*"Small screen", "enter")
        await wait_until(pilot, lambda: wizard.step == "lists", "lists")
        usable(app, wizard, "#wizard-next")
        await pilot.press("space")
        await wait_until(pilot, lambda: "distinct" in text_of(wizard, "#wizard-audience"), "count")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "message", "message")
        usable(app, wizard, "#wizard-next")
        await pilot.press(*"Hello from a small screen", "ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "when", "when")
        usable(app, wizard, "#wizard-next")
        assert on_screen(wizard.query_one("#wizard-mask"))
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "review", "review")
        usable(app, wizard, "#wizard-create")
        await wait_until(pilot, lambda: not wizard.counting, "the counts")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SmsCampaignsScreen), "created")
        assert app.engine.ledger.campaigns.campaign_by_name("Small screen") is not None


async def test_the_voice_wizard_at_80x24_by_keyboard(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "voice_campaigns", size=SMALL) as (app, pilot, _sim):
        engine = app.engine
        screen = app.screen
        assert isinstance(screen, VoiceCampaignsScreen)
        known = ids(engine)
        wizard = await open_voice_wizard(pilot, screen)
        await pilot.pause()
        usable(app, wizard, "#wiz-next")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "basics", "basics")
        usable(app, wizard, "#wiz-next")
        await pilot.press(*"Small screen", "tab")
        lists = wizard.query_one("#wiz-lists")
        assert app.focused is lists and on_screen(lists)
        await pilot.press("space", "ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "audio", "audio")
        usable(app, wizard, "#wiz-next")
        audio = wizard.query_one("#wiz-audio", Select)
        await pilot.press("enter")  # open the recordings, choose the Ready one
        await pilot.pause()
        while audio.value != known["Welcome message"]:
            await pilot.press("down", "enter")
            await pilot.pause()
            if audio.value != known["Welcome message"]:
                await pilot.press("enter")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "delivery", "delivery")
        usable(app, wizard, "#wiz-next")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "review", "review")
        usable(app, wizard, "#wiz-create")
        await wait_until(pilot, lambda: not wizard.counting, "the counts")
        assert "numbers in all" in wizard.review_shown
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(creations(engine)) == 1, "created")
        await wait_until(pilot, lambda: not wizard.display, "the wizard closed")


async def test_problems_are_one_line_per_field_and_go_when_it_changes(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "voice_campaigns") as (app, pilot, _sim):
        engine = app.engine
        screen = app.screen
        assert isinstance(screen, VoiceCampaignsScreen)
        known = ids(engine)
        wizard = await open_voice_wizard(pilot, screen)
        await pilot.press("ctrl+n")
        wizard.query_one("#wiz-name", Input).value = "Lines per field"
        wizard.query_one("#wiz-lists").select(known["Staff"])  # type: ignore[attr-defined]
        await pilot.press("ctrl+n")
        wizard.query_one("#wiz-audio", Select).value = known["Welcome message"]
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "delivery", "delivery")
        wizard.query_one("#wiz-start", Input).value = "tomorrow"
        wizard.query_one("#wiz-daily-start", Input).value = "9am"
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: bool(wizard.problems), "the problems")
        assert wizard.step == "delivery"
        assert list(wizard.problems) == ["start", "daily_start"]
        lines = text_of(wizard, "#wiz-error").splitlines()
        assert len(lines) == 2
        assert "'tomorrow' is not a date and time" in lines[0]
        assert "'9am' is not a time" in lines[1]
        assert app.focused is wizard.query_one("#wiz-start")
        # Correcting the start takes its line away at once; the other stays.
        await pilot.press("ctrl+u")
        await pilot.pause()
        assert list(wizard.problems) == ["daily_start"]
        assert text_of(wizard, "#wiz-error") == lines[1]
        wizard.query_one("#wiz-daily-start", Input).value = "09:00"
        await pilot.pause()
        assert wizard.problems == {} and not wizard.query_one("#wiz-error").display
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "review", "review")


async def test_escape_on_an_empty_wizard_closes_it_without_asking(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "sms_campaigns") as (app, pilot, _sim):
        wizard = await open_wizard(app, pilot)
        assert isinstance(wizard, CampaignWizard) and not wizard.is_filled()
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SmsCampaignsScreen), "closed")
    async with demo_app(tmp_path / "voice", "voice_campaigns") as (app, pilot, _sim):
        screen = app.screen
        assert isinstance(screen, VoiceCampaignsScreen)
        voice = await open_voice_wizard(pilot, screen)
        assert isinstance(voice, VoiceWizard) and not voice.is_filled()
        await pilot.press("escape")
        await wait_until(pilot, lambda: not voice.display, "closed")


async def test_a_message_with_a_template_field_left_in_is_refused(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "sms_campaigns", size=SMALL) as (app, pilot, _sim):
        wizard = await open_wizard(app, pilot)
        await pilot.press(*"Fields left", "enter")
        await wait_until(pilot, lambda: wizard.step == "lists", "lists")
        await pilot.press("space")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "message", "message")
        await pilot.press(*"Dear {name}, your order is ready", "ctrl+n")
        await wait_until(pilot, lambda: bool(wizard.problems), "the refusal")
        assert wizard.step == "message"
        assert "{name}" in next(iter(wizard.problems.values()))
