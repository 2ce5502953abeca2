"""Exporting the whole inbox to a CSV file from the Inbox's export bar.

The path is checked first (a file, in a folder that exists), an existing file
is replaced only once its owner agrees, and every failure is one sentence
saying what to do; the engine writes the file.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.gateway.errors import CsmsError
from tui.ledger import LedgerError
from tui.screens.file_choice import may_write, open_picker
from tui.widgets.path_input import PathInput, typed_path
from tui.wording import plural

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.engine.service import Engine

CSV_SUFFIXES = frozenset({".csv"})


def pick_export_file(screen: Screen[Any], event: PathInput.PickRequested) -> None:
    """The file picker for the export's path, showing folders and .csv files."""
    open_picker(screen, event, suffixes=CSV_SUFFIXES, title="Export the inbox to (a .csv file)")


async def export_inbox(
    screen: Screen[Any], engine: Engine, raw_path: str
) -> tuple[Path, int] | None:
    """Export the inbox to the file typed as ``raw_path``; the file and its row
    count, or None when nothing was written (the user was told why)."""
    if not raw_path.strip():
        screen.notify("Give the file to export to, e.g. ~/inbox.csv.", severity="error")
        return None
    path = typed_path(raw_path)
    if path is None:
        return None
    if await asyncio.to_thread(path.is_dir):
        screen.notify(f"{path} is a folder; give a file name ending in .csv.", severity="error")
        return None
    if not await asyncio.to_thread(path.parent.is_dir):
        screen.notify(
            f"The folder {path.parent} does not exist; create it or choose another.",
            severity="error",
        )
        return None
    if not await may_write(screen, path, "the inbox"):
        return None
    try:
        rows = await engine.export_inbox(path)
    except (CsmsError, LedgerError) as error:
        screen.notify(str(error), severity="error", timeout=10)
        return None
    except OSError as error:
        screen.notify(
            f"Could not write {path}: {error.strerror}. Choose another file.",
            severity="error",
            timeout=10,
        )
        return None
    screen.notify(f"Exported {plural(rows, 'message')} to {path}.")
    return path, rows
