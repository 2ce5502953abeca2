"""Reading numbers from CSV, TSV and plain-text files, and the preview shown before an upload.

A file is read as a stream: one pass, row by row, keeping only the unique
numbers to upload (an insertion-ordered dict) and counters. Invalid rows are
counted; the first ``SHOWN_INVALID`` are kept for display and every one is
written to a temporary CSV file, so the user can export them for fixing
without memory growing with the file.

What spreadsheets do to phone numbers is undone where it can be done exactly:
``3001234567.0`` and ``9.23001234567E+11`` are whole numbers written out in
full; ``9.23001E+11`` is refused, because the spreadsheet rounded away digits
that cannot be recovered.
"""

from __future__ import annotations

import codecs
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

from tui.gateway.errors import InvalidInput
from tui.gateway.numbers import NumberError, normalize, parse_recipients
from tui.ledger.errors import LedgerError
from tui.ledger.export import write_csv_atomic

#: Bytes read to guess the encoding, the delimiter, the header and the column.
SAMPLE_BYTES = 64 * 1024
#: Rows of the sample used to guess the header and the column.
SAMPLE_ROWS = 50
#: Delimiters a spreadsheet writes: comma, semicolon (European locales), tab, pipe.
DELIMITERS = ",;\t|"
#: Invalid rows kept in memory for display (all of them go to the spill file).
SHOWN_INVALID = 200
INVALID_HEADER = ("Line", "Value", "Reason")

# Already in gateway or national form: the common case, checked first.
_FAST = re.compile(r"(?:92|0)?(3[0-9]{9})").fullmatch
# 9.23001234567E+11, 9,23001234567E+11 (decimal comma), 3E+09.
_SCIENTIFIC = re.compile(r"([0-9]+)(?:[.,]([0-9]*))?[eE]\+?([0-9]{1,3})").fullmatch
# 3001234567.0 or 923001234567,00: a whole number a spreadsheet gave decimals.
_WHOLE_DECIMAL = re.compile(r"([0-9]+)[.,]0+").fullmatch
# 3001234567.5: decimals no phone number has (``0300.1234567`` is a dotted number).
_FRACTION = re.compile(r"[0-9]{9,}[.,][0-9]{1,4}").fullmatch
_LETTER = re.compile(r"[^\W\d_]").search


class ImportFileError(InvalidInput):
    """The file cannot be read as a list of numbers; the message says why and what to do."""


# One cell ------------------------------------------------------------------------


def _spreadsheet_form(text: str) -> tuple[str | None, str]:
    """Undo a spreadsheet's number formatting; ``(text, "")`` or ``(None, reason)``."""
    sci = _SCIENTIFIC(text)
    if sci is not None:
        whole, fraction, exponent = sci[1], sci[2] or "", int(sci[3])
        if len(fraction) < exponent:
            lost = exponent - len(fraction)
            written = len((whole + fraction).lstrip("0"))
            last = "its last digit" if lost == 1 else f"its last {lost} digits"
            return None, (
                f"a spreadsheet rounded it to {written} significant digits and {last} cannot "
                "be recovered; format the column as text and export it again"
            )
        if fraction[exponent:].strip("0"):
            return None, "is not a whole number"
        return whole + fraction[:exponent], ""
    decimal = _WHOLE_DECIMAL(text)
    if decimal is not None:
        return decimal[1], ""
    if _FRACTION(text) is not None:
        return None, "is not a whole number"
    return text, ""


def cell_number(cell: str) -> tuple[str | None, str]:
    """The number in one cell as ``923XXXXXXXXX``, or ``(None, reason)``."""
    match = _FAST(cell)
    if match is not None:
        return "92" + match[1], ""
    text = cell.strip()
    if text.startswith("'"):  # a spreadsheet's "this is text" mark
        text = text[1:].lstrip()
    if text.startswith('="') and text.endswith('"'):  # ="0300..." keeps leading zeros
        text = text[2:-1].strip()
    elif len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    if not text:
        return None, "empty"
    cleaned, reason = _spreadsheet_form(text)
    if cleaned is None:
        return None, reason
    try:
        return normalize(cleaned), ""
    except NumberError as error:
        return None, error.reason


# The file's layout ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileLayout:
    """How a file is read: encoding, delimiter (None: one value per line), header, column."""

    encoding: str
    delimiter: str | None
    has_header: bool
    #: The header row's cells (empty without a header).
    header: tuple[str, ...]
    #: The chosen column, 0-based.
    column: int

    @property
    def column_label(self) -> str:
        """The column as the user names it: its header, or its number."""
        if self.delimiter is None:
            return "each line"
        number = f"column {self.column + 1}"
        if self.has_header and self.column < len(self.header) and self.header[self.column]:
            return f"{number} ({self.header[self.column].strip()!r})"
        return number

    @property
    def format_label(self) -> str:
        names = {",": "CSV", ";": "CSV (semicolons)", "\t": "TSV", "|": "CSV (pipes)"}
        kind = "plain text" if self.delimiter is None else names[self.delimiter]
        return f"{kind}, {self.encoding}" + (", with a header row" if self.has_header else "")


def _encoding(head: bytes, path: Path) -> str:
    if head.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            f"{path.name} is a spreadsheet workbook, not a text file; save it as "
            "CSV UTF-8 (File > Save As) and import that."
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise ImportFileError(
            f"{path.name} is not a text file; import a CSV, TSV or plain-text file."
        )
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut by the sample is not an error
    except UnicodeDecodeError:
        return "cp1252"  # what a spreadsheet on Windows writes as "CSV"
    return "utf-8-sig"


def _sample_lines(head: bytes, encoding: str, complete: bool) -> list[str]:
    text = head.decode(encoding, errors="replace")
    if not complete:  # drop the line the sample cut
        text = text[: max(text.rfind("\n"), 0)]
    return text.splitlines()


def _delimiter(lines: list[str]) -> str | None:
    """The sample's delimiter: csv.Sniffer's guess, else the delimiter found on
    (almost) every line, else None (one value per line)."""
    content = [line for line in lines[:SAMPLE_ROWS] if line.strip()]
    if not content:
        return None
    try:
        found = csv.Sniffer().sniff("\n".join(content), delimiters=DELIMITERS).delimiter
        if found in DELIMITERS:
            return found
    except csv.Error:
        pass
    best, best_lines = None, 0
    for candidate in DELIMITERS:
        having = sum(1 for line in content if candidate in line)
        if having > best_lines:
            best, best_lines = candidate, having
    # Sniffer gives up on ragged rows; a delimiter on half the lines is still the one.
    if best is not None and best_lines * 2 >= len(content):
        return best
    return None


def _rows(lines: list[str], delimiter: str | None) -> list[list[str]]:
    if delimiter is None:
        return [[line.strip()] for line in lines if line.strip()]
    return [row for row in csv.reader(lines, delimiter=delimiter) if row]


def _looks_like_header(row: list[str]) -> bool:
    if any(cell_number(cell)[0] is not None for cell in row):
        return False
    return any(_LETTER(cell) is not None for cell in row)


def _column(
    spec: str | int | None, header: list[str] | None, data: list[list[str]], path: Path
) -> int:
    width = max([len(row) for row in data] + [len(header or [])] + [1])
    if spec is None:
        scores = [
            sum(1 for row in data if i < len(row) and cell_number(row[i])[0] is not None)
            for i in range(width)
        ]
        best = max(range(width), key=lambda i: (scores[i], -i))
        if scores[best] == 0:
            raise ImportFileError(
                f"No column of the first rows of {path.name} holds a phone number; "
                "choose the column by its name or number."
            )
        return best
    text = str(spec).strip()
    if header is not None:
        names = [cell.strip().casefold() for cell in header]
        if text.casefold() in names:
            return names.index(text.casefold())
    if text.isdigit():
        number = int(text)
        if number < 1:
            raise ImportFileError("Column numbers start at 1 (the first column).")
        if number > width:
            raise ImportFileError(
                f"{path.name} has {width} column{'s' if width != 1 else ''}; "
                f"there is no column {number}."
            )
        return number - 1
    if header is None:
        raise ImportFileError(
            f"{path.name} has no header row, so its columns have no names; give the "
            "column's number instead (1 is the first)."
        )
    shown = ", ".join(repr(cell.strip()) for cell in header)
    raise ImportFileError(f"No column of {path.name} is named {text!r}; the columns are {shown}.")


def detect_layout(
    path: str | os.PathLike[str],
    *,
    column: str | int | None = None,
    has_header: bool | None = None,
) -> FileLayout:
    """Guess how ``path`` is laid out from its first 64 KiB.

    ``column`` is a header name or a 1-based number (None: the column holding
    the most numbers); ``has_header`` None guesses it (a first row without any
    number but with letters is a header).
    """
    file = Path(path)
    head = _read_head(file)
    if not head.strip():
        raise ImportFileError(f"{file.name} is empty; there are no numbers to import.")
    encoding = _encoding(head, file)
    lines = _sample_lines(head, encoding, complete=len(head) < SAMPLE_BYTES)
    delimiter = _delimiter(lines)
    rows = _rows(lines, delimiter)
    if not rows:
        raise ImportFileError(f"{file.name} is empty; there are no numbers to import.")
    if has_header is None:
        has_header = _looks_like_header(rows[0])
    header = rows[0] if has_header else None
    data = rows[1 : SAMPLE_ROWS + 1] if header is not None else rows[:SAMPLE_ROWS]
    if delimiter is not None:
        index = _column(column, header, data, file)
    elif (
        column is None
        or str(column).strip() == "1"
        or (header is not None and str(column).strip().casefold() == header[0].strip().casefold())
    ):
        index = 0
    else:
        raise ImportFileError(f"{file.name} has one number per line, so there is only column 1.")
    return FileLayout(
        encoding=encoding,
        delimiter=delimiter,
        has_header=header is not None,
        header=tuple(header or ()),
        column=index,
    )


def _read_head(file: Path) -> bytes:
    try:
        with file.open("rb") as handle:
            return handle.read(SAMPLE_BYTES)
    except FileNotFoundError:
        raise ImportFileError(f"{file} does not exist; check the path.") from None
    except IsADirectoryError:
        raise ImportFileError(f"{file} is a folder; give the path of a file.") from None
    except OSError as error:
        raise ImportFileError(f"Cannot read {file}: {error.strerror or error}.") from None


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
# Separators inside a number handled by the inlined fast path (as ``normalize`` drops them);
# "." is left to ``cell_number``, which first undoes a spreadsheet's ``.0``.
_PACKED = re.compile(rb"(?:(?:\+|00)?920?|0)?(3[0-9]{9})").fullmatch
_PACK_OUT = b" -()\t"
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
    (measured: function calls per row made it twice as slow)."""
    if layout.delimiter is None:
        reader = csv.reader(handle, **_ONE_PER_LINE)
    else:
        reader = csv.reader(handle, delimiter=layout.delimiter)
    if layout.has_header:
        next(reader, None)
    col, fast, packed, pack_out = layout.column, _FAST, _PACKED, _PACK_OUT
    joiner = layout.delimiter or ","
    seen = preview._seen
    rows = blank = valid = normalised = duplicates = 0
    end = reader.line_num
    for row in reader:
        start, end = end + 1, reader.line_num
        try:
            cell = row[col]
        except IndexError:
            if not row:
                blank += 1
            else:
                rows += 1
                preview.add_invalid(start, joiner.join(row), f"has no column {col + 1}")
            continue
        if fast(cell) is not None:
            if len(cell) == 12:  # already 923XXXXXXXXX
                number = cell
            else:
                number = "92" + cell[-10:]
                normalised += 1
        else:
            matched = packed(cell.encode().translate(None, pack_out)) if cell.isascii() else None
            if matched is not None:
                number = "92" + matched[1].decode()
                if number != cell.strip():
                    normalised += 1
            else:
                if len(row) == 1 and not cell.strip():
                    blank += 1
                    continue
                found, reason = cell_number(cell)
                if found is None:
                    rows += 1
                    preview.add_invalid(start, cell, reason)
                    continue
                number = found
                if number != cell.strip():
                    normalised += 1
        rows += 1
        valid += 1
        if number in seen:
            duplicates += 1
        elif number in known:
            seen[number] = _KNOWN
        elif number in queued:
            seen[number] = _QUEUED
        else:
            seen[number] = _NEW
    preview.rows_read, preview.blank_lines, preview.valid = rows, blank, valid
    preview.normalised, preview.duplicates_in_file = normalised, duplicates
    preview.tally()


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
