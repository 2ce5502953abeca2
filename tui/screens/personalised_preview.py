"""The preview of a personalised send: the first rows as they will read, and the
question asked before sending (what goes out, what it costs, the first text).

The message column comes right after the number and its segments and takes
the width left, so the texts read at 80 columns; a row that sends nothing says
why in its place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.geometry import Size
from textual.widgets import DataTable

from tui.engine.personalised import PersonalisedPlan, PlannedRow
from tui.engine.personalised_plan import rows_named
from tui.engine.templates import Sheet
from tui.screens.display_time import credit_sentence
from tui.widgets.copyable_table import Column
from tui.wording import plural

if TYPE_CHECKING:
    from tui.engine.service import Engine

#: Rows shown in the preview.
PREVIEW_ROWS = 20


def send_question(
    plan: PersonalisedPlan,
    mask: str | None,
    engine: Engine,
    opted_out: Sequence[PlannedRow] = (),
) -> str:
    """The confirmation: what goes out and what it costs, and the first message
    as its recipient will read it (``opted_out``: rows left out for the
    do-not-contact list)."""
    lines = [plan.summary(), f"Mask: {mask or 'the account default'}."]
    if opted_out:
        lines.append(
            f"Left out: {plural(len(opted_out), 'row')} whose number is on the do-not-contact"
            f" list ({rows_named([row.row for row in opted_out])})."
        )
    price = engine.profile.price_per_segment
    if price is not None:
        lines.append(
            f"About {plan.total_segments * price:,.2f} credit at {price:g} a segment "
            "(the profile's price)."
        )
    credit = engine.status.credit
    if credit is not None:
        lines.append(credit_sentence(credit, engine.status.credit_at))
    left_out = {row.row for row in opted_out}
    first = next((row for row in plan.to_send if row.row not in left_out), None)
    if first is not None:
        lines += [f"First message (row {first.row}, to {first.recipient}):", first.text]
    return "\n".join(lines)


#: The columns before the message (widths fixed), and the note after it.
LEADING = (
    Column("row", "Row", 4),
    Column("number", "Number", 12),
    Column("segments", "Seg.", 4),
    Column("encoding", "Encoding", 8),
)
NOTE = Column("note", "Note", 24)
#: The narrowest message beside which the note is shown; on a narrower table
#: the message takes the whole width and the note is reached by scrolling right.
MESSAGE_WITH_NOTE = 40


class PreviewTable(DataTable[str]):
    """The preview's rows; the message column takes the width the others leave."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, zebra_stripes=True)

    def widths(self) -> dict[str, int]:
        columns = (*LEADING, NOTE)
        width = self.size.width or self.app.size.width
        # Padding of 1 each side of every cell, and the vertical scrollbar.
        available = width - 2 * (len(columns) + 1) - 2
        widths = {c.key: c.width or 0 for c in columns}
        message = available - sum(widths.values())
        if message < MESSAGE_WITH_NOTE:
            # The note beyond the right edge; without a scrollbar the message
            # fills its room too (no sliver of the note's heading shows).
            message += (NOTE.width or 0) + 4
        return {**widths, "message": max(message, MESSAGE_WITH_NOTE)}

    def on_mount(self) -> None:
        widths = self.widths()
        for column in (*LEADING, Column("message", "Message"), NOTE):
            self.add_column(column.label, key=column.key, width=widths[column.key])

    def on_resize(self) -> None:
        for key, width in self.widths().items():
            self.columns[key].width = width  # type: ignore[index]
        total = sum(column.get_render_width(self) for column in self.columns.values())
        self.virtual_size = Size(total, self.virtual_size.height)
        self.refresh()


def show_preview(preview: DataTable[str], sheet: Sheet, plan: PersonalisedPlan) -> None:
    """The first PREVIEW_ROWS rows of ``sheet``: each text as it will read, or in
    its place why the row is left out; a note on a text with an empty field."""
    preview.clear()
    invalid = {r.row: r for r in plan.invalid}
    planned = {r.row: r for r in plan.rows}
    repeats = set(plan.repeats)
    for sheet_row in sheet.rows[:PREVIEW_ROWS]:
        number = sheet_row.number
        if number in invalid:
            bad = invalid[number]
            # "is a landline; ..." reads after the value, as the lists' report says it.
            why = f"{bad.raw!r} {bad.reason}" if bad.reason.startswith("is ") else bad.reason
            preview.add_row(str(number), bad.raw, "", "", f"Invalid number: {why}", "")
            continue
        if number in repeats:
            preview.add_row(str(number), "", "", "", "Same number and text as above", "")
            continue
        row = planned[number]
        fields = ", ".join("{" + f + "}" for f in row.empty)
        if row.empty and plan.skip_empty:
            preview.add_row(str(number), row.recipient, "", "", f"Empty {fields} (skipped)", "")
            continue
        preview.add_row(
            str(number),
            row.recipient,
            str(row.segments),
            "Unicode" if row.is_unicode else "GSM-7",
            row.text,
            f"Empty {fields}" if row.empty else "",
        )
