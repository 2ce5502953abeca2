"""The Dashboard's figures, read from the ledger in one go (a read model).

The screen asks for them after a burst of events and shows them; reading them
counts thousands of rows, so it runs in a thread on the engine's read-only
connection (``Engine.reads``) and a background write never holds it up.
Everything here is counted from the ledger (what csms sent and fetched), not
asked of the gateway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tui.engine.optouts import OptOutCounts
from tui.ledger import Ledger
from tui.ledger.history import Buckets
from tui.ledger.ledger import DashboardCounts
from tui.ledger.optouts import OptOutStore

#: Opt-outs counted as new on the Dashboard.
OPTOUT_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class DashboardFigures:
    counts: DashboardCounts
    optouts: OptOutCounts
    #: Messages sent and replies received per hour, segments per day.
    sent: Buckets
    replies: Buckets
    segments: Buckets


def read_figures(ledger: Ledger, now: datetime) -> DashboardFigures:
    """The figures as of ``now`` (the engine's clock, in the zone whose hours and
    days are counted)."""
    optouts = OptOutStore(ledger).new_since(now - OPTOUT_WINDOW)
    return DashboardFigures(
        counts=ledger.dashboard_counts(),
        optouts=OptOutCounts.by_source(optouts),
        sent=ledger.history.per_hour("messages", "submitted_at", now),
        replies=ledger.history.per_hour("incoming", "received_at", now),
        segments=ledger.history.segments_per_day(now),
    )
