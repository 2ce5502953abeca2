"""Sent messages and calls: what was submitted, their status, and when to poll next."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from tui.gateway.codes import CallStatus, MessageStatus
from tui.ledger.base import Store, from_db, req_from_db, to_db
from tui.ledger.errors import LedgerError

TrackedKind = Literal["message", "call"]
_TABLES: dict[str, str] = {"message": "messages", "call": "calls"}


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


@dataclass(frozen=True, slots=True)
class NewCall:
    """A quick call or feedback call the gateway accepted."""

    id: str
    recipient: str
    file_id: str
    submitted_at: datetime
    kind: Literal["call", "feedback"] = "call"
    max_retries: int = 0
    mask: str | None = None
    valid_options: str | None = None
    valid_file_id: str | None = None
    invalid_file_id: str | None = None
    origin: str = "quick"
    batch: str | None = None
    next_poll_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CallRecord:
    id: str
    recipient: str
    kind: str
    file_id: str
    max_retries: int
    mask: str | None
    valid_options: str | None
    valid_file_id: str | None
    invalid_file_id: str | None
    origin: str
    batch: str | None
    submitted_at: datetime
    status: CallStatus | None
    status_changed_at: datetime | None
    option_selected: str | None
    #: Status changes into an outcome (answered, busy, ...) seen so far.
    attempts: int
    next_poll_at: datetime | None
    polls: int
    final: bool

    @property
    def status_label(self) -> str:
        return "Submitted" if self.status is None else self.status.label


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


def _call(row: sqlite3.Row) -> CallRecord:
    return CallRecord(
        id=row["id"],
        recipient=row["recipient"],
        kind=row["kind"],
        file_id=row["file_id"],
        max_retries=row["max_retries"],
        mask=row["mask"],
        valid_options=row["valid_options"],
        valid_file_id=row["valid_file_id"],
        invalid_file_id=row["invalid_file_id"],
        origin=row["origin"],
        batch=row["batch"],
        submitted_at=req_from_db(row["submitted_at"]),
        status=None if row["status"] is None else CallStatus(row["status"]),
        status_changed_at=from_db(row["status_changed_at"]),
        option_selected=row["option_selected"],
        attempts=row["attempts"],
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


def _where(filters: dict[str, object]) -> tuple[str, list[object]]:
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


class TrackingStore(Store):
    # Messages ---------------------------------------------------------------

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
        where, params = _where(
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

    def update_message_status(self, message_id: str, status: MessageStatus, at: datetime) -> bool:
        """Record one status query's answer; True when the status changed."""
        return bool(self.update_message_statuses([(message_id, status, at)]))

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

    # Calls ------------------------------------------------------------------

    def record_calls(self, items: Iterable[NewCall]) -> int:
        """Remember accepted calls; returns how many were new."""
        with self._tx() as conn:
            before = conn.total_changes
            conn.executemany(
                """INSERT OR IGNORE INTO calls (id, recipient, kind, file_id, max_retries, mask,
                       valid_options, valid_file_id, invalid_file_id, origin, batch,
                       submitted_at, next_poll_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    (
                        c.id,
                        c.recipient,
                        c.kind,
                        c.file_id,
                        c.max_retries,
                        c.mask,
                        None if c.valid_options is None else str(c.valid_options),
                        c.valid_file_id,
                        c.invalid_file_id,
                        c.origin,
                        c.batch,
                        to_db(c.submitted_at),
                        to_db(c.next_poll_at or c.submitted_at),
                    )
                    for c in items
                ),
            )
            return conn.total_changes - before

    def call(self, call_id: str) -> CallRecord | None:
        row = self._one("SELECT * FROM calls WHERE id = ?", (call_id,))
        return None if row is None else _call(row)

    def calls(
        self,
        *,
        recipient: str | None = None,
        kind: str | None = None,
        status: CallStatus | None = None,
        final: bool | None = None,
        origin: str | None = None,
        batch: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[CallRecord]:
        """Calls, newest first, filtered by whichever arguments are given."""
        where, params = _where(
            {
                "recipient": recipient,
                "kind": kind,
                "status": status,
                "final": final,
                "origin": origin,
                "batch": batch,
                "since": since,
            }
        )
        rows = self._rows(
            f"SELECT * FROM calls{where} ORDER BY submitted_at DESC, rowid DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_call(row) for row in rows]

    def update_call_status(
        self,
        call_id: str,
        status: CallStatus,
        at: datetime,
        *,
        option_selected: str | None = None,
        final: bool | None = None,
    ) -> bool:
        """Record one call query's answer; True when status or key pressed changed.

        ``final`` defaults to ``status.is_final``; pass True for a failure once
        the retries are spent (only the caller knows that).
        """
        status = CallStatus(status)
        is_final = status.is_final if final is None else final
        with self._tx() as conn:
            row = conn.execute(
                "SELECT status, option_selected FROM calls WHERE id = ?", (call_id,)
            ).fetchone()
            if row is None:
                raise LedgerError(f"Call {call_id} is not in the ledger.")
            option = option_selected if option_selected is not None else row["option_selected"]
            changed = row["status"] != int(status) or row["option_selected"] != option
            attempt = 1 if changed and status is not CallStatus.SCHEDULED else 0
            conn.execute(
                "UPDATE calls SET polls = polls + 1, final = ?, option_selected = ?,"
                " attempts = attempts + ?,"
                " status_changed_at = CASE WHEN ? THEN ? ELSE status_changed_at END,"
                " status = ?,"
                " next_poll_at = CASE WHEN ? THEN NULL ELSE next_poll_at END"
                " WHERE id = ?",
                (
                    int(is_final),
                    option,
                    attempt,
                    int(changed),
                    to_db(at),
                    int(status),
                    int(is_final),
                    call_id,
                ),
            )
            if changed:
                conn.execute(
                    "INSERT INTO call_history (call_id, status, option_selected, at)"
                    " VALUES (?, ?, ?, ?)",
                    (call_id, int(status), option, to_db(at)),
                )
        return changed

    def call_history(self, call_id: str) -> list[StatusChange]:
        rows = self._rows(
            "SELECT status, option_selected, at FROM call_history WHERE call_id = ?"
            " ORDER BY at, rowid",
            (call_id,),
        )
        return [
            StatusChange(row["status"], req_from_db(row["at"]), row["option_selected"])
            for row in rows
        ]

    # Polling ----------------------------------------------------------------

    def schedule_next_poll(self, kind: TrackedKind, item_id: str, at: datetime | None) -> None:
        """Set when ``item_id`` is next queried (None: not until rescheduled)."""
        table = _TABLES.get(kind)
        if table is None:
            raise LedgerError(f"Unknown kind {kind!r}; use 'message' or 'call'.")
        with self._tx() as conn:
            conn.execute(
                f"UPDATE {table} SET next_poll_at = ? WHERE id = ? AND final = 0",
                (to_db(at), item_id),
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
