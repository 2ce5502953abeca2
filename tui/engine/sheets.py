"""One reader for every sheet of contacts: list imports and personalised sends.

A sheet is a CSV, TSV or plain-text file (UTF-8 with or without a byte-order
mark, UTF-16 with one, else Windows-1252, which is what a spreadsheet on
Windows writes as "CSV"), or an Excel workbook (``.xlsx``, read with openpyxl
in read-only mode: rows stream from the file, so memory does not grow with
them). Old binary workbooks (``.xls``) and password-protected workbooks are
refused with what to do instead.

How a sheet is laid out (encoding, delimiter, header row, the column of
numbers) is guessed from its first rows; the csv module's Sniffer finds the
delimiter, with a fallback for ragged rows. A first row with no number in it
but with letters is a header.

One cell is read as a Pakistani mobile number by :func:`cell_number`, undoing
what spreadsheets do to phone numbers where that can be done exactly:
``3001234567.0`` and ``9.23001234567E+11`` are whole numbers written out in
full, ``'0300...`` and ``="0300..."`` are text marks; ``9.23001E+11`` is
refused, because the spreadsheet rounded away digits that cannot be
recovered. A number cell of a workbook is read as its digits
(``923001234567``), never as the ``9.23E+11`` Excel shows.

This module opens sheets and reads their rows; one cell is read in
``sheet_cells``, the layout is guessed in ``sheet_layout`` and workbooks are
streamed in ``workbooks``. Callers import everything from here.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from tui.engine.sheet_cells import (
    LANDLINE_REASON,
    SheetError,
    cell_number,
    cell_text,
    is_landline,
    row_context,
)
from tui.engine.sheet_layout import (
    DELIMITERS,
    SAMPLE_BYTES,
    SAMPLE_ROWS,
    XLSX,
    FileLayout,
    OpenSheet,
    RowReader,
    _delimiter,
    _encoding,
    _layout,
    _read_head,
    _rows,
    _sample_lines,
    _skip_header,
)
from tui.engine.workbooks import _open_workbook, _sizing_stops_at_the_data, sheet_names

__all__ = [
    "DELIMITERS",
    "LANDLINE_REASON",
    "SAMPLE_BYTES",
    "SAMPLE_ROWS",
    "FileLayout",
    "OpenSheet",
    "RowReader",
    "SheetError",
    "cell_number",
    "cell_text",
    "detect_layout",
    "is_landline",
    "open_sheet",
    "open_text",
    "row_context",
    "sheet_names",
]

#: Kept for the benchmark, which times openpyxl's own load the same way.
_ = _sizing_stops_at_the_data


# Reading rows ----------------------------------------------------------------------


#: No delimiter: one value per line, quotes kept (``cell_number`` strips them).
_ONE_PER_LINE: dict[str, Any] = {"delimiter": "\x1f", "quoting": csv.QUOTE_NONE}


def _csv_reader(lines: Iterable[str], delimiter: str | None) -> Any:
    if delimiter is None:
        return csv.reader(lines, **_ONE_PER_LINE)
    return csv.reader(lines, delimiter=delimiter)


def _csv_start(reader: Any) -> Callable[[list[str]], int]:
    def start(row: list[str]) -> int:
        # A quoted cell may span lines; the reader counts the line a row ends on.
        return int(reader.line_num) - sum(cell.count("\n") for cell in row)

    return start


@contextlib.contextmanager
def _table_errors(name: str, reader: Any) -> Iterator[None]:
    try:
        yield
    except csv.Error as error:
        raise SheetError(
            f"{name} cannot be read as a table near line {reader.line_num} ({error}); "
            "check its quotes and save it as CSV again."
        ) from None


def detect_layout(
    path: str | os.PathLike[str],
    *,
    column: str | int | None = None,
    has_header: bool | None = None,
    sheet: str | None = None,
) -> FileLayout:
    """Guess how ``path`` is laid out from its first rows (64 KiB of a text file).

    ``column`` is a header name or a 1-based number (None: the column holding
    the most numbers); ``has_header`` None guesses it (a first row without any
    number but with letters is a header); ``sheet`` names a workbook's sheet
    (None: the first).
    """
    with open_sheet(path, column=column, has_header=has_header, sheet=sheet) as opened:
        return opened.layout


@contextlib.contextmanager
def open_sheet(
    path: str | os.PathLike[str],
    *,
    column: str | int | None = None,
    has_header: bool | None = None,
    sheet: str | None = None,
    column_required: bool = True,
    more_columns: Sequence[str | int] = (),
) -> Iterator[OpenSheet]:
    """Open ``path`` (text or .xlsx), guess its layout and read its rows.

    ``column_required`` False takes the first column when none holds a number
    (a personalised send chooses its column later) instead of refusing;
    ``more_columns`` names further columns of numbers (``Phone 2``).
    """
    file = Path(path).expanduser()
    head = _read_head(file)
    if not head.strip():
        raise SheetError(f"{file.name} is empty; there is nothing to read in it.")
    encoding = _encoding(head, file)
    if encoding == XLSX:
        with _open_workbook(
            file,
            column=column,
            has_header=has_header,
            sheet=sheet,
            required=column_required,
            more_columns=more_columns,
        ) as opened:
            yield opened
        return
    if sheet is not None:
        raise SheetError(
            f"{file.name} is a text file with a single table; sheets are chosen only in "
            ".xlsx workbooks."
        )
    lines = _sample_lines(head, encoding, complete=len(head) < SAMPLE_BYTES)
    delimiter = _delimiter(lines, file.suffix.lower())
    layout = _layout(
        _rows(lines, delimiter),
        file.name,
        encoding=encoding,
        delimiter=delimiter,
        column=column,
        has_header=has_header,
        column_required=column_required,
        more_columns=more_columns,
    )
    try:
        handle = file.open(encoding=encoding, errors="replace", newline="")
    except OSError as error:
        raise SheetError(f"Cannot read {file}: {error.strerror or error}.") from None
    with handle:
        reader = _csv_reader(handle, delimiter)
        with _table_errors(file.name, reader):
            _skip_header(reader, layout)
            try:
                yield OpenSheet(file.name, layout, reader, _csv_start(reader))
            except OSError as error:
                raise SheetError(f"Cannot read {file}: {error.strerror or error}.") from None


@contextlib.contextmanager
def open_text(
    text: str,
    name: str = "pasted text",
    *,
    suffix: str = ".csv",
    column: str | int | None = None,
    has_header: bool | None = None,
    column_required: bool = False,
) -> Iterator[OpenSheet]:
    """:func:`open_sheet` for text already decoded (pasted, or built by a caller)."""
    lines = text[: SAMPLE_BYTES * 2].splitlines()
    if len(text) > SAMPLE_BYTES * 2:
        lines = lines[:-1]
    delimiter = _delimiter(lines, suffix)
    layout = _layout(
        _rows(lines, delimiter),
        name,
        encoding="utf-8",
        delimiter=delimiter,
        column=column,
        has_header=has_header,
        column_required=column_required,
    )
    reader = _csv_reader(io.StringIO(text, newline=""), delimiter)
    with _table_errors(name, reader):
        _skip_header(reader, layout)
        yield OpenSheet(name, layout, reader, _csv_start(reader))
