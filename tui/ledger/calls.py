"""Quick calls and feedback calls: what was submitted, each status and key pressed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Unpack

from tui.gateway.codes import CallStatus
from tui.ledger.base import to_db
from tui.ledger.tracking import Filters, StatusChange, TrackedStore, insert_items


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


_COLUMNS = (
    "id", "recipient", "kind", "file_id", "max_retries", "mask", "valid_options",
    "valid_file_id", "invalid_file_id", "origin", "batch", "submitted_at", "next_poll_at",
)  # fmt: skip


def _values(c: NewCall) -> tuple[object, ...]:
    return (
        c.id, c.recipient, c.kind, c.file_id, c.max_retries, c.mask,
        None if c.valid_options is None else str(c.valid_options),
        c.valid_file_id, c.invalid_file_id, c.origin, c.batch,
        to_db(c.submitted_at), to_db(c.next_poll_at or c.submitted_at),
    )  # fmt: skip


def insert_calls(conn: sqlite3.Connection, items: Iterable[NewCall]) -> int:
    """Insert within the caller's transaction; an ID already known is left alone."""
    return insert_items(conn, "calls", _COLUMNS, map(_values, items))


class CallStore(TrackedStore[CallRecord]):
    table = "calls"
    history_table = "call_history"
    item_column = "call_id"
    what = "Call"
    history_columns = ("option_selected",)
    record_type = CallRecord
    status_type = CallStatus

    def record_calls(self, items: Iterable[NewCall]) -> int:
        """Remember accepted calls; returns how many were new."""
        with self._tx() as conn:
            return insert_calls(conn, items)

    def call(self, call_id: str) -> CallRecord | None:
        return self._get(call_id)

    def calls(
        self,
        *,
        kind: str | None = None,
        status: CallStatus | None = None,
        **filters: Unpack[Filters],
    ) -> list[CallRecord]:
        """Calls, newest first, filtered by whichever arguments are given."""
        return self._find({**filters, "kind": kind, "status": status})

    def called_since(self, kind: str, file_id: str, since: datetime) -> dict[str, datetime]:
        """The numbers called (``kind``) with the recording ``file_id`` since
        ``since``, with the last time."""
        rows = self._rows(
            "SELECT recipient, MAX(submitted_at) AS at FROM calls"
            " WHERE submitted_at >= ? AND kind = ? AND file_id = ? GROUP BY recipient",
            (to_db(since), kind, file_id),
        )
        return {row["recipient"]: datetime.fromisoformat(row["at"]) for row in rows}

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
            row = self._current(conn, call_id, "status, option_selected, attempts")
            option = option_selected if option_selected is not None else row["option_selected"]
            changed = row["status"] != int(status) or row["option_selected"] != option
            # A change into an outcome (answered, busy, ...) is one more attempt.
            attempt = 1 if changed and status is not CallStatus.SCHEDULED else 0
            self._set_status(
                conn,
                call_id,
                int(status),
                at,
                final=is_final,
                changed=changed,
                extra={"option_selected": option, "attempts": row["attempts"] + attempt},
            )
        return changed

    def call_history(self, call_id: str) -> list[StatusChange]:
        return self._history(call_id)
