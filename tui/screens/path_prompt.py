"""The one "where to write this file?" dialog: exports of campaigns, list
members, invalid import rows and personalised sends' rows.

The path is a :class:`PathInput` (quotes, ``~``, ``file://`` URLs and escaped
spaces read as typed; Tab completes); Enter in it, or on the write button,
accepts, and Escape cancels. When the file exists, the dialog asks whether to
replace it (what it would be replaced with is the caller's ``replacing``);
"Cancel" there keeps the dialog open to choose another name. The folder the
last file of the run was written to is offered for the next one, with the
name the caller suggests.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from tui.app_services import export_keeper
from tui.screens.file_choice import replace_question
from tui.widgets.app_footer import AppFooter
from tui.widgets.dialog import Dialog
from tui.widgets.path_input import PathInput


class PathPrompt(Dialog[Path | None]):
    """Ask for a file to write; dismisses with its path, or None (cancelled)."""

    DIALOG_NAME = "Write to a file"
    DIALOG_HELP = """\
Where to write the file. The path may start with `~`, be in quotes or be a
`file://` address; Tab completes it. An existing file is replaced only after
a second question, where Cancel comes back here to choose another name. An
empty path, a folder, or a folder that does not exist is said here, and the
dialog stays open.
"""

    DEFAULT_CSS = """
    PathPrompt { align: center middle; }
    PathPrompt > #path-dialog {
        width: 80; max-width: 100%; height: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    PathPrompt #path-title { text-style: bold; margin-bottom: 1; }
    PathPrompt #path-problem { color: $error; height: auto; display: none; }
    PathPrompt #path-problem.-said { display: block; }
    PathPrompt #path-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    PathPrompt #path-buttons Button { margin-left: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, title: str, default: Path, *, replacing: str, accept_label: str = "Write"
    ) -> None:
        super().__init__()
        self.title_text = title
        self.default = default
        self.replacing = replacing
        self.accept_label = accept_label

    def help_title(self) -> str:
        return self.title_text

    def compose(self) -> ComposeResult:
        keeper = export_keeper(self.app)
        folder = keeper.export_folder if keeper is not None else None
        offered = self.default if folder is None else folder / self.default.name
        with Vertical(id="path-dialog"):
            yield Static(self.title_text, id="path-title", markup=False)
            yield PathInput(str(offered), id="path-input")
            yield Static("", id="path-problem", markup=False)
            with Horizontal(id="path-buttons"):
                yield Button("Cancel", id="path-cancel")
                yield Button(self.accept_label, id="path-ok", variant="primary")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one(PathInput).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#path-ok")
    def _accept(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        path = self.query_one(PathInput).path
        problem = _problem(path)
        if problem is not None:
            # Stay open: an empty field closed the dialog as if cancelled.
            self._say(problem)
            self.query_one(PathInput).focus()
            return
        assert path is not None
        if not path.exists():
            self._written_to(path)
            return

        def answered(replace: bool | None) -> None:
            if replace:
                self._written_to(path)
            else:
                self.query_one(PathInput).focus()

        self.app.push_screen(replace_question(path, self.replacing), answered)

    def _written_to(self, path: Path | None) -> None:
        keeper = export_keeper(self.app)
        if path is not None and path.name and keeper is not None:
            keeper.export_folder = path.absolute().parent
        self.dismiss(path)

    @on(Input.Changed)
    def _typed(self) -> None:
        self._say("")

    def _say(self, problem: str) -> None:
        line = self.query_one("#path-problem", Static)
        line.update(problem)
        line.set_class(bool(problem), "-said")

    @on(Button.Pressed, "#path-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _problem(path: Path | None) -> str | None:
    """Why ``path`` cannot be written to, in one sentence; None when it can."""
    if path is None:
        return "Write the file's path first, e.g. ~/exports/results.csv (Escape cancels)."
    if path.is_dir():
        return f"{path} is a folder; add a file name, e.g. {path / 'results.csv'}."
    if not path.parent.is_dir():
        return f"The folder {path.parent} does not exist; create it or choose another."
    return None
