"""The one clock of the engine and everything under it.

Every moment the engine records or compares (a send's time, a schedule's
"now", the gateway's clock offset, the dashboard's hours) comes from the
clock the engine was opened with: this machine's clock for an account, the
simulator's (which may run faster) for the demo. So a screen never shows
times from two clocks side by side, and tests step time instead of sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the time (aware datetimes)."""

    def now(self) -> datetime: ...


class SystemClock:
    """This machine's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


SYSTEM_CLOCK: Clock = SystemClock()
