"""A one-line chart of Sent against Not sent: a bar and the counts beside it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static


class ProgressChart(Horizontal):
    """``update_counts(sent, not_sent, total)`` redraws the bar and the counts."""

    DEFAULT_CSS = """
    ProgressChart { height: 1; }
    ProgressChart > ProgressBar { width: auto; margin-right: 2; }
    ProgressChart > .chart-counts { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.sent = 0
        self.not_sent = 0
        self.total = 0

    def compose(self) -> ComposeResult:
        # A known total from the start: an unknown one animates without end.
        yield ProgressBar(total=1, show_eta=False, show_percentage=True)
        yield Static("", classes="chart-counts")

    def update_counts(self, sent: int, not_sent: int, total: int) -> None:
        self.sent, self.not_sent, self.total = sent, not_sent, total
        bar = self.query_one(ProgressBar)
        bar.display = total > 0
        if total:
            bar.update(total=total, progress=sent)
        counts = self.query_one(".chart-counts", Static)
        if total:
            counts.update(
                f"[b $success]{sent}[/] sent  ·  [b $warning]{not_sent}[/] not sent  ·  "
                f"{total} recipient{'' if total == 1 else 's'}"
            )
        else:
            counts.update("[dim]No status from the gateway yet[/]")
