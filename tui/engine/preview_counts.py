"""What an import preview holds: its counts, the invalid and repeated rows
shown, and the temporary files of invalid rows and of kept columns (filled by
:mod:`tui.engine.imports`, which reads the file)."""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tui.engine.sheets import FileLayout, SheetError, row_context
from tui.ledger.errors import LedgerError
from tui.ledger.export import write_csv_atomic

# Where a valid number goes: new (to upload), already in the list, or queued.
_NEW, _KNOWN, _QUEUED = 0, 1, 2

#: Invalid rows kept in memory for display (all of them go to the spill file).
SHOWN_INVALID = 200
#: Repeated lines kept in memory for display (the count covers them all).
SHOWN_DUPLICATES = 200
INVALID_HEADER = ("Line", "Value", "Reason")


# The preview ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InvalidRow:
    #: Line of the file (for pasted text: the line of the paste).
    line: int
    value: str
    reason: str
    #: The row's other cells (``Name: Ali; City: Lahore``), to recognise it by.
    context: str = ""


@dataclass(frozen=True, slots=True)
class DuplicateRow:
    """A line whose number an earlier line already holds."""

    #: Line of the file (for pasted text: the line of the paste).
    line: int
    #: The cell as written on this line.
    value: str
    #: The number, as uploaded.
    number: str
    #: The line the number first appeared on.
    first_line: int


class _Spill:
    """Invalid rows written to a temporary CSV file as they are found."""

    def __init__(self, prefix: str = "csms-invalid-") -> None:
        handle = tempfile.NamedTemporaryFile(  # closed by close()
            "w", encoding="utf-8", newline="", prefix=prefix, suffix=".csv", delete=False
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


class _FieldSpill(_Spill):
    """The kept columns of each number: one ``number<TAB>JSON object`` line each
    (JSON escapes tabs and line breaks, so the line is unambiguous)."""

    def __init__(self) -> None:
        super().__init__("csms-fields-")

    def add(self, number: str, fields: str) -> None:
        self._handle.write(f"{number}\t{fields}\n")

    def pairs(self) -> Iterator[tuple[str, str]]:
        self._handle.flush()
        with self.path.open(encoding="utf-8", newline="\n") as handle:
            for line in handle:
                number, _, fields = line.rstrip("\n").partition("\t")
                yield number, fields


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
    #: The first repeated lines, with the line each repeats.
    duplicate_rows: list[DuplicateRow] = field(default_factory=list)
    to_upload: int = 0
    #: Valid numbers per column (label -> count), when numbers come from several.
    per_column: dict[str, int] = field(default_factory=dict)
    #: The names of the other columns kept with each number (empty: none kept).
    field_names: list[str] = field(default_factory=list)
    #: Every valid number once, in file order: ``line << 2 | where`` (the line it
    #: first appeared on; where it goes: _NEW, _KNOWN or _QUEUED).
    _seen: dict[str, int] = field(default_factory=dict, repr=False)
    _spill: _Spill | None = field(default=None, repr=False)
    _fields: _FieldSpill | None = field(default=None, repr=False)

    @property
    def numbers(self) -> list[str]:
        """The numbers to upload: valid, new to the list, each once, in file order."""
        return [number for number, seen in self._seen.items() if seen & 3 == _NEW]

    def tally(self) -> None:
        """Count the unique numbers by where they go (after reading)."""
        counts = [0, 0, 0, 0]
        for seen in self._seen.values():
            counts[seen & 3] += 1
        self.to_upload, self.already_in_list, self.already_queued = counts[:3]

    def add_invalid(
        self,
        line: int,
        value: str,
        reason: str,
        row: Sequence[str] = (),
        column: int = -1,
        header: Sequence[str] = (),
    ) -> None:
        """Count an invalid row; the first ones are kept to show with their row's
        other cells (``row``, ``column``: the cell at fault, ``header``); every
        one goes to the spill file, which keeps no context, so a large file's
        invalid rows past those shown cost no context."""
        self.invalid += 1
        if len(self.invalid_rows) < SHOWN_INVALID:
            context = row_context(row, column, header) if row else ""
            self.invalid_rows.append(InvalidRow(line, value, reason, context))
        if self._spill is None:
            self._spill = _Spill()
        self._spill.write(line, value, reason)

    def first_line(self, number: str) -> int:
        """The line ``number`` first appeared on (0: not a valid number read)."""
        return self._seen.get(number, 0) >> 2

    def invalid_rows_all(self) -> Iterator[tuple[object, ...]]:
        """Every invalid row as (line, value, reason), in file order."""
        if self._spill is not None:
            yield from self._spill.rows()

    def export_invalid(self, path: str | os.PathLike[str]) -> int:
        """Write the invalid rows (line, value, reason) to a CSV file; returns the count."""
        try:
            return write_csv_atomic(path, INVALID_HEADER, self.invalid_rows_all())
        except LedgerError as error:
            raise SheetError(str(error)) from None

    def kept_fields(self) -> Iterator[tuple[str, str]]:
        """(number, JSON object of the row's other columns) of each valid number
        read (as its first row had them); nothing when no column was kept."""
        if self._fields is not None:
            yield from self._fields.pairs()

    def close(self) -> None:
        """Remove the temporary files (invalid rows, kept columns)."""
        if self._spill is not None:
            self._spill.close()
        if self._fields is not None:
            self._fields.close()

    def __enter__(self) -> ImportPreview:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Reporting -----------------------------------------------------------------------

    def report_lines(self, listed: int = 10) -> list[str]:
        """The preview as the user reads it, one figure per line, with the first
        ``listed`` repeated and invalid lines named."""
        width = len(f"{max(self.rows_read, 1):,}")

        def row(label: str, value: int, note: str = "") -> str:
            return f"{label:<28}{value:>{width},}{note}"

        lines = [f"Source: {self.source}"]
        if self.layout is not None:
            lines.append(f"Read as {self.layout.format_label}; numbers from "
                         f"{self.layout.column_label}.")  # fmt: skip
        lines.append(row("Rows read", self.rows_read, "  (items)" if self.kind == "paste" else ""))
        lines.append(row("Valid", self.valid))
        if len(self.per_column) > 1:
            for label, count in self.per_column.items():
                lines.append(row(f"  from {label}"[:27], count))
        if self.kind == "file":
            lines.append(row("  normalised", self.normalised, "  (written another way)"))
        lines.append(row("  repeated in the file", self.duplicates_in_file))
        for dup in self.duplicate_rows[:listed]:
            lines.append(f"    line {dup.line} repeats line {dup.first_line}: {dup.value!r}")
        if self.duplicates_in_file > listed:
            more = self.duplicates_in_file - listed
            lines.append(f"    … and {more:,} more repeated line{'s' if more != 1 else ''}")
        lines.append(row("  already in the list", self.already_in_list))
        if self.already_queued:
            lines.append(row("  in an unfinished import", self.already_queued))
        lines.append(row("  to upload", self.to_upload))
        lines.append(row("Invalid", self.invalid))
        for bad in self.invalid_rows[:listed]:
            lines.append(_invalid_line(bad))
        if self.invalid > listed:
            lines.append(f"  … and {self.invalid - listed:,} more (export them to fix them)")
        if self.field_names:
            lines.append("Kept with each number: " + ", ".join(self.field_names) + ".")
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
            "per_column": dict(self.per_column),
            "kept_columns": list(self.field_names),
            "invalid_rows": [
                {"line": r.line, "value": r.value, "reason": r.reason, "context": r.context}
                for r in self.invalid_rows
            ],
            "duplicate_rows": [
                {"line": r.line, "value": r.value, "number": r.number, "first_line": r.first_line}
                for r in self.duplicate_rows
            ],
        }


def _invalid_line(bad: InvalidRow) -> str:
    """``line 7: '021-1234567' is a landline; ... (Name: Ali)``: a reason that is a
    predicate follows the value, any other after a colon."""
    joint = " " if bad.reason.startswith("is ") else ": "
    text = f"  line {bad.line}: {bad.value!r}{joint}{bad.reason}"
    return text + (f" ({bad.context})" if bad.context else "")
