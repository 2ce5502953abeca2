"""The Lists screen's table of lists: name, ID, members and when each last
changed, with ``c`` to copy a list's ID.

The name takes the width the other columns leave. A narrow table (the left
half of an 80-column screen) shows the day a list changed without its time,
so every column stays whole instead of the last one being cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.geometry import Size

from tui.widgets.copyable_table import Column, CopyableTable

if TYPE_CHECKING:
    from tui.ledger.lists import ListSummary

#: The table's width from which the time of the last change is shown too.
WITH_TIME_FROM = 53

_NAME = Column("name", "Name", None, 15)
_ID = Column("id", "ID", 8, 5)
_MEMBERS = Column("members", "Members", 9, 7)
WITH_TIME = (_NAME, _ID, _MEMBERS, Column("changed", "Changed", 16))
DATE_ONLY = (_NAME, _ID, _MEMBERS, Column("changed", "Changed", 10))


class ListsTable(CopyableTable):
    """The lists csms knows, keyed by list ID."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_id", "Copy ID", id="lists.copy_id"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(WITH_TIME, id=id, copy_what="list ID")
        self.with_time = True
        #: When each shown list last changed (in the profile's zone).
        self._changed: dict[str, datetime] = {}

    def _widths(self) -> dict[str, int]:
        self.with_time = (self.size.width or self.app.size.width) >= WITH_TIME_FROM
        self.declared = list(WITH_TIME if self.with_time else DATE_ONLY)
        return super()._widths()

    def _changed_text(self, key: str) -> str:
        return self._changed[key].strftime("%Y-%m-%d %H:%M" if self.with_time else "%Y-%m-%d")

    def on_resize(self) -> None:
        # After the columns have their new widths (CopyableTable.on_resize).
        self.call_later(self._show_dates)

    def _show_dates(self) -> None:
        for key in self._changed:
            text = self._changed_text(key)
            if key in self.rows and self.get_cell(key, "changed") != text:
                self.update_cell(key, "changed", text)
        # The scrollable width follows the new column widths (no stray scrollbar).
        width = sum(column.get_render_width(self) for column in self.columns.values())
        self.virtual_size = Size(width, self.virtual_size.height)

    def show(self, summaries: Sequence[ListSummary], zone: tzinfo) -> None:
        """Show exactly ``summaries`` (rows updated in place, keyed by list ID)."""
        self._changed = {item.id: item.updated_at.astimezone(zone) for item in summaries}
        self.sync(
            [
                (item.id, (item.name, item.id, f"{item.members:,}", self._changed_text(item.id)))
                for item in summaries
            ]
        )
