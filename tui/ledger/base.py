"""The shared connection, lock, transactions and timestamp storage of the ledger."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
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


class Database:
    """One connection shared by the engine's threads; every use holds the lock.

    The connection runs in autocommit mode and writes open an explicit
    ``BEGIN IMMEDIATE`` so a commit is exactly the end of ``tx``.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.lock = threading.RLock()
        self.path = path

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            conn = self.conn
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

    def rows(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        with self.lock:
            row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
            return row

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection of its own, so a long export never holds the lock."""
        conn = sqlite3.connect(self.path, timeout=5.0)
        try:
            conn.execute("PRAGMA query_only = ON")
            conn.execute("BEGIN")
            yield conn
        finally:
            conn.close()


class Store:
    """One part of the ledger, on the ledger's shared ``Database`` (its connection and lock)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @property
    def _conn(self) -> sqlite3.Connection:
        return self.db.conn

    @property
    def _lock(self) -> threading.RLock:
        return self.db.lock

    @property
    def path(self) -> Path:
        return self.db.path

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return self.db.tx()

    def _rows(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return self.db.rows(sql, params)

    def _one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        return self.db.one(sql, params)

    def _scalar(self, sql: str, params: Params = ()) -> Any:
        return self.db.scalar(sql, params)
