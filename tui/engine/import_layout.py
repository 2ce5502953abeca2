"""How a file of numbers is laid out, and what one cell holds.

The layout (encoding, delimiter, header row, the column of numbers) is guessed
from the first 64 KiB; the csv module's Sniffer finds the delimiter, with a
fallback for ragged rows. A cell is read as a Pakistani mobile number, undoing
what spreadsheets do to phone numbers where that can be done exactly:
``3001234567.0`` and ``9.23001234567E+11`` are whole numbers written out in
full; ``9.23001E+11`` is refused, because the spreadsheet rounded away digits
that cannot be recovered.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

from tui.gateway.errors import InvalidInput
from tui.gateway.numbers import NumberError, normalize

#: Bytes read to guess the encoding, the delimiter, the header and the column.
SAMPLE_BYTES = 64 * 1024
#: Rows of the sample used to guess the header and the column.
SAMPLE_ROWS = 50
#: Delimiters a spreadsheet writes: comma, semicolon (European locales), tab, pipe.
DELIMITERS = ",;\t|"

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
        encoding = _ENCODING_NAMES.get(self.encoding, self.encoding)
        return f"{kind}, {encoding}" + (", with a header row" if self.has_header else "")


_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252"}


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
