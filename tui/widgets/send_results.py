"""What a quick send became: one row per recipient with its ID and live status,
and a summary line (sent, failed, waiting, unknown...).

Statuses are the gateway's (``querymsg`` / call status, as the engine's tracker
reports them); the summary is counted here from those rows. The Status column
takes the width the table leaves, so "Not Responding" or "Call Sent (pressed 2)"
is never cut to the width of the first status shown. ``c`` copies a row's ID.
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from tui.app_services import copy_text
from tui.gateway.codes import CallStatus, MessageStatus
from tui.widgets._styled import StyledWidget

#: Where a row stands, for the summary.
Outcome = Literal["waiting", "sent", "failed", "unknown", "not sent", "blocked", "held"]

_SENT_LABELS = {MessageStatus.SENT.label, CallStatus.SENT.label}
_FIXED_WIDTHS = {"recipient": 13, "kind": 13, "id": 16}
_SUMMARY_ORDER: tuple[Outcome, ...] = (
    "sent",
    "waiting",
    "failed",
    "unknown",
    "not sent",
    "blocked",
    "held",
)


def outcome_of(status: str, final: bool) -> Outcome:
    """A tracked item's outcome from its status label and whether it is final."""
    if not final:
        return "waiting"
    return "sent" if status.split(" (")[0] in _SENT_LABELS else "failed"


def summary_text(outcomes: Counter[Outcome]) -> str:
    """``3 sent · 1 waiting · 1 unknown outcome``: only the outcomes present."""
    parts: list[str] = []
    for outcome in _SUMMARY_ORDER:
        count = outcomes.get(outcome, 0)
        if count:
            noun: str = outcome
            if outcome == "unknown":
                noun = "unknown outcome" if count == 1 else "unknown outcomes"
            parts.append(f"{count:,} {noun}")
    return " · ".join(parts) if parts else "Nothing sent yet."


class ResultsTable(DataTable[str]):
    """Sent items and their live statuses; ``c`` copies the selected row's ID."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_id", "Copy ID", id="quick_send.copy_id"),
    ]

    def action_copy_id(self) -> None:
        if self.row_count == 0:
            return
        row = self.get_row_at(self.cursor_row)
        kind, item_id = row[1], row[2]
        if not item_id or item_id == "—":
            self.notify("This row has no ID to copy.", severity="warning")
            return
        copy_text(self.app, item_id, f"{kind.lower()} ID")


class SendResults(StyledWidget):
    """The results of the current form's sends, newest last, with a summary."""

    DEFAULT_CSS = """
    SendResults { height: auto; max-height: 45%; min-height: 4; border-top: solid $primary; }
    SendResults > #results-summary { height: 1; padding: 0 1; color: $text-muted; }
    SendResults > ResultsTable { height: auto; max-height: 100%; min-height: 2; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._outcomes: dict[str, Outcome] = {}
        self._rows = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="results-summary", markup=False)
        yield ResultsTable(id="results", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.table
        table.add_column("Recipient", key="recipient", width=_FIXED_WIDTHS["recipient"])
        table.add_column("Kind", key="kind", width=_FIXED_WIDTHS["kind"])
        table.add_column("ID", key="id", width=_FIXED_WIDTHS["id"])
        table.add_column("Status", key="status", width=self._status_width())
        self.display = False

    @property
    def table(self) -> ResultsTable:
        return self.query_one(ResultsTable)

    def on_resize(self) -> None:
        self.table.columns["status"].width = self._status_width()  # type: ignore[index]
        self.table.refresh()

    def _status_width(self) -> int:
        # Cell padding is one column each side.
        taken = sum(_FIXED_WIDTHS.values()) + 2 * len(_FIXED_WIDTHS) + 2 + 2
        return max(26, self.size.width - taken)

    def has(self, key: str) -> bool:
        return key in self.table.rows

    def add(self, recipient: str, kind: str, item_id: str, status: str, outcome: Outcome) -> None:
        """A row for an item the gateway numbered (``kind:id`` key) or not (``—``)."""
        self._rows += 1
        key = f"{kind}:{item_id}" if item_id != "—" else f"row:{self._rows}"
        self.add_keyed(key, recipient, kind, item_id, status, outcome)

    def add_keyed(
        self, key: str, recipient: str, kind: str, item_id: str, status: str, outcome: Outcome
    ) -> None:
        table = self.table
        if key in table.rows:
            self.set_status(key, status, outcome)
            return
        table.add_row(recipient, kind, item_id, status, key=key)
        self._outcomes[key] = outcome
        self.display = True
        table.move_cursor(row=table.row_count - 1)
        self._summarise()

    def set_status(self, key: str, status: str, outcome: Outcome) -> bool:
        """Update a row's status; False when no row has ``key``."""
        table = self.table
        if key not in table.rows:
            return False
        table.update_cell(key, "status", status)
        self._outcomes[key] = outcome
        self._summarise()
        return True

    def clear(self) -> None:
        self.table.clear()
        self._outcomes.clear()
        self.display = False
        self._summarise()

    def _summarise(self) -> None:
        self.query_one("#results-summary", Static).update(
            summary_text(Counter(self._outcomes.values()))
        )
