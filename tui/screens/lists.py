"""Lists: the subscriber lists csms knows, creating one, adding numbers, exporting.

Numbers come from a file (CSV, TSV or plain text) or are pasted. Either way a
preview says what an upload would do (rows read, valid, normalised, repeats,
already in the list, invalid with line numbers) and nothing is sent until the
user confirms it. The upload then runs in the background with a progress bar,
its rate and the time left; it can be cancelled, and an interrupted upload is
resumed from the table of unfinished imports.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Input, Label, ProgressBar, Static

from tui.engine.imports import ImportPreview, preview_file, preview_text
from tui.engine.list_upload import ListUploader, UploadProgress, UploadResult
from tui.engine.sms_campaigns import profile_zone
from tui.gateway.errors import CsmsError
from tui.ledger import LedgerError
from tui.screens.base import EngineScreen, has_engine
from tui.screens.confirm import ConfirmScreen
from tui.widgets import RecipientsBox

#: Invalid rows listed in the preview (the export has all of them).
SHOWN_INVALID = 100


def _slug(name: str) -> str:
    return re.sub(r"[^\w-]+", "-", name.strip()).strip("-").lower() or "list"


LISTS_CSS = "../styles/lists.tcss"


class PathPrompt(ModalScreen[Path | None]):
    """Ask for a file to write; Enter in the field (or on Write) accepts, Escape cancels."""

    CSS_PATH = LISTS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, default: Path) -> None:
        super().__init__(classes="lists-dialog")
        self.title_text = title
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Input(str(self.default), id="path-input")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="path-cancel")
                yield Button("Write", id="path-ok", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#path-ok")
    def _accept(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        text = self.query_one(Input).value.strip()
        self.dismiss(Path(text).expanduser() if text else None)

    @on(Button.Pressed, "#path-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ImportPreviewScreen(ModalScreen[bool]):
    """The preview of an import: upload, export the invalid rows, or cancel.

    Enter presses the focused button (Upload at first); nothing uploads unless
    Upload has focus. The invalid rows are exported with Ctrl+E (in the footer)
    or from their button, which Tab reaches like the others.
    """

    CSS_PATH = LISTS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+e", "export_invalid", "Export invalid rows"),
    ]

    def __init__(self, list_name: str, preview: ImportPreview) -> None:
        super().__init__(classes="lists-dialog")
        self.list_name = list_name
        self.preview = preview

    def compose(self) -> ComposeResult:
        count = self.preview.to_upload
        with Vertical(classes="dialog-box", id="preview-dialog"):
            yield Static(f"Import into {self.list_name!r}", classes="dialog-title", markup=False)
            # The report and the invalid rows scroll; the buttons stay in view.
            with VerticalScroll(id="preview-body"):
                yield Static(
                    "\n".join(self.preview.report_lines()), id="preview-report", markup=False
                )
                yield DataTable[str](id="preview-invalid", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export invalid… (Ctrl+E)", id="preview-export")
                yield Button("Cancel", id="preview-cancel")
                yield Button(
                    f"Upload {count:,} number{'s' if count != 1 else ''}",
                    id="preview-upload",
                    variant="primary",
                    disabled=count == 0,
                )
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export_invalid":
            return bool(self.preview.invalid)
        return True

    def on_mount(self) -> None:
        table = self.query_one("#preview-invalid", DataTable)
        table.display = bool(self.preview.invalid)
        self.query_one("#preview-export").display = bool(self.preview.invalid)
        table.add_columns("Line", "Value", "Reason")
        for row in self.preview.invalid_rows[:SHOWN_INVALID]:
            table.add_row(str(row.line), row.value, row.reason)
        self.query_one("#preview-upload" if self.preview.to_upload else "#preview-cancel").focus()

    def action_upload(self) -> None:
        if self.preview.to_upload:
            self.dismiss(True)

    @on(Button.Pressed, "#preview-upload")
    def _upload_pressed(self) -> None:
        self.action_upload()

    @on(Button.Pressed, "#preview-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#preview-export")
    def action_export_invalid(self) -> None:
        if not self.preview.invalid:
            self.notify("There are no invalid rows to export.")
            return
        default = Path.cwd() / f"{_slug(self.list_name)}-invalid-rows.csv"
        self.app.push_screen(PathPrompt("Write the invalid rows to", default), self._export)

    def _export(self, path: Path | None) -> None:
        if path is None:
            return
        try:
            written = self.preview.export_invalid(path)
        except CsmsError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.notify(f"Wrote {written:,} invalid rows (line, value, reason) to {path}.")


class ListsScreen(EngineScreen):
    """Subscriber lists: create, import numbers (file or pasted), upload, export."""

    CSS_PATH = LISTS_CSS
    AUTO_FOCUS = "#lists-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new_list", "New list", id="lists.new"),
        Binding("ctrl+o", "open_file", "Import file", id="lists.import"),
        Binding("ctrl+s", "preview", "Preview", id="lists.preview"),
        Binding("e", "export", "Export", id="lists.export"),
        Binding("r", "resume", "Resume import", id="lists.resume"),
        Binding("x", "close_job", "Close import", id="lists.close_job"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cancel: asyncio.Event | None = None
        #: What the last upload did (one result per job run).
        self.last_results: list[UploadResult] = []

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="lists-top"):
            with Vertical(id="lists-left"):
                yield Label("Lists (as created from csms)", classes="section-title")
                yield DataTable[str](id="lists-table", cursor_type="row", zebra_stripes=True)
                with Horizontal(classes="field-row"):
                    # Compact (one line): the lists table keeps its rows at 80x24.
                    yield Input(placeholder="New list name", id="new-list-name", compact=True)
                    yield Input(placeholder="or portal ID", id="existing-list-id", compact=True)
                    yield Button("Create", id="create-list", compact=True)
            with VerticalScroll(id="lists-right"):
                yield Static("", id="target-label", markup=False)
                yield Label("From a file: CSV, TSV or text", classes="field-label")
                with Horizontal(classes="field-row"):
                    yield Input(placeholder="Path of the file", id="file-path")
                    yield Input(placeholder="Column", id="file-column")
                    yield Button("Preview", id="preview-file", variant="primary")
                yield Label("Or paste numbers", classes="field-label")
                yield RecipientsBox(id="paste-box")
                with Horizontal(classes="field-row"):
                    yield Button("Preview pasted", id="preview-paste")
                    yield Button("Export list… (e)", id="export-list")
        with Horizontal(id="upload-panel"):
            yield ProgressBar(id="upload-bar", show_eta=False)
            yield Static("", id="upload-status", markup=False)
            yield Button("Cancel upload", id="cancel-upload", variant="warning")
        yield Label(
            "Unfinished imports (r resumes the selected one, x closes it)",
            classes="section-title",
            id="jobs-title",
        )
        yield DataTable[str](id="jobs-table", cursor_type="row")

    def on_mount(self) -> None:
        lists = self.query_one("#lists-table", DataTable)
        lists.add_column("Name", key="name")
        lists.add_column("ID", key="id")
        lists.add_column("Members", key="members")
        lists.add_column("Last changed", key="changed")
        jobs = self.query_one("#jobs-table", DataTable)
        jobs.add_column("Import", key="job")
        jobs.add_column("List", key="list")
        jobs.add_column("Added", key="done")
        jobs.add_column("Batches", key="batches")
        jobs.add_column("Source", key="source")
        self._set_busy(False)
        self.catch_up()

    @property
    def uploader(self) -> ListUploader:
        return ListUploader(self.engine)

    # -- tables ---------------------------------------------------------------

    def catch_up(self) -> None:
        if not has_engine(self):
            return
        self._load_lists()
        self._load_jobs()

    def _load_lists(self, select: str | None = None) -> None:
        table = self.query_one("#lists-table", DataTable)
        summaries = self.engine.ledger.lists()
        zone = profile_zone(self.engine)
        wanted = {item.id for item in summaries}
        with self.app.batch_update():
            for key in [k for k in table.rows if k.value not in wanted]:
                table.remove_row(key)
            for item in summaries:
                cells = {
                    "name": item.name,
                    "id": item.id,
                    "members": f"{item.members:,}",
                    "changed": item.updated_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                }
                if item.id in table.rows:
                    for column, value in cells.items():
                        table.update_cell(item.id, column, value)
                else:
                    table.add_row(*cells.values(), key=item.id)
        if select is not None and select in table.rows:
            table.move_cursor(row=table.get_row_index(select))
        self._show_target()

    def _load_jobs(self) -> None:
        table = self.query_one("#jobs-table", DataTable)
        names = {item.id: item.name for item in self.engine.ledger.lists()}
        table.clear()
        for job in self.uploader.unfinished_jobs():
            states = ", ".join(f"{n} {state}" for state, n in sorted(job.batches.items()))
            table.add_row(
                str(job.job_id),
                names.get(job.list_id, job.list_id),
                f"{job.numbers_done:,} of {job.numbers_total:,}",
                states,
                Path(job.source).name,
                key=str(job.job_id),
            )
        table.display = table.row_count > 0
        self.query_one("#jobs-title").display = table.row_count > 0

    def _selected_list(self) -> tuple[str, str] | None:
        table = self.query_one("#lists-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        summary = self.engine.ledger.list_by_id(str(key))
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

    # -- creating a list --------------------------------------------------------

    def action_new_list(self) -> None:
        self.query_one("#new-list-name", Input).focus()

    @on(Input.Submitted, "#new-list-name, #existing-list-id")
    @on(Button.Pressed, "#create-list")
    def _create_pressed(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        name = self.query_one("#new-list-name", Input).value
        existing = self.query_one("#existing-list-id", Input).value.strip()
        if existing:
            # A list made on the portal: remembered by its ID, nothing is created.
            try:
                added = self.uploader.add_existing(existing, name)
            except (CsmsError, LedgerError) as error:
                self.notify(str(error), severity="error", timeout=10)
                return
            for selector in ("#new-list-name", "#existing-list-id"):
                self.query_one(selector, Input).value = ""
            self._load_lists(select=added.id)
            self.notify(f"List {added.name!r} (ID {added.id}) added; imports go into it.")
            return
        try:
            clean = self.uploader.check_new_name(name)
        except CsmsError as error:
            self.notify(str(error), severity="error")
            return
        self._create(clean)

    @work(exclusive=True, group="lists-create", exit_on_error=False)
    async def _create(self, name: str) -> None:
        try:
            created = await self.uploader.create_list(name)
        except (CsmsError, LedgerError) as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.query_one("#new-list-name", Input).value = ""
        self._load_lists(select=created.id)
        self.notify(f"Created list {created.name!r} (ID {created.id}).")

    # -- previews -----------------------------------------------------------------

    def action_open_file(self) -> None:
        self.query_one("#file-path", Input).focus()

    def _target_or_refuse(self) -> tuple[str, str] | None:
        target = self._selected_list()
        if target is None:
            self.notify("Create or choose a list first.", severity="warning")
        elif self._cancel is not None:
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
        text = self.query_one("#file-path", Input).value.strip()
        if target is None:
            return
        if not text:
            self.notify("Give the path of the file to import.", severity="warning")
            self.query_one("#file-path", Input).focus()
            return
        column = self.query_one("#file-column", Input).value.strip() or None
        self._preview_file(target, Path(text).expanduser(), column)

    @work(exclusive=True, group="lists-preview", exit_on_error=False)
    async def _preview_file(self, target: tuple[str, str], path: Path, column: str | None) -> None:
        known, queued = self._existing(target[0])
        self.query_one("#upload-status", Static).update(f"Reading {path.name}…")
        try:
            preview = await asyncio.to_thread(
                preview_file, path, column=column, known=known, queued=queued
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
        return self.engine.ledger.member_set(list_id), self.uploader.queued_numbers(list_id)

    def _confirm(self, target: tuple[str, str], preview: ImportPreview) -> None:
        def decided(upload: bool | None) -> None:
            numbers = preview.numbers if upload else []
            preview.close()
            if numbers:
                self._upload(target, numbers, preview.source)

        self.app.push_screen(ImportPreviewScreen(target[1], preview), decided)

    # -- uploading -----------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self.query_one("#upload-bar").display = busy
        self.query_one("#cancel-upload", Button).display = busy
        for selector in ("#preview-file", "#preview-paste"):
            self.query_one(selector, Button).disabled = busy

    def _show_progress(self, progress: UploadProgress) -> None:
        bar = self.query_one("#upload-bar", ProgressBar)
        bar.update(total=max(progress.numbers_total, 1), progress=progress.numbers_done)
        self.query_one("#upload-status", Static).update(
            f"Uploading to {progress.list_name!r}: {progress.describe()}"
        )

    @work(exclusive=True, group="lists-upload", exit_on_error=False)
    async def _upload(
        self, target: tuple[str, str], numbers: list[str], source: str, job: int | None = None
    ) -> None:
        self._cancel = asyncio.Event()
        self._set_busy(True)
        uploader = self.uploader
        try:
            if job is None:
                results = await uploader.upload(
                    target[0], numbers, source, cancel=self._cancel, on_progress=self._show_progress
                )
            else:
                results = [
                    await uploader.run(job, cancel=self._cancel, on_progress=self._show_progress)
                ]
        except (CsmsError, LedgerError) as error:
            self.query_one("#upload-status", Static).update(str(error))
            self.notify(str(error), severity="error", timeout=10)
            return
        finally:
            self._cancel = None
            self._set_busy(False)
            self._load_lists()
            self._load_jobs()
        self.last_results = results
        text = "\n".join(line for result in results for line in result.lines())
        self.query_one("#upload-status", Static).update(text)
        ok = all(result.ok for result in results)
        self.notify(text, severity="information" if ok else "warning", timeout=10)
        if ok:
            self.query_one(RecipientsBox).text = ""

    @on(Button.Pressed, "#cancel-upload")
    def action_cancel_upload(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.query_one("#upload-status", Static).update(
                "Cancelling after the batches on their way…"
            )

    def action_resume(self) -> None:
        table = self.query_one("#jobs-table", DataTable)
        if table.row_count == 0:
            self.notify("No import is waiting to be finished.")
            return
        if self._cancel is not None:
            self.notify("An upload is running; wait for it or cancel it.", severity="warning")
            return
        job = self.engine.ledger.import_summary(int(str(self._selected_job())))
        summary = self.engine.ledger.list_by_id(job.list_id)
        name = summary.name if summary else job.list_id
        if not job.batches.get("pending") and not job.batches.get("sending"):
            self.notify(
                f"Import {job.job_id} has nothing left to send; its unknown or refused "
                "batches are on the Activity screen.",
            )
            return
        self._upload((job.list_id, name), [], job.source, job.job_id)

    def _selected_job(self) -> int | None:
        table = self.query_one("#jobs-table", DataTable)
        if table.row_count == 0:
            return None
        return int(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def action_close_job(self) -> None:
        job_id = self._selected_job()
        if job_id is None or self._cancel is not None:
            return
        job = self.engine.ledger.import_summary(job_id)
        waiting = job.batches.get("pending", 0)
        unknown = job.batches.get("unknown", 0)
        question = (
            f"Close import {job_id}? Its {waiting} waiting batch(es) will not be sent, and "
            f"the numbers of its {unknown} batch(es) of unknown outcome can then be imported "
            "again (check the list first)."
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
        default = Path.cwd() / f"{_slug(target[1])}-members.csv"

        def chosen(path: Path | None) -> None:
            if path is not None:
                self._export(target, path)

        self.app.push_screen(PathPrompt(f"Write the members of {target[1]!r} to", default), chosen)

    @work(exclusive=True, group="lists-export", exit_on_error=False)
    async def _export(self, target: tuple[str, str], path: Path) -> None:
        try:
            rows = await self.uploader.export_list(target[0], path)
        except CsmsError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.notify(f"Wrote {rows:,} members of {target[1]!r} to {path}.")
