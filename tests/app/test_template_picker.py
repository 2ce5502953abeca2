"""Saved templates from a message box (Ctrl+T) at 80x24, by keyboard: save the text,
replace a template (asked, Cancel first), insert (asked when the box holds another
text), delete (asked, Cancel first), Escape; Quick send refuses fields left in the text.
Also a screenshot of the dialog at 80x24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import time_machine
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from tests.app.harness import demo_app, wait_until
from tests.app.test_shell import SIM_START
from tests.app.test_snapshots import make_demo_app, settled
from tui.app import CsmsApp
from tui.palette import CsmsCommands
from tui.screens.campaign_wizard import CampaignWizard
from tui.screens.confirm import ConfirmScreen
from tui.screens.conversation import ConversationScreen
from tui.screens.quick_send import QuickSendScreen
from tui.screens.template_picker import TemplateList, TemplatePickerScreen
from tui.widgets import MessageComposer, RecipientsBox

SMALL = (80, 24)
BILL = "Dear {name}, your bill of Rs {amount} is due on Friday."


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def picker_ready(app: Any) -> bool:
    """The dialog is shown and has put the focus in one of its fields."""
    screen = app.screen
    return isinstance(screen, TemplatePickerScreen) and screen.focused is not None


async def open_picker(pilot: Pilot[Any]) -> TemplatePickerScreen:
    await pilot.press("ctrl+t")
    await wait_until(pilot, lambda: picker_ready(pilot.app), "picker")
    picker = pilot.app.screen
    assert isinstance(picker, TemplatePickerScreen)
    return picker


async def confirm_screen(pilot: Pilot[Any]) -> ConfirmScreen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), "question")
    question = pilot.app.screen
    assert isinstance(question, ConfirmScreen)
    return question


async def test_save_replace_insert_and_send_refusal_from_quick_send(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send", size=SMALL) as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, QuickSendScreen)
        templates = app.engine.saved_templates
        composer = screen.query_one(MessageComposer)
        await pilot.press("tab")
        assert app.focused is composer.text_area
        await pilot.press(*"Salam")

        # No template yet: the name field has focus; Enter there saves the box's text.
        picker = await open_picker(pilot)
        assert app.focused is picker.query_one("#tpl-name", Input)
        await pilot.press(*"Greeting", "enter")
        saved = templates.find("greeting")
        assert saved is not None and saved.text == "Salam"
        assert "Saved the template 'Greeting'." in text_of(picker, "#tpl-message")
        await pilot.press("escape")
        assert app.screen is screen and app.focused is composer.text_area

        # The same name again (any case) asks first, Cancel focused: Enter keeps the old text.
        composer.text = BILL
        picker = await open_picker(pilot)
        await pilot.click("#tpl-name")
        await pilot.press(*"GREETING", "enter")
        question = await confirm_screen(pilot)
        assert "A template called 'Greeting' exists already" in question.question
        assert question.focused is not None and question.focused.id == "cancel"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is picker, "back to the picker")
        assert templates.get("greeting").text == "Salam"
        # Asked again and confirmed: replaced (the name takes the new spelling).
        picker.query_one("#tpl-name", Input).focus()
        await pilot.press("enter")
        await confirm_screen(pilot)
        await pilot.press("right", "enter")
        await wait_until(pilot, lambda: app.screen is picker, "back to the picker")
        assert templates.get("greeting").text == BILL
        assert "Replaced the template 'GREETING'" in text_of(picker, "#tpl-message")
        await pilot.press("escape")

        # Inserting into a box holding another text asks first; Cancel keeps the text.
        composer.text = "Something else"
        picker = await open_picker(pilot)
        assert app.focused is picker.query_one("#tpl-search", Input)
        await pilot.press(*"bill", "enter")  # search, then Enter inserts the one found
        question = await confirm_screen(pilot)
        assert question.question.startswith("Replace the text in the message box with")
        assert question.focused is not None and question.focused.id == "cancel"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is picker, "back to the picker")
        assert composer.text == "Something else"
        await pilot.press("down", "enter")  # from the list this time
        await confirm_screen(pilot)
        await pilot.press("right", "enter")
        await wait_until(pilot, lambda: app.screen is screen, "the picker closed")
        assert composer.text == BILL
        assert app.focused is composer.text_area
        assert composer.fields == ["name", "amount"]
        assert "Replace {name} and {amount} before sending" in str(
            composer.query_one(".composer-fields", Static).content
        )
        # The first field is selected: typing replaces it.
        await pilot.press(*"Ali")
        assert composer.text.startswith("Dear Ali, your bill of Rs {amount}")

        # Sending with a field left is refused in one sentence; nothing is sent.
        screen.query_one(RecipientsBox).text = "03001234567"
        before = len(sim.requests)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert text_of(screen, "#send-error").startswith(
            "The text still holds {amount}; replace it with the real value before sending"
        )
        assert "sendsms.jsp" not in [r.page for r in sim.requests[before:]]


async def test_delete_asks_with_cancel_first_and_escape_closes(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send", size=SMALL) as (app, pilot, _):
        templates = app.engine.saved_templates
        templates.save("Eid", "Eid Mubarak")
        templates.save("Reminder", "Your appointment is tomorrow at {time}.")
        await pilot.press("tab")
        picker = await open_picker(pilot)
        assert "Templates (2)" in text_of(picker, "#tpl-title")
        await pilot.press("down", "down")  # to the list, then to the second template
        assert isinstance(app.focused, TemplateList) and picker.chosen is not None
        assert picker.chosen.name == "Reminder"
        assert "Fields to replace: {time}" in text_of(picker, "#tpl-preview")

        await pilot.press("delete")
        question = await confirm_screen(pilot)
        assert question.question == "Delete the template 'Reminder'? It cannot be undone."
        assert question.focused is not None and question.focused.id == "cancel"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is picker, "back to the picker")
        assert templates.find("Reminder") is not None

        await pilot.press("delete")
        await confirm_screen(pilot)
        await pilot.press("right", "enter")
        await wait_until(pilot, lambda: app.screen is picker, "back to the picker")
        assert templates.find("Reminder") is None
        assert [t.name for t in picker.found] == ["Eid"]

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, QuickSendScreen), "closed")
        assert app.screen.query_one(MessageComposer).text == ""


async def test_the_campaign_wizard_message_gets_a_template(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "sms_campaigns", size=SMALL) as (app, pilot, _):
        app.engine.saved_templates.save("Eid", "Eid Mubarak from all of us {{CSMS}}")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, CampaignWizard), "wizard")
        wizard = app.screen
        await pilot.press(*"Eid greetings", "enter")
        await pilot.press("space", "ctrl+n")  # the first list
        composer = wizard.query_one(MessageComposer)
        await wait_until(pilot, lambda: app.focused is composer.text_area, "the message step")
        picker = await open_picker(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is wizard, "the picker closed")
        # Literal braces come out as single braces; nothing left to replace.
        assert composer.text == "Eid Mubarak from all of us {CSMS}"
        assert composer.fields == [] and composer.problem is None
        assert not composer.query_one(".composer-fields", Static).display
        assert picker.current == ""


async def test_the_palette_entry_opens_the_picker_for_the_screens_box(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send", size=SMALL) as (app, pilot, _):
        app.engine.saved_templates.save("Eid", "Eid Mubarak")
        entries = {name: callback for name, _, callback in CsmsCommands(app.screen)._commands()}
        entries["Templates"]()
        await wait_until(pilot, lambda: picker_ready(app), "picker")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, QuickSendScreen), "closed")
        assert app.screen.query_one(MessageComposer).text == "Eid Mubarak"

        # On a screen without a message box it lists and deletes, but cannot insert.
        app.open_screen("dashboard")
        await wait_until(pilot, lambda: app.current_mode == "dashboard", "dashboard")
        app.open_templates()
        await wait_until(pilot, lambda: picker_ready(app), "picker")
        picker = app.screen
        assert picker.query_one("#tpl-insert").disabled
        assert "Ctrl+T in a message box" in text_of(picker, "#tpl-message")
        await pilot.press("enter")  # nothing to insert into: the dialog stays
        assert app.screen is picker
        await pilot.press("escape")


async def test_a_reply_with_a_field_left_is_refused(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "dashboard", size=SMALL) as (app, pilot, sim):
        app.engine.saved_templates.save("Thanks", "Thank you {name}, we will call back.")
        app.open_conversation("03007778889")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.focused, TextArea) and isinstance(app.screen, ConversationScreen)
            ),
            "the reply box",
        )
        screen = app.screen
        composer = screen.query_one(MessageComposer)
        assert app.focused is composer.text_area
        await open_picker(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, "the picker closed")
        assert composer.text == "Thank you {name}, we will call back."
        before = len(sim.requests)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert text_of(screen, "#conv-error").startswith("The text still holds {name}; replace")
        assert "sendsms.jsp" not in [r.page for r in sim.requests[before:]]


@pytest.fixture
def frozen_time() -> Any:
    with time_machine.travel(SIM_START, tick=False):
        yield


@pytest.mark.usefixtures("frozen_time")
def test_picker_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = make_demo_app(tmp_path)

    async def before(pilot: Pilot[Any]) -> None:
        await settled(pilot, "quick_send")
        assert isinstance(pilot.app, CsmsApp) and pilot.app.engine is not None
        templates = pilot.app.engine.saved_templates
        templates.save("Bill due", BILL)
        templates.save("Eid greeting", "Eid Mubarak from all of us at Telenor!")
        templates.save("Appointment", "Your appointment is on {date} at {time}.")
        screen = pilot.app.screen
        screen.query_one(MessageComposer).focus()
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: picker_ready(pilot.app), "picker")
        await pilot.press("down", "down")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=before)
