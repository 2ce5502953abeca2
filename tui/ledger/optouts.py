"""The do-not-contact list: numbers that asked not to be contacted, since when, why.

One row per number in ``optouts`` (gateway form ``92XXXXXXXXXX``), and every
change in ``optout_events`` (added, removed, kept, overridden for one send), so
who did what stays known after a number leaves the list. ``optout_state``
holds a generation counter, bumped in the transaction of every change to
``optouts`` (so every writer must go through ``OptOutStore``), which tells a
cached copy of the list, in any process, that it is stale; and how far the
inbox has been scanned for keywords.

``OptOutStore`` shares the ledger's connection and lock (``OptOutStore(ledger)``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Literal

from tui.ledger.base import Store, req_from_db, to_db
from tui.ledger.export import KeepAsText, write_csv_atomic

Source = Literal["reply", "import", "manual"]

_D9 = "[0-9]" * 9


def party_sql(column: str) -> str:
    """SQL for a conversation's key: ``column`` in gateway form when it is a mobile
    number in a plain form (``0300...``, ``+92...``), else as stored."""
    return (
        f"CASE WHEN {column} GLOB '923{_D9}' THEN {column}"
        f" WHEN {column} GLOB '03{_D9}' OR {column} GLOB '3{_D9}'"
        f" OR {column} GLOB '+923{_D9}' OR {column} GLOB '00923{_D9}'"
        f" THEN '92' || substr({column}, -10) ELSE {column} END"
    )


#: The inbox's conversation key (indexed as ``thread_incoming_party``).
INCOMING_PARTY = party_sql("msisdn")

OPTOUT_TABLES_SQL = (
    """CREATE TABLE optouts (
        msisdn TEXT PRIMARY KEY,
        since TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('reply', 'import', 'manual')),
        text TEXT NOT NULL DEFAULT '',
        actor TEXT NOT NULL DEFAULT '',
        message_id TEXT
    ) WITHOUT ROWID""",
    "CREATE INDEX optouts_since ON optouts(since)",
    """CREATE TABLE optout_events (
        id INTEGER PRIMARY KEY,
        msisdn TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('added', 'removed', 'kept', 'override')),
        source TEXT NOT NULL,
        text TEXT NOT NULL DEFAULT '',
        actor TEXT NOT NULL DEFAULT '',
        message_id TEXT,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX optout_events_number ON optout_events(msisdn, at)",
    "CREATE INDEX optout_events_at ON optout_events(at)",
    """CREATE TABLE optout_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL DEFAULT 0,
        incoming_scanned INTEGER NOT NULL DEFAULT 0
    )""",
    "INSERT INTO optout_state (id) VALUES (1)",
    # Conversations: everything about one number, found without a full scan.
    "CREATE INDEX thread_messages_recipient ON messages(recipient, submitted_at)",
    "CREATE INDEX thread_calls_recipient ON calls(recipient, submitted_at)",
    "CREATE INDEX thread_campaign_recipients ON campaign_recipients(msisdn)",
    f"CREATE INDEX thread_incoming_party ON incoming(({INCOMING_PARTY}), read)",
)


@dataclass(frozen=True, slots=True)
class OptOut:
    """A number on the do-not-contact list."""

    msisdn: str
    since: datetime
    #: "reply" (a keyword reply), "import" (a file) or "manual".
    source: str
    #: The reply's text, the imported file's name, or the manual note.
    text: str
    #: Who or what put it there ("csms inbox", a login name, ...).
    by: str
    #: For a reply: the ledger's id of the incoming message, when known.
    message_id: str | None

    @property
    def why(self) -> str:
        if self.source == "reply":
            return f'replied "{self.text}"'
        if self.source == "import":
            return f"imported from {self.text}" if self.text else "imported"
        return f"added by hand: {self.text}" if self.text else "added by hand"


@dataclass(frozen=True, slots=True)
class NewOptOut:
    msisdn: str
    source: Source
    text: str = ""
    by: str = ""
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class OptOutEvent:
    msisdn: str
    #: "added", "removed", "kept" (an opt-in reply that did not lift an entry
    #: made by hand or by import) or "override" (sent to once anyway).
    action: str
    source: str
    text: str
    by: str
    message_id: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Reply:
    """A keyword reply to apply: ``kind`` is what the keyword asks for."""

    msisdn: str
    kind: Literal["opt_out", "opt_in"]
    text: str
    message_id: str | None
    at: datetime


#: What applying a reply did.
ReplyResult = Literal[
    "opted_out", "already_opted_out", "opted_in", "not_opted_out", "kept", "stale", "repeated"
]

_COLUMNS = "msisdn, since, source, text, actor, message_id"
_CHUNK = 500
EXPORT_FORMAT = "%Y-%m-%d %H:%M:%S"


def _entry(row: Sequence[object]) -> OptOut:
    msisdn, since, source, text, actor, message_id = row
    return OptOut(
        str(msisdn), req_from_db(str(since)), str(source), str(text), str(actor),
        None if message_id is None else str(message_id),
    )  # fmt: skip


class OptOutStore(Store):
    """The do-not-contact list of one ledger; safe to call from any thread."""

    def __init__(self, ledger: Store) -> None:
        super().__init__(ledger.db)

    # Reading ----------------------------------------------------------------------

    def generation(self) -> int:
        """A number that changes whenever the list changes (in any process)."""
        return int(self._scalar("SELECT generation FROM optout_state"))

    def snapshot(self) -> tuple[int, frozenset[str]]:
        """The generation and every number on the list, read together."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                generation = self._conn.execute("SELECT generation FROM optout_state").fetchone()
                joined = self._conn.execute("SELECT group_concat(msisdn, ',') FROM optouts")
                text = joined.fetchone()[0]
            finally:
                self._conn.execute("COMMIT")
        return int(generation[0]), frozenset(text.split(",")) if text else frozenset()

    def entries(self, numbers: Iterable[str]) -> dict[str, OptOut]:
        """The entries of those ``numbers`` that are on the list."""
        found: dict[str, OptOut] = {}
        wanted = sorted(set(numbers))
        for chunk in (wanted[i : i + _CHUNK] for i in range(0, len(wanted), _CHUNK)):
            marks = ",".join("?" * len(chunk))
            for row in self._rows(
                f"SELECT {_COLUMNS} FROM optouts WHERE msisdn IN ({marks})", chunk
            ):
                found[row[0]] = _entry(row)
        return found

    def entry(self, msisdn: str) -> OptOut | None:
        return self.entries([msisdn]).get(msisdn)

    def _where(self, query: str) -> tuple[str, list[str]]:
        words = query.split()
        if not words:
            return "", []
        clauses = ["(msisdn LIKE ? ESCAPE '\\' OR text LIKE ? ESCAPE '\\' OR actor LIKE ?"
                   " ESCAPE '\\' OR source = ?)"] * len(words)  # fmt: skip
        params: list[str] = []
        for word in words:
            like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [like, like, like, word.lower()]
        return " WHERE " + " AND ".join(clauses), params

    def search(self, query: str = "", limit: int = 100, offset: int = 0) -> list[OptOut]:
        """Entries matching every word (in the number, the why or the by), newest first."""
        where, params = self._where(query)
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM optouts{where} ORDER BY since DESC, msisdn LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_entry(row) for row in rows]

    def count(self, query: str = "") -> int:
        where, params = self._where(query)
        return int(self._scalar(f"SELECT count(*) FROM optouts{where}", params))

    def listed_members(self, list_ids: Sequence[str]) -> list[str]:
        """Members of subscriber lists (as the ledger knows them) on the do-not-contact list."""
        marks = ",".join("?" * len(list_ids))
        rows = self._rows(
            "SELECT DISTINCT m.msisdn FROM list_members m JOIN optouts o ON o.msisdn = m.msisdn"
            f" WHERE m.list_id IN ({marks}) ORDER BY m.msisdn",
            list(list_ids),
        )
        return [row[0] for row in rows]

    def new_since(self, at: datetime) -> dict[str, int]:
        """Entries on the list whose ``since`` is at or after ``at``, per source."""
        rows = self._rows(
            "SELECT source, count(*) FROM optouts WHERE since >= ? GROUP BY source", (to_db(at),)
        )
        return {str(row[0]): int(row[1]) for row in rows}

    def events(self, msisdn: str) -> list[OptOutEvent]:
        rows = self._rows(
            "SELECT msisdn, action, source, text, actor, message_id, at FROM optout_events"
            " WHERE msisdn = ? ORDER BY at, id",
            (msisdn,),
        )
        return [OptOutEvent(r[0], r[1], r[2], r[3], r[4], r[5], req_from_db(r[6])) for r in rows]

    # Changing ---------------------------------------------------------------------

    def add(self, items: Iterable[NewOptOut], at: datetime) -> list[str]:
        """Put numbers on the list; those already there keep their entry. Returns those added."""
        stamp = to_db(at)
        with self._tx() as conn:
            joined = conn.execute("SELECT group_concat(msisdn, ',') FROM optouts").fetchone()[0]
            present = set(joined.split(",")) if joined else set()
            fresh: dict[str, NewOptOut] = {}
            for item in items:
                if item.msisdn not in present:
                    fresh.setdefault(item.msisdn, item)
            fresh = dict(sorted(fresh.items()))  # key order: faster inserts
            _bump(conn)
            conn.executemany(
                f"INSERT INTO optouts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                ((i.msisdn, stamp, i.source, i.text, i.by, i.message_id) for i in fresh.values()),
            )
            conn.executemany(
                _LOG,
                ((i.msisdn, "added", i.source, i.text, i.by, i.message_id, stamp)
                 for i in fresh.values()),
            )  # fmt: skip
        return list(fresh)

    def remove(
        self, numbers: Iterable[str], at: datetime, *, source: str, text: str = "", by: str = ""
    ) -> list[str]:
        """Take numbers off the list; returns those that were on it."""
        removed: list[str] = []
        stamp = to_db(at)
        with self._tx() as conn:
            for msisdn in numbers:
                if conn.execute("DELETE FROM optouts WHERE msisdn = ?", (msisdn,)).rowcount:
                    removed.append(msisdn)
                    conn.execute(_LOG, (msisdn, "removed", source, text, by, None, stamp))
            if removed:
                _bump(conn)
        return removed

    def record_overrides(self, numbers: Iterable[str], reason: str, by: str, at: datetime) -> int:
        """Record that these numbers were sent to once despite the list."""
        rows = [(n, "override", "send", reason, by, None, to_db(at)) for n in numbers]
        with self._tx() as conn:
            conn.executemany(_LOG, rows)
        return len(rows)

    def apply_replies(
        self, replies: Iterable[Reply], *, scanned_to: int | None = None
    ) -> list[ReplyResult]:
        """Apply keyword replies in one transaction (and, with ``scanned_to``, record
        that the inbox was scanned up to that incoming id in the same transaction).

        An opt-in lifts only an entry made by a reply (an entry made by hand or
        by import is ``kept``); a reply older than the opposite change already
        recorded is ``stale``; a message already applied is ``repeated``.
        """
        results: list[ReplyResult] = []
        with self._tx() as conn:
            for reply in replies:
                results.append(_apply(conn, reply))
            if "opted_out" in results or "opted_in" in results:
                _bump(conn)
            if scanned_to is not None:
                conn.execute(
                    "UPDATE optout_state SET incoming_scanned = max(incoming_scanned, ?)",
                    (scanned_to,),
                )
        return results

    def unscanned_incoming(self, limit: int) -> list[tuple[int, str, str, str | None, str]]:
        """(id, msisdn, text, gateway timestamp, received_at) of the oldest incoming
        messages not scanned for keywords yet."""
        rows = self._rows(
            "SELECT id, msisdn, text, timestamp, received_at FROM incoming"
            " WHERE id > (SELECT incoming_scanned FROM optout_state) ORDER BY id LIMIT ?",
            (limit,),
        )
        return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]

    # Export -----------------------------------------------------------------------

    def export_csv(self, path: str | os.PathLike[str], zone: tzinfo) -> int:
        """Write the list to a CSV file (numbers as ``="92..."`` text, times in ``zone``)."""
        rows = self._rows(f"SELECT {_COLUMNS} FROM optouts ORDER BY since, msisdn")
        header = ("Number", f"Since ({zone})", "Source", "Why", "By", "Message ID")
        return write_csv_atomic(
            path,
            header,
            (
                (KeepAsText(e.msisdn), e.since.astimezone(zone).strftime(EXPORT_FORMAT),
                 e.source, e.text, e.by, e.message_id or "")
                for e in map(_entry, rows)
            ),
        )  # fmt: skip


def _bump(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE optout_state SET generation = generation + 1")


_LOG = (
    "INSERT INTO optout_events (msisdn, action, source, text, actor, message_id, at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
#: Who the list names for changes made by keyword replies.
INBOX = "csms inbox"


def _apply(conn: sqlite3.Connection, reply: Reply) -> ReplyResult:
    execute, number, stamp = conn.execute, reply.msisdn, to_db(reply.at)
    seen = "SELECT 1 FROM optout_events WHERE msisdn = ? AND message_id = ? AND source = 'reply'"
    if reply.message_id is not None and execute(seen, (number, reply.message_id)).fetchone():
        return "repeated"
    row = execute("SELECT source, since FROM optouts WHERE msisdn = ?", (number,)).fetchone()
    result: ReplyResult
    if reply.kind == "opt_out":
        lifted_later = execute(
            "SELECT 1 FROM optout_events WHERE msisdn = ? AND action = 'removed'"
            " AND source = 'reply' AND at > ?",
            (number, stamp),
        ).fetchone()
        if row is not None or lifted_later:
            return "already_opted_out" if row is not None else "stale"
        execute(
            f"INSERT INTO optouts ({_COLUMNS}) VALUES (?, ?, 'reply', ?, ?, ?)",
            (number, stamp, reply.text, INBOX, reply.message_id),
        )
        action, result = "added", "opted_out"
    elif row is None or row[1] > stamp:
        return "not_opted_out" if row is None else "stale"
    elif row[0] != "reply":
        action, result = "kept", "kept"
    else:
        execute("DELETE FROM optouts WHERE msisdn = ?", (number,))
        action, result = "removed", "opted_in"
    execute(_LOG, (number, action, "reply", reply.text, INBOX, reply.message_id, stamp))
    return result
