"""One data table for every list of items: columns that fit the width, ``c``
to copy the selected row's ID, and an ``-empty`` class while it has no rows.

Columns are declared once with a preferred and a minimum width; one column
(usually the status) is flexible and takes whatever the others leave. When
the table is narrower than the preferred widths (80 columns), the shrinkable
columns give way down to their minimum first, so the key columns (ID, state,
status) stay readable instead of being cut to their first few letters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from tui.app_services import copy_text

#: Columns of padding DataTable puts around each cell, and the scrollbar.
_CELL_PADDING = 2
_SCROLLBAR = 2


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    #: Preferred width; None for the flexible column (it takes the rest).
    width: int | None = None
    #: The narrowest it may become (None: it never shrinks).
    min_width: int | None = None


def fit_widths(columns: Sequence[Column], available: int) -> dict[str, int]:
    """Each column's width for a table ``available`` cells wide (padding excluded
    by the caller): preferred widths when they fit, else the shrinkable columns
    shrink in proportion, down to their minimum; the flexible columns share
    what is left (at least their minimum)."""
    fixed = [c for c in columns if c.width is not None]
    flexible = [c for c in columns if c.width is None]
    flex_floor = sum(c.min_width or 8 for c in flexible)
    widths = {c.key: c.width or 0 for c in fixed}
    excess = sum(widths.values()) + flex_floor - available
    if excess > 0:
        room = {c.key: (c.width or 0) - (c.min_width or c.width or 0) for c in fixed}
        total_room = sum(room.values())
        if total_room:
            for column in fixed:
                cut = min(room[column.key], -(-excess * room[column.key] // total_room))
                widths[column.key] -= cut
    rest = available - sum(widths.values())
    for index, column in enumerate(flexible):
        share = rest // (len(flexible) - index) if flexible else 0
        width = max(column.min_width or 8, share)
        widths[column.key] = width
        rest -= width
    return widths


class CopyableTable(DataTable[str]):
    """A row-cursor table over declared :class:`Column` s; ``c`` copies the value
    of ``copy_column`` (subclasses give the binding their own keymap id)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_id", "Copy ID"),
    ]

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        copy_column: str = "id",
        copy_what: str = "ID",
        id: str | None = None,
        zebra_stripes: bool = True,
    ) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=zebra_stripes)
        self.declared = list(columns)
        self.copy_column = copy_column
        self.copy_what = copy_what

    def on_mount(self) -> None:
        widths = self._widths()
        for column in self.declared:
            self.add_column(column.label, key=column.key, width=widths[column.key])
        self.set_class(True, "-empty")

    def on_resize(self) -> None:
        widths = self._widths()
        for column in self.declared:
            if column.key in self.columns:
                self.columns[column.key].width = widths[column.key]  # type: ignore[index]
        self.refresh()

    def _widths(self) -> dict[str, int]:
        width = self.size.width or self.app.size.width
        available = width - _CELL_PADDING * len(self.declared) - _SCROLLBAR
        return fit_widths(self.declared, available)

    # -- rows -------------------------------------------------------------------------

    def upsert(self, key: str, cells: Sequence[str]) -> None:
        """Add the row ``key``, or update the cells of the one already there."""
        if key in self.rows:
            for column, value in zip(self.declared, cells, strict=True):
                if self.get_cell(key, column.key) != value:
                    self.update_cell(key, column.key, value)
        else:
            self.add_row(*cells, key=key)
        self.set_class(False, "-empty")

    def sync(self, rows: Sequence[tuple[str, Sequence[str]]], *, keep_order: bool = False) -> None:
        """Show exactly ``rows`` (in that order), updating rows by key where the
        order is unchanged, so the cursor stays on its item. With ``keep_order``
        the same rows in another order are updated where they stand (a live
        table whose order follows its statuses would otherwise be rebuilt, and
        jump under the cursor, at every change)."""
        keys = [key for key, _ in rows]
        shown = [str(key.value) for key in self.rows]
        if keys == shown or (keep_order and len(keys) == len(shown) and set(keys) == set(shown)):
            for key, cells in rows:
                self.upsert(key, cells)
        else:
            current = self.cursor_key()
            self.clear()
            for key, cells in rows:
                self.add_row(*cells, key=key)
            if current is not None and current in self.rows:
                self.move_cursor(row=self.get_row_index(current))
        self.set_class(not rows, "-empty")

    def cursor_key(self) -> str | None:
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)

    def action_copy_id(self) -> None:
        key = self.cursor_key()
        if key is None:
            return
        value = str(self.get_cell(key, self.copy_column))
        if not value or value == "—":
            self.notify(f"This row has no {self.copy_what} to copy.", severity="warning")
            return
        copy_text(self.app, value, self.copy_what)
