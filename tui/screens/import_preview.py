"""The dialogs of a list import: the preview (upload, export the invalid rows,
cancel) and the prompt for a file to write."""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from tui.engine.imports import SHOWN_INVALID, ImportPreview
from tui.gateway.errors import CsmsError
from tui.screens.confirm import BODY_SCROLL_BINDINGS
from tui.screens.path_prompt import PathPrompt
from tui.widgets.app_footer import AppFooter
from tui.widgets.dialog import Dialog


def slug(name: str) -> str:
    return re.sub(r"[^\w-]+", "-", name.strip()).strip("-").lower() or "list"


LISTS_CSS = "../styles/lists.tcss"


class ImportPreviewScreen(Dialog[bool]):
    """The preview of an import: upload, export the invalid rows, or cancel.

    Enter presses the focused button (Upload at first); nothing uploads unless
    Upload has focus. The report names the first repeated and invalid lines
    (each invalid one with its row's other cells); all the invalid rows are
    exported with Ctrl+E (in the footer) or from their button, which Tab
    reaches like the others. Up, down and the page keys scroll the report from
    the buttons.
    """

    DIALOG_NAME = "Import preview"
    DIALOG_HELP = """\
What the import would do, before anything is uploaded: the numbers to upload,
those already in the list, repeats and invalid rows (each with its line and
its row's other cells). Nothing uploads unless **Upload** has the focus when
Enter is pressed. Ctrl+E writes every invalid row to a file to fix and import
again. Up, down and the page keys scroll the report.
"""

    CSS_PATH = LISTS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+e", "export_invalid", "Export invalid rows"),
        *BODY_SCROLL_BINDINGS,
    ]

    def __init__(self, list_name: str, preview: ImportPreview) -> None:
        super().__init__(classes="lists-dialog")
        self.list_name = list_name
        self.preview = preview

    def help_title(self) -> str:
        return f"Import into {self.list_name!r}"

    def compose(self) -> ComposeResult:
        count = self.preview.to_upload
        with Vertical(classes="dialog-box", id="preview-dialog"):
            yield Static(f"Import into {self.list_name!r}", classes="dialog-title", markup=False)
            # The report scrolls; the buttons stay in view.
            with VerticalScroll(id="preview-body", can_focus=False):
                report = self.preview.report_lines(listed=SHOWN_INVALID)
                yield Static("\n".join(report), id="preview-report", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export invalid… (Ctrl+E)", id="preview-export")
                yield Button("Cancel", id="preview-cancel")
                yield Button(
                    f"Upload {count:,} number{'s' if count != 1 else ''}",
                    id="preview-upload",
                    variant="primary",
                    disabled=count == 0,
                )
        yield AppFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export_invalid":
            return bool(self.preview.invalid)
        return True

    def on_mount(self) -> None:
        self.query_one("#preview-export").display = bool(self.preview.invalid)
        self.query_one("#preview-upload" if self.preview.to_upload else "#preview-cancel").focus()

    def action_scroll_body(self, lines: int) -> None:
        self.query_one("#preview-body", VerticalScroll).scroll_relative(y=lines, animate=False)

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
        default = Path.cwd() / f"{slug(self.list_name)}-invalid-rows.csv"
        self.app.push_screen(
            PathPrompt("Write the invalid rows to", default, replacing="the invalid rows"),
            self._export,
        )

    def _export(self, path: Path | None) -> None:
        if path is None:
            return
        try:
            written = self.preview.export_invalid(path)
        except CsmsError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.notify(f"Wrote {written:,} invalid rows (line, value, reason) to {path}.")
