"""Excel workbooks (.xlsx) read as streams of rows, sheet by name (see
:mod:`tui.engine.sheets`): openpyxl in read-only mode, each row dropped once
read so memory stays flat for a million rows."""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
import zipfile
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import Any

from tui.engine.sheet_cells import SheetError, cell_text
from tui.engine.sheet_layout import (
    SAMPLE_ROWS,
    XLSX,
    OpenSheet,
    _encoding,
    _filled,
    _layout,
    _read_head,
    _skip_header,
)


class _WorkbookRows:
    """A worksheet's rows as lists of text, numbered as Excel shows them."""

    def __init__(
        self, rows: Iterator[tuple[int, list[str]]], buffered: list[tuple[int, list[str]]]
    ) -> None:
        self.line_num = 0
        self._rows = itertools.chain(buffered, rows)

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        self.line_num, row = next(self._rows)
        return row

    def start(self, row: list[str]) -> int:
        return self.line_num


_SIZING_LOCK = threading.Lock()


@contextlib.contextmanager
def _sizing_stops_at_the_data() -> Iterator[None]:
    """While a workbook loads, openpyxl looks for each sheet's size record; in
    a file without one (openpyxl's own write-only output, some exporters) it
    parses the whole sheet to find out, keeping every row in memory until it
    ends. The size record, when there is one, comes before the data, so this
    looks only that far (the rows are read later, streamed, by _stream_rows).
    Only for the load, under a lock: openpyxl is unchanged otherwise."""
    try:
        from openpyxl.worksheet._read_only import ReadOnlyWorksheet
        from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
        from openpyxl.worksheet.dimensions import SheetDimension
        from openpyxl.xml.functions import iterparse

        original = ReadOnlyWorksheet._get_size
    except (ImportError, AttributeError):
        yield
        return

    def get_size(worksheet: Any) -> None:
        with worksheet._get_source() as source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == DATA_TAG:
                    return
                if element.tag == DIMENSION_TAG:
                    bounds = SheetDimension.from_tree(element).boundaries
                    worksheet._min_column, worksheet._min_row = bounds[0], bounds[1]
                    worksheet._max_column, worksheet._max_row = bounds[2], bounds[3]
                    return

    with _SIZING_LOCK:
        ReadOnlyWorksheet._get_size = get_size
        try:
            yield
        finally:
            ReadOnlyWorksheet._get_size = original


def _stream_rows(workbook: Any, worksheet: Any) -> Generator[tuple[int, list[str]], None, None]:
    """``(row number, cells as text)`` for each row of ``worksheet``, blank rows
    between them included.

    openpyxl's own read-only iteration keeps every row it has read as an empty
    XML element (and the attributes of rows with a height or style), so its
    memory grows with the sheet: about 70 bytes a row. This loop uses the same
    openpyxl cell parser (shared strings, dates, cached formula values) but
    drops each row once read, so memory stays flat. If openpyxl's internals
    differ from those this was written for, its public iteration is used.
    """
    try:
        from openpyxl.worksheet._reader import ROW_TAG, WorkSheetParser
        from openpyxl.xml.constants import SHEET_MAIN_NS
        from openpyxl.xml.functions import iterparse

        source = worksheet._get_source()
        parser = WorkSheetParser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        parse_row, dimensions = parser.parse_row, parser.row_dimensions
    except (ImportError, AttributeError, TypeError):
        worksheet.reset_dimensions()  # some programs write a wrong size
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            yield number, [value if type(value) is str else cell_text(value) for value in values]
        return
    sheet_data = f"{{{SHEET_MAIN_NS}}}sheetData"
    with source:
        expected = 1
        holder = None
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                if element.tag == sheet_data:
                    holder = element
                continue
            if element.tag != ROW_TAG:
                continue
            number, cells = parse_row(element)
            if holder is not None:
                holder.clear()  # the rows read so far, this one included
            dimensions.clear()
            while expected < number:  # rows the file leaves out are blank
                yield expected, []
                expected += 1
            expected = number + 1
            if not cells:
                yield number, []
                continue
            values = [""] * max(cell["column"] for cell in cells)
            for cell in cells:
                value = cell["value"]
                values[cell["column"] - 1] = value if type(value) is str else cell_text(value)
            yield number, values


def _sheet_names(workbook: Any) -> list[str]:
    return [sheet.title for sheet in workbook.worksheets]


def sheet_names(path: str | os.PathLike[str]) -> list[str]:
    """The names of a workbook's sheets, in order ([] for a text file)."""
    file = Path(path).expanduser()
    head = _read_head(file)
    if _encoding(head, file) != XLSX:
        return []
    import openpyxl

    _check_zip(file)
    try:
        with file.open("rb") as handle, _sizing_stops_at_the_data():
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
            try:
                return _sheet_names(workbook)
            finally:
                workbook.close()
    except OSError as error:
        raise SheetError(f"Cannot read {file}: {error.strerror or error}.") from None
    except Exception as error:
        raise SheetError(
            f"{file.name} cannot be read as an Excel workbook ({error}); open it in "
            "Excel and save it again as .xlsx or CSV."
        ) from None


def _choose_sheet(workbook: Any, wanted: str | None, name: str) -> Any:
    sheets = workbook.worksheets
    if not sheets:
        raise SheetError(f"{name} has no worksheet; save a sheet of contacts as .xlsx or CSV.")
    if wanted is None:
        return sheets[0]
    text = wanted.strip()
    for sheet in sheets:
        if sheet.title == text:
            return sheet
    for sheet in sheets:
        if sheet.title.strip().casefold() == text.casefold():
            return sheet
    titles = ", ".join(repr(title) for title in _sheet_names(workbook))
    count = len(sheets)
    raise SheetError(
        f"{name} has no sheet named {text!r}; its {count} sheet{'s' if count != 1 else ''} "
        f"{'are' if count != 1 else 'is'} {titles}."
    )


def _check_zip(file: Path) -> None:
    """Refuse a zip that is not an Excel workbook (OpenDocument, Word, ...)."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            kind = (
                archive.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
            )
    except (zipfile.BadZipFile, OSError, KeyError):
        raise SheetError(
            f"{file.name} is a damaged or incomplete Excel workbook; open it in Excel and "
            "save it again as .xlsx or CSV."
        ) from None
    if "xl/workbook.xml" in names:
        return
    if "opendocument.spreadsheet" in kind:
        raise SheetError(
            f"{file.name} is an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV "
            "and import that."
        )
    raise SheetError(
        f"{file.name} is a zip archive, not an Excel workbook; use a .xlsx, CSV or plain-text file."
    )


@contextlib.contextmanager
def _open_workbook(
    file: Path,
    *,
    column: str | int | None,
    has_header: bool | None,
    sheet: str | None,
    required: bool,
    more_columns: Sequence[str | int] = (),
) -> Iterator[OpenSheet]:
    import openpyxl  # imported here: only workbooks need it

    _check_zip(file)
    handle = file.open("rb")
    try:
        try:
            # A file object, so a workbook named .csv or .txt is read all the same.
            with _sizing_stops_at_the_data():
                workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except SheetError:
            raise
        except Exception as error:
            raise SheetError(
                f"{file.name} cannot be read as an Excel workbook ({error}); open it in "
                "Excel and save it again as .xlsx or CSV."
            ) from None
        stream: Generator[tuple[int, list[str]], None, None] | None = None
        try:
            worksheet = _choose_sheet(workbook, sheet, file.name)
            stream = _stream_rows(workbook, worksheet)
            buffered: list[tuple[int, list[str]]] = []
            sample: list[list[str]] = []
            for number, row in stream:
                buffered.append((number, row))
                if _filled(row):
                    sample.append(row)
                    if len(sample) > SAMPLE_ROWS:
                        break
            label = f"sheet {worksheet.title!r} of {file.name}"
            if not sample:
                raise SheetError(f"The {label} is empty; there is nothing to read in it.")
            layout = _layout(
                sample,
                label,
                encoding=XLSX,
                delimiter=None,
                column=column,
                has_header=has_header,
                sheet=worksheet.title,
                column_required=required,
                more_columns=more_columns,
            )
            rows = _WorkbookRows(stream, buffered)
            _skip_header(rows, layout)
            yield OpenSheet(file.name, layout, rows, rows.start)
        finally:
            if stream is not None:
                stream.close()  # closes the sheet's stream in the archive
            workbook.close()
    finally:
        handle.close()
