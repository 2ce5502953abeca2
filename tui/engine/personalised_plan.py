"""Planning a personalised send: the template rendered for every row of a sheet.

:func:`plan_send` says, before anything is sent, which rows have an invalid
number, which left a field empty, which repeat an earlier row, each text's
encoding and segments, the longest text and the total. :func:`cost_of_rows`
prices it as ``csms send`` does (``engine/costs.py``), with texts of
different lengths.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.engine.costs import CostEstimate, estimate
from tui.engine.sheets import cell_number
from tui.engine.templates import BoundTemplate, Sheet, bind, bulk, parse_template
from tui.gateway.errors import InvalidInput
from tui.gateway.text import analyze
from tui.wording import plural

if TYPE_CHECKING:
    from tui.engine.service import Engine

__all__ = [
    "BadNumberRow",
    "PersonalisedCost",
    "PersonalisedPlan",
    "PlannedRow",
    "cost_of_rows",
    "plan_send",
    "row_list",
]


@dataclass(frozen=True, slots=True)
class PlannedRow:
    #: The row's number in the sheet (the header is row 1).
    row: int
    recipient: str
    text: str
    encoding: str
    segments: int
    #: Template fields this row left empty.
    empty: tuple[str, ...] = ()

    @property
    def is_unicode(self) -> bool:
        return self.encoding == "UCS-2"


@dataclass(frozen=True, slots=True)
class BadNumberRow:
    row: int
    raw: str
    reason: str


@dataclass(frozen=True)
class PersonalisedPlan:
    """What a personalised send would do, row by row."""

    source: str
    template: str
    number_column: str
    #: Every row with a valid number, rendered (rows with empty fields included).
    rows: list[PlannedRow]
    invalid: list[BadNumberRow] = field(default_factory=list)
    #: Rows left out because an earlier row has the same number and text.
    repeats: list[int] = field(default_factory=list)
    skip_empty: bool = True

    @property
    def flagged(self) -> list[PlannedRow]:
        """Rows that left a template field empty."""
        return [row for row in self.rows if row.empty]

    @property
    def to_send(self) -> list[PlannedRow]:
        if not self.skip_empty:
            return list(self.rows)
        return [row for row in self.rows if not row.empty]

    @property
    def total_segments(self) -> int:
        return sum(row.segments for row in self.to_send)

    @property
    def longest(self) -> PlannedRow | None:
        """The message taking the most segments (the longest text among equals)."""
        rows = self.to_send
        return max(rows, key=lambda r: (r.segments, len(r.text)), default=None)

    @property
    def several_texts(self) -> dict[str, list[int]]:
        """Numbers that more than one row sends to (with different texts): their rows."""
        rows: dict[str, list[int]] = {}
        for row in self.to_send:
            rows.setdefault(row.recipient, []).append(row.row)
        return {number: found for number, found in rows.items() if len(found) > 1}

    @property
    def unicode_rows(self) -> int:
        return sum(1 for row in self.to_send if row.is_unicode)

    def summary(self) -> str:
        """What will be sent, in two or three sentences."""
        send = self.to_send
        count = len(send)
        parts = [f"{plural(count, 'message')} to send"]
        longest = self.longest
        if longest is not None:
            parts.append(
                f"{plural(self.total_segments, 'segment')} in all; "
                f"the longest (row {longest.row}) takes {longest.segments}"
            )
            parts.append(f"{self.unicode_rows} in Unicode, {count - self.unicode_rows} in GSM-7")
        text = "; ".join(parts) + "."
        notes: list[str] = []
        if self.flagged:
            rows = rows_named([r.row for r in self.flagged])
            verb = "skipped" if self.skip_empty else "sent with blanks"
            notes.append(f"{len(self.flagged)} with an empty field ({verb}): {rows}")
        if self.invalid:
            notes.append(
                f"{len(self.invalid)} with an invalid number (not sent): "
                f"{rows_named([r.row for r in self.invalid])}"
            )
        if self.repeats:
            notes.append(
                f"{len(self.repeats)} repeating an earlier row's number and text (sent once): "
                f"{rows_named(self.repeats)}"
            )
        several = self.several_texts
        if several:
            rows = rows_named([r for group in several.values() for r in group])
            notes.append(
                f"{plural(len(several), 'number')} on more than one row with different"
                f" texts (each row is sent, so each gets more than one message): {rows}"
            )
        if notes:
            text += " " + "; ".join(notes) + "."
        return text


def rows_named(rows: list[int]) -> str:
    """``row 7`` or ``rows 7, 9 and 12``."""
    return f"{'row' if len(rows) == 1 else 'rows'} {row_list(rows)}"


def row_list(rows: Iterable[int], limit: int = 12) -> str:
    items = list(rows)
    shown = ", ".join(str(r) for r in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def plan_send(
    sheet: Sheet,
    template: str,
    number_column: int | str,
    *,
    skip_empty: bool = True,
) -> PersonalisedPlan:
    """Render ``template`` for every row of ``sheet``. Raises TemplateError for a
    template that cannot be used (unknown field, lone brace) and InvalidInput
    for an unknown number column."""
    bound = bind(parse_template(template), sheet.columns)
    if isinstance(number_column, str):
        if number_column not in sheet.columns:
            raise InvalidInput(
                f"The sheet has no column {number_column!r}; choose the column with the numbers."
            )
        column = sheet.columns.index(number_column)
    else:
        column = number_column
        if not 0 <= column < len(sheet.columns):
            raise InvalidInput("Choose the column that holds the phone numbers.")
    planned: list[PlannedRow] = []
    invalid: list[BadNumberRow] = []
    repeats: list[int] = []
    seen: set[tuple[str, str]] = set()
    with bulk():
        _plan_rows(sheet, bound, column, planned, invalid, repeats, seen)
    return PersonalisedPlan(
        source=sheet.source,
        template=template,
        number_column=sheet.columns[column],
        rows=planned,
        invalid=invalid,
        repeats=repeats,
        skip_empty=skip_empty,
    )


def _plan_rows(
    sheet: Sheet,
    bound: BoundTemplate,
    column: int,
    planned: list[PlannedRow],
    invalid: list[BadNumberRow],
    repeats: list[int],
    seen: set[tuple[str, str]],
) -> None:
    for row in sheet.rows:
        raw = row.values[column].strip()
        # The list import's reader: the same cells are taken, or refused for the same reason.
        recipient, reason = cell_number(raw)
        if recipient is None:
            invalid.append(BadNumberRow(row.number, raw, reason))
            continue
        text, empty = bound.render(row.values)
        if (recipient, text) in seen:
            repeats.append(row.number)
            continue
        seen.add((recipient, text))
        analysis = analyze(text)
        planned.append(
            PlannedRow(
                row.number, recipient, text, analysis.encoding, analysis.segments, tuple(empty)
            )
        )


@dataclass(frozen=True, slots=True)
class PersonalisedCost:
    """What sending texts of several lengths costs: one estimate per segment count."""

    #: One estimate per segment count (recipients with texts of that many segments).
    groups: tuple[CostEstimate, ...]
    price: float | None
    credit: float | None

    @property
    def recipients(self) -> int:
        return sum(group.recipients for group in self.groups)

    @property
    def segments(self) -> int:
        return sum(group.segments for group in self.groups)

    @property
    def cost(self) -> float | None:
        return None if self.price is None else round(self.segments * self.price, 2)

    @property
    def short(self) -> bool:
        """True when the known credit cannot pay the known cost."""
        cost = self.cost
        return cost is not None and self.credit is not None and cost > self.credit

    def sentence(self) -> str:
        """Like ``csms send``: segments x recipients for each text length, the
        total, the cost in credit at the profile's price, and the credit."""
        if len(self.groups) == 1:
            return self.groups[0].sentence()
        whole = estimate(self.segments, 1, price=self.price, credit=self.credit)
        counts = " + ".join(
            f"{plural(g.segments_each, 'segment')} x {plural(g.recipients, 'recipient')}"
            for g in self.groups
        )
        # The single-length sentence, with its first part replaced by the breakdown.
        rest = whole.sentence().split("; ", 1)[1] if "; " in whole.sentence() else ""
        return f"{counts} = {plural(self.segments, 'segment')}; {rest}"

    def as_dict(self) -> dict[str, object]:
        return {
            "recipients": self.recipients,
            "segments": self.segments,
            "by_segments": {str(g.segments_each): g.recipients for g in self.groups},
            "price_per_segment": self.price,
            "cost": self.cost,
            "credit": self.credit,
            "short": self.short,
        }


async def cost_of_rows(engine: Engine, segments: Iterable[int]) -> PersonalisedCost:
    """What sending rows of these segment counts (one per row) costs. The credit
    is asked of the gateway first when the profile knows the price of a segment."""
    price = engine.profile.price_per_segment
    if price is not None and engine.status.credit is None:
        await engine.refresh_account()
    credit = engine.status.credit
    by_segments = Counter(segments)
    groups = tuple(
        estimate(count, segments, price=price, credit=credit)
        for segments, count in sorted(by_segments.items())
    )
    return PersonalisedCost(groups, price, credit)
