"""Inbox fetches in flight, and the messages the command line has handed out.

The gateway hands each incoming message out once. Before each request for
messages, a marker is committed (``begin_fetch``); the reply's raw body is
committed with the marker's end in one transaction (``store_fetched_reply``).
A marker left ``in_flight`` by a run that is gone means a reply may have been
handed out and never stored: it becomes ``lost`` and is shown (time, page
size) until the user acknowledges it. Committing the marker is also the test
write that proves the ledger can take one before anything is asked for.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tui.ledger.base import Store, req_from_db, to_db
from tui.ledger.inbox import InboxMessage
from tui.ledger.inbox import _message as message_of
from tui.ledger.intents import STALE_AFTER, process_alive


@dataclass(frozen=True, slots=True)
class PossibleLoss:
    """A fetch whose reply was never stored: up to ``page_size`` messages may be lost."""

    id: int
    started_at: datetime
    page_size: int
    reason: str

    def sentence(self, when: str) -> str:
        return (
            f"Up to {self.page_size} incoming messages may have been lost: a fetch started"
            f" {when} got no stored reply ({self.reason}). The gateway hands each message"
            " out once, so they cannot be fetched again; ask the senders if it matters."
        )


class InboxFetchStore(Store):
    def begin_fetch(self, page_size: int, at: datetime) -> int:
        """Commit a marker before asking for messages (raises LedgerError when the
        ledger cannot take the write: then nothing must be asked for)."""
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO inbox_fetches (started_at, page_size, pid) VALUES (?, ?, ?)",
                (to_db(at), page_size, os.getpid()),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def store_fetched_reply(self, fetch_id: int, body: bytes, received_at: datetime) -> int:
        """Commit a reply body (before any parsing) and close its marker; returns its id."""
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO incoming_raw (received_at, body) VALUES (?, ?)",
                (to_db(received_at), bytes(body)),
            )
            conn.execute("UPDATE inbox_fetches SET state = 'done' WHERE id = ?", (fetch_id,))
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def end_fetch(self, fetch_id: int, *, lost: str | None = None) -> None:
        """Close a marker whose request handed nothing out (refused, not sent), or,
        with ``lost``, one whose reply may have held messages that were not stored."""
        with self._tx() as conn:
            if lost is None:
                conn.execute("DELETE FROM inbox_fetches WHERE id = ?", (fetch_id,))
            else:
                conn.execute(
                    "UPDATE inbox_fetches SET state = 'lost', reason = ? WHERE id = ?",
                    (lost, fetch_id),
                )

    def mark_stale_fetches(
        self,
        now: datetime,
        *,
        alive: Callable[[int], bool] = process_alive,
        stale_after: timedelta = STALE_AFTER,
    ) -> int:
        """Markers left in flight by a run that has gone become possible losses."""
        rows = self._rows("SELECT id, started_at, pid FROM inbox_fetches WHERE state = 'in_flight'")
        stale = [
            row[0] for row in rows if not alive(row[2]) or now - req_from_db(row[1]) >= stale_after
        ]
        if stale:
            with self._tx() as conn:
                conn.executemany(
                    "UPDATE inbox_fetches SET state = 'lost', reason = ?"
                    " WHERE id = ? AND state = 'in_flight'",
                    (("the run fetching them stopped before storing the reply", i) for i in stale),
                )
        return len(stale)

    def possible_losses(self) -> list[PossibleLoss]:
        """Losses not acknowledged yet, oldest first."""
        rows = self._rows(
            "SELECT id, started_at, page_size, reason FROM inbox_fetches"
            " WHERE state = 'lost' AND acknowledged = 0 ORDER BY id"
        )
        return [PossibleLoss(r[0], req_from_db(r[1]), r[2], r[3] or "") for r in rows]

    def acknowledge_losses(self, ids: Iterable[int] | None = None) -> int:
        with self._tx() as conn:
            if ids is None:
                cursor = conn.execute(
                    "UPDATE inbox_fetches SET acknowledged = 1"
                    " WHERE state = 'lost' AND acknowledged = 0"
                )
                return cursor.rowcount
            before = conn.total_changes
            conn.executemany(
                "UPDATE inbox_fetches SET acknowledged = 1 WHERE id = ?", ((i,) for i in ids)
            )
            return conn.total_changes - before

    def prune_fetches(self, before: datetime) -> int:
        """Forget finished markers older than ``before`` (losses are kept)."""
        with self._tx() as conn:
            return conn.execute(
                "DELETE FROM inbox_fetches WHERE state = 'done' AND started_at < ?",
                (to_db(before),),
            ).rowcount

    # Handed out by the command line -------------------------------------------------

    def not_handed_out(self, limit: int = 10_000) -> list[InboxMessage]:
        """Stored messages ``csms inbox fetch`` has not printed yet, oldest first
        (whichever run fetched them: one killed before printing included)."""
        rows = self._rows(
            "SELECT * FROM incoming WHERE handed_out = 0 ORDER BY id LIMIT ?", (limit,)
        )
        return [message_of(row) for row in rows]

    def mark_handed_out(self, ids: Iterable[int]) -> None:
        with self._tx() as conn:
            conn.executemany("UPDATE incoming SET handed_out = 1 WHERE id = ?", ((i,) for i in ids))
