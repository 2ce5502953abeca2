"""The shared connection, lock, transactions and timestamp storage of the ledger."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.ledger.errors import LedgerError

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


def storage_error(path: Path, error: sqlite3.OperationalError) -> LedgerError | None:
    """The user's sentence for a storage problem (busy, disk full, read-only), if it is one."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        problem = f"the ledger {path} is busy in another csms process"
        return LedgerError(
            f"{problem[0].upper()}{problem[1:]}; close it or try again.", problem=problem
        )
    if "full" in text:
        problem = f"the disk holding the ledger {path} is full"
        return LedgerError(
            f"{problem[0].upper()}{problem[1:]}; free some space and try again.", problem=problem
        )
    if "readonly" in text or "read-only" in text:
        problem = f"the ledger {path} is read-only"
        return LedgerError(
            f"{problem[0].upper()}{problem[1:]}; check the file's permissions.", problem=problem
        )
    if "disk i/o" in text:
        problem = f"the disk holding the ledger {path} gave an input/output error"
        return LedgerError(f"{problem[0].upper()}{problem[1:]}; check the disk.", problem=problem)
    return None


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
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise storage_error(self.path, error) or error from None
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(error, sqlite3.OperationalError):
                    raise storage_error(self.path, error) or error from None
                raise

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
