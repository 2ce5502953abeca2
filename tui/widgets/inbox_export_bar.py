"""The Inbox's bottom bar: Reply, then the file to export the inbox to and
Export CSV.

Export CSV, or Enter in the path, asks for the export (``Export``) with the
path as typed; an emptied path first gets today's default back. Ctrl+O in the
path asks for the file picker (``PathInput.PickRequested``), which the screen
shows. "Today" in the default file name is the screen's (the profile's zone,
on the demo's clock on the demo).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Input

from tui.engine.inbox_view import default_export_path
from tui.widgets.path_input import PathInput


class InboxExportBar(Horizontal):
    """Reply, the export's path and Export CSV, on one row."""

    class Export(Message):
        """Export the inbox to ``path`` (as typed; not checked yet)."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    def __init__(self, today: Callable[[], date] = date.today, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.today = today

    def compose(self) -> ComposeResult:
        yield Button("Reply", id="reply")
        yield PathInput(default_export_path(self.today()), id="export-path")
        yield Button("Export CSV", id="export")

    def export(self) -> None:
        """Ask for the export to the path in the field (today's default if empty)."""
        field = self.query_one("#export-path", Input)
        if not field.value.strip():
            field.value = default_export_path(self.today())
        self.post_message(self.Export(field.value))

    @on(Button.Pressed, "#export")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.export()

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Export(event.value))
