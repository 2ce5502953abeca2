"""A workbook's sheet and phone columns chosen in the Lists screen, and a list's
members screen (search, removal with its confirmation, export) at 80x24."""

from __future__ import annotations

import csv
from pathlib import Path

from textual.widgets import Button, DataTable, Input, Select, Static

from tests.app.harness import demo_app, wait_until, workers_done
from tests.engine.test_import_columns import messy_workbook
from tui.screens.confirm import ConfirmScreen
from tui.screens.import_preview import ImportPreviewScreen
from tui.screens.list_members import ListMembersScreen
from tui.screens.lists import ListsScreen
from tui.screens.path_prompt import PathPrompt


def visible(screen: object, selector: str) -> bool:
    """The widget is on screen, inside the terminal."""
    widget = screen.query_one(selector)  # type: ignore[attr-defined]
    region = widget.region
    width, height = widget.app.size
    return (
        widget.display and region.height > 0 and region.bottom <= height and region.right <= width
    )


async def test_sheet_and_phone_columns_chosen_then_members_viewed(tmp_path: Path) -> None:
    book = tmp_path / "contacts.xlsx"
    names = messy_workbook(book)
    async with demo_app(tmp_path, "lists", size=(80, 24)) as (app, pilot, sim):
        screen = app.screen
        engine = app.engine
        assert isinstance(screen, ListsScreen) and engine is not None
        name_field = screen.query_one("#new-list-name", Input)
        name_field.focus()
        await pilot.press(*"Office", "enter")
        await wait_until(pilot, lambda: engine.ledger.lists.list_by_name("Office") is not None)
        office = engine.ledger.lists.list_by_name("Office")
        assert office is not None

        # The path of a workbook with two sheets offers them; its columns are named.
        screen.query_one("#file-path", Input).value = str(book)
        sheet_row = screen.query_one("#sheet-row")
        await wait_until(pilot, lambda: sheet_row.display, "the sheets offered")
        select = screen.query_one("#file-sheet", Select)
        select.value = "Contacts"
        screen.query_one("#file-column", Input).value = "Mobile, Phone 2"
        hint = screen.query_one("#file-columns", Static)
        await wait_until(pilot, lambda: "Phone 2" in str(hint.content), "the columns named")
        assert "Columns: Name, Mobile, Phone 2, City." in str(hint.content)

        screen.query_one("#file-column", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportPreviewScreen), "preview")
        report = str(app.screen.query_one("#preview-report", Static).content)
        assert "sheet 'Contacts'" in report and "from 'Phone 2'" in report
        assert "Kept with each number: Name, City." in report
        assert app.screen.focused is not None and app.screen.focused.id == "preview-upload"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, "preview closed")
        await workers_done(pilot, "lists-upload")
        assert sorted(sim.state.lists[office.id].members) == sorted(names)
        kept = dict(engine.ledger.lists.member_fields(office.id))
        assert {number: fields["Name"] for number, fields in kept.items()} == names

        # Enter on the list opens its members.
        table = screen.query_one("#lists-table", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index(office.id))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ListMembersScreen), "members")
        members = app.screen
        assert isinstance(members, ListMembersScreen)
        rows = members.query_one("#members-table", DataTable)
        await wait_until(pilot, lambda: rows.row_count == 4, "the members")
        status = members.query_one("#members-status", Static)
        assert str(status.content) == "1–4 of 4"
        labels = [str(column.label) for column in rows.columns.values()]
        assert labels[1:] == ["Number", "Added", "Name", "City"]
        makeup = members.query_one("#members-makeup", Static)
        await wait_until(pilot, lambda: "Telenor 1" in str(makeup.content), "the networks")
        for selector in ("#members-export", "#members-remove", "#members-search"):
            assert visible(members, selector), selector

        # Search by part of a number, typed as people write it.
        await pilot.press("slash", *"0321 765")
        await wait_until(pilot, lambda: rows.row_count == 1, "the search")
        assert str(rows.get_row_at(0)[1]) == "923217654321"
        assert "1–1 of 1 matching" in str(status.content)

        # Remove it: Cancel is focused first, and the question says what the gateway keeps.
        await pilot.press("enter", "space", "d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirmation")
        question = str(app.screen.query_one("#confirm-question", Static).content)
        assert "the gateway list keeps them; campaigns using this list still reach them" in (
            question
        )
        assert app.screen.focused is not None and app.screen.focused.id == "cancel"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is members, "cancelled")
        assert engine.ledger.lists.member_count(office.id) == 4
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirmation")
        await pilot.press("right", "enter")
        # Then a clean list from the rest is offered ("Not now" first).
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, ConfirmScreen)
                and "Make a new list"
                in str(app.screen.query_one("#confirm-question", Static).content)
            ),
            "the clean list offer",
        )
        assert engine.ledger.lists.member_count(office.id) == 3
        assert "923217654321" in sim.state.lists[office.id].members  # the gateway keeps it
        assert app.screen.focused is not None and app.screen.focused.id == "cancel"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is members, "offer declined")
        await wait_until(pilot, lambda: rows.row_count == 0, "the removed number gone")

        # Export the rest with their names; a second export asks before replacing.
        members.query_one("#members-search", Input).value = ""
        await wait_until(pilot, lambda: rows.row_count == 3, "every member again")
        rows.focus()
        target = tmp_path / "office.csv"
        for replace in (False, True):
            await pilot.press("e")
            await wait_until(pilot, lambda: isinstance(app.screen, PathPrompt), "path prompt")
            app.screen.query_one(Input).value = str(target)
            await pilot.press("enter")
            if replace:
                await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "replace?")
                assert "exists. Replace it" in str(
                    app.screen.query_one("#confirm-question", Static).content
                )
                assert app.screen.focused is not None and app.screen.focused.id == "cancel"
                target.write_text("old", encoding="utf-8")
                await pilot.press("right", "enter")
            await wait_until(pilot, lambda: app.screen is members, "back to the members")
            await workers_done(pilot, "members-export")
            await wait_until(pilot, lambda: target.read_text(encoding="utf-8-sig") != "old")
        with target.open(encoding="utf-8-sig", newline="") as handle:
            written = list(csv.reader(handle))
        assert written[0][3:] == ["Name", "City"] and len(written) == 4
        assert ["=" + f'"{n}"' for n in sorted(set(names) - {"923217654321"})] == [
            row[0] for row in written[1:]
        ]

        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back to the lists")
        assert str(table.get_row(office.id)[2]) == "3"
        assert isinstance(screen.query_one("#preview-file", Button), Button)
