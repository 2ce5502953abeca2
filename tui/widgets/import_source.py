"""Where the numbers of a list import come from: a file (its sheet and phone
columns) or pasted text. Part of the Lists screen, which previews and uploads.

Once a path is typed, the file is looked at in a worker: a workbook with
several sheets offers them in a choice, and the columns of the chosen sheet
are named under the fields, with the column(s) the numbers would be read
from. When the first sheet holds no numbers (a summary), the first one that
does is chosen. Several phone columns are typed separated by commas
(``Mobile, Phone 2``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from tui.engine.sheets import FileLayout, SheetError, detect_layout, sheet_names
from tui.widgets.path_input import PathInput
from tui.widgets.recipients import RecipientsBox

#: Seconds the path waits for more typing before the file is looked at.
LOOK_PAUSE = 0.3
#: Sheets looked at for numbers when the first has none.
SHEETS_TRIED = 10


def parse_columns(text: str) -> list[str]:
    """``Mobile, Phone 2`` -> ``["Mobile", "Phone 2"]`` (empty: guess the column)."""
    return [part.strip() for part in text.split(",") if part.strip()]


def _sheet_with_numbers(path: Path, names: list[str]) -> tuple[str, FileLayout] | None:
    for name in names:
        try:
            return name, detect_layout(path, sheet=name)
        except SheetError:
            continue
    return None


def _existing_file(text: str) -> Path | None:
    path = Path(text).expanduser()
    return path if text and path.is_file() else None


class ImportSource(Vertical):
    """The file path, its sheet and phone columns, and the paste box."""

    DEFAULT_CSS = """
    ImportSource { height: auto; }
    ImportSource #sheet-row { height: auto; }
    ImportSource #sheet-label { padding: 0 1; width: auto; }
    ImportSource #file-sheet { width: 1fr; max-width: 40; }
    ImportSource #file-columns { height: auto; padding: 0 1; color: $text-muted; }
    ImportSource #paste-buttons Button { min-width: 0; width: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Label("From a file: CSV, TSV, text or .xlsx", classes="field-label")
        with Horizontal(classes="field-row"):
            yield PathInput(placeholder="File path (Ctrl+O picks)", id="file-path")
            yield Input(placeholder="Columns", id="file-column")
            yield Button("Preview", id="preview-file", variant="primary")
        with Horizontal(id="sheet-row"):
            yield Label("Sheet", id="sheet-label")
            yield Select[str]([], id="file-sheet", allow_blank=True, prompt="First", compact=True)
        yield Static("", id="file-columns", markup=False)
        yield Label("Or paste numbers", classes="field-label")
        yield RecipientsBox(id="paste-box")
        with Horizontal(classes="field-row", id="paste-buttons"):
            yield Button("Preview pasted", id="preview-paste", compact=True)
            yield Button("Export…", id="export-list", compact=True)
            yield Button("Members", id="open-members", compact=True)

    def on_mount(self) -> None:
        self.query_one("#sheet-row").display = False

    # What the user chose ---------------------------------------------------------

    @property
    def path_text(self) -> str:
        """The file's path as typed or pasted (quotes, ``file://`` and escapes undone)."""
        path = self.query_one("#file-path", PathInput).path
        return "" if path is None else str(path)

    @property
    def columns(self) -> list[str]:
        return parse_columns(self.query_one("#file-column", Input).value)

    @property
    def sheet(self) -> str | None:
        select = self.query_one("#file-sheet", Select)
        if not self.query_one("#sheet-row").display or select.is_blank():
            return None
        return str(select.value)

    # Looking at the file ---------------------------------------------------------

    @on(Input.Changed, "#file-path")
    def _path_changed(self) -> None:
        self._look(pause=LOOK_PAUSE)

    @on(Select.Changed, "#file-sheet")
    @on(Input.Changed, "#file-column")
    def _choice_changed(self) -> None:
        self._look(pause=LOOK_PAUSE, sheets=False)

    @work(exclusive=True, group="import-source-look", exit_on_error=False)
    async def _look(self, pause: float = 0.0, sheets: bool = True) -> None:
        """Offer the sheets of a workbook and name the columns of the sheet."""
        if pause:
            await asyncio.sleep(pause)
        hint = self.query_one("#file-columns", Static)
        path = await asyncio.to_thread(_existing_file, self.path_text)
        if path is None:
            self.query_one("#sheet-row").display = False
            hint.update("")
            return
        names: list[str] = []
        if sheets:
            try:
                names = await asyncio.to_thread(sheet_names, path)
            except SheetError as error:
                hint.update(str(error))
                return
            self._offer_sheets(names)
        columns = self.columns
        column = columns[0] if columns else None
        try:
            layout = await asyncio.to_thread(detect_layout, path, column=column, sheet=self.sheet)
        except SheetError as error:
            # The first sheet holds no numbers (a summary): offer the first that does.
            found = await asyncio.to_thread(_sheet_with_numbers, path, names[1:SHEETS_TRIED])
            if found is None or self.sheet is not None:
                hint.update(str(error))
                return
            self.query_one("#file-sheet", Select).value = found[0]
            layout = found[1]
        if layout.delimiter is None and not layout.is_workbook:
            hint.update("One number per line.")
            return
        named = ", ".join(layout.field_names(len(layout.header))) if layout.header else ""
        numbers = layout.column_label if len(columns) < 2 else ", ".join(columns)
        hint.update(
            (f"Columns: {named}. " if named else "")
            + f"Numbers from {numbers}; other columns are kept with them."
        )

    def _offer_sheets(self, names: list[str]) -> None:
        row = self.query_one("#sheet-row")
        select = self.query_one("#file-sheet", Select)
        row.display = len(names) > 1
        current = self.sheet
        select.set_options([(name, name) for name in names])
        if current in names:
            select.value = current
