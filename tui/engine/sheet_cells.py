"""One cell of a sheet: a Pakistani mobile number undone from what spreadsheets
do to it, a workbook cell's value as text, and a row's other cells as context
(see :mod:`tui.engine.sheets`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from tui.gateway.errors import InvalidInput
from tui.gateway.numbers import LANDLINE_REASON, NumberError, is_landline, normalize


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
