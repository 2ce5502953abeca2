"""Audio: convert and upload recordings for calls, and see which are Ready.

The screen shows the audio form (:mod:`tui.screens.audio_flow`: pick, analyse,
convert, upload) above the table of uploaded recordings, whose statuses update
as the tracker sees the gateway prepare them. :class:`AudioFlowModal` opens the
same form in a dialog for the voice campaign wizard.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Static

from tui.app_services import copy_text
from tui.audio import format_bytes, format_duration
from tui.engine import events
from tui.gateway.errors import CsmsError
from tui.ledger import AudioFile
from tui.screens.audio_flow import AudioFlow
from tui.screens.base import EngineScreen, has_engine
from tui.screens.display_time import local
from tui.widgets.app_footer import AppFooter
from tui.widgets.dialog import Dialog


class AudioFilesTable(DataTable[str]):
    """Uploaded recordings; ``c`` copies the selected one's ID."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_id", "Copy ID", id="audio.copy_id"),
    ]

    def action_copy_id(self) -> None:
        if self.row_count == 0:
            return
        file_id = str(self.get_row_at(self.cursor_row)[1])
        copy_text(self.app, file_id, "audio file ID")


def _row(file: AudioFile) -> tuple[str, ...]:
    length = "—" if file.duration is None else format_duration(file.duration)
    size = "—" if file.size is None else format_bytes(file.size)
    uploaded = local(file.uploaded_at).strftime("%Y-%m-%d %H:%M")
    return (file.name, file.id, file.status.label, length, size, uploaded)


class AudioScreen(EngineScreen):
    """Convert and upload recordings; the uploaded ones and their status."""

    CSS_PATH = "../styles/audio.tcss"
    DEFAULT_CSS = """
    AudioScreen #add-by-id { height: auto; }
    AudioScreen #add-by-id Label { width: auto; margin-right: 1; }
    AudioScreen #add-by-id Input { width: 1fr; margin-right: 1; }
    """
    AUTO_FOCUS = "#audio-path"
    COLUMNS = ("Name", "ID", "Status", "Length", "Size", "Uploaded")

    def compose(self) -> ComposeResult:
        yield AudioFlow(id="audio-flow")
        with Horizontal(id="add-by-id"):
            yield Label("Recordings (c copies the ID)", classes="field-label")
            # One line (compact): the recordings table keeps its rows at 80x24.
            yield Input(placeholder="Add by file ID", id="add-file-id", compact=True)
            yield Input(placeholder="as name (optional)", id="add-file-name", compact=True)
            yield Button("Add", id="add-file", compact=True)
        yield AudioFilesTable(id="audio-files", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(AudioFilesTable)
        for column in self.COLUMNS:
            table.add_column(column, key=column.lower())
        self.catch_up()

    def catch_up(self) -> None:
        if not has_engine(self):
            return
        files = self.engine.reads.audio.audio_files()
        self._load_files(files)
        flow = self.query_one(AudioFlow)
        if flow.uploaded is not None:
            for file in files:
                if file.id == flow.uploaded.id:
                    flow.audio_status_changed(file.id, file.status.label)

    def _load_files(self, files: list[AudioFile]) -> None:
        """Diff the table against the ledger: update changed cells, add new rows."""
        table = self.query_one(AudioFilesTable)
        wanted = {file.id: _row(file) for file in files}
        with self.app.batch_update():
            for key in [k for k in table.rows if k.value not in wanted]:
                table.remove_row(key)
            for file in reversed(files):
                row = wanted[file.id]
                if file.id in table.rows:
                    old = table.get_row(file.id)
                    for column, before, after in zip(self.COLUMNS, old, row, strict=True):
                        if before != after:
                            table.update_cell(file.id, column.lower(), after, update_width=True)
                else:
                    table.add_row(*row, key=file.id)

    def on_audio_flow_uploaded(self, event: AudioFlow.Uploaded) -> None:
        self.catch_up()
        table = self.query_one(AudioFilesTable)
        if event.file.id in table.rows:
            table.move_cursor(row=table.get_row_index(event.file.id))

    def on_engine_event(self, event: events.Event) -> None:
        if isinstance(event, events.StatusChanged | events.Submitted) and event.kind == "audio":
            self.catch_up()

    @on(Button.Pressed, "#add-file")
    @on(Input.Submitted, "#add-file-id, #add-file-name")
    def _add_pressed(self, event: Button.Pressed | Input.Submitted) -> None:
        event.stop()
        file_id = self.query_one("#add-file-id", Input).value.strip()
        if not file_id:
            self.notify("Write the recording's file ID (the portal shows it).", severity="error")
            self.query_one("#add-file-id").focus()
            return
        self._add(file_id, self.query_one("#add-file-name", Input).value.strip() or None)

    @work(exclusive=True, group="audio-add", exit_on_error=False)
    async def _add(self, file_id: str, name: str | None) -> None:
        """A recording uploaded from the portal or another computer, checked with
        the gateway's audio status, then usable in calls and campaigns."""
        try:
            added = await self.engine.audio.add_existing(file_id, name)
        except CsmsError as error:
            self.notify(f"Nothing was added: {error}", severity="error", timeout=10)
            return
        for selector in ("#add-file-id", "#add-file-name"):
            self.query_one(selector, Input).value = ""
        self.catch_up()
        table = self.query_one(AudioFilesTable)
        if added.id in table.rows:
            table.move_cursor(row=table.get_row_index(added.id))
        self.notify(f"Recording {added.name!r} (file ID {added.id}) added: {added.status.label}.")


class AudioFlowModal(Dialog[str | None]):
    """The audio flow in a dialog; dismisses with the uploaded file's ID (or None).
    Its own footer lists its keys (the wizard's below do not work here)."""

    DIALOG_NAME = "Add a recording"
    DIALOG_HELP = """\
Pick a recording (any format ffmpeg reads; Ctrl+O opens the file picker),
convert it to the gateway's format (optionally trimming silence at its ends),
and upload it. The dialog closes with the uploaded file chosen. Escape closes
it, except while a conversion or upload is running.
"""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]
    CSS_PATH = "../styles/audio.tcss"

    def __init__(self, root: Path | None = None) -> None:
        super().__init__()
        self.root = root

    def compose(self) -> ComposeResult:
        with Vertical(id="audio-modal"):
            yield Static("Add a recording: pick, convert, upload", id="audio-modal-title")
            yield AudioFlow(self.root, id="audio-flow")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#audio-path", Input).focus()

    def on_audio_flow_uploaded(self, event: AudioFlow.Uploaded) -> None:
        self.dismiss(event.file.id)

    def action_close(self) -> None:
        if self.query_one(AudioFlow).busy:
            self.notify("Wait for the current job to finish.", severity="warning")
            return
        self.dismiss(None)


__all__ = [
    "AudioFilesTable",
    "AudioFlow",
    "AudioFlowModal",
    "AudioScreen",
]
