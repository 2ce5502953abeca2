"""The Lists screen on the simulator: create a list, import a file, confirm, upload."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.widgets import Button, DataTable, Footer, Input, Static

from tests.app.harness import demo_app, wait_until, workers_done
from tui.screens.confirm import ConfirmScreen
from tui.screens.import_preview import ImportPreviewScreen
from tui.screens.lists import ListsScreen
from tui.screens.path_prompt import PathPrompt
from tui.widgets import RecipientsBox


def write_file(path: Path) -> list[str]:
    """A CSV export with a header, mixed formats, a repeat and an invalid row."""
    numbers = [f"92300{i:07d}" for i in range(1200)]
    lines = ["Name;Mobile"]
    for i, number in enumerate(numbers):
        lines.append(f"Person {i};0{number[2:5]}-{number[5:]}" if i % 2 else f"P{i};{number}")
    lines.append(f"Again;{numbers[0]}")
    lines.append("Broken;9.23001E+11")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return numbers


def figures(report: str) -> dict[str, int]:
    """The preview's figures by label ("Rows read": 1202, ...)."""
    found = {}
    for line in report.splitlines():
        match = re.fullmatch(r"\s*([A-Za-z][A-Za-z ]*?)\s+([0-9,]+)(?:\s+\(.*\))?", line)
        if match:
            found[match[1]] = int(match[2].replace(",", ""))
    return found


def list_requests(sim: Any) -> int:
    return sum(1 for r in sim.requests if r.page in ("list.jsp", "addcontacts.jsp"))


async def type_into(pilot: object, widget: Input, text: str) -> None:
    widget.focus()
    await pilot.press(*text)  # type: ignore[attr-defined]


async def test_create_import_confirm_and_watch_the_upload(tmp_path: Path) -> None:
    numbers = write_file(tmp_path / "people.csv")
    async with demo_app(tmp_path, "lists") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, ListsScreen)
        table = screen.query_one("#lists-table", DataTable)
        seeded = table.row_count  # the demo's lists

        # Create a list: the name is typed, Enter creates it at the gateway.
        await type_into(pilot, screen.query_one("#new-list-name", Input), "Spring offer")
        await pilot.press("enter")
        await wait_until(pilot, lambda: table.row_count == seeded + 1, "the new list")
        assert app.engine is not None
        created = app.engine.ledger.lists.list_by_name("Spring offer")
        assert created is not None and created.id in sim.state.lists
        row = [str(c) for c in table.get_row(created.id)]
        assert row[:3] == ["Spring offer", created.id, "0"]
        # The new list is selected, ready for numbers.
        assert "Add numbers to: Spring offer" in str(
            screen.query_one("#target-label", Static).content
        )

        # A second list with the same name (other capitals) is refused before any request.
        creates = list_requests(sim)
        await type_into(pilot, screen.query_one("#new-list-name", Input), "SPRING OFFER")
        await pilot.press("enter")
        await pilot.pause()
        assert list_requests(sim) == creates and table.row_count == seeded + 1

        # Import the file: the preview states what an upload would do.
        path_field = screen.query_one("#file-path", Input)
        path_field.value = str(tmp_path / "people.csv")  # as pasted
        path_field.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportPreviewScreen), "preview")
        preview = app.screen
        assert isinstance(preview, ImportPreviewScreen)
        report = str(preview.query_one("#preview-report", Static).content)
        assert figures(report) == {
            "Rows read": 1202,
            "Valid": 1201,
            "normalised": 600,
            "repeated in the file": 1,
            "already in the list": 0,
            "to upload": 1200,
            "Invalid": 1,
        }
        assert "line 1203: '9.23001E+11'" in report

        # Export the invalid rows for fixing, from the preview, by keyboard.
        assert preview.focused is not None and preview.focused.id == "preview-upload"
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: isinstance(app.screen, PathPrompt), "path prompt")
        target = tmp_path / "fix.csv"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, target.exists, "the invalid rows file")
        assert "1203,9.23001E+11" in target.read_text(encoding="utf-8-sig")
        await wait_until(pilot, lambda: app.screen is preview, "back to the preview")

        # Enter on the focused Cancel uploads nothing; Enter on Upload does.
        preview.query_one("#preview-cancel").focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, "preview closed")
        assert "addcontacts.jsp" not in sim.pages_requested()
        path_field.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportPreviewScreen), "preview")
        preview = app.screen
        assert preview.focused is not None and preview.focused.id == "preview-upload"

        # Confirm: the upload runs to the end and the table shows the members.
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(screen.last_results), "the upload")
        await workers_done(pilot, "lists-upload")
        [result] = screen.last_results
        assert result.ok and result.added == 1200
        assert set(sim.state.lists[created.id].members) == set(numbers)
        assert str(table.get_row(created.id)[2]) == "1,200"
        status = str(screen.query_one("#upload-status", Static).content)
        assert "added 1,200 numbers" in status
        assert not screen.query_one("#upload-bar").display
        assert app.engine.ledger.lists.member_count(created.id) == 1200


async def test_pasted_numbers_go_through_the_same_preview(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "lists") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, ListsScreen)
        await type_into(pilot, screen.query_one("#new-list-name", Input), "Pasted")
        await pilot.press("enter")
        assert app.engine is not None
        await wait_until(
            pilot, lambda: app.engine.ledger.lists.list_by_name("Pasted") is not None, "the list"
        )
        created = app.engine.ledger.lists.list_by_name("Pasted")
        assert created is not None

        box = screen.query_one("#paste-box")
        box.text = "0300-1234567, +92 321 7654321\nabc 03001234567"  # type: ignore[attr-defined]
        box.focus()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportPreviewScreen), "preview")
        report = str(app.screen.query_one("#preview-report", Static).content)
        assert figures(report)["to upload"] == 2 and figures(report)["Invalid"] == 1
        # Escape cancels: nothing is sent.
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not sim.state.lists[created.id].members

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportPreviewScreen), "preview")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(screen.last_results), "the upload")
        assert set(sim.state.lists[created.id].members) == {"923001234567", "923217654321"}


async def test_an_interrupted_import_is_resumed_from_the_table(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "lists") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, ListsScreen) and app.engine is not None
        ledger = app.engine.ledger
        target = ledger.lists.list_by_name("Staff")
        assert target is not None
        # An upload journaled by a run that stopped before sending anything.
        waiting = [["923451000001", "923451000002"], ["923451000003"]]
        ledger.imports.create_import(target.id, "later.csv", waiting, datetime.now(UTC))
        screen.catch_up()
        jobs = screen.query_one("#jobs-table", DataTable)
        assert jobs.display and jobs.row_count == 1
        screen.query_one("#lists-table", DataTable).focus()

        await pilot.press("r")
        await wait_until(pilot, lambda: bool(screen.last_results), "the resumed upload")
        await workers_done(pilot, "lists-upload")
        [result] = screen.last_results
        assert result.ok and result.added_now == 3
        members = sim.state.lists[target.id].members
        assert {"923451000001", "923451000002", "923451000003"} <= set(members)
        assert jobs.row_count == 0 and not jobs.display


async def test_invalid_rows_are_exported_by_tab_and_enter_and_named_in_the_footer(
    tmp_path: Path,
) -> None:
    async with demo_app(tmp_path, "lists", size=(80, 24)) as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, ListsScreen)
        screen.query_one(RecipientsBox).text = "03001234567\n12345\nabc"
        screen.query_one(RecipientsBox).focus()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportPreviewScreen), "preview")
        preview = app.screen
        assert isinstance(preview, ImportPreviewScreen)
        # The footer names the key; every button is on the 80x24 screen.
        footer_keys = {b.binding.key for b in preview.active_bindings.values() if b.binding.show}
        assert "ctrl+e" in footer_keys and preview.query(Footer)
        for button in preview.query(Button):
            assert button.region.height and button.region.right <= 80
            assert button.region.bottom <= 23  # above the footer
            assert button.region.width >= button.label.cell_length + 2  # label not cut
        # Shift+Tab from Upload reaches Cancel, then Export; Enter on it asks for a file.
        assert preview.focused is not None and preview.focused.id == "preview-upload"
        await pilot.press("shift+tab", "shift+tab")
        assert preview.focused is not None and preview.focused.id == "preview-export"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PathPrompt), "path prompt")
        target = tmp_path / "bad.csv"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, target.exists, "the invalid rows file")
        assert "12345" in target.read_text(encoding="utf-8-sig")
        await wait_until(pilot, lambda: app.screen is preview, "back to the preview")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "preview closed")
        assert "addcontacts.jsp" not in sim.pages_requested()


async def test_closing_an_import_starts_on_cancel(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "lists") as (app, pilot, _sim):
        screen = app.screen
        assert isinstance(screen, ListsScreen) and app.engine is not None
        ledger = app.engine.ledger
        target = ledger.lists.list_by_name("Staff")
        assert target is not None
        ledger.imports.create_import(target.id, "later.csv", [["923451000001"]], datetime.now(UTC))
        screen.catch_up()
        jobs = screen.query_one("#jobs-table", DataTable)
        jobs.focus()
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "question")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "will not be sent" in confirm.question
        assert confirm.focused is not None and confirm.focused.id == "cancel"
        await pilot.press("enter")  # a stray Enter keeps the import
        await wait_until(pilot, lambda: app.screen is screen, "closed")
        assert jobs.row_count == 1
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "question")
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: jobs.row_count == 0, "import closed")


async def test_a_list_made_on_the_portal_is_added_by_its_id(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "lists", size=(80, 24)) as (app, pilot, _sim):
        screen = app.screen
        screen.query_one("#new-list-name", Input).value = "Branch"
        screen.query_one("#existing-list-id", Input).value = "9876"
        screen.query_one("#existing-list-id", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        added = app.engine.ledger.lists.list_by_id("9876")
        assert added is not None and added.name == "Branch"
        assert not [r for r in app.engine.simulator.requests if r.page == "list.jsp"]
        table = screen.query_one("#lists-table", DataTable)
        assert "9876" in table.rows


async def test_an_upload_runs_on_when_its_screen_is_closed_and_a_new_one_shows_it(
    tmp_path: Path,
) -> None:
    """The upload is the engine's job: taking the Lists screen down (its workers
    go with it) does not stop it, and the Lists screen opened next shows its
    progress, then its outcome."""
    async with demo_app(tmp_path, "lists") as (app, pilot, sim):
        screen = app.screen
        engine = app.engine
        assert isinstance(screen, ListsScreen) and engine is not None
        target = engine.ledger.lists.list_by_name("Staff")
        assert target is not None
        numbers = [f"9234520{i:05d}" for i in range(40)]
        engine.ledger.imports.create_import(
            target.id, "slow.csv", [[n] for n in numbers], datetime.now(UTC)
        )
        sim.faults.add("addcontacts", "latency", seconds=0.2)  # each batch takes a while
        screen.catch_up()
        screen.query_one("#lists-table", DataTable).focus()
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.uploading, "the upload to start")
        assert screen.query_one("#upload-bar").display

        # The screen goes: switched away from and removed with its workers.
        await app.switch_mode("dashboard")
        await app.remove_mode("lists")
        await pilot.pause(0.3)
        assert not screen.is_attached
        job = engine.lists.current_upload()
        assert job is not None and job.running
        done_before = len(set(sim.state.lists[target.id].members) & set(numbers))
        assert done_before < len(numbers)

        # A new Lists screen finds the running upload and shows it.
        app.add_mode("lists", ListsScreen)
        await app.switch_mode("lists")
        fresh = app.screen
        assert isinstance(fresh, ListsScreen) and fresh is not screen
        await pilot.pause()
        assert fresh.uploading and fresh.query_one("#upload-bar").display
        status = fresh.query_one("#upload-status", Static)
        assert "Uploading to 'Staff'" in str(status.content)

        # It runs to the end, with nothing sent twice, and the new screen tells the outcome.
        await wait_until(pilot, lambda: bool(fresh.last_results), "the upload's end")
        [result] = fresh.last_results
        assert result.ok and result.added_now == len(numbers)
        assert set(numbers) <= set(sim.state.lists[target.id].members)
        added = [r for r in sim.requests if r.page == "addcontacts.jsp"]
        assert len(added) == len(numbers)
        assert not fresh.query_one("#upload-bar").display
        assert "added" in str(status.content)


async def test_a_path_typed_as_a_new_list_name_is_asked_about_first(tmp_path: Path) -> None:
    """Tab from the lists table lands in the name box: a file's path typed there
    is not made a list's name without a second press."""
    async with demo_app(tmp_path, "lists") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, ListsScreen)
        table = screen.query_one("#lists-table", DataTable)
        seeded = table.row_count
        creates = list_requests(sim)
        name_field = screen.query_one("#new-list-name", Input)
        await type_into(pilot, name_field, "~/exports/contacts.csv")
        await pilot.press("enter")
        await pilot.pause()
        assert list_requests(sim) == creates and table.row_count == seeded
        said = [n.message for n in app._notifications]
        assert any("looks like a file's path" in text for text in said), said
        assert name_field.value == "~/exports/contacts.csv"  # nothing typed is lost

        # Pressed again unchanged: the user means it.
        await pilot.press("enter")
        await wait_until(pilot, lambda: table.row_count == seeded + 1, "the new list")
        assert app.engine is not None
        assert app.engine.ledger.lists.list_by_name("~/exports/contacts.csv") is not None


def test_what_reads_as_a_path() -> None:
    from tui.widgets.new_list import looks_like_path

    for path in ("/home/ops/a.csv", "~/x", "./numbers", "file:///tmp/a.xlsx", "list.TXT",
                 "'C:\\Users\\ops\\book.xlsx'", "C:/data/x"):  # fmt: skip
        assert looks_like_path(path), path
    for name in ("Spring offer", "Karachi 2026/27 customers", "Dealers: Lahore", "V2.0 trial"):
        assert not looks_like_path(name), name


async def test_the_preview_report_scrolls_by_keys_while_upload_keeps_the_focus(
    tmp_path: Path,
) -> None:
    async with demo_app(tmp_path, "lists", size=(80, 24)) as (app, pilot, _sim):
        screen = app.screen
        assert isinstance(screen, ListsScreen)
        bad = "\n".join(f"12345{n}" for n in range(30))
        screen.query_one(RecipientsBox).text = f"03001234567\n{bad}"
        screen.query_one(RecipientsBox).focus()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportPreviewScreen), "preview")
        preview = app.screen
        assert isinstance(preview, ImportPreviewScreen)
        body = preview.query_one("#preview-body")
        assert body.max_scroll_y > 10  # the report and 30 invalid rows do not fit
        assert preview.focused is not None and preview.focused.id == "preview-upload"
        await pilot.press("pagedown")
        assert body.scroll_y == 10
        await pilot.press("down", "down")
        assert body.scroll_y == 12
        await pilot.press("pageup")
        assert body.scroll_y == 2
        assert preview.focused is not None and preview.focused.id == "preview-upload"
        # Each invalid line is named once, and the page keys reach the last one.
        report = str(preview.query_one("#preview-report", Static).content)
        for n in range(30):
            assert report.count(f"'12345{n}'") == 1, n
        for _ in range(5):
            await pilot.press("pagedown")
        assert body.scroll_y == body.max_scroll_y
        assert preview.focused is not None and preview.focused.id == "preview-upload"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "preview closed")
