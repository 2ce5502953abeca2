"""The recording chosen in the audio form: its analysis as text
(``#audio-analysis``) over its waveform, with the silence a trim would cut
and the From/To range marked."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tui.audio import AudioAnalysis
from tui.audio.summary import describe
from tui.widgets.waveform import Waveform


class RecordingPreview(Vertical):
    """What the recording is, and what converting it would keep."""

    DEFAULT_CSS = """
    RecordingPreview { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Static("Choose a recording: any common format.", id="audio-analysis")
        yield Waveform(id="audio-waveform")

    def on_mount(self) -> None:
        self.query_one(Waveform).display = False

    def show(self, analysis: AudioAnalysis) -> None:
        self.query_one("#audio-analysis", Static).update(describe(analysis))
        self.query_one(Waveform).show(
            analysis.envelope,
            analysis.duration_s,
            trim=(analysis.leading_silence_s, analysis.trailing_silence_s),
            clipped=analysis.clipped_percent >= 0.01,
        )

    def clear(self) -> None:
        """No recording: the analysis could not be made."""
        self.query_one("#audio-analysis", Static).update("No recording chosen.")
        self.query_one(Waveform).clear()

    def set_range(self, start_s: float | None, end_s: float | None) -> None:
        """Mark the From/To range on the waveform."""
        self.query_one(Waveform).set_range(start_s, end_s)
