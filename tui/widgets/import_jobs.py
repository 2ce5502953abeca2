"""The Lists screen's table of unfinished imports (resumed or closed from it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Label

if TYPE_CHECKING:
    from tui.engine.service import Engine


class ImportJobs(Vertical):
    """Unfinished imports: what each added, its batches, its source. Hidden when none."""

    DEFAULT_CSS = """
    ImportJobs { height: auto; }
    ImportJobs #jobs-title { padding: 0 1; text-style: bold; }
    ImportJobs #jobs-table { height: auto; max-height: 8; }
    """

    def compose(self) -> ComposeResult:
        yield Label("Unfinished imports (r resumes the selected one, x closes it)", id="jobs-title")
        yield DataTable[str](id="jobs-table", cursor_type="row")

    def on_mount(self) -> None:
        jobs = self.query_one("#jobs-table", DataTable)
        for label, key in (("Import", "job"), ("List", "list"), ("Added", "done"),
                           ("Batches", "batches"), ("Source", "source")):  # fmt: skip
            jobs.add_column(label, key=key)

    def load(self, engine: Engine) -> None:
        table = self.query_one("#jobs-table", DataTable)
        names = {item.id: item.name for item in engine.reads.lists.lists()}
        table.clear()
        for job in engine.lists.unfinished_jobs():
            states = ", ".join(f"{n} {state}" for state, n in sorted(job.batches.items()))
            table.add_row(
                str(job.job_id),
                names.get(job.list_id, job.list_id),
                f"{job.numbers_done:,} of {job.numbers_total:,}",
                states,
                Path(job.source).name,
                key=str(job.job_id),
            )
        self.display = table.display = table.row_count > 0

    def selected(self) -> int | None:
        """The import under the cursor (None: there is none)."""
        table = self.query_one("#jobs-table", DataTable)
        if table.row_count == 0:
            return None
        return int(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))
