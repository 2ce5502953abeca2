"""How a file of numbers is laid out, and what one cell holds.

Kept for the callers that know it by this name: the one sheet reader that list
imports and personalised sends share is :mod:`tui.engine.sheets` (text files
and .xlsx workbooks, the layout guess, and :func:`cell_number`).
"""

from __future__ import annotations

from tui.engine.sheets import (
    DELIMITERS,
    LANDLINE_REASON,
    SAMPLE_BYTES,
    SAMPLE_ROWS,
    FileLayout,
    SheetError,
    cell_number,
    detect_layout,
    is_landline,
)

#: The error a file that cannot be imported raises (the sheet reader's own).
ImportFileError = SheetError

__all__ = [
    "DELIMITERS",
    "LANDLINE_REASON",
    "SAMPLE_BYTES",
    "SAMPLE_ROWS",
    "FileLayout",
    "ImportFileError",
    "cell_number",
    "detect_layout",
    "is_landline",
]
