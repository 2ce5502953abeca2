"""The Lists screen's upload line: the running upload's progress bar, what it
is doing (or how it ended), and its Cancel button."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, ProgressBar, Static

from tui.engine.jobs import Job


class UploadPanel(Horizontal):
    """Progress and outcome of a list upload (ids ``upload-bar``, ``upload-status``,
    ``cancel-upload``); the bar and the button show only while one runs."""

    def compose(self) -> ComposeResult:
        yield ProgressBar(id="upload-bar", show_eta=False)
        yield Static("", id="upload-status", markup=False)
        yield Button("Cancel upload", id="cancel-upload", variant="warning")

    def set_busy(self, busy: bool) -> None:
        self.query_one("#upload-bar").display = busy
        self.query_one("#cancel-upload", Button).display = busy

    def say(self, text: str) -> None:
        self.query_one("#upload-status", Static).update(text)

    def show_running(self, job: Job[Any]) -> None:
        """``job``'s progress: done of total, and what it is doing."""
        self.set_busy(True)
        progress = job.progress
        bar = self.query_one("#upload-bar", ProgressBar)
        if progress is None:
            bar.update(total=None)
            doing = "starting…"
        else:
            bar.update(total=max(progress.total, 1), progress=progress.done)
            doing = progress.detail
        if job.cancelling:
            doing = "cancelling after the batches on their way…"
        self.say(f"{job.title}: {doing}")
