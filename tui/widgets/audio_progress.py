"""How the audio form's job is going: a progress bar while it runs
(``#audio-progress``), then what it did (``#audio-notes``) and what went
wrong (``#audio-error``). Each part shows only when it has something to say."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from tui.ledger import AudioFile


class AudioProgress(Vertical):
    """The bar, the notes and the error line of the audio form."""

    DEFAULT_CSS = """
    AudioProgress { height: auto; }
    """

    #: What the job under way is doing, while it is shown in the notes.
    _doing = ""

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=100, show_eta=False, id="audio-progress")
        yield Static("", id="audio-notes", markup=False)
        yield Static("", id="audio-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#audio-progress").display = False
        self.show_error(None)

    def running(self, busy: bool, doing: str = "") -> None:
        """Show the bar, empty, and what is being done while a job runs; hide
        both after (a note saying "Analysing..." never outlives the analysis)."""
        bar = self.query_one("#audio-progress", ProgressBar)
        bar.update(progress=0)
        bar.display = busy
        if busy:
            self._doing = doing
            self.show_notes([doing] if doing else [])
            bar.scroll_visible(animate=False)  # in view on a small terminal too
        elif self._doing:
            if str(self.query_one("#audio-notes", Static).content) == self._doing:
                self.show_notes([])
            self._doing = ""

    def progress(self, fraction: float) -> None:
        self.query_one("#audio-progress", ProgressBar).update(progress=fraction * 100)

    def show_notes(self, notes: list[str]) -> None:
        widget = self.query_one("#audio-notes", Static)
        widget.update("\n".join(notes))
        widget.display = bool(notes)

    def show_error(self, message: str | None) -> None:
        widget = self.query_one("#audio-error", Static)
        widget.update(message or "")
        widget.display = bool(message)

    def show_upload(self, file: AudioFile, status: str) -> None:
        """The uploaded recording and its status, as the gateway prepares it."""
        waiting = "" if status == "Ready" else " (the gateway is preparing it; this updates itself)"
        self.show_notes([f"Uploaded as {file.name!r}, ID {file.id}: {status}{waiting}."])

    def reveal_notes(self) -> None:
        """Scroll the form so the notes are in view."""
        self.query_one("#audio-notes").scroll_visible(animate=False)
