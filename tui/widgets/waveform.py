"""A clip's level over time on an absolute decibel scale (-60..0 dBFS, so a
quiet recording looks quiet), with the trim points, the chosen From/To range
and clipping marked, and a time axis in M:SS."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

#: Levels at or below this (dBFS) draw as silence; 0 dBFS fills the height.
FLOOR_DB = -60.0
ROWS = 4
_BLOCKS = " ▁▂▃▄▅▆▇█"
#: When the clip is clipped, slices this loud (dBFS RMS) are drawn in red.
HOT_DB = -6.0


def level_heights(envelope: Sequence[float], floor_db: float = FLOOR_DB) -> list[float]:
    """RMS levels (fractions of full scale) as bar heights 0..1 on a fixed dB
    scale: -60 dBFS and below is 0, 0 dBFS is 1, whatever the clip's loudest."""
    heights = []
    for value in envelope:
        db = 20 * math.log10(value) if value > 0 else -math.inf
        heights.append(0.0 if db <= floor_db else min(1.0, (db - floor_db) / -floor_db))
    return heights


def clock(seconds: float) -> str:
    """``75.4`` as ``1:15``; an hour or more as ``1:02:03``."""
    whole = max(0, round(seconds))
    minutes, secs = divmod(whole, 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def time_axis(duration_s: float, width: int) -> str:
    """``0:00`` at the left, the middle and the length at the right, in ``width`` cells."""
    if width < 14:
        return clock(duration_s).rjust(max(0, width))
    left, middle, right = "0:00", clock(duration_s / 2), clock(duration_s)
    centre = (width - len(middle)) // 2
    line = left + " " * max(1, centre - len(left)) + middle
    return line + " " * max(1, width - len(line) - len(right)) + right


def resample(values: Sequence[float], width: int) -> list[float]:
    """``values`` as ``width`` columns (the highest value of each column's share)."""
    count = len(values)
    if count == 0 or width <= 0:
        return []
    columns = []
    for i in range(width):
        lo = i * count // width
        hi = max(lo + 1, (i + 1) * count // width)
        columns.append(max(values[lo:hi]))
    return columns


class Waveform(Vertical):
    """Shows an analysis envelope; empty until :meth:`show` is called."""

    DEFAULT_CSS = """
    Waveform { height: auto; }
    Waveform > .waveform-bars { height: 4; margin: 0 1; }
    Waveform > .waveform-marks { height: 1; margin: 0 1; color: $warning; }
    Waveform > .waveform-axis { height: 1; margin: 0 1; color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._heights: list[float] = []
        self._duration = 0.0
        self._trim: tuple[float, float] | None = None
        self._range: tuple[float | None, float | None] = (None, None)
        self._clipped = False

    def compose(self) -> ComposeResult:
        yield Static("", classes="waveform-bars")
        yield Static("", classes="waveform-marks")
        yield Static("", classes="waveform-axis", markup=False)

    @property
    def heights(self) -> list[float]:
        """The bar heights shown (0..1), one per slice of the clip."""
        return list(self._heights)

    def show(
        self,
        envelope: Sequence[float],
        duration_s: float,
        *,
        trim: tuple[float, float] | None = None,
        clipped: bool = False,
    ) -> None:
        """Draw ``envelope``; ``trim`` is (leading, trailing) silence in seconds."""
        self._heights = level_heights(envelope)
        self._duration = duration_s
        self._trim = trim
        self._clipped = clipped
        self.display = True
        self._draw()

    def set_range(self, start_s: float | None, end_s: float | None) -> None:
        """Mark the From/To range (``None``: the clip's start or end)."""
        self._range = (start_s, end_s)
        self._draw()

    def clear(self) -> None:
        self._heights = []
        self._trim = None
        self._range = (None, None)
        for selector in (".waveform-bars", ".waveform-marks", ".waveform-axis"):
            self.query_one(selector, Static).update("")
        self.display = False

    def on_resize(self) -> None:
        self._draw()

    def marks(self, width: int) -> str:
        """The marker line: ``|`` at the trim points, ``[`` and ``]`` at From and To."""
        line = [" "] * width
        if width <= 0 or self._duration <= 0:
            return ""

        def put(seconds: float, char: str) -> None:
            column = min(width - 1, max(0, int(seconds / self._duration * width)))
            line[column] = char

        if self._trim is not None:
            leading, trailing = self._trim
            if leading > 0:
                put(leading, "|")
            if trailing > 0:
                put(self._duration - trailing, "|")
        start, end = self._range
        if start is not None:
            put(start, "[")
        if end is not None:
            put(min(end, self._duration), "]")
        return "".join(line).rstrip()

    def _draw(self) -> None:
        if not self._heights or not self.is_mounted:
            return
        width = max(0, self.size.width - 2)
        columns = resample(self._heights, width)
        bars = Text()
        for row in range(ROWS):
            for i, height in enumerate(columns):
                eighths = round(height * ROWS * 8) - (ROWS - 1 - row) * 8
                char = _BLOCKS[min(8, max(0, eighths))]
                bars.append(char, style=self._style(i, len(columns), height))
            if row < ROWS - 1:
                bars.append("\n")
        self.query_one(".waveform-bars", Static).update(bars)
        self.query_one(".waveform-marks", Static).update(self.marks(width))
        self.query_one(".waveform-axis", Static).update(time_axis(self._duration, width))

    def _style(self, column: int, width: int, height: float) -> str:
        at = (column + 0.5) / width * self._duration
        start, end = self._range
        outside = (start is not None and at < start) or (end is not None and at > end)
        if self._trim is not None:
            leading, trailing = self._trim
            outside = outside or at < leading or at > self._duration - trailing
        if self._clipped and height >= (HOT_DB - FLOOR_DB) / -FLOOR_DB:
            return "red"
        return "grey42" if outside else "green"
