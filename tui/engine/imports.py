"""The preview of an import: what uploading a file's (or a paste's) numbers would do.

A file is read as a stream: one pass, row by row, keeping only the unique
numbers (an insertion-ordered dict) and counters. Invalid rows are counted;
the first ``SHOWN_INVALID`` are kept for display and every one is written to a
temporary CSV file, so the user can export them for fixing without memory
growing with the file. How the file is laid out and how one cell is read are
in ``import_layout``.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import tempfile
import weakref
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tui.engine.import_layout import (
    FileLayout,
    ImportFileError,
    cell_number,
    detect_layout,
)
from tui.gateway.numbers import parse_recipients
from tui.ledger.errors import LedgerError
from tui.ledger.export import write_csv_atomic

__all__ = [
    "SHOWN_INVALID",
    "FileLayout",
    "ImportFileError",
    "ImportPreview",
    "InvalidRow",
    "cell_number",
    "detect_layout",
    "preview_file",
    "preview_text",
]

#: Invalid rows kept in memory for display (all of them go to the spill file).
SHOWN_INVALID = 200
INVALID_HEADER = ("Line", "Value", "Reason")


# The preview ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InvalidRow:
    #: Line of the file (for pasted text: the line of the paste).
    line: int
    value: str
    reason: str


class _Spill:
    """Invalid rows written to a temporary CSV file as they are found."""

    def __init__(self) -> None:
        handle = tempfile.NamedTemporaryFile(  # closed by close()
            "w", encoding="utf-8", newline="", prefix="csms-invalid-", suffix=".csv", delete=False
        )
        self.path = Path(handle.name)
        self._handle: Any = handle
        self._writer = csv.writer(handle)
        self._finalizer = weakref.finalize(self, _remove, handle, self.path)

    def write(self, line: int, value: str, reason: str) -> None:
        self._writer.writerow((line, value, reason))

    def rows(self) -> Iterator[tuple[object, ...]]:
        self._handle.flush()
        with self.path.open(encoding="utf-8", newline="") as handle:
            for line, value, reason in csv.reader(handle):
                yield int(line), value, reason

    def close(self) -> None:
        self._finalizer()


def _remove(handle: Any, path: Path) -> None:
    handle.close()
    with contextlib.suppress(OSError):
        path.unlink()


@dataclass(eq=False)
class ImportPreview:
    """What an import would do, counted before anything is sent.

    Every row read lands in one bucket: ``rows_read = valid + invalid``, and
    ``valid = to_upload + duplicates_in_file + already_in_list + already_queued``
    (a number repeated in the file counts once in the last three, and its
    repeats as duplicates).
    """

    source: str
    kind: Literal["file", "paste"] = "file"
    layout: FileLayout | None = None
    rows_read: int = 0
    #: Lines with nothing on them (not counted as rows).
    blank_lines: int = 0
    #: Rows holding a valid number.
    valid: int = 0
    #: Valid rows whose number was written differently (``0300-1234567``).
    normalised: int = 0
    #: Valid rows repeating a number seen earlier in the file.
    duplicates_in_file: int = 0
    #: Numbers (each counted once) the list already holds.
    already_in_list: int = 0
    #: Numbers (each counted once) waiting in an unfinished import to the same list.
    already_queued: int = 0
    invalid: int = 0
    #: The first invalid rows (all of them are in the spill file).
    invalid_rows: list[InvalidRow] = field(default_factory=list)
    to_upload: int = 0
    #: Every valid number once, in file order, with where it goes (_NEW, _KNOWN, _QUEUED).
    _seen: dict[str, int] = field(default_factory=dict, repr=False)
    _spill: _Spill | None = field(default=None, repr=False)

    @property
    def numbers(self) -> list[str]:
        """The numbers to upload: valid, new to the list, each once, in file order."""
        return [number for number, where in self._seen.items() if where == _NEW]

    def tally(self) -> None:
        """Count the unique numbers by where they go (after reading)."""
        counts = [0, 0, 0]
        for where in self._seen.values():
            counts[where] += 1
        self.to_upload, self.already_in_list, self.already_queued = counts

    def add_invalid(self, line: int, value: str, reason: str) -> None:
        self.invalid += 1
        if len(self.invalid_rows) < SHOWN_INVALID:
            self.invalid_rows.append(InvalidRow(line, value, reason))
        if self._spill is None:
            self._spill = _Spill()
        self._spill.write(line, value, reason)

    def invalid_rows_all(self) -> Iterator[tuple[object, ...]]:
        """Every invalid row as (line, value, reason), in file order."""
        if self._spill is not None:
            yield from self._spill.rows()

    def export_invalid(self, path: str | os.PathLike[str]) -> int:
        """Write the invalid rows (line, value, reason) to a CSV file; returns the count."""
        try:
            return write_csv_atomic(path, INVALID_HEADER, self.invalid_rows_all())
        except LedgerError as error:
            raise ImportFileError(str(error)) from None

    def close(self) -> None:
        """Remove the temporary file of invalid rows."""
        if self._spill is not None:
            self._spill.close()

    def __enter__(self) -> ImportPreview:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Reporting -----------------------------------------------------------------------

    def report_lines(self) -> list[str]:
        """The preview as the user reads it, one figure per line."""
        width = len(f"{max(self.rows_read, 1):,}")

        def row(label: str, value: int, note: str = "") -> str:
            return f"{label:<28}{value:>{width},}{note}"

        lines = [f"Source: {self.source}"]
        if self.layout is not None:
            lines.append(f"Read as {self.layout.format_label}; numbers from "
                         f"{self.layout.column_label}.")  # fmt: skip
        lines.append(row("Rows read", self.rows_read, "  (items)" if self.kind == "paste" else ""))
        lines.append(row("Valid", self.valid))
        if self.kind == "file":
            lines.append(row("  normalised", self.normalised, "  (written another way)"))
        lines.append(row("  repeated in the file", self.duplicates_in_file))
        lines.append(row("  already in the list", self.already_in_list))
        if self.already_queued:
            lines.append(row("  in an unfinished import", self.already_queued))
        lines.append(row("  to upload", self.to_upload))
        lines.append(row("Invalid", self.invalid))
        for bad in self.invalid_rows[:10]:
            lines.append(f"  line {bad.line}: {bad.value!r}: {bad.reason}")
        if self.invalid > 10:
            lines.append(f"  … and {self.invalid - 10:,} more (export them to fix them)")
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "valid": self.valid,
            "normalised": self.normalised,
            "duplicates_in_file": self.duplicates_in_file,
            "already_in_list": self.already_in_list,
            "already_queued": self.already_queued,
            "to_upload": self.to_upload,
            "invalid": self.invalid,
            "invalid_rows": [
                {"line": r.line, "value": r.value, "reason": r.reason} for r in self.invalid_rows
            ],
        }


# Where a valid number goes: new (to upload), already in the list, or queued.
_NEW, _KNOWN, _QUEUED = 0, 1, 2
# The usual written forms once spaces and dashes are dropped (0300-1234567,
# +92 300 123 4567, 3001234567.0): whatever this accepts ``cell_number`` reads
# the same way; everything else goes to ``cell_number``.
_WRITTEN = re.compile(r"(?:\+92|0092|92|0)?(3[0-9]{9})(?:[.,]0+)?").fullmatch
#: No delimiter: one value per line, quotes kept (``cell_number`` strips them).
_ONE_PER_LINE: dict[str, Any] = {"delimiter": "\x1f", "quoting": csv.QUOTE_NONE}


def preview_file(
    path: str | os.PathLike[str],
    *,
    column: str | int | None = None,
    has_header: bool | None = None,
    known: Collection[str] = frozenset(),
    queued: Collection[str] = frozenset(),
) -> ImportPreview:
    """Read every row of ``path`` once and count what an import would do.

    ``known`` are the numbers the list already holds, ``queued`` those waiting
    in unfinished imports to it. The caller closes the preview (or uses it as a
    context manager) to remove its temporary file of invalid rows.
    """
    file = Path(path)
    layout = detect_layout(file, column=column, has_header=has_header)
    preview = ImportPreview(source=str(file), layout=layout)
    try:
        with file.open(encoding=layout.encoding, errors="replace", newline="") as handle:
            _read(preview, handle, layout, known, queued)
    except OSError as error:
        preview.close()
        raise ImportFileError(f"Cannot read {file}: {error.strerror or error}.") from None
    except BaseException:
        preview.close()
        raise
    return preview


def _read(
    preview: ImportPreview,
    handle: Iterable[str],
    layout: FileLayout,
    known: Collection[str],
    queued: Collection[str],
) -> None:
    """The hot loop of a large import: local names, the common cases inlined
    (measured: a function call per row made it twice as slow; whole-chunk regex
    passes were slower still)."""
    if layout.delimiter is None:
        reader = csv.reader(handle, **_ONE_PER_LINE)
    else:
        reader = csv.reader(handle, delimiter=layout.delimiter)
    if layout.has_header:
        next(reader, None)
    col, written = layout.column, _WRITTEN
    joiner = layout.delimiter or ","
    seen = preview._seen
    sort_known = bool(known) or bool(queued)
    blank = normalised = duplicates = 0
    for row in reader:
        try:
            cell = row[col]
        except IndexError:
            if not row:
                blank += 1
            else:
                reason = f"has no column {col + 1}"
                preview.add_invalid(_start(reader, row), joiner.join(row), reason)
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
            match = written(cell.replace("-", "").replace(" ", ""))
            if match:
                number = "92" + match[1]
                normalised += 1
        if number is None:
            if len(row) == 1 and not cell.strip():
                blank += 1
                continue
            number, reason = cell_number(cell)
            if number is None:
                preview.add_invalid(_start(reader, row), cell, reason)
                continue
            if number != cell.strip():
                normalised += 1
        if number in seen:
            duplicates += 1
        elif not sort_known:
            seen[number] = _NEW
        elif number in known:
            seen[number] = _KNOWN
        elif number in queued:
            seen[number] = _QUEUED
        else:
            seen[number] = _NEW
    valid = len(seen) + duplicates  # every valid row is new to ``seen`` or a repeat
    preview.rows_read = valid + preview.invalid
    preview.blank_lines, preview.valid = blank, valid
    preview.normalised, preview.duplicates_in_file = normalised, duplicates
    preview.tally()


def _start(reader: Any, row: list[str]) -> int:
    """The line a row starts on (a quoted cell may span lines; the reader
    counts the line a row ends on)."""
    return int(reader.line_num) - sum(cell.count("\n") for cell in row)


def preview_text(
    text: str,
    *,
    source: str = "pasted numbers",
    known: Collection[str] = frozenset(),
    queued: Collection[str] = frozenset(),
) -> ImportPreview:
    """The same preview for numbers pasted in any format (as the recipients box reads them)."""
    parsed = parse_recipients(text)
    preview = ImportPreview(source=source, kind="paste")
    preview.rows_read = parsed.total
    preview.valid = len(parsed.valid) + len(parsed.duplicates)
    preview.duplicates_in_file = len(parsed.duplicates)
    for number in parsed.valid:
        preview._seen[number] = _KNOWN if number in known else _QUEUED if number in queued else _NEW
    preview.tally()
    position = 0
    for raw, reason in parsed.invalid:
        found = text.find(raw, position)
        if found >= 0:
            position = found + len(raw)
        line = text.count("\n", 0, found if found >= 0 else position) + 1
        preview.add_invalid(line, raw, reason)
    return preview
