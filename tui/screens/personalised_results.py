"""The rows of one personalised send: the state of each row, the status of the
message it became and any error, filtered by state, exported to CSV.

Opened with Enter on a send in the personalised screen's table (the running one
or an earlier one). Rows are shown a page at a time; the view follows the send
and the statuses as they change. ``e`` writes every row to a CSV file (asking
before replacing one), with times in the profile's zone.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, Select, Static

from tui.engine.sms_campaigns import profile_zone
from tui.ledger import LedgerError
from tui.ledger.sendjobs import ROW_STATES, SendResult
from tui.screens.base import engine_of
from tui.screens.path_prompt import PathPrompt
from tui.widgets.app_footer import AppFooter
from tui.wording import plural

#: Rows shown at a time (n and b page through the rest).
PAGE = 200
#: Seconds between refreshes while the screen is shown.
REFRESH = 2.0
#: The filter choices, in the order ``f`` goes through them (None: every row).
FILTERS: tuple[str | None, ...] = (None, "sent", "failed", "unknown", "pending", "sending")


class PersonalisedResultsScreen(Screen[None]):
    """Every row of personalised send ``job`` with its result."""

    CSS_PATH = "../styles/personalised.tcss"
    AUTO_FOCUS = "#res-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "next_filter", "Filter", id="personalised_results.filter"),
        Binding("e", "export", "Export", id="personalised_results.export"),
        Binding("n", "page(1)", "Next page", id="personalised_results.next", show=False),
        Binding("b", "page(-1)", "Prev. page", id="personalised_results.previous", show=False),
        Binding("escape", "close", "Back", id="personalised_results.close"),
    ]

    def __init__(self, job: int) -> None:
        super().__init__()
        self.job = job
        self.row_state: str | None = None
        self.page_start = 0
        #: How many rows the filter matches (for the pages).
        self.matching = 0
        #: The rows shown now.
        self.shown: list[SendResult] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="res-title", markup=False)
        yield Static("", id="res-counts", markup=False)
        with Horizontal(id="res-bar"):
            yield Select[str](
                [("All rows", "all"), *((s.title(), s) for s in ROW_STATES)],
                value="all", allow_blank=False, compact=True, id="res-filter",
            )  # fmt: skip
            yield Button("Export… (e)", id="res-export", compact=True)
            yield Button("Back (Esc)", id="res-back", compact=True)
        yield DataTable(id="res-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="res-page", markup=False)
        yield AppFooter()

    def on_mount(self) -> None:
        table = self.query_one("#res-table", DataTable)
        for label, key, width in (
            ("Row", "row", 5),
            ("Number", "number", 12),
            ("State", "state", 7),
            ("Message status", "status", 15),
            ("Error", "error", None),
        ):
            table.add_column(label, key=key, width=width)
        self.reload()
        self.set_interval(REFRESH, self.reload)

    # -- rows ---------------------------------------------------------------------

    def reload(self) -> None:
        """Read the counts and the page shown again (the ledger is quick at this)."""
        ledger = engine_of(self).reads
        try:
            summary = ledger.send_jobs.send_job_summary(self.job)
        except LedgerError as error:
            self.query_one("#res-title", Static).update(str(error))
            return
        running = engine_of(self).personalised.current == self.job
        shown_state = "running" if running else summary.state
        self.query_one("#res-title", Static).update(
            f"Personalised send {self.job} · {summary.source} · {shown_state}"
        )
        counts = ", ".join(f"{summary.rows[s]:,} {s}" for s in ROW_STATES if summary.rows.get(s))
        self.query_one("#res-counts", Static).update(
            f"{plural(summary.total, 'row')}: {counts or 'none'}"
        )
        self.matching = (
            summary.total if self.row_state is None else summary.rows.get(self.row_state, 0)
        )
        if self.page_start >= max(1, self.matching):
            self.page_start = max(0, (self.matching - 1) // PAGE * PAGE)
        rows = ledger.send_jobs.send_results(
            self.job, self.row_state, limit=PAGE, offset=self.page_start
        )
        if rows != self.shown:
            self._show(rows)
        self._page_line()

    def _show(self, rows: list[SendResult]) -> None:
        table = self.query_one("#res-table", DataTable)
        cursor = table.cursor_row
        self.shown = rows
        with self.app.batch_update():
            table.clear()
            for row in rows:
                table.add_row(
                    str(row.row),
                    row.recipient,
                    row.state,
                    row.status_label,
                    row.error or "",
                    key=str(row.row),
                )
            if rows:
                table.move_cursor(row=min(cursor, len(rows) - 1))

    def _page_line(self) -> None:
        which = "rows" if self.row_state is None else f"{self.row_state} rows"
        if not self.matching:
            text = f"No {which}."
        else:
            last = min(self.page_start + PAGE, self.matching)
            text = f"{which.capitalize()} {self.page_start + 1:,}-{last:,} of {self.matching:,}"
            if self.matching > PAGE:
                text += " · n next page, b previous"
        self.query_one("#res-page", Static).update(text)

    # -- filter and pages -----------------------------------------------------------

    @on(Select.Changed, "#res-filter")
    def _filter_changed(self, event: Select.Changed) -> None:
        value = event.value
        state = value if isinstance(value, str) and value != "all" else None
        if state != self.row_state:
            self.row_state = state
            self.page_start = 0
            self.shown = []
            self.reload()

    def action_next_filter(self) -> None:
        following = FILTERS[(FILTERS.index(self.row_state) + 1) % len(FILTERS)]
        self.query_one("#res-filter", Select).value = following or "all"

    def action_page(self, step: int) -> None:
        offset = self.page_start + step * PAGE
        if 0 <= offset < self.matching:
            self.page_start = offset
            self.reload()

    # -- export -----------------------------------------------------------------------

    @on(Button.Pressed, "#res-export")
    def action_export(self) -> None:
        self._export()

    @work(exclusive=True, group="personalised-results-export", exit_on_error=False)
    async def _export(self) -> None:
        default = Path.cwd() / f"personalised-{self.job}.csv"
        path = await self.app.push_screen_wait(
            PathPrompt(
                f"Write every row of personalised send {self.job} to",
                default,
                replacing=f"the rows of personalised send {self.job}",
            )
        )
        if path is None:
            return
        engine = engine_of(self)
        try:
            rows = await asyncio.to_thread(
                engine.reads.send_jobs.export_send_job_csv, self.job, path, profile_zone(engine)
            )
        except LedgerError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.notify(f"Wrote {plural(rows, 'row')} of personalised send {self.job} to {path}.")

    @on(Button.Pressed, "#res-back")
    def action_close(self) -> None:
        self.dismiss(None)
