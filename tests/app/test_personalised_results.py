"""The personalised screen at 80x24, by keyboard only: a send stopped by the
credit, its rows (state, message status, error) filtered by state, the
statuses following the gateway, and the export to CSV asking before it
replaces a file."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Input, Select

from tests.app.harness import demo_app, wait_until
from tests.app.test_sms_campaigns_screen import bills, sim_msisdn
from tui.screens.confirm import ConfirmScreen
from tui.screens.path_prompt import PathPrompt
from tui.screens.personalised import PersonalisedScreen
from tui.screens.personalised_jobs import JobsTable
from tui.screens.personalised_results import PersonalisedResultsScreen

SIZE = (80, 24)


def visible(app: Any, widget: Widget) -> bool:
    """The widget is on screen, whole, at the app's size."""
    region = widget.region
    width, height = app.size
    return (
        region.width > 0
        and region.height > 0
        and region.right <= width
        and (region.bottom <= height)
    )


async def tab_to(pilot: Pilot[None], widget: Widget, limit: int = 20) -> None:
    """Press Tab until ``widget`` has the focus (only keys, no clicks)."""
    for _ in range(limit):
        if pilot.app.focused is widget:
            return
        await pilot.press("tab")
    assert pilot.app.focused is widget, f"Tab never reached {widget!r}"


async def send_by_keyboard(app: Any, pilot: Pilot[None], sheet: Path) -> PersonalisedScreen:
    await pilot.press("p")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, PersonalisedScreen)
    await pilot.press(*str(sheet), "enter")
    await wait_until(pilot, lambda: screen.sheet is not None, "sheet")
    await pilot.press(*"Dear {name}, your bill of Rs {amount} is due")
    await wait_until(pilot, lambda: screen.plan is not None, "plan")
    for selector in ("#pers-send", "#pers-stop", "#pers-rows", "#pers-jobs"):
        assert visible(app, screen.query_one(selector)), selector
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirmation")
    await pilot.press("enter")
    await wait_until(pilot, lambda: screen.last_report is not None, "the send")
    return screen


def cells(table: DataTable[Any], column: str) -> list[str]:
    return [str(table.get_cell(key, column)) for key in table.rows]


async def test_rows_of_a_send_filtered_by_state_at_80x24(tmp_path: Path) -> None:
    sheet = tmp_path / "bills.csv"
    bills(sheet, 40)
    async with demo_app(tmp_path, "sms_campaigns", size=SIZE) as (app, pilot, sim):
        sim.account(sim_msisdn(sim)).credit = 20.0  # the credit runs out part-way
        screen = await send_by_keyboard(app, pilot, sheet)
        report = screen.last_report
        assert report is not None and report.stopped is not None
        rows = report.summary.rows
        assert rows.get("failed", 0) >= 1 and rows.get("pending", 0) >= 1

        jobs = screen.query_one(JobsTable)
        await tab_to(pilot, jobs)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PersonalisedResultsScreen), "rows")
        results = app.screen
        assert isinstance(results, PersonalisedResultsScreen) and results.job == report.job_id
        table = results.query_one("#res-table", DataTable)
        assert app.focused is table and visible(app, results.query_one("#res-export"))
        assert table.row_count == report.summary.total
        assert [c.label.plain for c in table.columns.values()] == [
            "Row", "Number", "State", "Message status", "Error"
        ]  # fmt: skip
        assert cells(table, "row")[0] == "2" and cells(table, "number")[0] == "923002000000"
        assert set(cells(table, "state")) == {"sent", "failed", "pending"}

        # f goes through the states: sent, then failed (with the gateway's reason).
        await pilot.press("f")
        await wait_until(pilot, lambda: results.row_state == "sent", "sent filter")
        await wait_until(pilot, lambda: table.row_count == rows["sent"], "sent rows")
        assert set(cells(table, "state")) == {"sent"}
        await pilot.press("f")
        await wait_until(pilot, lambda: table.row_count == rows["failed"], "failed rows")
        assert set(cells(table, "state")) == {"failed"}
        assert all("credit" in error.lower() or "100" in error for error in cells(table, "error"))
        assert "failed rows 1-" in str(results.query_one("#res-page").render()).lower()

        # The filter is a Select the keyboard reaches too.
        select = results.query_one("#res-filter", Select)
        await tab_to(pilot, select)
        select.value = "pending"
        await wait_until(pilot, lambda: table.row_count == rows["pending"], "pending rows")

        # The gateway delivers: the sent rows' message status follows.
        select.value = "sent"
        sim.clock.advance(120)
        await wait_until(
            pilot, lambda: set(cells(table, "status")) == {"Sent"}, "statuses from the gateway"
        )
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_export_of_the_rows_asks_before_replacing_a_file_at_80x24(tmp_path: Path) -> None:
    sheet = tmp_path / "bills.csv"
    expected = bills(sheet, 12)
    target = tmp_path / "results.csv"
    async with demo_app(tmp_path, "sms_campaigns", size=SIZE) as (app, pilot, _sim):
        screen = await send_by_keyboard(app, pilot, sheet)
        report = screen.last_report
        assert report is not None and report.summary.rows == {"sent": 10}
        await pilot.press("ctrl+r")  # the rows of the send just made
        await wait_until(pilot, lambda: isinstance(app.screen, PersonalisedResultsScreen), "rows")
        results = app.screen

        async def export(confirm_keys: tuple[str, ...]) -> None:
            await pilot.press("e")
            await wait_until(pilot, lambda: isinstance(app.screen, PathPrompt), "path prompt")
            field = app.screen.query_one(Input)
            assert app.focused is field
            field.value = ""
            await pilot.press(*str(target), "enter")
            if confirm_keys:
                await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "replace?")
                await pilot.press(*confirm_keys)
            await wait_until(pilot, lambda: app.screen is results, "back to the rows")

        await export(())
        await wait_until(pilot, target.exists, "the file")
        with target.open(encoding="utf-8-sig", newline="") as handle:
            written = list(csv.reader(handle))
        assert written[0][:6] == ["Row", "Number", "Text", "State", "Message ID", "Message status"]
        assert written[0][6] == "Status changed at (Asia/Karachi)"
        assert [(row[1], row[2]) for row in written[1:]] == [
            (f'="{number}"', text) for number, text in expected
        ]
        assert {row[3] for row in written[1:]} == {"sent"}

        # Replacing asks, Cancel first: Enter keeps the file.
        target.write_text("keep me")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, PathPrompt), "path prompt")
        prompt = app.screen
        prompt.query_one(Input).value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "replace?")
        await pilot.press("enter")  # Cancel: back to the name, to choose another
        await wait_until(pilot, lambda: app.screen is prompt, "the path again")
        assert app.focused is prompt.query_one(Input)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is results, "back to the rows")
        assert target.read_text() == "keep me"
        # Replace is one key away.
        await export(("right", "enter"))
        await wait_until(pilot, lambda: target.read_text(encoding="utf-8-sig") != "keep me", "new")
        assert target.read_text(encoding="utf-8-sig").startswith("Row,Number,Text")
