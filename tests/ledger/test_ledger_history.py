"""The Dashboard's counts over time, from SQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.ledger import Ledger, NewMessage


def test_messages_are_counted_per_hour_and_segments_per_day(tmp_path: Path) -> None:
    now = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)
    with Ledger.open(tmp_path / "ledger.sqlite3") as ledger:
        ledger.messages.record_messages(
            NewMessage(
                id=f"m{i}",
                recipient="923001234567",
                text="hi",
                encoding="GSM-7",
                segments=2,
                submitted_at=now - timedelta(hours=hours),
            )
            for i, hours in enumerate([0, 0, 1, 5, 23, 30, 24 * 40])
        )
        hourly = ledger.history.per_hour("messages", "submitted_at", now)
        assert len(hourly.counts) == 24 and hourly.total == 5
        assert hourly.counts[-1] == 2 and hourly.counts[-2] == 1 and hourly.counts[0] == 1
        daily = ledger.history.segments_per_day(now)
        assert len(daily.counts) == 30 and daily.total == 2 * 6  # the 40-day-old one is out
        assert daily.counts[-1] == 2 * 4  # today: 0, 0, 1 and 5 hours ago
