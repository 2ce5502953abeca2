"""Sent messages: what was submitted and each status seen."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Unpack

from tui.gateway.codes import MessageStatus
from tui.ledger.base import to_db
from tui.ledger.tracking import Filters, StatusChange, TrackedStore, insert_items


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


_COLUMNS = (
    "id", "recipient", "text", "mask", "operator", "encoding", "segments", "origin", "batch",
    "submitted_at", "next_poll_at",
)  # fmt: skip


def _values(m: NewMessage) -> tuple[object, ...]:
    return (
        m.id, m.recipient, m.text, m.mask, None if m.operator is None else int(m.operator),
        m.encoding, m.segments, m.origin, m.batch, to_db(m.submitted_at),
        to_db(m.next_poll_at or m.submitted_at),
    )  # fmt: skip


def insert_messages(conn: sqlite3.Connection, items: Iterable[NewMessage]) -> int:
    """Insert within the caller's transaction; an ID already known is left alone."""
    return insert_items(conn, "messages", _COLUMNS, map(_values, items))


class MessageStore(TrackedStore[MessageRecord]):
    table = "messages"
    history_table = "message_history"
    item_column = "message_id"
    what = "Message"
    record_type = MessageRecord
    status_type = MessageStatus

    def record_messages(self, items: Iterable[NewMessage]) -> int:
        """Remember accepted messages; returns how many were new."""
        with self._tx() as conn:
            return insert_messages(conn, items)

    def message(self, message_id: str) -> MessageRecord | None:
        return self._get(message_id)

    def messages(
        self, *, status: MessageStatus | None = None, **filters: Unpack[Filters]
    ) -> list[MessageRecord]:
        """Sent messages, newest first, filtered by whichever arguments are given."""
        return self._find({**filters, "status": status})

    def update_message_statuses(
        self, updates: Iterable[tuple[str, MessageStatus, datetime]]
    ) -> list[str]:
        """Record several answers in one transaction; returns the IDs whose status changed.

        Every answer counts as a poll; a final status also stops polling.
        """
        changed: list[str] = []
        with self._tx() as conn:
            for message_id, status, at in updates:
                row = self._current(conn, message_id, "status")
                status = MessageStatus(status)
                differs = row["status"] != int(status)
                self._set_status(
                    conn, message_id, int(status), at, final=status.is_final, changed=differs
                )
                if differs:
                    changed.append(message_id)
        return changed

    def message_history(self, message_id: str) -> list[StatusChange]:
        return self._history(message_id)

    def sent_pairs_since(self, since: datetime) -> dict[tuple[str, str], datetime]:
        """Each (number, text) sent since ``since``, with the last time."""
        rows = self._rows(
            "SELECT recipient, text, MAX(submitted_at) AS at FROM messages"
            " WHERE submitted_at >= ? GROUP BY recipient, text",
            (to_db(since),),
        )
        return {(row["recipient"], row["text"]): datetime.fromisoformat(row["at"]) for row in rows}

    def sent_text_since(self, text: str, since: datetime) -> dict[str, datetime]:
        """The numbers ``text`` was sent to since ``since``, with the last time."""
        rows = self._rows(
            "SELECT recipient, MAX(submitted_at) AS at FROM messages"
            " WHERE submitted_at >= ? AND text = ? GROUP BY recipient",
            (to_db(since), text),
        )
        return {row["recipient"]: datetime.fromisoformat(row["at"]) for row in rows}
