"""Sent messages: what was submitted and each status seen."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tui.gateway.codes import MessageStatus
from tui.ledger.base import Store, from_db, req_from_db, to_db
from tui.ledger.errors import LedgerError
from tui.ledger.tracking import StatusChange, where_clause


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A message the gateway accepted (one recipient, one message ID)."""

    id: str
    recipient: str
    text: str
    encoding: str
    segments: int
    submitted_at: datetime
    mask: str | None = None
    operator: int | None = None
    #: "quick" for the quick-send screen, "personalised" for a personalised job.
    origin: str = "quick"
    #: The job or batch the message belongs to (e.g. the personalised job id).
    batch: str | None = None
    #: First status query; defaults to ``submitted_at`` (due at once).
    next_poll_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MessageRecord:
    id: str
    recipient: str
    text: str
    mask: str | None
    operator: int | None
    encoding: str
    segments: int
    origin: str
    batch: str | None
    submitted_at: datetime
    status: MessageStatus | None
    status_changed_at: datetime | None
    next_poll_at: datetime | None
    polls: int
    final: bool

    @property
    def status_label(self) -> str:
        return "Submitted" if self.status is None else self.status.label


def _message(row: sqlite3.Row) -> MessageRecord:
    return MessageRecord(
        id=row["id"],
        recipient=row["recipient"],
        text=row["text"],
        mask=row["mask"],
        operator=row["operator"],
        encoding=row["encoding"],
        segments=row["segments"],
        origin=row["origin"],
        batch=row["batch"],
        submitted_at=req_from_db(row["submitted_at"]),
        status=None if row["status"] is None else MessageStatus(row["status"]),
        status_changed_at=from_db(row["status_changed_at"]),
        next_poll_at=from_db(row["next_poll_at"]),
        polls=row["polls"],
        final=bool(row["final"]),
    )


def insert_messages(conn: sqlite3.Connection, items: Iterable[NewMessage]) -> int:
    """Insert within the caller's transaction; an ID already known is left alone."""
    before = conn.total_changes
    conn.executemany(
        """INSERT OR IGNORE INTO messages (id, recipient, text, mask, operator, encoding,
               segments, origin, batch, submitted_at, next_poll_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            (
                m.id,
                m.recipient,
                m.text,
                m.mask,
                None if m.operator is None else int(m.operator),
                m.encoding,
                m.segments,
                m.origin,
                m.batch,
                to_db(m.submitted_at),
                to_db(m.next_poll_at or m.submitted_at),
            )
            for m in items
        ),
    )
    return conn.total_changes - before


class MessageStore(Store):
    def record_messages(self, items: Iterable[NewMessage]) -> int:
        """Remember accepted messages; returns how many were new."""
        with self._tx() as conn:
            return insert_messages(conn, items)

    def message(self, message_id: str) -> MessageRecord | None:
        row = self._one("SELECT * FROM messages WHERE id = ?", (message_id,))
        return None if row is None else _message(row)

    def messages(
        self,
        *,
        recipient: str | None = None,
        status: MessageStatus | None = None,
        final: bool | None = None,
        origin: str | None = None,
        batch: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[MessageRecord]:
        """Sent messages, newest first, filtered by whichever arguments are given."""
        where, params = where_clause(
            {
                "recipient": recipient,
                "status": status,
                "final": final,
                "origin": origin,
                "batch": batch,
                "since": since,
            }
        )
        rows = self._rows(
            f"SELECT * FROM messages{where} ORDER BY submitted_at DESC, rowid DESC"
            " LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_message(row) for row in rows]

    def update_message_statuses(
        self, updates: Iterable[tuple[str, MessageStatus, datetime]]
    ) -> list[str]:
        """Record several answers in one transaction; returns the IDs whose status changed.

        Every answer counts as a poll; a final status also stops polling.
        """
        changed: list[str] = []
        with self._tx() as conn:
            for message_id, status, at in updates:
                row = conn.execute(
                    "SELECT status FROM messages WHERE id = ?", (message_id,)
                ).fetchone()
                if row is None:
                    raise LedgerError(f"Message {message_id} is not in the ledger.")
                status = MessageStatus(status)
                final = 1 if status.is_final else 0
                if row["status"] == int(status):
                    conn.execute(
                        "UPDATE messages SET polls = polls + 1, final = ?,"
                        " next_poll_at = CASE WHEN ? THEN NULL ELSE next_poll_at END"
                        " WHERE id = ?",
                        (final, final, message_id),
                    )
                    continue
                conn.execute(
                    "UPDATE messages SET status = ?, status_changed_at = ?, polls = polls + 1,"
                    " final = ?, next_poll_at = CASE WHEN ? THEN NULL ELSE next_poll_at END"
                    " WHERE id = ?",
                    (int(status), to_db(at), final, final, message_id),
                )
                conn.execute(
                    "INSERT INTO message_history (message_id, status, at) VALUES (?, ?, ?)",
                    (message_id, int(status), to_db(at)),
                )
                changed.append(message_id)
        return changed

    def message_history(self, message_id: str) -> list[StatusChange]:
        rows = self._rows(
            "SELECT status, at FROM message_history WHERE message_id = ? ORDER BY at, rowid",
            (message_id,),
        )
        return [StatusChange(row["status"], req_from_db(row["at"])) for row in rows]
