"""Progress reports for long operations (the UI shows them as a bar)."""

from __future__ import annotations

from collections.abc import Callable

ProgressCallback = Callable[[float], None]


class Progress:
    """Turns byte counts into fractions of ``expected`` bytes, reported in
    steps of at least 1 % and never 1.0 before :meth:`done`."""

    def __init__(self, callback: ProgressCallback | None, expected: float) -> None:
        self._callback = callback
        self._expected = expected
        self._seen = 0
        self._reported = -1.0

    def add(self, count: int) -> None:
        if self._callback is None or self._expected <= 0:
            return
        self._seen += count
        fraction = min(0.99, self._seen / self._expected)
        if fraction - self._reported >= 0.01:
            self._reported = fraction
            self._callback(fraction)

    def done(self) -> None:
        if self._callback is not None:
            self._callback(1.0)
