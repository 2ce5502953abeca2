"""What every screen with a path field does the same way: open the picker for
a :class:`~tui.widgets.path_input.PathInput` (Ctrl+O) and ask before a file is
replaced (Cancel focused: a stray Enter keeps the file)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual.screen import Screen

from tui.screens.confirm import ConfirmScreen
from tui.widgets.file_picker import FilePicker
from tui.widgets.path_input import PathInput

#: The files numbers are read from (lists, opt-outs, personalised sends).
SHEET_SUFFIXES = frozenset({".csv", ".tsv", ".txt", ".xlsx"})


def open_picker(
    screen: Screen[Any],
    event: PathInput.PickRequested,
    *,
    suffixes: frozenset[str] | None = None,
    title: str = "Choose a file",
) -> None:
    """Show the picker from the field's folder; the chosen file fills the field."""
    event.stop()
    field = event.field

    def chosen(path: Path | None) -> None:
        if path is not None:
            field.value = str(path)
            field.cursor_position = len(field.value)
            field.focus()

    screen.app.push_screen(FilePicker(event.folder, suffixes=suffixes, title=title), chosen)


def replace_question(path: Path, what: str) -> ConfirmScreen:
    """``path exists. Replace it with <what>?``, Cancel focused."""
    return ConfirmScreen(
        f"{path} exists. Replace it with {what}? The file's current content is lost.",
        title="Replace the file",
        confirm_label="Replace",
        danger=True,
    )


async def may_write(screen: Screen[Any], path: Path, what: str) -> bool:
    """True when ``path`` is free, or its owner agreed to replace it (call from a
    worker: it waits for the answer)."""
    if not await asyncio.to_thread(path.exists):
        return True
    answer: bool = await screen.app.push_screen_wait(replace_question(path, what))
    return answer
