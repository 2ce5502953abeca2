"""Personalised send jobs: one text per recipient, each row marked before it is sent."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from tui.gateway.codes import SEND_SMS, MessageStatus
from tui.gateway.protocol import GATEWAY_TZ
from tui.ledger import export
from tui.ledger.base import from_db, req_from_db, to_db
from tui.ledger.errors import LedgerError
from tui.ledger.journal import JournalStore
from tui.ledger.messages import NewMessage, insert_messages


@dataclass(frozen=True, slots=True)
class SendRow:
    job_id: int
    #: The row number in the source file.
    row: int
    recipient: str
    text: str
    state: str
    message_id: str | None
    error: str | None
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class SendJobSummary:
    job_id: int
    source: str
    mask: str | None
    created_at: datetime
    state: str
    #: Row count per state (pending, sending, sent, unknown, failed).
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    @property
    def finished(self) -> bool:
        return not self.rows.get("pending") and not self.rows.get("sending")

    @property
    def needs_attention(self) -> bool:
        return bool(self.rows.get("unknown") or self.rows.get("failed"))


#: The states of a send row, in the order screens and reports list them.
ROW_STATES = ("pending", "sending", "sent", "unknown", "failed")


@dataclass(frozen=True, slots=True)
class SendResult:
    """One row of a personalised send with the status of the message it became."""

    row: int
    recipient: str
    text: str
    state: str
    message_id: str | None
    error: str | None
    sent_at: datetime | None
    #: The gateway's status of the message (None: not sent, or never checked).
    status: int | None
    status_changed_at: datetime | None

    @property
    def status_label(self) -> str:
        if self.message_id is None:
            return ""
        if self.status is None:
            return "not checked yet"
        try:
            return MessageStatus(self.status).label
        except ValueError:
            return f"status {self.status}"


_RESULTS = (
    "SELECT r.row, r.recipient, r.text, r.state, r.message_id, r.error, r.sent_at,"
    " m.status, m.status_changed_at FROM send_rows r LEFT JOIN messages m ON m.id = r.message_id"
    " WHERE r.job_id = ? AND (? IS NULL OR r.state = ?) ORDER BY r.row"
)


def _result(row: sqlite3.Row | tuple[object, ...]) -> SendResult:
    number, recipient, text, state, message_id, error, sent_at, status, changed = row
    return SendResult(
        row=int(str(number)),
        recipient=str(recipient),
        text=str(text),
        state=str(state),
        message_id=None if message_id is None else str(message_id),
        error=None if error is None else str(error),
        sent_at=from_db(None if sent_at is None else str(sent_at)),
        status=None if status is None else int(str(status)),
        status_changed_at=from_db(None if changed is None else str(changed)),
    )


def result_rows(
    conn: sqlite3.Connection, job_id: int, zone: tzinfo
) -> Iterator[tuple[object, ...]]:
    """The rows of ``export.SEND_JOB_HEADER`` for one job."""
    for row in conn.execute(_RESULTS, (job_id, None, None)):
        result = _result(row)
        yield (
            result.row,
            export.number_cell(result.recipient),
            result.text,
            result.state,
            result.message_id or "",
            result.status_label,
            export.local_time(to_db(result.status_changed_at), zone),
            export.local_time(to_db(result.sent_at), zone),
            result.error or "",
        )


def _row(row: sqlite3.Row) -> SendRow:
    return SendRow(
        job_id=row["job_id"],
        row=row["row"],
        recipient=row["recipient"],
        text=row["text"],
        state=row["state"],
        message_id=row["message_id"],
        error=row["error"],
        sent_at=from_db(row["sent_at"]),
    )


class SendJobStore(JournalStore):
    units = "send_rows"
    key = "row"
    jobs = "send_jobs"
    what = "Send row"
    job_what = "Personalised send"
    ref_kind = "send"
    unknown_kind = "personalised"
    command = SEND_SMS.page

    def _unknown_entry(self, conn: sqlite3.Connection, job_id: int, unit: int) -> tuple[str, str]:
        recipient = str(self._unit(conn, job_id, unit)["recipient"])
        return f"Row {unit} of personalised send {job_id}: outcome unknown", recipient

    def create_send_job(
        self,
        rows: Iterable[tuple[int, str, str]],
        source: str,
        at: datetime,
        mask: str | None = None,
    ) -> int:
        """Journal a personalised send of (row number, recipient, text); returns the job id."""
        try:
            with self._tx() as conn:
                cursor = conn.execute(
                    "INSERT INTO send_jobs (source, mask, created_at) VALUES (?, ?, ?)",
                    (source, mask, to_db(at)),
                )
                job_id = cursor.lastrowid
                assert job_id is not None
                conn.executemany(
                    "INSERT INTO send_rows (job_id, row, recipient, text) VALUES (?, ?, ?, ?)",
                    ((job_id, number, recipient, text) for number, recipient, text in rows),
                )
                return job_id
        except sqlite3.IntegrityError:
            raise LedgerError(
                "Two rows of the personalised send have the same row number; number each row once."
            ) from None

    def send_rows(self, job_id: int, state: str | None = None) -> list[SendRow]:
        rows = self._rows(
            "SELECT * FROM send_rows WHERE job_id = ? AND (? IS NULL OR state = ?) ORDER BY row",
            (job_id, state, state),
        )
        return [_row(row) for row in rows]

    def send_results(
        self, job_id: int, state: str | None = None, *, limit: int = -1, offset: int = 0
    ) -> list[SendResult]:
        """A page of the job's rows (one state, or all) with their messages' statuses."""
        rows = self._rows(f"{_RESULTS} LIMIT ? OFFSET ?", (job_id, state, state, limit, offset))
        return [_result(row) for row in rows]

    def export_send_job_csv(
        self, job_id: int, path: str | os.PathLike[str], zone: tzinfo = GATEWAY_TZ
    ) -> int:
        """Write a personalised send's rows (state, message ID, the message's status,
        error) to a CSV file; returns the row count."""
        self.send_job_summary(job_id)  # LedgerError when there is no such job
        header = tuple(
            label.replace("{zone}", export.zone_name(zone)) for label in export.SEND_JOB_HEADER
        )
        with self.db.snapshot() as conn:
            return export.write_csv_atomic(path, header, result_rows(conn, job_id, zone))

    def next_send_rows(self, job_id: int, limit: int = 1) -> list[SendRow]:
        """The first rows still pending, in row order."""
        rows = self._rows(
            "SELECT * FROM send_rows WHERE job_id = ? AND state = 'pending' ORDER BY row LIMIT ?",
            (job_id, limit),
        )
        return [_row(row) for row in rows]

    def mark_rows_sending(self, job_id: int, rows: Sequence[int], at: datetime) -> None:
        """Commit that these rows are about to be sent. Call BEFORE the request."""
        self._mark_sending(job_id, rows, at)

    def mark_rows_sent(self, job_id: int, sent: Iterable[tuple[int, NewMessage]]) -> None:
        """Rows the gateway accepted, with the message each became (tracked from now on)."""
        with self._tx() as conn:
            for number, message in sent:
                note = f"Sent as message {message.id}."
                settle = (note, message.submitted_at)
                self._move(conn, job_id, [number], ("sending", "unknown"), "sent", settle=settle)
                conn.execute(
                    "UPDATE send_rows SET message_id = ? WHERE job_id = ? AND row = ?",
                    (message.id, job_id, number),
                )
                tracked = dataclasses.replace(message, origin="personalised", batch=str(job_id))
                insert_messages(conn, [tracked])

    def mark_rows_unknown(self, job_id: int, rows: Sequence[int], error: str, at: datetime) -> None:
        """No clear answer for sent rows; also records each as an unknown-outcome submit."""
        with self._tx() as conn:
            self._mark_unknown(conn, job_id, rows, error, at)

    def mark_rows_failed(self, job_id: int, rows: Sequence[int], error: str, at: datetime) -> None:
        """The gateway refused these rows (nothing was sent)."""
        note = f"Row failed: {error}"
        with self._tx() as conn:
            self._move(
                conn, job_id, rows, ("sending", "unknown"), "failed", error=error, settle=(note, at)
            )

    def retry_send_rows(self, job_id: int, rows: Sequence[int], at: datetime) -> None:
        """Put failed or unknown rows back in the queue (the user's explicit choice)."""
        self._requeue(job_id, rows, "Row queued to be sent again.", at)

    def confirm_send_rows(self, job_id: int, rows: Sequence[int], at: datetime) -> None:
        """The user checked that unknown rows did arrive: count them as sent (no ID)."""
        with self._tx() as conn:
            self._move(conn, job_id, rows, ("unknown",), "sent", settle=("Confirmed as sent.", at))

    def send_job_summary(self, job_id: int) -> SendJobSummary:
        job, rows = self._job(job_id)
        return SendJobSummary(
            job_id=job_id,
            source=job["source"],
            mask=job["mask"],
            created_at=req_from_db(job["created_at"]),
            state=job["state"],
            rows=rows,
        )

    def send_jobs(self, open_only: bool = True) -> list[SendJobSummary]:
        return [self.send_job_summary(job_id) for job_id in self._job_ids(open_only)]

    def close_send_job(self, job_id: int) -> None:
        with self._tx() as conn:
            self._close(conn, job_id)
