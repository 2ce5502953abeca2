"""The simulator's clock: real time (optionally sped up) or stepped by hand.

Everything in the simulator that moves with time reads this clock and works out
its progress lazily when asked, so no background threads are needed.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone, tzinfo


def karachi() -> tzinfo:
    """Asia/Karachi, or a fixed UTC+5 when the system has no time zone data."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Karachi")
    except Exception:  # no tz database on this system
        return timezone(timedelta(hours=5), "PKT")


TZ = karachi()


class SimClock:
    """Simulated time in Asia/Karachi.

    Real-time mode runs ``speed`` simulated seconds per real second; manual mode
    stands still until :meth:`advance` is called. ``advance`` works in both.
    """

    def __init__(
        self, start: datetime | None = None, *, speed: float = 1.0, manual: bool = False
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        begin = start if start is not None else datetime.now(TZ).replace(microsecond=0)
        if begin.tzinfo is None:
            begin = begin.replace(tzinfo=TZ)
        self._start = begin.timestamp()
        self._speed = speed
        self._manual = manual
        self._real0 = time.monotonic()
        self._offset = 0.0
        self._lock = threading.Lock()

    @property
    def manual(self) -> bool:
        return self._manual

    @property
    def speed(self) -> float:
        return self._speed

    def timestamp(self) -> float:
        """Current simulated time as POSIX seconds."""
        with self._lock:
            elapsed = 0.0 if self._manual else (time.monotonic() - self._real0) * self._speed
            return self._start + elapsed + self._offset

    def now(self) -> datetime:
        """Current simulated time, aware, in Asia/Karachi."""
        return datetime.fromtimestamp(self.timestamp(), TZ)

    def advance(self, seconds: float) -> None:
        """Move simulated time forward (never backward)."""
        if seconds < 0:
            raise ValueError("the clock cannot go backward")
        with self._lock:
            self._offset += seconds

    def advance_to(self, when: datetime) -> None:
        """Move simulated time forward to ``when`` (no-op if already past it)."""
        delta = when.timestamp() - self.timestamp()
        if delta > 0:
            self.advance(delta)


def to_datetime(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, TZ)
