"""Activity: everything in flight and recently finished, sends held until the
sending hours open, and unknown outcomes.

Rows come from the ledger (messages, calls, campaigns, audio) and are updated
in place from the engine's status events. Submits whose outcome is unknown are
listed below with a note field to settle them once the user has checked.

The rows are read on the engine's read-only connection, in a thread, at most
every ``RELOAD_EVERY`` seconds however many events arrive: thousands of
messages in flight never make a key press wait for the table.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from tui.app_services import shell_app
from tui.engine import events
from tui.engine.activity import KINDS, STATES, ActivityRow, activity_rows
from tui.engine.holds import describe
from tui.gateway.errors import CsmsError
from tui.screens.base import EngineScreen, has_engine
from tui.screens.confirm import ConfirmScreen
from tui.screens.dashboard import clock
from tui.screens.display_time import local
from tui.screens.sending_hours import opens_label
from tui.widgets.copyable_table import Column, CopyableTable
from tui.widgets.held_sends import HeldRow, HeldSends
from tui.wording import plural

#: Seconds between reloads of the items caused by events.
RELOAD_EVERY = 0.5

ITEM_COLUMNS = (
    Column("kind", "Kind", 14, 14),
    Column("id", "ID", 14, 9),
    Column("target", "To / name", 24, 14),
    Column("at", "Updated", 8),
    Column("status", "Status", None, 21),
)
UNKNOWN_COLUMNS = (
    Column("at", "When", 16),
    Column("summary", "What", 40, 20),
    Column("target", "Sent to", 26, 13),
    Column("state", "State", None, 12),
)


class ActivityTable(CopyableTable):
    """Items and their statuses; ``c`` copies the selected item's ID."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_id", "Copy ID", id="activity.copy_id"),
    ]

    def action_copy_id(self) -> None:
        key = self.cursor_key()
        if key is not None:
            kind = str(self.get_cell(key, "kind")).lower()
            self.copy_what = f"{kind} ID"
        super().action_copy_id()


class ActivityScreen(EngineScreen):
    """In flight and recently finished work, live; unknown outcomes to settle."""

    CSS_PATH = "../styles/activity.tcss"
    AUTO_FOCUS = "#items"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "Reload", id="activity.reload"),
        Binding("t", "settle", "Settle unknown", id="activity.settle"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = "all"
        self.state = "all"
        self.rows: dict[str, ActivityRow] = {}
        self._reload_pending = False
        self.open_unknown: set[int] = set()

    def compose(self) -> ComposeResult:
        with Horizontal(id="activity-top"):
            yield Select[str](
                [("All kinds", "all"), *((label, kind) for kind, label in KINDS.items())],
                allow_blank=False,
                value="all",
                id="kind-filter",
            )
            yield Select[str](
                [(label, state) for state, label in STATES.items()],
                allow_blank=False,
                value="all",
                id="state-filter",
            )
            yield Static("", id="poll-info")
        yield ActivityTable(ITEM_COLUMNS, id="items")
        yield HeldSends(id="held-pane")
        with Vertical(id="unknown-pane"):
            yield Label("Unknown outcomes", id="unknown-title")
            yield CopyableTable(
                UNKNOWN_COLUMNS,
                copy_column="target",
                copy_what="numbers",
                id="unknown",
                zebra_stripes=False,
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

    def on_mount(self) -> None:
        self.catch_up()

    @on(DataTable.RowSelected, "#items")
    def _open_conversation(self, event: DataTable.RowSelected) -> None:
        """Enter on an SMS or a call: the conversation with its number."""
        event.stop()
        kind = str(event.row_key.value or "").partition(":")[0]
        if kind not in ("message", "call"):
            self.notify("Enter opens the conversation of an SMS or a call.", timeout=4)
            return
        target = str(event.data_table.get_cell(event.row_key, "target"))
        app = shell_app(self.app)
        if app is not None:
            app.open_conversation(target)

    def catch_up(self) -> None:
        if not has_engine(self):
            return
        status = self.engine.status
        self._show_polling(status.last_poll, status.next_poll, None)
        self.reload()
        self.reload_held()
        self.reload_unknown()

    def action_reload(self) -> None:
        self.catch_up()

    # -- items --------------------------------------------------------------------

    def reload(self) -> None:
        """Read the filtered items from the ledger (in a thread) and show them."""
        self._reload_pending = False
        self._load_items(self.kind, self.state)

    @work(exclusive=True, group="activity-items", exit_on_error=False)
    async def _load_items(self, kind: str, state: str) -> None:
        rows = await asyncio.to_thread(activity_rows, self.engine.reads, kind, state)
        if (kind, state) == (self.kind, self.state):
            self._show_items(rows)

    def _show_items(self, rows: list[ActivityRow]) -> None:
        table = self.query_one(ActivityTable)
        with self.app.batch_update():
            table.sync(
                [
                    (row.key, (row.label, row.id, row.target, clock(row.at), row.status))
                    for row in rows
                ],
                keep_order=True,
            )
        self.rows = {row.key: row for row in rows}

    def _schedule_reload(self) -> None:
        if not self._reload_pending:
            self._reload_pending = True
            self.set_timer(RELOAD_EVERY, self.reload)

    @on(Select.Changed, "#kind-filter")
    def _kind_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self.kind:
            self.kind = event.value
            self.reload()

    @on(Select.Changed, "#state-filter")
    def _state_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self.state:
            self.state = event.value
            self.reload()

    def _show_polling(
        self, last: datetime | None, following: datetime | None, in_flight: int | None
    ) -> None:
        # The tracker's figure, as on the Dashboard: every kind it polls.
        count = "" if in_flight is None else f" · {plural(in_flight, 'item')} polled"
        self.query_one("#poll-info", Static).update(
            f"Polled {clock(last)} · next {clock(following)}{count}"
        )

    # -- held sends -------------------------------------------------------------------

    def reload_held(self) -> None:
        holds = self.engine.holds
        zone, now = holds.hours.zone, holds.clock()

        def due(at: datetime) -> str:
            label = opens_label(at.astimezone(zone), now)
            return label if " " in label else f"today {label}"

        goes_out = due(holds.goes_out(now))  # the next opening of the hours as set now
        rows = [
            HeldRow(
                held.id,
                goes_out,
                describe(held),
                "Held" if held.state == "held" else "Sending",
            )
            for held in self.engine.reads.holds.holds()
        ]
        self.query_one(HeldSends).show(rows)

    @on(HeldSends.CancelWanted)
    def _cancel_wanted(self, event: HeldSends.CancelWanted) -> None:
        event.stop()
        hold_id = event.hold_id

        def answered(confirmed: bool | None) -> None:
            if not confirmed:
                return
            try:
                self.engine.holds.cancel(hold_id)
            except CsmsError as error:
                self.notify(str(error), severity="error", timeout=10)
            else:
                self.notify(f"Hold {hold_id} cancelled; nothing of it was sent.")
            self.reload_held()

        self.app.push_screen(
            ConfirmScreen(
                f"Cancel hold {hold_id}? {event.what}\n\nIt will not be sent.",
                title="Cancel a held send",
                confirm_label="Cancel the hold",
                cancel_label="Keep it",
                danger=True,
            ),
            answered,
        )

    # -- unknown outcomes ----------------------------------------------------------

    def reload_unknown(self) -> None:
        ledger = self.engine.reads
        open_items = ledger.unknown.unknown_submits()
        settled = ledger.unknown.unknown_submits(settled=True)[:20]
        table = self.query_one("#unknown", CopyableTable)
        with self.app.batch_update():
            table.sync(
                [
                    (
                        str(item.id),
                        (
                            local(item.at).strftime("%Y-%m-%d %H:%M"),
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
        self.open_unknown = {item.id for item in open_items}
        self.query_one("#settle-bar").display = bool(open_items)
        self.query_one("#settle-list-bar").display = any(
            (item.ref or "").startswith("create-list:") for item in open_items
        )

    def action_settle(self) -> None:
        table = self.query_one("#unknown", DataTable)
        if table.row_count == 0:
            self.notify("There is no unknown outcome to settle.")
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        unknown_id = int(str(row_key.value))
        if unknown_id not in self.open_unknown:
            self.notify("That one is already settled; select an open one.", severity="warning")
            return
        note_input = self.query_one("#settle-note", Input)
        note = note_input.value.strip()
        if not note:
            self.notify("Write what you found in the note field before settling.", severity="error")
            note_input.focus()
            return
        self.engine.settle_unknown(unknown_id, note)
        note_input.value = ""
        self.reload_unknown()
        self.notify("Marked settled.")

    @on(Button.Pressed, "#settle")
    def _settle_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_settle()

    @on(Button.Pressed, "#settle-sent, #settle-not-sent, #settle-list")
    def _settle_as(self, event: Button.Pressed) -> None:
        """Settle the selected entry as arrived / not arrived / created with a list ID:
        import batches and personalised rows are counted or queued again, a list
        creation records the list (the same as ``csms unknown settle``)."""
        from tui.engine.unknown_outcomes import Resolution

        event.stop()
        unknown_id = self._selected_unknown()
        if unknown_id is None:
            return
        note = self.query_one("#settle-note", Input).value.strip()
        list_field = self.query_one("#settle-list-id", Input)
        entry = self.engine.reads.unknown.unknown_submit(unknown_id)
        if event.button.id == "settle-list" and entry is not None and entry.kind == "audio":
            self._settle_upload(unknown_id, list_field.value)
            return
        try:
            if event.button.id == "settle-list":
                settled = self.engine.unknown.settle(
                    unknown_id, None, list_id=list_field.value, note=note
                )
            else:
                sent = event.button.id == "settle-sent"
                resolution = Resolution.SENT if sent else Resolution.NOT_SENT
                settled = self.engine.unknown.settle(unknown_id, resolution, note=note)
        except CsmsError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.query_one("#settle-note", Input).value = ""
        list_field.value = ""
        self.reload_unknown()
        self.notify(settled.effect)

    @work(exclusive=True, group="activity-settle", exit_on_error=False)
    async def _settle_upload(self, unknown_id: int, file_id: str) -> None:
        """An upload whose answer was lost: its file ID is checked with the gateway."""
        try:
            settled = await self.engine.unknown.settle_upload(unknown_id, file_id)
        except CsmsError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.query_one("#settle-list-id", Input).value = ""
        self.reload_unknown()
        self.notify(settled.effect)

    def _selected_unknown(self) -> int | None:
        table = self.query_one("#unknown", DataTable)
        if table.row_count == 0:
            self.notify("There is no unknown outcome to settle.")
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        unknown_id = int(str(row_key.value))
        if unknown_id not in self.open_unknown:
            self.notify("That one is already settled; select an open one.", severity="warning")
            return None
        return unknown_id

    @on(Input.Submitted, "#settle-note")
    def _note_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_settle()

    # -- events -------------------------------------------------------------------

    def on_engine_event(self, event: events.Event) -> None:
        if isinstance(event, events.StatusChanged):
            key = f"{event.kind}:{event.item_id}"
            table = self.query_one(ActivityTable)
            if key in table.rows:
                status = f"{event.status} ({event.detail})" if event.detail else event.status
                table.update_cell(key, "status", status)
                table.update_cell(key, "at", clock(event.at))
            elif self.is_active:
                self._schedule_reload()
        elif isinstance(event, events.Submitted | events.Dropped) and self.is_active:
            self._schedule_reload()
        elif isinstance(event, events.PollCycle):
            self._show_polling(event.last_poll, event.next_poll, event.in_flight)
        if isinstance(event, events.OutcomeUnknownRecorded | events.Dropped):
            self.reload_unknown()
        if isinstance(event, events.HoldsChanged | events.Dropped):
            self.reload_held()
