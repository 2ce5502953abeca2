"""One input for file paths, as people paste them.

:func:`typed_path` reads what was typed or pasted: surrounding quotes (a path
copied from a file manager), ``file://`` URLs (percent-escapes decoded),
backslash-escaped spaces (a path dragged into a terminal) and ``~``.
:class:`PathInput` completes the last part on Tab (the common start of the
names that match; a lone folder gets its ``/``) and, when there is nothing to
complete, lets Tab move on as usual. Ctrl+O asks its screen for the picker
(:class:`PathInput.PickRequested`), which starts in the folder typed so far.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlsplit

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

_ESCAPED = re.compile(r"\\(.)")


def typed_path(text: str) -> Path | None:
    """The path ``text`` names, or None when it is blank."""
    value = text.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1].strip()
    if value.lower().startswith("file://"):
        value = unquote(urlsplit(value).path)
    elif "\\" in value and os.sep == "/":
        value = _ESCAPED.sub(r"\1", value)  # "My\ Recordings" as a shell writes it
    if not value:
        return None
    return Path(value).expanduser()


def completions(text: str) -> list[str]:
    """Entries of the typed folder whose names start with the typed last part
    (hidden ones only when the part starts with a dot), sorted, folders with '/'."""
    path = typed_path(text)
    if path is None:
        folder, stem = Path.cwd(), ""
    elif text.endswith(("/", os.sep)):
        folder, stem = path, ""
    else:
        folder, stem = path.parent, path.name
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    names = []
    for entry in entries:
        if not entry.name.startswith(stem) or (entry.name.startswith(".") and not stem[:1] == "."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        names.append(entry.name + ("/" if is_dir else ""))
    return sorted(names)


def complete(text: str) -> str | None:
    """``text`` with its last part completed as far as it is unambiguous, or
    None when nothing can be added."""
    names = completions(text)
    if not names:
        return None
    # Character by character on purpose: the names share a folder.
    prefix = os.path.commonprefix(names)  # noqa: RUF071
    path = typed_path(text)
    if path is None or text.endswith(("/", os.sep)):
        head, stem = text.strip() if path is not None else "", ""
    else:
        head, stem = text.strip()[: len(text.strip()) - len(path.name)], path.name
    if len(prefix) <= len(stem):
        return None
    return head + prefix


class PathInput(Input):
    """A path field: Tab completes, Ctrl+O asks for the picker."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete", "Complete", show=False),
        Binding("ctrl+o", "pick", "Choose a file"),
    ]

    class PickRequested(Message):
        """The user asked for the file picker, starting in ``folder``."""

        def __init__(self, field: PathInput, folder: Path) -> None:
            super().__init__()
            self.field = field
            self.folder = folder

        @property
        def control(self) -> PathInput:
            return self.field

    @property
    def path(self) -> Path | None:
        """The path typed (quotes, URLs and escapes undone), or None."""
        return typed_path(self.value)

    def action_complete(self) -> None:
        completed = complete(self.value)
        if completed is None or completed == self.value:
            self.screen.focus_next()
            return
        self.value = completed
        self.cursor_position = len(completed)

    def action_pick(self) -> None:
        path = self.path
        folder = Path.cwd()
        if path is not None:
            folder = path if path.is_dir() else path.parent
        if not folder.is_dir():
            folder = Path.cwd()
        self.post_message(self.PickRequested(self, folder))
