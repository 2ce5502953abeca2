"""Incoming messages: raw replies kept before parsing, messages stored once, search.

Fetching incoming SMS is destructive (the gateway hands each message out once),
so every reply body is committed before it is parsed; a crash or parser bug
loses nothing, and ``unparsed_replies`` gives those bodies back for re-parsing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tui.gateway.numbers import number_fragment
from tui.gateway.results import IncomingMessage
from tui.ledger.base import Store, from_db, req_from_db, to_db
from tui.ledger.errors import LedgerError
from tui.ledger.search import fold, match_expression


def _search_where(query: str, expression: str) -> tuple[str, tuple[str, ...]]:
    """Words in the text or number (full-text index); a number, or part of one,
    typed in any form (``0345-5879211``, ``5879211``) also finds the senders whose
    number holds those digits."""
    words = "id IN (SELECT rowid FROM incoming_fts WHERE incoming_fts MATCH ?)"
    fragment = number_fragment(query)
    if fragment is None:
        return words, (expression,)
    return f"({words} OR instr(msisdn, ?) > 0)", (expression, fragment)


@dataclass(frozen=True, slots=True)
class InboxMessage:
    #: The ledger's own id (use it for ``mark_read``).
    id: int
    gateway_id: str
    msisdn: str
    text: str
    short_code: str
    timestamp_raw: str
    #: The gateway's timestamp when it could be read.
    timestamp: datetime | None
    received_at: datetime
    read: bool
    raw_id: int | None


@dataclass(frozen=True, slots=True)
class RawReply:
    id: int
    received_at: datetime
    body: bytes
    parsed: bool


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    id: int
    raw_id: int
    error: str
    at: datetime


_COLUMNS = (
    "id, gateway_id, msisdn, text, short_code, timestamp_raw, timestamp, received_at, read, raw_id"
)


def _message(row: sqlite3.Row) -> InboxMessage:
    return InboxMessage(
        id=row["id"],
        gateway_id=row["gateway_id"],
        msisdn=row["msisdn"],
        text=row["text"],
        short_code=row["short_code"],
        timestamp_raw=row["timestamp_raw"],
        timestamp=from_db(row["timestamp"]),
        received_at=req_from_db(row["received_at"]),
        read=bool(row["read"]),
        raw_id=row["raw_id"],
    )


def _gateway_order(message: IncomingMessage) -> tuple[int, float]:
    stamp = message.timestamp
    return (1, 0.0) if stamp is None else (0, stamp.timestamp())


def _stamp(value: datetime | None) -> str | None:
    # The gateway's own clock, kept as read (naive when it gave no zone).
    return None if value is None else value.isoformat()


class InboxStore(Store):
    def store_incoming_reply(self, body: bytes, received_at: datetime) -> int:
        """Commit a get_incoming_messages reply body before it is parsed; returns its id."""
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO incoming_raw (received_at, body) VALUES (?, ?)",
                (to_db(received_at), bytes(body)),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def store_incoming_messages(self, raw_id: int, messages: Sequence[IncomingMessage]) -> int:
        """Store what was parsed from reply ``raw_id`` and mark it parsed, in one transaction.

        A message already stored (same gateway id, number and timestamp) is not
        stored again. Within one reply, messages are stored in the gateway's
        time order. Returns how many messages were new.
        """
        new = 0
        with self._tx() as conn:
            raw = conn.execute(
                "SELECT received_at FROM incoming_raw WHERE id = ?", (raw_id,)
            ).fetchone()
            if raw is None:
                raise LedgerError(f"Raw reply {raw_id} is not in the ledger.")
            received_at = raw[0]
            for message in sorted(messages, key=_gateway_order):
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO incoming (raw_id, gateway_id, msisdn, text, short_code,"
                    " timestamp_raw, timestamp, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        raw_id,
                        message.id,
                        message.msisdn,
                        message.message,
                        message.short_code,
                        message.timestamp_raw,
                        _stamp(message.timestamp),
                        received_at,
                    ),
                )
                if cursor.rowcount != 1:
                    continue
                new += 1
                conn.execute(
                    "INSERT INTO incoming_fts (rowid, text, msisdn) VALUES (?, ?, ?)",
                    (cursor.lastrowid, fold(message.message), message.msisdn),
                )
            conn.execute("UPDATE incoming_raw SET parsed = 1 WHERE id = ?", (raw_id,))
        return new

    def quarantine(self, raw_id: int, error: str, at: datetime | None = None) -> int:
        """Set aside a reply that could not be parsed; it is kept, and not re-parsed."""
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO quarantine (raw_id, error, at) VALUES (?, ?, ?)",
                (raw_id, error, to_db(at or datetime.now().astimezone())),
            )
            conn.execute("UPDATE incoming_raw SET parsed = 1 WHERE id = ?", (raw_id,))
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def unparsed_replies(self) -> list[RawReply]:
        """Replies stored but never parsed (e.g. the app stopped in between), oldest first."""
        rows = self._rows(
            "SELECT id, received_at, body, parsed FROM incoming_raw WHERE parsed = 0 ORDER BY id"
        )
        return [RawReply(r[0], req_from_db(r[1]), bytes(r[2]), bool(r[3])) for r in rows]

    def raw_reply(self, raw_id: int) -> RawReply | None:
        r = self._one(
            "SELECT id, received_at, body, parsed FROM incoming_raw WHERE id = ?", (raw_id,)
        )
        return None if r is None else RawReply(r[0], req_from_db(r[1]), bytes(r[2]), bool(r[3]))

    def quarantined(self) -> list[QuarantineEntry]:
        rows = self._rows("SELECT id, raw_id, error, at FROM quarantine ORDER BY id")
        return [QuarantineEntry(r[0], r[1], r[2], req_from_db(r[3])) for r in rows]

    def prune_raw_replies(self, before: datetime) -> int:
        """Drop parsed, unquarantined reply bodies received before ``before``."""
        with self._tx() as conn:
            cursor = conn.execute(
                "DELETE FROM incoming_raw WHERE parsed = 1 AND received_at < ?"
                " AND id NOT IN (SELECT raw_id FROM quarantine)",
                (to_db(before),),
            )
            return cursor.rowcount

    def inbox_page(
        self, offset: int = 0, limit: int = 50, unread_only: bool = False
    ) -> list[InboxMessage]:
        """Incoming messages, newest first (the order they were fetched in)."""
        where = " WHERE read = 0" if unread_only else ""
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM incoming{where} ORDER BY id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [_message(row) for row in rows]

    def search_inbox(self, query: str, limit: int = 50, offset: int = 0) -> list[InboxMessage]:
        """Messages whose text or number has words starting with every word typed, newest first.

        Any input is safe: quotes, ``*``, brackets and FTS operators are read as text.
        A number, or part of one, in any form (``0345-5879211``, ``5879211``) finds
        the messages from numbers holding those digits.
        """
        expression = match_expression(query)
        if expression is None:
            return []
        where, params = _search_where(query, expression)
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM incoming WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [_message(row) for row in rows]

    def search_count(self, query: str) -> int:
        expression = match_expression(query)
        if expression is None:
            return 0
        where, params = _search_where(query, expression)
        return int(self._scalar(f"SELECT count(*) FROM incoming WHERE {where}", params))

    def inbox_message(self, message_id: int) -> InboxMessage | None:
        row = self._one(f"SELECT {_COLUMNS} FROM incoming WHERE id = ?", (message_id,))
        return None if row is None else _message(row)

    def inbox_count(self) -> int:
        return int(self._scalar("SELECT count(*) FROM incoming"))

    def unread_count(self) -> int:
        return int(self._scalar("SELECT count(*) FROM incoming WHERE read = 0"))

    def mark_read(self, ids: Iterable[int], read: bool = True) -> int:
        """Mark messages read (or unread again); returns how many changed."""
        with self._tx() as conn:
            before = conn.total_changes
            conn.executemany(
                "UPDATE incoming SET read = ? WHERE id = ? AND read != ?",
                ((int(read), message_id, int(read)) for message_id in ids),
            )
            return conn.total_changes - before

    def mark_all_read(self) -> int:
        with self._tx() as conn:
            return conn.execute("UPDATE incoming SET read = 1 WHERE read = 0").rowcount
