"""Sent messages and calls: what their tables share, and polling across both."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, Literal, TypedDict, TypeVar

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


def insert_items(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Insert within the caller's transaction; an ID already known is left alone."""
    before = conn.total_changes
    marks = ", ".join("?" * len(columns))
    conn.executemany(f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    return conn.total_changes - before


def _optional(kind: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else kind(value)


def _columns(record: type[Any], status: type[Any]) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """Each field of a record type, with what turns its column into the field."""
    special: dict[str, Callable[[Any], Any]] = {
        "submitted_at": req_from_db,
        "status_changed_at": from_db,
        "next_poll_at": from_db,
        "status": _optional(status),
        "final": bool,
    }
    same: Callable[[Any], Any] = lambda value: value  # noqa: E731
    return tuple((item.name, special.get(item.name, same)) for item in dataclasses.fields(record))


R = TypeVar("R")


class Filters(TypedDict, total=False):
    """What a listing of messages or calls may be narrowed to (None: any), and
    its page (``limit`` rows, 100 unless given, from ``offset``)."""

    recipient: str | None
    final: bool | None
    origin: str | None
    batch: str | None
    since: datetime | None
    limit: int
    offset: int


_FILTERED = ("recipient", "kind", "status", "final", "origin", "batch", "since")


class TrackedStore(Store, Generic[R]):
    """A table of sent items (messages or calls): the same columns for the
    recipient, the status seen, polling and finality, a history table of
    status changes, and status updates that count a poll each."""

    table: ClassVar[str]
    history_table: ClassVar[str]
    #: The history table's column naming the item.
    item_column: ClassVar[str]
    #: The item's name in error messages ("Message", "Call").
    what: ClassVar[str]
    #: Columns of the history table beyond the status and time.
    history_columns: ClassVar[tuple[str, ...]] = ()
    record_type: ClassVar[type[Any]]
    status_type: ClassVar[type[Any]]
    _fields: ClassVar[tuple[tuple[str, Callable[[Any], Any]], ...]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._fields = _columns(cls.record_type, cls.status_type)

    def _record(self, row: sqlite3.Row) -> R:
        values = {name: convert(row[name]) for name, convert in self._fields}
        record: R = self.record_type(**values)
        return record

    def _get(self, item_id: str) -> R | None:
        row = self._one(f"SELECT * FROM {self.table} WHERE id = ?", (item_id,))
        return None if row is None else self._record(row)

    def _find(self, filters: Mapping[str, Any]) -> list[R]:
        """Items, newest first, filtered by whichever ``filters`` are not None."""
        where, params = where_clause({column: filters.get(column) for column in _FILTERED})
        rows = self._rows(
            f"SELECT * FROM {self.table}{where} ORDER BY submitted_at DESC, rowid DESC"
            " LIMIT ? OFFSET ?",
            [*params, filters.get("limit", 100), filters.get("offset", 0)],
        )
        return [self._record(row) for row in rows]

    def _current(self, conn: sqlite3.Connection, item_id: str, columns: str) -> sqlite3.Row:
        row: sqlite3.Row | None = conn.execute(
            f"SELECT {columns} FROM {self.table} WHERE id = ?", (item_id,)
        ).fetchone()
        if row is None:
            raise LedgerError(f"{self.what} {item_id} is not in the ledger.")
        return row

    def _set_status(
        self,
        conn: sqlite3.Connection,
        item_id: str,
        status: int,
        at: datetime,
        *,
        final: bool,
        changed: bool,
        extra: dict[str, object] | None = None,
    ) -> None:
        """Within the caller's transaction: one answer to a status query (a poll),
        kept in the history when ``changed``; a final one stops polling."""
        more = extra or {}
        sets = "".join(f", {column} = ?" for column in more)
        conn.execute(
            f"UPDATE {self.table} SET polls = polls + 1, final = ?, status = ?,"
            " status_changed_at = CASE WHEN ? THEN ? ELSE status_changed_at END,"
            f" next_poll_at = CASE WHEN ? THEN NULL ELSE next_poll_at END{sets} WHERE id = ?",
            (int(final), status, int(changed), to_db(at), int(final), *more.values(), item_id),
        )
        if changed:
            columns = ("status", *self.history_columns, "at")
            conn.execute(
                f"INSERT INTO {self.history_table} ({self.item_column}, {', '.join(columns)})"
                f" VALUES (?{', ?' * len(columns)})",
                (item_id, status, *(more[c] for c in self.history_columns), to_db(at)),
            )

    def _history(self, item_id: str) -> list[StatusChange]:
        columns = ", ".join(("status", *self.history_columns, "at"))
        rows = self._rows(
            f"SELECT {columns} FROM {self.history_table} WHERE {self.item_column} = ?"
            " ORDER BY at, rowid",
            (item_id,),
        )
        return [StatusChange(row["status"], req_from_db(row["at"]), *row[1:-1]) for row in rows]


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
