"""Counts over time for the Dashboard's charts, computed in SQL from the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tui.ledger.base import Store, to_db


@dataclass(frozen=True, slots=True)
class Buckets:
    """One count per period, oldest first, and the start of the first period."""

    start: datetime
    step: timedelta
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


def _buckets(rows: list[tuple[str, int]], start: datetime, step: timedelta, n: int) -> Buckets:
    counts = [0] * n
    for stamp, count in rows:
        index = int((datetime.fromisoformat(stamp) - start) / step)
        if 0 <= index < n:
            counts[index] += count
    return Buckets(start, step, counts)


class HistoryStore(Store):
    def per_hour(self, table: str, column: str, now: datetime, hours: int = 24) -> Buckets:
        """Rows of ``messages`` (``submitted_at``) or ``incoming`` (``received_at``)
        per hour over the last ``hours`` hours (the last bucket is the current hour)."""
        assert (table, column) in (("messages", "submitted_at"), ("incoming", "received_at"))
        start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)
        rows = self._rows(
            f"SELECT {column}, 1 FROM {table} WHERE {column} >= ?",
            (to_db(start),),
        )
        return _buckets([(r[0], r[1]) for r in rows], start, timedelta(hours=1), hours)

    def segments_per_day(self, now: datetime, days: int = 30) -> Buckets:
        """SMS segments sent per day (local days of ``now``'s zone), last ``days`` days."""
        start = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=days - 1)
        rows = self._rows(
            "SELECT submitted_at, segments FROM messages WHERE submitted_at >= ?",
            (to_db(start),),
        )
        return _buckets([(r[0], r[1]) for r in rows], start, timedelta(days=1), days)
