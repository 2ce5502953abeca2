"""A container whose default styles come from ``tui/styles/widgets.tcss``.

Widgets deriving from it carry their styles wherever they are used, so a
screen does not need to list the widgets' stylesheet in its ``CSS_PATH``.
"""

from __future__ import annotations

from pathlib import Path

from textual.containers import Vertical

WIDGETS_CSS_PATH = Path(__file__).resolve().parent.parent / "styles" / "widgets.tcss"


class StyledWidget(Vertical):
    """Base of the project's reusable widgets (styles read once, from the tcss file)."""

    DEFAULT_CSS = WIDGETS_CSS_PATH.read_text(encoding="utf-8")
    SCOPED_CSS = False
