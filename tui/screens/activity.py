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
from textual.containers import Horizontal
from textual.widgets import DataTable, Select, Static

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
from tui.widgets.unknown_outcomes import UnknownOutcomes
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
        yield UnknownOutcomes(id="unknown-pane")

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
        self.query_one(UnknownOutcomes).show(
            ledger.unknown.unknown_submits(),
            ledger.unknown.unknown_submits(settled=True)[:20],
            lambda at: local(at).strftime("%Y-%m-%d %H:%M"),
        )

    def action_settle(self) -> None:
        self.query_one(UnknownOutcomes).settle_selected("note")

    @on(UnknownOutcomes.SettleWanted)
    def _settle(self, event: UnknownOutcomes.SettleWanted) -> None:
        """Settle as the pane asks: with a note only, as arrived or not (import
        batches and personalised rows are counted or queued again), or with the
        list ID a list creation got (the same as ``csms unknown settle``)."""
        from tui.engine.unknown_outcomes import Resolution

        entry = self.engine.reads.unknown.unknown_submit(event.unknown_id)
        if event.how == "id" and entry is not None and entry.kind == "audio":
            self._settle_upload(event.unknown_id, event.entered_id)
            return
        if event.how == "note":
            self.engine.settle_unknown(event.unknown_id, event.note)
            effect = "Marked settled."
        else:
            try:
                if event.how == "id":
                    settled = self.engine.unknown.settle(
                        event.unknown_id, None, list_id=event.entered_id, note=event.note
                    )
                else:
                    sent = Resolution.SENT if event.how == "sent" else Resolution.NOT_SENT
                    settled = self.engine.unknown.settle(event.unknown_id, sent, note=event.note)
            except CsmsError as error:
                self.notify(str(error), severity="error", timeout=10)
                return
            effect = settled.effect
        self.query_one(UnknownOutcomes).clear_entries()
        self.reload_unknown()
        self.notify(effect)

    @work(exclusive=True, group="activity-settle", exit_on_error=False)
    async def _settle_upload(self, unknown_id: int, file_id: str) -> None:
        """An upload whose answer was lost: its file ID is checked with the gateway."""
        try:
            settled = await self.engine.unknown.settle_upload(unknown_id, file_id)
        except CsmsError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.query_one(UnknownOutcomes).clear_entries()
        self.reload_unknown()
        self.notify(settled.effect)

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
