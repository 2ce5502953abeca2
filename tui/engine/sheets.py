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
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import os
import re
import threading
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol

from tui.gateway.errors import InvalidInput
from tui.gateway.numbers import LANDLINE_REASON, NumberError, is_landline, normalize

__all__ = [
    "DELIMITERS",
    "LANDLINE_REASON",
    "SAMPLE_BYTES",
    "SAMPLE_ROWS",
    "FileLayout",
    "OpenSheet",
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

#: Bytes read to guess the encoding, the delimiter, the header and the column.
SAMPLE_BYTES = 64 * 1024
#: Rows of the sample used to guess the header and the column.
SAMPLE_ROWS = 50
#: Delimiters a spreadsheet writes: comma, semicolon (European locales), tab, pipe.
DELIMITERS = ",;\t|"

_ZIP = b"PK\x03\x04"
#: Compound File (OLE2) signature: old .xls workbooks and encrypted Office files.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The stream an encrypted (password-protected) Office file keeps its key data in.
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


class SheetError(InvalidInput):
    """The file cannot be read as a sheet; the message says why and what to do."""


# One cell ------------------------------------------------------------------------

# Already in gateway or national form: the common case, checked first.
_FAST = re.compile(r"(?:92|0)?(3[0-9]{9})").fullmatch
# 9.23001234567E+11, 9,23001234567E+11 (decimal comma), 3E+09.
_SCIENTIFIC = re.compile(r"([0-9]+)(?:[.,]([0-9]*))?[eE]\+?([0-9]{1,3})").fullmatch
# 3001234567.0 or 923001234567,00: a whole number a spreadsheet gave decimals.
_WHOLE_DECIMAL = re.compile(r"([0-9]+)[.,]0+").fullmatch
# 3001234567.5: decimals no phone number has (``0300.1234567`` is a dotted number).
_FRACTION = re.compile(r"[0-9]{9,}[.,][0-9]{1,4}").fullmatch
_LETTER = re.compile(r"[^\W\d_]").search


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
        if is_landline(cleaned):
            return None, LANDLINE_REASON
        return None, error.reason


def cell_text(value: object) -> str:
    """A workbook cell's value as the text a CSV export would hold, numbers as
    their digits (``923001234567``, not ``9.23E+11``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def row_context(row: Sequence[str], column: int, header: Sequence[str], limit: int = 120) -> str:
    """The row's other cells, to recognise it by (``Name: Ali; City: Lahore``)."""
    parts: list[str] = []
    for i, cell in enumerate(row):
        text = " ".join(cell.split())
        if i == column or not text:
            continue
        if len(text) > 40:
            text = text[:39] + "…"
        name = " ".join(header[i].split()) if i < len(header) else ""
        parts.append(f"{name}: {text}" if name else text)
    joined = "; ".join(parts)
    return joined if len(joined) <= limit else joined[: limit - 1] + "…"


# The layout ------------------------------------------------------------------------


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
    #: The workbook's sheet read (None: a text file).
    sheet: str | None = None
    #: Further columns of numbers (0-based), after ``column``.
    more_columns: tuple[int, ...] = ()

    @property
    def is_workbook(self) -> bool:
        return self.sheet is not None

    @property
    def columns(self) -> tuple[int, ...]:
        """Every column of numbers, 0-based, the first chosen first."""
        return (self.column, *self.more_columns)

    def label_of(self, index: int) -> str:
        """A column as the user names it: its number, and its header if it has one."""
        number = f"column {index + 1}"
        if self.has_header and index < len(self.header) and self.header[index].strip():
            return f"{number} ({self.header[index].strip()!r})"
        return number

    @property
    def column_label(self) -> str:
        """The column(s) of numbers as the user names them."""
        if self.delimiter is None and not self.is_workbook:
            return "each line"
        labels = [self.label_of(index) for index in self.columns]
        return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]

    def field_names(self, width: int) -> list[str]:
        """Names for the first ``width`` columns, as fields (``{Name}``): the
        header's text, else ``column N``; a repeated name gets `` (2)``."""
        names: list[str] = []
        seen: dict[str, int] = {}
        for i in range(width):
            name = " ".join(self.header[i].split()) if i < len(self.header) else ""
            name = name or f"column {i + 1}"
            count = seen.get(name.casefold(), 0) + 1
            seen[name.casefold()] = count
            names.append(name if count == 1 else f"{name} ({count})")
        return names

    @property
    def format_label(self) -> str:
        header = ", with a header row" if self.has_header else ""
        if self.is_workbook:
            return f"Excel workbook, sheet {self.sheet!r}{header}"
        names = {",": "CSV", ";": "CSV (semicolons)", "\t": "TSV", "|": "CSV (pipes)"}
        kind = "plain text" if self.delimiter is None else names[self.delimiter]
        encoding = _ENCODING_NAMES.get(self.encoding, self.encoding)
        return f"{kind}, {encoding}{header}"


_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252"}
#: The "encoding" of a workbook's layout.
XLSX = "xlsx"


def _refuse_binary(head: bytes, file: Path) -> None:
    """Say what to do with a workbook format this reader does not take."""
    if head.startswith(_OLE):
        if _is_encrypted(file, head):
            raise SheetError(
                f"{file.name} is protected with a password; open it in Excel, remove the "
                "password (File > Info > Protect Workbook > Encrypt with Password) and save "
                "it as .xlsx or CSV, then import that."
            )
        raise SheetError(
            f"{file.name} is an old Excel 97-2003 workbook (.xls); open it in Excel and "
            "save it as .xlsx or CSV, then import that."
        )


def _is_encrypted(file: Path, head: bytes) -> bool:
    """An OLE container holding an ``EncryptionInfo`` stream is an encrypted
    Office file (an .xlsx with a password is one, not a zip)."""
    if _ENCRYPTION_INFO in head:
        return True
    tail = b""
    with contextlib.suppress(OSError), file.open("rb") as handle:
        handle.seek(len(head))
        while chunk := handle.read(1 << 20):
            if _ENCRYPTION_INFO in tail + chunk:
                return True
            tail = chunk[-len(_ENCRYPTION_INFO) :]
    return False


def _encoding(head: bytes, path: Path) -> str:
    if head.startswith(_ZIP):
        return XLSX
    _refuse_binary(head, path)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise SheetError(
            f"{path.name} is not a text file; use a CSV, TSV, plain-text or .xlsx file."
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


def _delimiter(lines: list[str], suffix: str = "") -> str | None:
    """The sample's delimiter: a tab for a .tsv file that has tabs, else
    csv.Sniffer's guess, else the delimiter found on (almost) every line,
    else None (one value per line)."""
    content = [line for line in lines[:SAMPLE_ROWS] if line.strip()]
    if not content:
        return None
    if suffix == ".tsv" and any("\t" in line for line in content):
        return "\t"
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


def _filled(row: Sequence[str]) -> bool:
    return any(cell.strip() for cell in row)


def _rows(lines: list[str], delimiter: str | None) -> list[list[str]]:
    if delimiter is None:
        return [[line.strip()] for line in lines if line.strip()]
    return [row for row in csv.reader(lines, delimiter=delimiter) if _filled(row)]


def _looks_like_header(row: Sequence[str]) -> bool:
    if any(cell_number(cell)[0] is not None for cell in row):
        return False
    return any(_LETTER(cell) is not None for cell in row)


def _column(
    spec: str | int | None,
    header: Sequence[str] | None,
    data: list[list[str]],
    name: str,
    required: bool,
) -> int:
    width = max([len(row) for row in data] + [len(header or [])] + [1])
    if spec is None:
        scores = [
            sum(1 for row in data if i < len(row) and cell_number(row[i])[0] is not None)
            for i in range(width)
        ]
        best = max(range(width), key=lambda i: (scores[i], -i))
        if scores[best] == 0:
            if not required:
                return 0
            raise SheetError(
                f"No column of the first rows of {name} holds a phone number; "
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
            raise SheetError("Column numbers start at 1 (the first column).")
        if number > width:
            raise SheetError(
                f"{name} has {width} column{'s' if width != 1 else ''}; "
                f"there is no column {number}."
            )
        return number - 1
    if header is None:
        raise SheetError(
            f"{name} has no header row, so its columns have no names; give the "
            "column's number instead (1 is the first)."
        )
    shown = ", ".join(repr(cell.strip()) for cell in header)
    raise SheetError(f"No column of {name} is named {text!r}; the columns are {shown}.")


def _layout(
    rows: list[list[str]],
    name: str,
    *,
    encoding: str,
    delimiter: str | None,
    column: str | int | None,
    has_header: bool | None,
    sheet: str | None = None,
    column_required: bool = True,
    more_columns: Sequence[str | int] = (),
) -> FileLayout:
    """The layout of a sample of non-empty rows."""
    if not rows:
        raise SheetError(f"{name} is empty; there is nothing to read in it.")
    if has_header is None:
        has_header = _looks_like_header(rows[0])
    header = rows[0] if has_header else None
    data = rows[1 : SAMPLE_ROWS + 1] if header is not None else rows[:SAMPLE_ROWS]
    if delimiter is not None or sheet is not None:
        index = _column(column, header, data, name, column_required)
    elif (
        column is None
        or str(column).strip() == "1"
        or (header is not None and str(column).strip().casefold() == header[0].strip().casefold())
    ):
        index = 0
    else:
        raise SheetError(f"{name} has one number per line, so there is only column 1.")
    more: list[int] = []
    for spec in more_columns:
        if delimiter is None and sheet is None:
            raise SheetError(f"{name} has one number per line, so there is only column 1.")
        extra = _column(spec, header, data, name, True)
        if extra != index and extra not in more:
            more.append(extra)
    return FileLayout(
        encoding=encoding,
        delimiter=delimiter,
        has_header=header is not None,
        header=tuple(header or ()),
        column=index,
        sheet=sheet,
        more_columns=tuple(more),
    )


# Reading rows ----------------------------------------------------------------------


class RowReader(Protocol):
    """Rows of text cells, with the line (or sheet row) the reader has reached."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


@dataclass(slots=True)
class OpenSheet:
    """A sheet being read: its layout and its data rows (the header is consumed).

    ``rows`` yields every row after the header, blank ones included (as empty
    or all-blank lists); ``start(row)`` is the line (a workbook's row number)
    the row just read starts on, as a text editor or Excel shows it.
    """

    name: str
    layout: FileLayout
    rows: RowReader
    start: Callable[[list[str]], int]


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


def _skip_header(reader: Any, layout: FileLayout) -> None:
    if layout.has_header:
        for row in reader:
            if _filled(row):
                break


@contextlib.contextmanager
def _table_errors(name: str, reader: Any) -> Iterator[None]:
    try:
        yield
    except csv.Error as error:
        raise SheetError(
            f"{name} cannot be read as a table near line {reader.line_num} ({error}); "
            "check its quotes and save it as CSV again."
        ) from None


def _read_head(file: Path) -> bytes:
    try:
        with file.open("rb") as handle:
            return handle.read(SAMPLE_BYTES)
    except FileNotFoundError:
        raise SheetError(f"{file} does not exist; check the path.") from None
    except IsADirectoryError:
        raise SheetError(f"{file} is a folder; give the path of a file.") from None
    except OSError as error:
        raise SheetError(f"Cannot read {file}: {error.strerror or error}.") from None


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


# Workbooks ----------------------------------------------------------------------------


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
