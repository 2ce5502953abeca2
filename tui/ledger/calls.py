"""Quick calls and feedback calls: what was submitted, each status and key pressed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from tui.gateway.codes import CallStatus
from tui.ledger.base import Store, from_db, req_from_db, to_db
from tui.ledger.errors import LedgerError
from tui.ledger.tracking import StatusChange, where_clause


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


def insert_calls(conn: sqlite3.Connection, items: Iterable[NewCall]) -> int:
    """Insert within the caller's transaction; an ID already known is left alone."""
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


class CallStore(Store):
    def record_calls(self, items: Iterable[NewCall]) -> int:
        """Remember accepted calls; returns how many were new."""
        with self._tx() as conn:
            return insert_calls(conn, items)

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
        where, params = where_clause(
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
