"""The Activity screen's unknown outcomes: submits that may or may not have
acted, listed (open ones first), and settled with a note once checked.

The pane checks the choice (an open one selected, a note written where one is
needed) and says what the user wants with ``SettleWanted``; the screen asks
the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label

from tui.widgets.copyable_table import Column, CopyableTable

if TYPE_CHECKING:
    from datetime import datetime

    from tui.ledger import UnknownSubmit

#: How an unknown outcome is settled: with a note only, as arrived, as not
#: arrived, or with the list or file ID the gateway gave (a lost answer).
How = Literal["note", "sent", "not-sent", "id"]

COLUMNS = (
    Column("at", "When", 16),
    Column("summary", "What", 40, 20),
    Column("target", "Sent to", 26, 13),
    Column("state", "State", None, 12),
)
_HOW: dict[str, How] = {
    "settle": "note",
    "settle-sent": "sent",
    "settle-not-sent": "not-sent",
    "settle-list": "id",
}


class UnknownOutcomes(Vertical):
    """The unknown outcomes, with the note field and the settle buttons."""

    class SettleWanted(Message):
        """Settle ``unknown_id`` ``how``, with ``note`` and the ``entered_id``."""

        def __init__(self, unknown_id: int, how: How, note: str, entered_id: str) -> None:
            super().__init__()
            self.unknown_id = unknown_id
            self.how = how
            self.note = note
            self.entered_id = entered_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.open_ids: set[int] = set()

    def compose(self) -> ComposeResult:
        yield Label("Unknown outcomes", id="unknown-title")
        yield CopyableTable(
            COLUMNS, copy_column="target", copy_what="numbers", id="unknown", zebra_stripes=False
        )
        with Horizontal(id="settle-bar"):
            yield Input(
                placeholder="What you found (e.g. delivered, checked on the portal)",
                id="settle-note",
            )
            yield Button("Mark settled", id="settle", variant="primary")
            yield Button("It arrived", id="settle-sent")
            yield Button("It did not", id="settle-not-sent")
        with Horizontal(id="settle-list-bar"):
            yield Input(
                placeholder="List ID (a list creation) or file ID (an upload)",
                id="settle-list-id",
            )
            yield Button("Record the ID", id="settle-list")

    def show(
        self,
        open_items: Sequence[UnknownSubmit],
        settled: Sequence[UnknownSubmit],
        when: Callable[[datetime], str],
    ) -> None:
        """The open ones, then the recently settled ones (``when`` writes a time)."""
        table = self.query_one("#unknown", CopyableTable)
        with self.app.batch_update():
            table.sync(
                [
                    (
                        str(item.id),
                        (
                            when(item.at),
                            item.summary,
                            item.target,
                            f"Settled: {item.note}" if item.settled else "Open",
                        ),
                    )
                    for item in [*open_items, *settled]
                ]
            )
        self.query_one("#unknown-title", Label).update(
            f"Unknown outcomes: {len(open_items)} open"
            + (" (check each, then settle it with a note)" if open_items else "")
        )
        self.open_ids = {item.id for item in open_items}
        self.query_one("#settle-bar").display = bool(open_items)
        self.query_one("#settle-list-bar").display = any(
            (item.ref or "").startswith("create-list:") for item in open_items
        )

    def settle_selected(self, how: How = "note") -> None:
        """Ask to settle the selected entry ``how``; says what is missing instead."""
        unknown_id = self._selected()
        if unknown_id is None:
            return
        note_input = self.query_one("#settle-note", Input)
        note = note_input.value.strip()
        if how == "note" and not note:
            self.notify("Write what you found in the note field before settling.", severity="error")
            note_input.focus()
            return
        entered = self.query_one("#settle-list-id", Input).value
        self.post_message(self.SettleWanted(unknown_id, how, note, entered))

    def clear_entries(self) -> None:
        """Empty the note and ID fields (after a settle)."""
        self.query_one("#settle-note", Input).value = ""
        self.query_one("#settle-list-id", Input).value = ""

    def _selected(self) -> int | None:
        table = self.query_one("#unknown", CopyableTable)
        if table.row_count == 0:
            self.notify("There is no unknown outcome to settle.")
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        unknown_id = int(str(row_key.value))
        if unknown_id not in self.open_ids:
            self.notify("That one is already settled; select an open one.", severity="warning")
            return None
        return unknown_id

    @on(Button.Pressed, "#settle, #settle-sent, #settle-not-sent, #settle-list")
    def _settle_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.settle_selected(_HOW[event.button.id or "settle"])

    @on(Input.Submitted, "#settle-note")
    def _note_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.settle_selected("note")
