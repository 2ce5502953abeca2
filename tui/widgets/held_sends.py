"""Sends held until the sending hours open: listed, and cancelled with ``x``.

The pane shows itself only while something is held. Cancelling asks first, on
the screen: the widget says which hold was chosen (``CancelWanted``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label

from tui.widgets.copyable_table import Column, CopyableTable
from tui.wording import plural

COLUMNS = (
    Column("id", "Hold", 6),
    Column("due", "Goes out", 12),
    Column("what", "What", None, 20),
    Column("state", "State", 9),
)


@dataclass(frozen=True)
class HeldRow:
    """One hold as the pane shows it (times already in the profile's zone)."""

    hold_id: int
    due: str
    what: str
    #: "Held" (waiting for the hours), or "Sending" (going out now).
    state: str


class HeldTable(CopyableTable):
    """The holds; ``x`` asks to cancel the selected one, ``c`` copies its ID."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_id", "Copy ID", id="held.copy_id"),
        Binding("x", "cancel_hold", "Cancel hold", id="held.cancel"),
    ]

    def action_cancel_hold(self) -> None:
        key = self.cursor_key()
        if key is None:
            return
        state = str(self.get_cell(key, "state"))
        if state != "Held":
            self.notify(f"Hold {key} is going out now; it cannot be cancelled.", severity="warning")
            return
        self.post_message(HeldSends.CancelWanted(int(key), str(self.get_cell(key, "what"))))


class HeldSends(Vertical):
    """What is held until the sending hours open (hidden while nothing is)."""

    DEFAULT_CSS = """
    HeldSends { height: auto; max-height: 40%; display: none; padding: 0 1; }
    HeldSends.-some { display: block; border-top: solid $primary; }
    HeldSends > #held-title { text-style: bold; }
    HeldSends > HeldTable { height: auto; max-height: 6; }
    """

    class CancelWanted(Message):
        """The user asked to cancel hold ``hold_id`` (``what``: what it sends)."""

        def __init__(self, hold_id: int, what: str) -> None:
            super().__init__()
            self.hold_id = hold_id
            self.what = what

    def compose(self) -> ComposeResult:
        yield Label("", id="held-title")
        yield HeldTable(COLUMNS, copy_what="hold ID", id="held", zebra_stripes=False)

    def show(self, rows: list[HeldRow]) -> None:
        self.query_one(HeldTable).sync(
            [(str(row.hold_id), (str(row.hold_id), row.due, row.what, row.state)) for row in rows]
        )
        self.set_class(bool(rows), "-some")
        self.query_one("#held-title", Label).update(
            f"Held until the sending hours open: {plural(len(rows), 'send')} "
            "(x cancels the selected one)"
            if rows
            else ""
        )

    @property
    def count(self) -> int:
        return self.query_one(HeldTable).row_count
