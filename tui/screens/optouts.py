"""Opt-outs: the do-not-contact list of this profile.

One row per number on the list: since when, why (a reply and its text, an
import, a manual note) and who put it there. Search by any part of a number
(typed in any format) or of the reason; add numbers with a note; remove the
highlighted number (asks first, Cancel focused); import a CSV file (or a plain
list, one number per line) and export the list to CSV (never over an existing
file without asking). Every sending path checks this list before anything
leaves; ``csms optout`` does the same from the command line.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Static

from tui.engine import events
from tui.engine.optouts import ListChange
from tui.gateway.errors import CsmsError
from tui.gateway.numbers import parse_recipients
from tui.ledger import LedgerError
from tui.ledger.optouts import OptOut
from tui.screens.base import EngineScreen, has_engine
from tui.screens.confirm import ConfirmScreen
from tui.screens.display_time import local
from tui.screens.file_choice import SHEET_SUFFIXES, open_picker, replace_question
from tui.widgets.path_input import PathInput

#: Rows shown per page of the list.
PAGE = 200


def change_sentence(change: ListChange, done: str, already: str) -> str:
    """``2 numbers added; 1 was on the list already; 1 is no mobile number (x: ...)``."""

    def count(n: int) -> str:
        return "1 number" if n == 1 else f"{n:,} numbers"

    parts = [f"{count(len(change.changed))} {done}"]
    if change.unchanged:
        parts.append(f"{count(len(change.unchanged))} {already}")
    if change.invalid:
        _where, read, why = change.invalid[0]
        more = f" (and {len(change.invalid) - 1:,} more)" if len(change.invalid) > 1 else ""
        parts.append(f"{count(len(change.invalid))} unreadable: {read!r} {why}{more}")
    return "; ".join(parts) + "."


class OptOutsScreen(EngineScreen):
    #: The list has focus first, so its letter keys work at once.
    AUTO_FOCUS = "#optouts-table"
    DEFAULT_CSS = """
    OptOutsScreen #optouts-top { height: auto; }
    OptOutsScreen #optouts-search { width: 1fr; }
    OptOutsScreen #optouts-count { width: auto; padding: 1 1 0 1; }
    OptOutsScreen #optouts-table { height: 1fr; min-height: 4; }
    OptOutsScreen .optouts-row { height: auto; }
    OptOutsScreen .optouts-row Input { width: 1fr; }
    OptOutsScreen .optouts-row Button { min-width: 12; }
    OptOutsScreen #optouts-message { height: auto; padding: 0 1; }
    OptOutsScreen #optouts-message.-error { color: $error; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="optouts.search"),
        Binding("a", "focus_add", "Add", id="optouts.add"),
        Binding("delete,x", "remove", "Remove", id="optouts.remove"),
        Binding("ctrl+r", "reload", "Reload", id="optouts.reload"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            with Horizontal(id="optouts-top"):
                yield Input(
                    placeholder="Search numbers and reasons (any format)", id="optouts-search"
                )
                yield Static("", id="optouts-count")
            table: DataTable[str] = DataTable(
                id="optouts-table", cursor_type="row", zebra_stripes=True
            )
            yield table
            yield Static("", id="optouts-message")
            with Horizontal(classes="optouts-row"):
                yield Input(placeholder="Numbers to add (any format)", id="optouts-add-numbers")
                yield Input(placeholder="Why (optional)", id="optouts-add-note")
                yield Button("Add", id="optouts-add", variant="primary")
            with Horizontal(classes="optouts-row"):
                yield PathInput(
                    placeholder="CSV or .xlsx file to import, or CSV to export to (Ctrl+O: choose)",
                    id="optouts-path",
                )
                yield Button("Import", id="optouts-import")
                yield Button("Export", id="optouts-export")

    def on_mount(self) -> None:
        table = self.query_one("#optouts-table", DataTable)
        table.add_column("Number", key="number", width=13)
        table.add_column("Since", key="since", width=16)
        table.add_column("Why", key="why")
        table.add_column("By", key="by")
        if has_engine(self):
            self.catch_up()

    # -- reading ------------------------------------------------------------------

    def catch_up(self) -> None:
        self._load(self.query_one("#optouts-search", Input).value)

    def on_engine_event(self, event: events.Event) -> None:
        if isinstance(event, events.OptOutsChanged) and self.is_active:
            self.catch_up()

    @work(exclusive=True, group="optouts-load", exit_on_error=False)
    async def _load(self, query: str) -> None:
        optouts = self.engine.optouts
        entries, total = await asyncio.to_thread(
            lambda: (optouts.search(query, limit=PAGE), optouts.count(query))
        )
        self._show(entries, total, query)

    def _show(self, entries: list[OptOut], total: int, query: str) -> None:
        table = self.query_one("#optouts-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for entry in entries:
            since = local(entry.since)
            table.add_row(
                entry.msisdn, f"{since:%Y-%m-%d %H:%M}", entry.why, entry.by, key=entry.msisdn
            )
        if entries:
            table.move_cursor(row=min(cursor, len(entries) - 1))
        found = f"{total:,} match" if query.strip() else f"{total:,} on the list"
        shown = f" (first {len(entries):,})" if total > len(entries) else ""
        self.query_one("#optouts-count", Static).update(found + shown)

    @on(Input.Submitted, "#optouts-search")
    @on(Input.Changed, "#optouts-search")
    def _search(self, event: Input.Changed | Input.Submitted) -> None:
        event.stop()
        self._load(event.value)

    def action_focus_search(self) -> None:
        self.query_one("#optouts-search").focus()

    def action_focus_add(self) -> None:
        self.query_one("#optouts-add-numbers").focus()

    def action_reload(self) -> None:
        self.catch_up()

    def _say(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#optouts-message", Static)
        line.update(message)
        line.set_class(error, "-error")

    # -- changing -------------------------------------------------------------------

    @on(Input.Submitted, "#optouts-add-numbers")
    @on(Input.Submitted, "#optouts-add-note")
    @on(Button.Pressed, "#optouts-add")
    def _add_pressed(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        raw = self.query_one("#optouts-add-numbers", Input).value
        # Read as Quick send reads a paste: "+92 300 1234567" stays one number.
        parsed = parse_recipients(raw)
        numbers = parsed.valid + [token for token, _reason in parsed.invalid]
        if not numbers:
            self._say("Write the numbers to add first.", error=True)
            self.query_one("#optouts-add-numbers").focus()
            return
        self._add(numbers, self.query_one("#optouts-add-note", Input).value)

    @work(exclusive=True, group="optouts-change", exit_on_error=False)
    async def _add(self, numbers: list[str], note: str) -> None:
        try:
            change = await asyncio.to_thread(self.engine.optouts.add, numbers, note)
        except (CsmsError, LedgerError) as error:
            self._say(f"Nothing was added: {error}", error=True)
            return
        sentence = change_sentence(change, "added", "on the list already")
        self._say(sentence, error=bool(change.invalid))
        if change.changed and not change.invalid:
            self.query_one("#optouts-add-numbers", Input).value = ""
            self.query_one("#optouts-add-note", Input).value = ""
        self.catch_up()

    def action_remove(self) -> None:
        table = self.query_one("#optouts-table", DataTable)
        if not table.row_count:
            self._say("The list shows no number to remove.", error=True)
            return
        number = str(table.get_row_at(table.cursor_row)[0])

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._remove(number)

        self.app.push_screen(
            ConfirmScreen(
                f"Take {number} off the do-not-contact list? Sends to it will go out again.",
                title="Remove from the do-not-contact list",
                confirm_label="Remove",
                danger=True,
            ),
            confirmed,
        )

    @work(exclusive=True, group="optouts-change", exit_on_error=False)
    async def _remove(self, number: str) -> None:
        try:
            change = await asyncio.to_thread(
                self.engine.optouts.remove, [number], "removed on the Opt-outs screen"
            )
        except (CsmsError, LedgerError) as error:
            self._say(f"Nothing was removed: {error}", error=True)
            return
        self._say(change_sentence(change, "taken off the list", "not on the list"))
        self.catch_up()

    def _path(self) -> Path | None:
        path = self.query_one("#optouts-path", PathInput).path
        if path is None:
            self._say("Write the path of the CSV file first.", error=True)
            self.query_one("#optouts-path").focus()
        return path

    @on(PathInput.PickRequested, "#optouts-path")
    def _pick(self, event: PathInput.PickRequested) -> None:
        open_picker(self, event, suffixes=SHEET_SUFFIXES, title="Choose a CSV or .xlsx file")

    @on(Button.Pressed, "#optouts-import")
    def _import_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        path = self._path()
        if path is not None:
            self._import(path)

    @work(exclusive=True, group="optouts-change", exit_on_error=False)
    async def _import(self, path: Path) -> None:
        try:
            change = await asyncio.to_thread(self.engine.optouts.import_csv, path)
        except (CsmsError, LedgerError, OSError) as error:
            self._say(f"Nothing was imported: {error}", error=True)
            return
        sentence = change_sentence(change, "added", "on the list already")
        self._say(sentence, error=bool(change.invalid))
        self.catch_up()

    @on(Button.Pressed, "#optouts-export")
    def _export_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        path = self._path()
        if path is None:
            return
        if path.exists():

            def confirmed(ok: bool | None) -> None:
                if ok:
                    self._export(path, overwrite=True)

            self.app.push_screen(replace_question(path, "the do-not-contact list"), confirmed)
            return
        self._export(path, overwrite=False)

    @work(exclusive=True, group="optouts-change", exit_on_error=False)
    async def _export(self, path: Path, *, overwrite: bool) -> None:
        try:
            count = await asyncio.to_thread(
                self.engine.optouts.export_csv, path, overwrite=overwrite
            )
        except (CsmsError, LedgerError, OSError) as error:
            self._say(f"Nothing was exported: {error}", error=True)
            return
        self._say(f"{count:,} {'number' if count == 1 else 'numbers'} written to {path}.")
