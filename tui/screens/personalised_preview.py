"""The preview of a personalised send: the first rows as they will read, and the
question asked before sending (what goes out, what it costs, the first text)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.widgets import DataTable

from tui.engine.personalised import PersonalisedPlan, PlannedRow
from tui.engine.templates import Sheet
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
        rows = ", ".join(str(row.row) for row in opted_out[:12])
        more = f" and {len(opted_out) - 12:,} more" if len(opted_out) > 12 else ""
        lines.append(
            f"Left out: {plural(len(opted_out), 'row')} whose number is on the do-not-contact"
            f" list (rows {rows}{more})."
        )
    price = engine.profile.price_per_segment
    if price is not None:
        lines.append(
            f"About {plan.total_segments * price:,.2f} credit at {price:g} a segment "
            "(the profile's price)."
        )
    credit = engine.status.credit
    if credit is not None:
        lines.append(f"Credit now {credit:,.2f}.")
    left_out = {row.row for row in opted_out}
    first = next((row for row in plan.to_send if row.row not in left_out), None)
    if first is not None:
        lines += [f"First message (row {first.row}, to {first.recipient}):", first.text]
    return "\n".join(lines)


def add_preview_columns(preview: DataTable[str]) -> None:
    for label, key, width in (
        ("Row", "row", 4),
        ("Number", "number", 12),
        ("Seg.", "segments", 4),
        ("Encoding", "encoding", 8),
        ("Note", "note", None),
        ("Message", "message", None),
    ):
        preview.add_column(label, key=key, width=width)


def show_preview(preview: DataTable[str], sheet: Sheet, plan: PersonalisedPlan) -> None:
    """The first PREVIEW_ROWS rows of ``sheet``: each text, or why the row is left out."""
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
        note = ""
        if row.empty:
            fields = ", ".join("{" + f + "}" for f in row.empty)
            note = f"Empty {fields}" + (" (skipped)" if plan.skip_empty else "")
        preview.add_row(
            str(number),
            row.recipient,
            str(row.segments),
            "Unicode" if row.is_unicode else "GSM-7",
            note,
            row.text,
        )
