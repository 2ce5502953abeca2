"""Choosing a recording for the audio form: a path field (Enter chooses what
is typed) over a folder tree of the files ffmpeg can read (Enter on a file
chooses it and shows its path in the field). Either way the widget posts
:class:`AudioBrowser.Chosen`; what is done with it is the form's business."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DirectoryTree, Input

from tui.audio.formats import readable_suffixes
from tui.widgets.path_input import PathInput, typed_path


class AudioTree(DirectoryTree):
    """Folders and the files ffmpeg can read (no hidden entries); the tree reads
    folders in a worker thread, where ffmpeg's list is asked for once."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        readable = readable_suffixes()
        return [
            path
            for path in paths
            if not path.name.startswith(".") and (path.is_dir() or path.suffix.lower() in readable)
        ]


class AudioBrowser(Vertical):
    """The path field (``#audio-path``) over the tree (``#audio-tree``)."""

    class Chosen(Message):
        """A file was chosen in the tree, or a path typed and Enter pressed."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(self, root: Path, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.root = root

    def compose(self) -> ComposeResult:
        # Quotes, ~, file:// and shell escapes as in every path field; Tab completes.
        yield PathInput(placeholder="Type a path; Enter analyses", id="audio-path", compact=True)
        yield AudioTree(self.root, id="audio-tree")

    @on(DirectoryTree.FileSelected, "#audio-tree")
    def _file_picked(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.query_one("#audio-path", Input).value = str(event.path)
        self.post_message(self.Chosen(event.path))

    @on(Input.Submitted, "#audio-path")
    def _path_typed(self, event: Input.Submitted) -> None:
        event.stop()
        path = typed_path(event.value)
        if path is not None:
            self.post_message(self.Chosen(path))

    @on(PathInput.PickRequested, "#audio-path")
    def _pick(self, event: PathInput.PickRequested) -> None:
        """Ctrl+O: the files are the tree below the field."""
        event.stop()
        self.query_one("#audio-tree").focus()
