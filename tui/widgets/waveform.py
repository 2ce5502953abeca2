"""A clip's level over time: a sparkline on a decibel scale with a time axis."""

from __future__ import annotations

import math
from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

#: Levels at or below this (dBFS) draw as silence.
FLOOR_DB = -60.0


def level_heights(envelope: Sequence[float], floor_db: float = FLOOR_DB) -> list[float]:
    """RMS levels (fractions of full scale) as bar heights 0..1 on a dB scale,
    so quiet speech stays visible next to loud passages."""
    heights = []
    for value in envelope:
        db = 20 * math.log10(value) if value > 0 else -math.inf
        heights.append(0.0 if db <= floor_db else min(1.0, (db - floor_db) / -floor_db))
    return heights


def time_axis(duration_s: float, width: int) -> str:
    """``0 s`` at the left, the middle and the length at the right, in ``width`` cells."""
    if width < 12:
        return f"{duration_s:.1f} s".rjust(max(0, width))
    left, middle, right = "0 s", f"{duration_s / 2:.1f} s", f"{duration_s:.1f} s"
    centre = (width - len(middle)) // 2
    line = left + " " * max(1, centre - len(left)) + middle
    return line + " " * max(1, width - len(line) - len(right)) + right


class Waveform(Vertical):
    """Shows an analysis envelope; empty until :meth:`show` is called."""

    DEFAULT_CSS = """
    Waveform { height: auto; }
    Waveform > Sparkline { height: 4; margin: 0 1; }
    Waveform > .waveform-axis { height: 1; margin: 0 1; color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._heights: list[float] = []
        self._duration = 0.0

    def compose(self) -> ComposeResult:
        yield Sparkline([], classes="waveform-line")
        yield Static("", classes="waveform-axis", markup=False)

    @property
    def heights(self) -> list[float]:
        """The bar heights shown (0..1), one per slice of the clip."""
        return list(self._heights)

    def show(self, envelope: Sequence[float], duration_s: float) -> None:
        self._heights = level_heights(envelope)
        self._duration = duration_s
        self.query_one(Sparkline).data = self._heights
        self._draw_axis()
        self.display = True

    def clear(self) -> None:
        self._heights = []
        self.query_one(Sparkline).data = []
        self.query_one(".waveform-axis", Static).update("")
        self.display = False

    def on_resize(self) -> None:
        self._draw_axis()

    def _draw_axis(self) -> None:
        if not self._heights:
            return
        width = max(0, self.size.width - 2)
        self.query_one(".waveform-axis", Static).update(time_axis(self._duration, width))
