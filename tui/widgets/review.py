"""A review: labels on the left, values (the whole message text) on the right.

Wizards end on a review saying exactly what will be created. Values wrap
within their own column, so a long message stays readable under its label at
80 columns; nothing is cut.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

ReviewRows = Sequence[tuple[str, str]]


def review_plain(rows: ReviewRows) -> str:
    """The review as plain text, one label a line (continuation lines indented)."""
    width = max((len(label) for label, _ in rows), default=0)
    lines: list[str] = []
    for label, value in rows:
        first, *rest = value.split("\n")
        lines.append(f"{label:<{width}}  {first}")
        lines.extend(" " * (width + 2) + line for line in rest)
    return "\n".join(lines)


def review_table(rows: ReviewRows) -> Table:
    """The review as a two-column grid for a ``Static``."""
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column(no_wrap=True, style="bold")
    table.add_column(ratio=1, overflow="fold")
    for label, value in rows:
        table.add_row(Text(label), Text(value))
    return table
