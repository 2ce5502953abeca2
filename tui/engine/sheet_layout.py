"""How a sheet is laid out (encoding, delimiter, header, columns of numbers),
guessed from its first rows, and what an opened sheet is (see :mod:`tui.engine.sheets`)."""

from __future__ import annotations

import codecs
import contextlib
import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tui.engine.sheet_cells import _LETTER, SheetError, cell_number
from tui.wording import and_list

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
        return and_list(labels)

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


def _skip_header(reader: Any, layout: FileLayout) -> None:
    if layout.has_header:
        for row in reader:
            if _filled(row):
                break


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
