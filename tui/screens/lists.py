"""Lists: the subscriber lists csms knows, creating one, adding numbers, exporting.

Numbers come from a file (``widgets/import_source.py``) or are pasted; a preview
(``import_preview.py``) says what an upload would do, and nothing is sent until
the user confirms. The upload is an engine job (progress, rate, time left; it can
be cancelled, and one cut off is resumed). Enter or ``m``: a list's members.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, Static

from tui.engine import events
from tui.engine.imports import ImportPreview, preview_file, preview_text
from tui.engine.jobs import Job
from tui.engine.list_members import ListMembers
from tui.engine.list_upload import JOB_KIND, Fields, ListUploader, UploadResult
from tui.engine.sms_campaigns import profile_zone
from tui.engine.upload_run import KIND as IMPORT_KIND
from tui.gateway.errors import CsmsError
from tui.ledger import LedgerError
from tui.screens.base import EngineScreen, has_engine
from tui.screens.confirm import ConfirmScreen
from tui.screens.file_choice import SHEET_SUFFIXES, open_picker
from tui.screens.import_preview import ImportPreviewScreen
from tui.screens.list_members import ListMembersScreen, export_members
from tui.widgets import RecipientsBox
from tui.widgets.import_jobs import ImportJobs
from tui.widgets.import_source import ImportSource
from tui.widgets.lists_table import ListsTable
from tui.widgets.new_list import NewList
from tui.widgets.path_input import PathInput
from tui.widgets.upload_panel import UploadPanel
from tui.wording import plural

LISTS_CSS = "../styles/lists.tcss"


class ListsScreen(EngineScreen):
    """Subscriber lists: create, import numbers (file or pasted), upload, export."""

    CSS_PATH = LISTS_CSS
    AUTO_FOCUS = "#lists-table"
    #: Below 120 columns the file's path gets a row of its own (lists.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new_list", "New list", id="lists.new"),
        Binding("ctrl+o", "open_file", "Import", id="lists.import"),
        Binding("ctrl+s", "preview", "Preview", id="lists.preview"),
        Binding("e", "export", "Export", id="lists.export"),
        Binding("m", "members", "Members", id="lists.members"),
        Binding("r", "resume", "Resume", id="lists.resume"),
        Binding("x", "close_job", "Close", id="lists.close_job"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The engine job whose outcome this screen has told.
        self._told_job: int | None = None
        #: What the last upload did (one result per job run).
        self.last_results: list[UploadResult] = []

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="lists-top"):
            with Vertical(id="lists-left"):
                yield Label("Lists (as created from csms)", classes="section-title")
                yield ListsTable(id="lists-table")
                yield NewList(classes="field-row")
            with VerticalScroll(id="lists-right"):
                yield Static("", id="target-label", markup=False)
                yield ImportSource(id="import-source")
        yield UploadPanel(id="upload-panel")
        yield ImportJobs(id="import-jobs")

    def on_mount(self) -> None:
        self._set_busy(False)
        self.catch_up()

    @property
    def uploader(self) -> ListUploader:
        return self.engine.lists

    # -- tables ---------------------------------------------------------------

    def catch_up(self) -> None:
        if not has_engine(self):
            return
        self._load_lists()
        self._load_jobs()
        self._show_upload()

    def _load_lists(self, select: str | None = None) -> None:
        table = self.query_one("#lists-table", ListsTable)
        with self.app.batch_update():
            table.show(self.engine.reads.lists.lists(), profile_zone(self.engine))
        if select is not None and select in table.rows:
            table.move_cursor(row=table.get_row_index(select))
        self._show_target()

    def _load_jobs(self) -> None:
        self.query_one(ImportJobs).load(self.engine)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Resume and Close act on an unfinished import: only shown while there is one.
        if action in ("resume", "close_job"):
            return self.is_mounted and self.query_one(ImportJobs).selected() is not None
        return True

    def _selected_list(self) -> tuple[str, str] | None:
        table = self.query_one("#lists-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        summary = self.engine.reads.lists.list_by_id(str(key))
        return None if summary is None else (summary.id, summary.name)

    def _show_target(self) -> None:
        target = self._selected_list()
        label = self.query_one("#target-label", Static)
        label.update(
            f"Add numbers to: {target[1]}"
            if target
            else "Create a list first (its name on the left, then Create)."
        )

    @on(DataTable.RowHighlighted, "#lists-table")
    def _list_highlighted(self) -> None:
        self._show_target()

    @on(DataTable.RowSelected, "#lists-table")
    @on(Button.Pressed, "#open-members")
    def action_members(self) -> None:
        """Open the selected list's members (Enter or ``m`` on the list)."""
        target = self._selected_list()
        if target is None:
            self.notify("Create or choose a list first.", severity="warning")
            return

        def closed(_: object = None) -> None:
            self._load_lists(select=target[0])

        self.app.push_screen(ListMembersScreen(*target), closed)

    # -- creating a list --------------------------------------------------------

    def action_new_list(self) -> None:
        self.query_one("#new-list-name", Input).focus()

    @on(NewList.Made)
    def _list_made(self, event: NewList.Made) -> None:
        self._load_lists(select=event.list_id)

    # -- previews -----------------------------------------------------------------

    def action_open_file(self) -> None:
        self.query_one("#file-path", Input).focus()

    @on(PathInput.PickRequested, "#file-path")
    def _pick_file(self, event: PathInput.PickRequested) -> None:
        open_picker(self, event, suffixes=SHEET_SUFFIXES, title="Choose the file to import")

    def _target_or_refuse(self) -> tuple[str, str] | None:
        target = self._selected_list()
        if target is None:
            self.notify("Create or choose a list first.", severity="warning")
        elif self.uploading:
            self.notify("An upload is running; wait for it or cancel it.", severity="warning")
            return None
        return target

    def action_preview(self) -> None:
        """Preview the pasted numbers when the cursor is in the paste box or no
        file is named, else the file."""
        box = self.query_one(RecipientsBox)
        in_box = self.focused is not None and box in self.focused.ancestors_with_self
        if in_box or not self.query_one("#file-path", Input).value.strip():
            self._preview_paste()
        else:
            self._preview_file_pressed()

    @on(Input.Submitted, "#file-path, #file-column")
    @on(Button.Pressed, "#preview-file")
    def _preview_file_pressed(self, event: Input.Submitted | Button.Pressed | None = None) -> None:
        if event is not None:
            event.stop()
        target = self._target_or_refuse()
        source = self.query_one(ImportSource)
        text = source.path_text
        if target is None:
            return
        if not text:
            self.notify("Give the path of the file to import.", severity="warning")
            self.query_one("#file-path", Input).focus()
            return
        self._preview_file(target, Path(text).expanduser(), source.columns, source.sheet)

    @work(exclusive=True, group="lists-preview", exit_on_error=False)
    async def _preview_file(
        self, target: tuple[str, str], path: Path, columns: list[str], sheet: str | None
    ) -> None:
        known, queued = self._existing(target[0])
        self.query_one("#upload-status", Static).update(f"Reading {path.name}…")
        try:
            preview = await asyncio.to_thread(
                preview_file,
                path,
                column=columns or None,
                known=known,
                queued=queued,
                sheet=sheet,
                keep_columns=True,
            )
        except CsmsError as error:
            self.query_one("#upload-status", Static).update("")
            self.notify(str(error), severity="error", timeout=10)
            return
        self.query_one("#upload-status", Static).update("")
        self._confirm(target, preview)

    @on(Button.Pressed, "#preview-paste")
    def _preview_paste(self, event: Button.Pressed | None = None) -> None:
        if event is not None:
            event.stop()
        target = self._target_or_refuse()
        text = self.query_one(RecipientsBox).text
        if target is None:
            return
        if not text.strip():
            self.notify("Paste some numbers first.", severity="warning")
            return
        known, queued = self._existing(target[0])
        self._confirm(target, preview_text(text, known=known, queued=queued))

    def _existing(self, list_id: str) -> tuple[set[str], set[str]]:
        return self.engine.reads.lists.member_set(list_id), self.uploader.queued_numbers(list_id)

    def _confirm(self, target: tuple[str, str], preview: ImportPreview) -> None:
        def decided(upload: bool | None) -> None:
            numbers = preview.numbers if upload else []
            if numbers:
                self._upload(target, numbers, preview.source, preview)
            else:
                preview.close()

        self.app.push_screen(ImportPreviewScreen(target[1], preview), decided)

    # -- uploading: a job of the engine, which runs on when this screen closes ----------

    def _upload_job(self) -> Job[list[UploadResult]] | None:
        return self.uploader.current_upload() if has_engine(self) else None

    @property
    def uploading(self) -> bool:
        job = self._upload_job()
        return job is not None and job.running

    def _set_busy(self, busy: bool) -> None:
        self.query_one(UploadPanel).set_busy(busy)
        for selector in ("#preview-file", "#preview-paste"):
            self.query_one(selector, Button).disabled = busy

    def _start_upload(self, start: Callable[[], Job[list[UploadResult]]]) -> None:
        try:
            start()
        except (CsmsError, LedgerError) as error:
            self.query_one(UploadPanel).say(str(error))
            self.notify(str(error), severity="error", timeout=10)
            return
        self._show_upload()

    def on_engine_event(self, event: events.Event) -> None:
        if isinstance(event, events.Progress) and event.job.startswith(f"{IMPORT_KIND}:"):
            self._show_upload()
        elif isinstance(event, events.JobEnded) and event.kind == JOB_KIND:
            self._show_upload()

    def _show_upload(self) -> None:
        """The engine's upload: its progress while it runs; once it has ended, its
        outcome (told once, on this screen or the next one opened)."""
        job = self._upload_job()
        if job is None:
            self._set_busy(False)
            return
        if job.running:
            self._set_busy(True)
            self.query_one(UploadPanel).show_running(job)
            return
        self._set_busy(False)
        if job.id == self._told_job:
            return
        self._told_job = job.id
        self._load_lists()
        self._load_jobs()
        if job.error is not None or job.result is None:
            message = job.error or f"{job.title}: stopped."
            self.query_one(UploadPanel).say(message)
            self.notify(message, severity="error", timeout=10)
            return
        self.last_results = results = job.result
        text = "\n".join(line for result in results for line in result.lines())
        self.query_one(UploadPanel).say(text)
        ok = all(result.ok for result in results)
        self.notify(text, severity="information" if ok else "warning", timeout=10)
        if ok:
            self.query_one(RecipientsBox).text = ""

    def _upload(
        self, target: tuple[str, str], numbers: list[str], source: str, preview: ImportPreview
    ) -> None:
        """Upload ``numbers`` to ``target`` with the columns ``preview`` kept (the
        preview's files are closed once the upload has read them)."""
        fields = Fields(preview.kept_fields(), preview.field_names)
        self._start_upload(
            lambda: self.uploader.start_upload(
                target[0], target[1], numbers, source, fields=fields, on_end=preview.close
            )
        )

    @on(Button.Pressed, "#cancel-upload")
    def action_cancel_upload(self) -> None:
        job = self._upload_job()
        if job is not None and job.running:
            job.cancel()
            self._show_upload()

    def action_resume(self) -> None:
        job_id = self.query_one(ImportJobs).selected()
        if job_id is None:
            self.notify("No import is waiting to be finished.")
            return
        if self.uploading:
            self.notify("An upload is running; wait for it or cancel it.", severity="warning")
            return
        job = self.engine.reads.imports.import_summary(job_id)
        summary = self.engine.reads.lists.list_by_id(job.list_id)
        name = summary.name if summary else job.list_id
        if not job.batches.get("pending") and not job.batches.get("sending"):
            self.notify(
                f"Import {job.job_id} has nothing left to send; its unknown or refused "
                "batches are on the Activity screen.",
            )
            return
        self._start_upload(lambda: self.uploader.start_resume(job_id, name))

    def action_close_job(self) -> None:
        job_id = self.query_one(ImportJobs).selected()
        if job_id is None or self.uploading:
            return
        job = self.engine.reads.imports.import_summary(job_id)
        waiting = job.batches.get("pending", 0)
        unknown = job.batches.get("unknown", 0)
        question = (
            f"Close import {job_id}? Its {plural(waiting, 'waiting batch', 'waiting batches')}"
            f" will not be sent, and the numbers of its {plural(unknown, 'batch', 'batches')}"
            " of unknown outcome can then be imported again (check the list first)."
        )

        def decided(close: bool | None) -> None:
            if close:
                self.uploader.close_job(job_id)
                self._load_jobs()

        self.app.push_screen(
            ConfirmScreen(
                question,
                title="Close import",
                confirm_label="Close",
                danger=True,
                safe_default=True,
            ),
            decided,
        )

    # -- exporting -----------------------------------------------------------------

    @on(Button.Pressed, "#export-list")
    def action_export(self) -> None:
        target = self._selected_list()
        if target is None:
            self.notify("Create or choose a list first.", severity="warning")
            return
        export_members(self, ListMembers(self.engine, target[0]), target[1])
