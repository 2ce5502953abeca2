"""Polling across sent messages and calls, and what they share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from tui.ledger.base import Store, from_db, req_from_db, to_db
from tui.ledger.errors import LedgerError

TrackedKind = Literal["message", "call"]
_TABLES: dict[str, str] = {"message": "messages", "call": "calls"}


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: int
    at: datetime
    option_selected: str | None = None


@dataclass(frozen=True, slots=True)
class PollItem:
    kind: TrackedKind
    id: str
    recipient: str
    polls: int
    submitted_at: datetime
    next_poll_at: datetime


@dataclass(frozen=True, slots=True)
class InFlight:
    messages: int
    calls: int
    next_poll_at: datetime | None

    @property
    def total(self) -> int:
        return self.messages + self.calls


def where_clause(filters: dict[str, object]) -> tuple[str, list[object]]:
    """A WHERE clause (and its parameters) from the filters that are not None."""
    clauses: list[str] = []
    params: list[object] = []
    for column, value in filters.items():
        if value is None:
            continue
        if column == "since":
            clauses.append("submitted_at >= ?")
            params.append(to_db(value))  # type: ignore[arg-type]
        elif column == "final":
            clauses.append("final = ?")
            params.append(1 if value else 0)
        elif column == "status":
            clauses.append("status = ?")
            params.append(int(value))  # type: ignore[call-overload]
        else:
            clauses.append(f"{column} = ?")
            params.append(value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class TrackingStore(Store):
    """Polling across messages and calls."""

    def schedule_next_polls(
        self, kind: TrackedKind, items: Iterable[tuple[str, datetime | None]]
    ) -> None:
        """Set several next query times in one transaction; final items are left alone."""
        table = _TABLES.get(kind)
        if table is None:
            raise LedgerError(f"Unknown kind {kind!r}; use 'message' or 'call'.")
        with self._tx() as conn:
            conn.executemany(
                f"UPDATE {table} SET next_poll_at = ? WHERE id = ? AND final = 0",
                ((to_db(at), item_id) for item_id, at in items),
            )

    def due_for_poll(self, now: datetime, limit: int = 100) -> list[PollItem]:
        """Unfinished messages and calls whose next query is due, most overdue first."""
        moment = to_db(now)
        rows = self._rows(
            """SELECT * FROM (
                   SELECT 'message' AS kind, id, recipient, polls, submitted_at, next_poll_at
                   FROM messages WHERE final = 0 AND next_poll_at <= ?
                   UNION ALL
                   SELECT 'call', id, recipient, polls, submitted_at, next_poll_at
                   FROM calls WHERE final = 0 AND next_poll_at <= ?
               ) ORDER BY next_poll_at LIMIT ?""",
            (moment, moment, limit),
        )
        return [
            PollItem(
                kind=row["kind"],
                id=row["id"],
                recipient=row["recipient"],
                polls=row["polls"],
                submitted_at=req_from_db(row["submitted_at"]),
                next_poll_at=req_from_db(row["next_poll_at"]),
            )
            for row in rows
        ]

    def in_flight(self) -> InFlight:
        """How many messages and calls are still tracked, and the next query time."""
        row = self._one(
            """SELECT
                 (SELECT count(*) FROM messages WHERE final = 0),
                 (SELECT count(*) FROM calls WHERE final = 0),
                 (SELECT min(t) FROM (
                     SELECT min(next_poll_at) AS t FROM messages WHERE final = 0
                     UNION ALL SELECT min(next_poll_at) FROM calls WHERE final = 0))"""
        )
        assert row is not None
        return InFlight(messages=row[0], calls=row[1], next_poll_at=from_db(row[2]))
