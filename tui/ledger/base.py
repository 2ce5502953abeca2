"""The shared connection, lock, transactions and timestamp storage of the ledger."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

Params = Sequence[Any] | dict[str, Any]


def to_db(at: datetime | None) -> str | None:
    """A moment as fixed-width UTC ISO text, so text order is time order.

    A naive datetime is taken as local time (Python's own convention).
    """
    if at is None:
        return None
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def req_from_db(text: str) -> datetime:
    return datetime.fromisoformat(text)


def now_utc() -> datetime:
    return datetime.now(UTC)


class Store:
    """One connection shared by the engine's threads; every use holds the lock.

    The connection runs in autocommit mode and writes open an explicit
    ``BEGIN IMMEDIATE`` so a commit is exactly the end of ``_tx``.
    """

    _conn: sqlite3.Connection
    _lock: threading.RLock
    path: Path

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _rows(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._conn.execute(sql, params).fetchone()
            return row

    def _scalar(self, sql: str, params: Params = ()) -> Any:
        row = self._one(sql, params)
        return None if row is None else row[0]
