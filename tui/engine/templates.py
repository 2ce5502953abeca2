"""Message templates with ``{column}`` fields, and the sheets that fill them.

A template such as ``Dear {name}, your bill of Rs {amount} is due`` is checked
against a sheet's columns before anything is sent: an unknown field is refused
by name (with the closest column suggested), a lone brace is refused with its
position, and ``{{`` / ``}}`` stand for literal braces. Each row then renders to
its own text; the fields it left empty are reported so the row can be skipped.

Sheets are read by the reader list imports use (:mod:`tui.engine.sheets`):
CSV, TSV or TXT as exported by spreadsheets (UTF-8 with or without a byte-order
mark, UTF-16 with one, or Windows-1252) and .xlsx workbooks, the same
delimiters, the same header detection and the same number reader, so a file
that imports as a list is read the same way for a personalised send.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tui import collector
from tui.engine import sheets
from tui.gateway.errors import InvalidInput

__all__ = [
    "BoundTemplate",
    "Sheet",
    "SheetRow",
    "Template",
    "TemplateError",
    "bind",
    "bulk",
    "guess_number_column",
    "parse_template",
    "read_sheet",
    "sheet_from_text",
]

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
#: Header words that name the column holding the phone number.
_NUMBER_WORDS = ("msisdn", "mobile", "phone", "cell", "number", "contact", "whatsapp")
#: Rows looked at when guessing a column's content.
_SAMPLE = 50


def bulk() -> contextlib.AbstractContextManager[None]:
    """Pause the cyclic garbage collector while building many small rows.

    Measured: reading a 100,000-row sheet takes about 0.5 s with the collector
    running (it walks every row list again and again as they pile up) and
    0.1 s without; nothing built here forms cycles.
    """
    return collector.paused()


class TemplateError(InvalidInput):
    """The template cannot be used as written; the message says what to change."""


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed template: literal text and field names, in order."""

    source: str
    #: Literal strings and ``(field name,)`` tuples, in order.
    parts: tuple[str | tuple[str], ...]

    @property
    def fields(self) -> list[str]:
        """Distinct field names in first-use order."""
        names = [part[0] for part in self.parts if isinstance(part, tuple)]
        return list(dict.fromkeys(names))


def parse_template(text: str) -> Template:
    """``text`` split into literal text and ``{field}`` names, or TemplateError."""
    if not text.strip():
        raise TemplateError("The template is empty; write the message first.")
    parts: list[str | tuple[str]] = []
    literal: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        literal.append(text[position : match.start()])
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            literal.append(token[0])
            continue
        where = f"at character {match.start() + 1}"
        if token == "{":
            raise TemplateError(
                f"The template has a {{ with no closing }} {where}; close the field or "
                "write {{ for a literal brace."
            )
        if token == "}":
            raise TemplateError(
                f"The template has a }} with no opening {{ {where}; open the field or "
                "write }} for a literal brace."
            )
        name = " ".join(match.group(1).split())
        if not name:
            raise TemplateError(
                f"The template has an empty field {{}} {where}; put a column name inside "
                "the braces."
            )
        if literal:
            parts.append("".join(literal))
            literal = []
        parts.append((name,))
    literal.append(text[position:])
    if "".join(literal):
        parts.append("".join(literal))
    return Template(text, tuple(parts))


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class BoundTemplate:
    """A template whose fields are tied to columns of one sheet."""

    template: Template
    #: The template as a ``str.format`` pattern over the used columns' values.
    pattern: str
    #: Column index of each used field, in first-use order.
    used: tuple[int, ...]
    #: Column index -> field name as written in the template.
    names: dict[int, str]

    def render(self, values: Sequence[str]) -> tuple[str, list[str]]:
        """The row's text and the fields it left empty (in template order)."""
        count = len(values)
        cells = [values[i].strip() if i < count else "" for i in self.used]
        empty = [self.names[i] for i, cell in zip(self.used, cells, strict=True) if not cell]
        return self.pattern.format(*cells), empty


def bind(template: Template, columns: Sequence[str]) -> BoundTemplate:
    """Tie each field to a column (exact name first, then ignoring case and
    spacing); an unknown field is refused by name."""
    exact = {name: i for i, name in enumerate(columns)}
    loose: dict[str, int] = {}
    for i, name in enumerate(columns):
        loose.setdefault(_key(name), i)
    resolved: dict[str, int] = {}
    for name in template.fields:
        index = exact.get(name, loose.get(_key(name)))
        if index is None:
            raise TemplateError(_unknown_field(name, columns))
        resolved[name] = index
    # Rendering is one str.format call per row (the sheet may have 100,000 rows).
    used = tuple(dict.fromkeys(resolved.values()))
    position = {index: i for i, index in enumerate(used)}
    pattern = "".join(
        f"{{{position[resolved[part[0]]]}}}"
        if isinstance(part, tuple)
        else part.replace("{", "{{").replace("}", "}}")
        for part in template.parts
    )
    names = {index: name for name, index in resolved.items()}
    return BoundTemplate(template, pattern, used, names)


def _unknown_field(name: str, columns: Sequence[str]) -> str:
    by_key = {_key(column): column for column in reversed(columns)}
    close = difflib.get_close_matches(_key(name), list(by_key), n=1, cutoff=0.6)
    hint = f" Did you mean {{{by_key[close[0]]}}}?" if close else ""
    shown = ", ".join(columns[:20]) + (
        f" and {len(columns) - 20} more" if len(columns) > 20 else ""
    )
    return (
        f"The template uses {{{name}}}, which is not a column of the sheet (columns: {shown})."
        f"{hint}"
    )


# Sheets ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SheetRow:
    #: The row's number as a spreadsheet shows it (the header is row 1).
    number: int
    values: list[str]


@dataclass(frozen=True, slots=True)
class Sheet:
    """A table read from a file: column names and rows of text."""

    source: str
    columns: list[str]
    rows: list[SheetRow]
    #: Whether the first row of the file named the columns.
    has_header: bool = True


def _column_names(cells: Sequence[str], width: int) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for i in range(width):
        name = " ".join(cells[i].split()) if i < len(cells) else ""
        name = name or f"column {i + 1}"
        count = seen.get(name.casefold(), 0) + 1
        seen[name.casefold()] = count
        names.append(name if count == 1 else f"{name} ({count})")
    return names


def _sheet(opened: sheets.OpenSheet, source: str) -> Sheet:
    """Every non-empty row of an opened sheet, padded to the widest."""
    records: list[tuple[int, list[str]]] = []
    start = opened.start
    # Rows are numbered as a spreadsheet shows them: blank rows count.
    with bulk():
        for record in opened.rows:
            if record and "".join(record).strip():
                records.append((start(record), record))
    layout = opened.layout
    header = list(layout.header)
    if not records and not header:
        raise InvalidInput(f"{source} has no rows; choose a file with a header and data.")
    width = max([len(cells) for _, cells in records] + [len(header)])
    while (
        width > 1
        and not (len(header) >= width and header[width - 1].strip())
        and all(len(cells) < width or not cells[width - 1].strip() for _, cells in records)
    ):
        width -= 1  # blank columns at the right (a workbook's formatted cells)
    columns = _column_names(header, width)
    with bulk():
        rows = [
            SheetRow(
                number,
                cells[:width] if len(cells) >= width else cells + [""] * (width - len(cells)),
            )
            for number, cells in records
        ]
    return Sheet(source, columns, rows, layout.has_header)


def sheet_from_text(text: str, source: str = "pasted text", *, suffix: str = ".csv") -> Sheet:
    """Read a sheet from already-decoded text (the same reader as files)."""
    if not text.strip():
        raise InvalidInput(f"{source} has no rows; choose a file with a header and data.")
    with sheets.open_text(text, source, suffix=suffix) as opened:
        return _sheet(opened, source)


def read_sheet(path: str | Path, *, sheet: str | None = None) -> Sheet:
    """Read a CSV, TSV, TXT or .xlsx file into a Sheet, exactly as a list import
    reads it (InvalidInput says what is wrong). ``sheet`` names a workbook's
    sheet (None: the first)."""
    file = Path(path).expanduser()
    with sheets.open_sheet(file, sheet=sheet, column_required=False) as opened:
        source = file.name
        if opened.layout.is_workbook and sheet is not None:
            source = f"{file.name} ({opened.layout.sheet})"
        return _sheet(opened, source)


def guess_number_column(sheet: Sheet) -> int | None:
    """The column most likely to hold the phone numbers: named like one and
    holding numbers, else the one holding the most valid numbers."""
    sample = sheet.rows[:_SAMPLE]

    def valid_share(index: int) -> float:
        good = 0
        for row in sample:
            if sheets.cell_number(row.values[index])[0] is not None:
                good += 1
        return good / len(sample) if sample else 0.0

    shares = [valid_share(i) for i in range(len(sheet.columns))]
    for word in _NUMBER_WORDS:
        for i, name in enumerate(sheet.columns):
            if word in name.casefold() and (not sample or shares[i] > 0):
                return i
    best = max(range(len(shares)), key=lambda i: shares[i], default=None)
    if best is None or shares[best] < 0.5:
        return None
    return best
