"""The personalised screen reads the chosen sheet of a workbook, and takes a
saved template (Ctrl+T) as its template, fields included."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from textual.widgets import Select, TextArea

from tests.app.harness import demo_app, wait_until
from tui.screens.personalised import PersonalisedScreen
from tui.screens.template_picker import TemplatePickerScreen


def two_sheet_workbook(path: Path) -> Path:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    summary.append(["Month", "Total"])
    summary.append(["March", 3])
    bills = book.create_sheet("Bills")
    bills.append(["Name", "Mobile", "Amount"])
    bills.append(["Ali", 923001110001, 1200])
    bills.append(["علی", "0300-1110002", 800])
    book.save(path)
    return path


async def test_a_workbook_s_sheet_is_chosen_and_a_saved_template_used(tmp_path: Path) -> None:
    book = two_sheet_workbook(tmp_path / "bills.xlsx")
    async with demo_app(tmp_path, "sms_campaigns", size=(80, 24)) as (app, pilot, _sim):
        assert app.engine is not None
        app.engine.saved_templates.save("Bill due", "Dear {name}, your bill of Rs {amount} is due")
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PersonalisedScreen), "screen")
        screen = app.screen
        assert isinstance(screen, PersonalisedScreen)
        await pilot.press(*str(book), "enter")
        await wait_until(pilot, lambda: screen.sheet is not None, "the first sheet")
        assert screen.sheet is not None and screen.sheet.columns == ["Month", "Total"]
        choice = screen.query_one("#pers-sheet-choice", Select)
        assert choice.display and choice.value == "Summary"

        choice.value = "Bills"  # as if chosen from the list
        await wait_until(
            pilot,
            lambda: screen.sheet is not None and screen.sheet.columns[0] == "Name",
            "the Bills sheet",
        )
        assert screen.sheet is not None and len(screen.sheet.rows) == 2

        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: isinstance(app.screen, TemplatePickerScreen), "picker")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, "back")
        template = screen.query_one("#pers-template", TextArea)
        assert template.text == "Dear {name}, your bill of Rs {amount} is due"
        await wait_until(pilot, lambda: screen.plan is not None, "the plan")
