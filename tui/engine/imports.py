"""The preview of an import: what uploading a file's (or a paste's) numbers would do.

A file (CSV, TSV, plain text or an .xlsx workbook) is read as a stream: one
pass, row by row, keeping only the unique numbers (an insertion-ordered dict,
with the line each first appeared on) and counters. Invalid rows are counted;
the first ``SHOWN_INVALID`` are kept for display, with the row's other cells to
recognise it by, and every one is written to a temporary CSV file, so the user
can export them for fixing without memory growing with the file. The first
``SHOWN_DUPLICATES`` repeated lines are kept with their line and the line they
repeat. How the file is laid out and how one cell is read are in
``sheets``, the reader personalised sends use too.

Numbers may come from several columns (``Mobile`` and ``Phone 2``): every
valid number of a row is taken, counted per column. With ``keep_columns`` the
row's other cells (name, city, ...) go with each of its numbers, written as
they are read to a second temporary file (number, JSON object), which the
upload streams into the import journal: memory does not grow with them.
What a preview holds (counts, rows shown, temporary files) is in
``preview_counts``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from tui import collector
from tui.engine.import_layout import ImportFileError
from tui.engine.preview_counts import (
    _KNOWN,
    _NEW,
    _QUEUED,
    SHOWN_DUPLICATES,
    SHOWN_INVALID,
    DuplicateRow,
    ImportPreview,
    InvalidRow,
    _FieldSpill,
)
from tui.engine.sheets import (
    FileLayout,
    OpenSheet,
    RowReader,
    cell_number,
    detect_layout,
    open_sheet,
)
from tui.gateway.numbers import parse_recipients

__all__ = [
    "SHOWN_DUPLICATES",
    "SHOWN_INVALID",
    "DuplicateRow",
    "FileLayout",
    "ImportFileError",
    "ImportPreview",
    "InvalidRow",
    "cell_number",
    "detect_layout",
    "preview_file",
    "preview_text",
]

# The usual written forms once spaces and dashes are dropped (0300-1234567,
# +92 300 123 4567, 3001234567.0): whatever this accepts ``cell_number`` reads
# the same way; everything else goes to ``cell_number``.
_WRITTEN = re.compile(r"(?:\+92|0092|92|0)?(3[0-9]{9})(?:[.,]0+)?").fullmatch


def preview_file(
    path: str | os.PathLike[str],
    *,
    column: str | int | Sequence[str | int] | None = None,
    has_header: bool | None = None,
    known: Collection[str] = frozenset(),
    queued: Collection[str] = frozenset(),
    sheet: str | None = None,
    keep_columns: bool = False,
) -> ImportPreview:
    """Read every row of ``path`` once and count what an import would do.

    ``column`` is a column of numbers (its header or 1-based number), or
    several (``["Mobile", "Phone 2"]``); ``known`` are the numbers the list
    already holds, ``queued`` those waiting in unfinished imports to it;
    ``sheet`` names a workbook's sheet (None: the first); ``keep_columns``
    keeps each row's other cells with its numbers. The caller closes the
    preview (or uses it as a context manager) to remove its temporary files.
    """
    file = Path(path)
    first, more = _split_columns(column)
    preview = ImportPreview(source=str(file))
    try:
        with open_sheet(
            file, column=first, has_header=has_header, sheet=sheet, more_columns=more
        ) as opened:
            preview.layout = layout = opened.layout
            one_value = layout.delimiter is None and not layout.is_workbook
            # A text file's rows are lists of strings, which form no cycles; a
            # workbook's reader (openpyxl) is left to the collector.
            with contextlib.nullcontext() if layout.is_workbook else collector.paused():
                if not layout.more_columns and (not keep_columns or one_value):
                    _read(preview, opened.rows, opened.start, layout, known, queued)
                else:
                    _read_columns(preview, opened, known, queued, keep=keep_columns)
    except BaseException:
        preview.close()
        raise
    return preview


def _split_columns(
    column: str | int | Sequence[str | int] | None,
) -> tuple[str | int | None, list[str | int]]:
    if column is None or isinstance(column, str | int):
        return column, []
    chosen = [spec for spec in column if str(spec).strip()]
    return (chosen[0], chosen[1:]) if chosen else (None, [])


def _read(
    preview: ImportPreview,
    reader: RowReader,
    start: Callable[[list[str]], int],
    layout: FileLayout,
    known: Collection[str],
    queued: Collection[str],
) -> None:
    """The hot loop of a large import: local names, the common cases inlined
    (measured: a function call per row made it twice as slow; whole-chunk regex
    passes were slower still). A number's first line is the line its row ends
    on (the same but for a row with a quoted cell over several lines)."""
    col, written = layout.column, _WRITTEN
    header = layout.header
    seen = preview._seen
    # Repeats are checked against a set of the numbers, not ``seen``: a set's
    # slot holds the hash next to the key, so a repeat (most rows of a large
    # file) touches less memory than the dict's index and entry tables; measured
    # side by side, 8% off the preview of bench/import_preview.py's 1,000,000 rows.
    met: set[str] = set()
    meet = met.add
    shown_duplicates = preview.duplicate_rows
    sort_known = bool(known) or bool(queued)
    missing = "empty" if layout.is_workbook else f"has no column {col + 1}"
    blank = normalised = duplicates = 0
    for row in reader:
        try:
            cell = row[col]
        except IndexError:
            if not row or not any(c.strip() for c in row):
                blank += 1
            else:
                preview.add_invalid(start(row), "", missing, row, col, header)
            continue
        number = None
        if cell.isdigit() and cell.isascii():  # plain digits: the common case
            size = len(cell)
            if size == 12:
                if cell[:3] == "923":
                    number = cell  # already in gateway form
            elif size == 11:
                if cell[:2] == "03":
                    number = "92" + cell[1:]
                    normalised += 1
            elif size == 10 and cell[0] == "3":
                number = "92" + cell
                normalised += 1
        else:
            # The usual written forms (0300-1234567, +92 300 1234567,
            # 3001234567.0) by slices, each read as ``_WRITTEN`` reads it: the
            # regex costs twice as much, on a third of a typical sheet's rows.
            bare = cell.replace("-", "").replace(" ", "")
            size = len(bare)
            if size == 11 and bare[:2] == "03" and bare.isdigit() and bare.isascii():
                number = "92" + bare[1:]
            elif size == 13 and bare[:4] == "+923" and bare[1:].isdigit() and bare.isascii():
                number = bare[1:]
            elif size == 12 and bare[10:] == ".0" and bare[0] == "3":
                digits = bare[:10]
                if digits.isdigit() and digits.isascii():
                    number = "92" + digits
            if number is None:
                match = written(bare)
                if match:
                    number = "92" + match[1]
            if number is not None:
                normalised += 1
        if number is None:
            if not cell.strip() and not any(c.strip() for c in row):
                blank += 1
                continue
            number, reason = cell_number(cell)
            if number is None:
                preview.add_invalid(start(row), cell, reason, row, col, header)
                continue
            if number != cell.strip():
                normalised += 1
        if number in met:
            duplicates += 1
            if duplicates <= SHOWN_DUPLICATES:
                first = seen[number] >> 2
                shown_duplicates.append(DuplicateRow(start(row), cell.strip(), number, first))
            continue
        meet(number)
        if not sort_known:
            seen[number] = reader.line_num << 2
        elif number in known:
            seen[number] = reader.line_num << 2 | _KNOWN
        elif number in queued:
            seen[number] = reader.line_num << 2 | _QUEUED
        else:
            seen[number] = reader.line_num << 2
    valid = len(seen) + duplicates  # every valid row is new to ``seen`` or a repeat
    preview.rows_read = valid + preview.invalid
    preview.blank_lines, preview.valid = blank, valid
    preview.normalised, preview.duplicates_in_file = normalised, duplicates
    preview.tally()


def _read_columns(
    preview: ImportPreview,
    opened: OpenSheet,
    known: Collection[str],
    queued: Collection[str],
    *,
    keep: bool,
) -> None:
    """The preview of several columns of numbers, or of one whose row's other
    cells are kept: every valid number of a row is taken (the same cell
    rules as ``_read``, one function call per cell)."""
    layout, reader, start = opened.layout, opened.rows, opened.start
    columns, header = layout.columns, layout.header
    labels = [repr(header[i].strip()) if i < len(header) and header[i].strip()
              else f"column {i + 1}" for i in columns]  # fmt: skip
    per_column = [0] * len(columns)
    phone = set(columns)
    names: list[str] = []
    used: dict[str, None] = {}
    if keep:
        preview._fields = _FieldSpill()
    seen = preview._seen
    rows = blank = valid = normalised = duplicates = 0
    missing = "empty" if layout.is_workbook else "has no column {}"
    for row in reader:
        if not any(cell.strip() for cell in row):
            blank += 1
            continue
        rows += 1
        line = reader.line_num
        found: list[str] = []
        for k, index in enumerate(columns):
            cell = row[index] if index < len(row) else ""
            if not cell.strip():
                continue
            number, reason = cell_number(cell)
            if number is None:
                preview.add_invalid(start(row), cell, reason, row, index, header)
                continue
            valid += 1
            per_column[k] += 1
            if number != cell.strip():
                normalised += 1
            if number in seen:
                duplicates += 1
                if len(preview.duplicate_rows) < SHOWN_DUPLICATES:
                    first = seen[number] >> 2
                    preview.duplicate_rows.append(
                        DuplicateRow(start(row), cell.strip(), number, first)
                    )
                continue
            where = _KNOWN if number in known else _QUEUED if number in queued else _NEW
            seen[number] = line << 2 | where
            found.append(number)
        if not found and not any(
            (row[index] if index < len(row) else "").strip() for index in columns
        ):
            gone = columns[0] >= len(row)
            reason = missing.format(columns[0] + 1) if gone else "empty"
            preview.add_invalid(start(row), "", reason, row, columns[0], header)
        if keep and found and preview._fields is not None:
            if len(names) < len(row):
                names = layout.field_names(len(row))
            kept = {names[i]: cell.strip() for i, cell in enumerate(row)
                    if i not in phone and cell.strip()}  # fmt: skip
            if kept:
                used.update(dict.fromkeys(kept))
                text = json.dumps(kept, ensure_ascii=False)
                for number in found:
                    preview._fields.add(number, text)
    preview.rows_read, preview.blank_lines, preview.valid = rows, blank, valid
    preview.normalised, preview.duplicates_in_file = normalised, duplicates
    if len(columns) > 1:
        preview.per_column = dict(zip(labels, per_column, strict=True))
    if keep:
        order = layout.field_names(max(len(names), len(header)))
        preview.field_names = [name for name in order if name in used]
    preview.tally()


def preview_text(
    text: str,
    *,
    source: str = "pasted numbers",
    known: Collection[str] = frozenset(),
    queued: Collection[str] = frozenset(),
) -> ImportPreview:
    """The same preview for numbers pasted in any format (as the recipients box
    reads them, several on a line). A token the recipients box refuses is read
    again as a file's cell, so ``9.23001234567E+11`` and ``3001234567.0`` are
    taken and a landline is called one, as in a file."""
    preview = ImportPreview(source=source, kind="paste")
    seen = preview._seen
    rows = duplicates = valid = 0

    def add(number: str, value: str, line: int) -> None:
        nonlocal duplicates, valid
        valid += 1
        if number in seen:
            duplicates += 1
            if len(preview.duplicate_rows) < SHOWN_DUPLICATES:
                first = seen[number] >> 2
                preview.duplicate_rows.append(DuplicateRow(line, value, number, first))
            return
        where = _KNOWN if number in known else _QUEUED if number in queued else _NEW
        seen[number] = line << 2 | where

    # Tokens never span lines (newlines separate them), so each line is read alone.
    for line, chunk in enumerate(text.split("\n"), start=1):
        if not chunk.strip():
            continue
        parsed = parse_recipients(chunk)
        rows += parsed.total
        for number in parsed.valid:
            add(number, number, line)
        for number in parsed.duplicates:
            add(number, number, line)
        for raw, reason in parsed.invalid:
            recovered, cell_reason = cell_number(raw)
            if recovered is not None:
                add(recovered, raw, line)
            else:
                preview.add_invalid(line, raw, cell_reason or reason)
    preview.rows_read = rows
    preview.valid = valid
    preview.duplicates_in_file = duplicates
    preview.tally()
    return preview
