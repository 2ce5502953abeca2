"""Subscriber lists and their members as the app created them.

A member keeps the other columns of the row it was imported from (name,
city, ...) as a JSON object (``list_members.fields``); the list keeps their
names in order (``lists.fields``). Reads of a list's members are paged in SQL,
never the whole list at once: a list may have a million members.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from tui.ledger import export
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
    #: The other columns of the row it was imported from (``{"Name": "Ali"}``).
    fields: dict[str, str] = field(default_factory=dict)


#: Members read per query by the streaming reads (memory stays flat).
PAGE = 5000
_MEMBER_COLUMNS = "msisdn, added_at, batch, fields"


def _member(row: Sequence[object]) -> Member:
    text = row[3]
    return Member(
        str(row[0]),
        req_from_db(str(row[1])),
        None if row[2] is None else str(row[2]),
        _fields(text if isinstance(text, str) else None),
    )


def _fields(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def merge_field_names(conn: sqlite3.Connection, list_id: str, names: Iterable[str]) -> None:
    """Within the caller's transaction: add column names to the list's (in order, once)."""
    row = conn.execute("SELECT fields FROM lists WHERE id = ?", (list_id,)).fetchone()
    known: list[str] = json.loads(row[0]) if row is not None and row[0] else []
    merged = list(dict.fromkeys([*known, *names]))
    if merged != known:
        conn.execute(
            "UPDATE lists SET fields = ? WHERE id = ?",
            (json.dumps(merged, ensure_ascii=False), list_id),
        )


def _matching(digits: str | None, text: str | None = None) -> tuple[str, tuple[str, ...]]:
    """The SQL condition (and its parameters) of members whose number holds
    ``digits`` and whose kept columns hold ``text`` (ignoring case)."""
    where = ""
    params: tuple[str, ...] = ()
    if digits:
        where, params = " AND instr(msisdn, ?) > 0", (digits,)
    if text:
        where += " AND instr(lower(coalesce(fields, '')), lower(?)) > 0"
        params = (*params, text)
    return where, params


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

    def named_lists(self) -> list[tuple[str, str]]:
        """Every list's (ID, name), by name, without counting members."""
        rows = self._rows("SELECT id, name FROM lists ORDER BY name")
        return [(str(row["id"]), str(row["name"])) for row in rows]

    def list_names(self, list_ids: Iterable[str]) -> dict[str, str]:
        """The names of the lists ``list_ids`` that are known (no member count)."""
        wanted = list(dict.fromkeys(list_ids))
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        rows = self._rows(f"SELECT id, name FROM lists WHERE id IN ({marks})", wanted)
        return {str(row["id"]): str(row["name"]) for row in rows}

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

    def members(
        self,
        list_id: str,
        limit: int = -1,
        offset: int = 0,
        *,
        digits: str | None = None,
        text: str | None = None,
    ) -> list[Member]:
        """Members of a list in number order (those whose number holds ``digits``
        and whose kept columns hold ``text``)."""
        where, extra = _matching(digits, text)
        rows = self._rows(
            f"SELECT {_MEMBER_COLUMNS} FROM list_members WHERE list_id = ?{where}"
            " ORDER BY msisdn LIMIT ? OFFSET ?",
            (list_id, *extra, limit, offset),
        )
        return [_member(row) for row in rows]

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

    def matching_count(
        self, list_id: str, digits: str | None = None, text: str | None = None
    ) -> int:
        """Members whose number holds ``digits`` and whose kept columns hold
        ``text`` (all of them without either)."""
        where, extra = _matching(digits, text)
        return int(
            self._scalar(
                f"SELECT count(*) FROM list_members WHERE list_id = ?{where}", (list_id, *extra)
            )
        )

    def list_fields(self, list_id: str) -> list[str]:
        """The names of the columns kept with the list's members, in order."""
        text = self._scalar("SELECT fields FROM lists WHERE id = ?", (list_id,))
        return list(json.loads(text)) if text else []

    def member_fields(self, list_id: str) -> Iterator[tuple[str, dict[str, str]]]:
        """Every member as (number, its kept columns), in number order, read
        ``PAGE`` at a time (a personalised send or a survey reads them as rows)."""
        after = ""
        while True:
            rows = self._rows(
                "SELECT msisdn, fields FROM list_members WHERE list_id = ? AND msisdn > ?"
                " ORDER BY msisdn LIMIT ?",
                (list_id, after, PAGE),
            )
            for msisdn, text in rows:
                yield msisdn, _fields(text)
            if len(rows) < PAGE:
                return
            after = rows[-1][0]

    def remove_members(self, list_id: str, numbers: Iterable[str]) -> int:
        """Take numbers off the local copy of a list; returns how many were members.
        (The gateway cannot remove a list's members: its list keeps them.)"""
        with self._tx() as conn:
            before = conn.total_changes
            conn.executemany(
                "DELETE FROM list_members WHERE list_id = ? AND msisdn = ?",
                ((list_id, number) for number in numbers),
            )
            return conn.total_changes - before

    def export_members_csv(self, list_id: str, path: str | os.PathLike[str], zone: tzinfo) -> int:
        """Write a list's members and their kept columns to a CSV file (times in
        ``zone``, numbers kept whole by spreadsheets); returns the row count.
        Read on a connection of its own, so the export never holds the lock."""
        names = self.list_fields(list_id)
        if self.list_by_id(list_id) is None:
            raise LedgerError(f"List {list_id} is not in the ledger.")
        header = [label.replace("{zone}", export.zone_name(zone)) for label in
                  export.MEMBERS_HEADER]  # fmt: skip
        header.extend(names)
        conn = sqlite3.connect(self.path, timeout=5.0)
        try:
            conn.execute("PRAGMA query_only = ON")
            conn.execute("BEGIN")
            cursor = conn.execute(
                f"SELECT {_MEMBER_COLUMNS} FROM list_members WHERE list_id = ? ORDER BY msisdn",
                (list_id,),
            )
            rows = (
                (
                    export.number_cell(msisdn),
                    export.local_time(added_at, zone),
                    batch or "",
                    *(kept.get(name, "") for name in names),
                )
                for msisdn, added_at, batch, text in cursor
                for kept in (_fields(text),)
            )
            return export.write_csv_atomic(path, header, rows)
        finally:
            conn.close()

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
