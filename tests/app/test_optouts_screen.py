"""The Opt-outs screen: the do-not-contact list, on the demo engine and its ledger."""

from __future__ import annotations

import csv
from pathlib import Path

from textual.widgets import DataTable, Input, Static

from tests.app.harness import demo_app, wait_until
from tui.screens.confirm import ConfirmScreen
from tui.screens.optouts import OptOutsScreen


def numbers(screen: OptOutsScreen) -> list[str]:
    table = screen.query_one("#optouts-table", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def message(screen: OptOutsScreen) -> str:
    return str(screen.query_one("#optouts-message", Static).content)


async def test_add_search_remove_export_and_import(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "optouts", size=(80, 24)) as (app, pilot, _sim):
        screen = app.screen
        assert isinstance(screen, OptOutsScreen)
        start = numbers(screen)
        await pilot.press("a")
        assert app.focused is screen.query_one("#optouts-add-numbers")
        await pilot.press(*"0300-1112223 +92 321 4445556 12ab")
        await pilot.press("tab", *"asked on the phone", "enter")
        await wait_until(pilot, lambda: "923001112223" in numbers(screen), "the added rows")
        assert "2 numbers added" in message(screen) and "'12ab'" in message(screen)
        assert app.engine.optouts.check(["923214445556"]).blocked_numbers == ["923214445556"]
        table = screen.query_one("#optouts-table", DataTable)
        row = table.get_row("923001112223")
        assert row[2] == "added by hand: asked on the phone"

        screen.query_one("#optouts-search", Input).value = "0300 111"
        await wait_until(pilot, lambda: numbers(screen) == ["923001112223"], "the search")
        table.focus()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.focused is not None and app.screen.focused.id == "cancel"
        await pilot.press("enter")  # the safe button: nothing changes
        await pilot.pause()
        assert app.engine.optouts.check(["923001112223"]).blocked_numbers == ["923001112223"]
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("right", "enter")
        await wait_until(pilot, lambda: numbers(screen) == [], "the removal")
        assert app.engine.optouts.check(["923001112223"]).allowed == ["923001112223"]

        screen.query_one("#optouts-search", Input).value = ""
        out = tmp_path / "dnc.csv"
        screen.query_one("#optouts-path", Input).value = str(out)
        await pilot.click("#optouts-export")
        await wait_until(pilot, lambda: out.exists(), "the export")
        with out.open(encoding="utf-8-sig", newline="") as written:
            rows = list(csv.reader(written))
        assert [row[0] for row in rows[1:]] == ['="923214445556"']  # Excel keeps 12 digits
        before = out.read_text(encoding="utf-8")
        await pilot.pause(0.3)  # a button ignores presses while it shows the last one
        await pilot.click("#optouts-export")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # an existing file is never replaced unasked
        await pilot.press("escape")
        assert out.read_text(encoding="utf-8") == before

        source = tmp_path / "old-list.csv"
        source.write_text("number\n03335556667\n0300 111 2223\nnot a number\n", encoding="utf-8")
        screen.query_one("#optouts-path", Input).value = f"'{source}'"
        await pilot.click("#optouts-import")
        await wait_until(pilot, lambda: "923335556667" in numbers(screen), "the import")
        assert "2 numbers added" in message(screen)
        assert len(numbers(screen)) == len(start) + 3


async def test_a_stop_reply_appears_on_the_list(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "optouts") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, OptOutsScreen)
        sim.push_incoming(msisdn="923007778889", text=" Stop ", short_code="8111")
        sim.push_incoming(msisdn="923007778880", text="stop the bill", short_code="8111")
        await app.engine.pay_and_fetch()
        await wait_until(pilot, lambda: "923007778889" in numbers(screen), "the STOP reply")
        assert "923007778880" not in numbers(screen)
        row = screen.query_one("#optouts-table", DataTable).get_row("923007778889")
        assert row[2] == 'replied "Stop"'
