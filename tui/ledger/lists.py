"""Subscriber lists and their members as the app created them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tui.ledger.base import Store, req_from_db, to_db
from tui.ledger.errors import LedgerError
from tui.ledger.intents import close_intent


@dataclass(frozen=True, slots=True)
class ListSummary:
    id: str
    name: str
    created_at: datetime
    #: Last time the list was created or had members added.
    updated_at: datetime
    members: int


@dataclass(frozen=True, slots=True)
class Member:
    msisdn: str
    added_at: datetime
    batch: str | None


def _summary(row: sqlite3.Row) -> ListSummary:
    return ListSummary(
        id=row["id"],
        name=row["name"],
        created_at=req_from_db(row["created_at"]),
        updated_at=req_from_db(row["updated_at"]),
        members=row["members"],
    )


_SUMMARY_SQL = """SELECT l.id, l.name, l.created_at, l.updated_at,
        (SELECT count(*) FROM list_members m WHERE m.list_id = l.id) AS members
    FROM lists l"""


def insert_members(
    conn: sqlite3.Connection, list_id: str, numbers: Iterable[str], batch: str | None, at: datetime
) -> int:
    """Add members within the caller's transaction; returns how many were new."""
    stamp = to_db(at)
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO list_members (list_id, msisdn, added_at, batch) VALUES (?, ?, ?, ?)",
        ((list_id, number, stamp, batch) for number in numbers),
    )
    added = conn.total_changes - before
    if added:
        conn.execute("UPDATE lists SET updated_at = ? WHERE id = ?", (stamp, list_id))
    return added


class ListStore(Store):
    def add_list(
        self, list_id: str, name: str, created_at: datetime, *, intent_id: int | None = None
    ) -> None:
        """Remember a list the gateway created (closing its submit intent, if given,
        in the same transaction)."""
        try:
            with self._tx() as conn:
                conn.execute(
                    "INSERT INTO lists (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                    (list_id, name, to_db(created_at), to_db(created_at)),
                )
                if intent_id is not None:
                    close_intent(conn, intent_id)
        except sqlite3.IntegrityError as error:
            if "lists.name" in str(error):
                raise LedgerError(
                    f"A list named {name!r} is already in the ledger; choose another name."
                ) from None
            raise LedgerError(f"List {list_id} is already in the ledger.") from None

    def lists(self) -> list[ListSummary]:
        """Every list with its member count, by name."""
        return [_summary(row) for row in self._rows(_SUMMARY_SQL + " ORDER BY l.name")]

    def list_by_id(self, list_id: str) -> ListSummary | None:
        row = self._one(_SUMMARY_SQL + " WHERE l.id = ?", (list_id,))
        return None if row is None else _summary(row)

    def list_by_name(self, name: str) -> ListSummary | None:
        row = self._one(_SUMMARY_SQL + " WHERE l.name = ?", (name,))
        return None if row is None else _summary(row)

    def add_members(
        self, list_id: str, numbers: Iterable[str], batch: str | None, at: datetime
    ) -> int:
        """Record numbers the gateway added to a list; returns how many were new."""
        with self._tx() as conn:
            if conn.execute("SELECT 1 FROM lists WHERE id = ?", (list_id,)).fetchone() is None:
                raise LedgerError(f"List {list_id} is not in the ledger.")
            return insert_members(conn, list_id, numbers, batch, at)

    def members(self, list_id: str, limit: int = -1, offset: int = 0) -> list[Member]:
        """Members of a list, in number order."""
        rows = self._rows(
            "SELECT msisdn, added_at, batch FROM list_members WHERE list_id = ?"
            " ORDER BY msisdn LIMIT ? OFFSET ?",
            (list_id, limit, offset),
        )
        return [Member(row[0], req_from_db(row[1]), row[2]) for row in rows]

    def member_set(self, list_id: str) -> set[str]:
        rows = self._rows("SELECT msisdn FROM list_members WHERE list_id = ?", (list_id,))
        return {row[0] for row in rows}

    def member_prefix_counts(self, list_id: str) -> dict[str, int]:
        """Members per 3-digit mobile prefix (``300``, ``345``, ...), counted in SQL."""
        rows = self._rows(
            "SELECT substr(msisdn, 3, 3), count(*) FROM list_members WHERE list_id = ?"
            " GROUP BY 1 ORDER BY 1",
            (list_id,),
        )
        return {row[0]: row[1] for row in rows}

    def search_members(self, list_id: str, digits: str, limit: int = 100) -> list[Member]:
        """Members whose number contains ``digits``, in number order."""
        rows = self._rows(
            "SELECT msisdn, added_at, batch FROM list_members WHERE list_id = ?"
            " AND instr(msisdn, ?) > 0 ORDER BY msisdn LIMIT ?",
            (list_id, digits, limit),
        )
        return [Member(row[0], req_from_db(row[1]), row[2]) for row in rows]

    def member_count(self, list_id: str) -> int:
        return int(self._scalar("SELECT count(*) FROM list_members WHERE list_id = ?", (list_id,)))

    def distinct_members(self, list_ids: Sequence[str]) -> list[str]:
        """Every number in any of the lists, once, in number order."""
        marks = ",".join("?" * len(list_ids))
        rows = self._rows(
            f"SELECT DISTINCT msisdn FROM list_members WHERE list_id IN ({marks}) ORDER BY msisdn",
            list(list_ids),
        )
        return [row[0] for row in rows]
