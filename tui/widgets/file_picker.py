"""Choosing a file with the keyboard: a folder tree that starts where the user
is, shows each file's size and date, goes up a folder (Backspace), refreshes
(Ctrl+R) and lists only the files that fit (by extension).

It is a modal screen kept with the widgets because it belongs to
:class:`~tui.widgets.path_input.PathInput`: a screen that shows a path input
opens it on ``PathInput.PickRequested`` and puts the chosen path in the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DirectoryTree, Static
from textual.widgets.directory_tree import DirEntry
from textual.widgets.tree import TreeNode

from tui.widgets.app_footer import AppFooter
from tui.widgets.dialog import Dialog


def size_text(size: int) -> str:
    """``812 B``, ``4.2 KB``, ``13.0 MB``."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


class PickerTree(DirectoryTree):
    """Folders, and the files whose extension is in ``suffixes`` (all when None);
    hidden entries are left out; a file's label ends with its size and date."""

    def __init__(self, path: Path, suffixes: frozenset[str] | None, *, id: str) -> None:
        super().__init__(path, id=id)
        self.suffixes = suffixes

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        shown = []
        for path in paths:
            if path.name.startswith("."):
                continue
            try:
                if path.is_dir() or self.suffixes is None or path.suffix.lower() in self.suffixes:
                    shown.append(path)
            except OSError:
                continue
        return shown

    def render_label(self, node: TreeNode[DirEntry], base_style: Style, style: Style) -> Text:
        label = super().render_label(node, base_style, style)
        entry = node.data
        if entry is None or node.allow_expand:
            return label
        try:
            stat = entry.path.stat()
        except OSError:
            return label
        when = datetime.fromtimestamp(stat.st_mtime).strftime("%Y-%m-%d %H:%M")
        label.append(f"  {size_text(stat.st_size)} · {when}", style="dim")
        return label


class FilePicker(Dialog[Path | None]):
    """Pick a file under ``folder``; dismisses with the path, or None."""

    DIALOG_NAME = "Choose a file"
    DIALOG_HELP = """\
The folder's files: the arrow keys move, Enter opens a folder or chooses a
file, Backspace goes up a folder, Ctrl+R reads the folder again. Only the
files this feature can read are listed, with their sizes and dates.
"""

    DEFAULT_CSS = """
    FilePicker { align: center middle; }
    FilePicker > #picker { width: 90%; max-width: 100; height: 90%; border: thick $primary;
        background: $surface; padding: 0 1; }
    FilePicker #picker-folder { height: auto; color: $text-muted; }
    FilePicker #picker-tree { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("backspace", "up", "Up a folder"),
        Binding("ctrl+r", "refresh", "Refresh"),
    ]

    def __init__(
        self, folder: Path, *, suffixes: frozenset[str] | None = None, title: str = "Choose a file"
    ) -> None:
        super().__init__()
        self.folder = folder.resolve()
        self.suffixes = suffixes
        self.title_text = title

    def help_title(self) -> str:
        return self.title_text

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(self.title_text, id="picker-title", markup=False)
            yield Static("", id="picker-folder", markup=False)
            yield PickerTree(self.folder, self.suffixes, id="picker-tree")
        yield AppFooter()

    def on_mount(self) -> None:
        self._show_folder()
        self.query_one(PickerTree).focus()

    def _show_folder(self) -> None:
        kinds = "all files" if self.suffixes is None else "the files that fit"
        self.query_one("#picker-folder", Static).update(
            f"{self.folder}  ({kinds}; Backspace: up a folder, Enter: choose)"
        )

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(event.path)

    def action_up(self) -> None:
        parent = self.folder.parent
        if parent != self.folder:
            self.folder = parent
            self.query_one(PickerTree).path = parent
            self._show_folder()

    def action_refresh(self) -> None:
        self.query_one(PickerTree).reload()

    def action_cancel(self) -> None:
        self.dismiss(None)
