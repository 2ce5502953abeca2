"""A small chart of counts over time: a titled sparkline with its scale in words."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Sparkline


class HistoryChart(Vertical):
    """``title``, a sparkline of ``counts`` (0 at the bottom), and a caption."""

    DEFAULT_CSS = """
    HistoryChart { height: auto; width: 1fr; padding: 0 1; }
    HistoryChart .chart-title { text-style: bold; }
    HistoryChart Sparkline { height: 2; }
    HistoryChart .chart-caption { color: $text-muted; }
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title

    def compose(self) -> ComposeResult:
        yield Label(self.title_text, classes="chart-title")
        yield Sparkline([0.0], summary_function=max)
        yield Label("", classes="chart-caption")

    def show(self, counts: Sequence[int], caption: str) -> None:
        # A leading 0 keeps the bottom of the scale at zero (Sparkline scales to
        # its own minimum): a quiet period looks quiet.
        self.query_one(Sparkline).data = [0.0, *(float(c) for c in counts)]
        self.query_one(".chart-caption", Label).update(caption)
