"""The list import journal: resumable uploads of numbers to a list, batch by batch."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tui.gateway.codes import ADD_CONTACTS
from tui.ledger.base import from_db, req_from_db, to_db
from tui.ledger.errors import LedgerError
from tui.ledger.journal import JournalStore
from tui.ledger.lists import merge_field_names


@dataclass(frozen=True, slots=True)
class ImportBatch:
    job_id: int
    seq: int
    numbers: list[str]
    state: str
    error: str | None
    sent_at: datetime | None

    @property
    def ref(self) -> str:
        return f"import:{self.job_id}:{self.seq}"


@dataclass(frozen=True, slots=True)
class ImportSummary:
    job_id: int
    list_id: str
    source: str
    created_at: datetime
    #: "open" until the user closes the job.
    state: str
    numbers_total: int
    numbers_done: int
    #: Batch count per state (pending, sending, done, unknown, failed).
    batches: dict[str, int] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        """No batch is waiting or on its way."""
        return not self.batches.get("pending") and not self.batches.get("sending")

    @property
    def needs_attention(self) -> bool:
        return bool(self.batches.get("unknown") or self.batches.get("failed"))


def _batch(row: sqlite3.Row) -> ImportBatch:
    return ImportBatch(
        job_id=row["job_id"],
        seq=row["seq"],
        numbers=row["numbers"].split(",") if row["numbers"] else [],
        state=row["state"],
        error=row["error"],
        sent_at=from_db(row["sent_at"]),
    )


# The batch's numbers (digits joined by commas) become members in one
# statement, as ``lists.insert_members`` would add them row by row: run from a
# thread, one statement lets go of the interpreter lock once, not per row. Each
# takes the other columns journalled with it (``import_fields``), if any.
_BATCH_NUMBERS = """json_each('["' || replace(numbers, ',', '","') || '"]')"""
_INSERT_MEMBERS = f"""INSERT OR IGNORE INTO list_members (list_id, msisdn, added_at, batch, fields)
    SELECT ?, value, ?, ?, (SELECT f.fields FROM import_fields f
            WHERE f.job_id = import_batches.job_id AND f.msisdn = value)
        FROM import_batches, {_BATCH_NUMBERS}
    WHERE job_id = ? AND seq = ? AND numbers != ''"""
# Once members, the batch's numbers no longer need their journalled columns.
_DROP_FIELDS = f"""DELETE FROM import_fields WHERE job_id = ?1 AND msisdn IN
    (SELECT value FROM import_batches, {_BATCH_NUMBERS} WHERE job_id = ?1 AND seq = ?2)"""


class ImportStore(JournalStore):
    units = "import_batches"
    key = "seq"
    jobs = "import_jobs"
    what = "Import batch"
    job_what = "List import"
    ref_kind = "import"
    unknown_kind = "list_import"
    command = ADD_CONTACTS.page

    def _unknown_entry(self, conn: sqlite3.Connection, job_id: int, unit: int) -> tuple[str, str]:
        row = conn.execute(
            "SELECT b.size, j.list_id FROM import_batches b"
            " JOIN import_jobs j ON j.id = b.job_id WHERE b.job_id = ? AND b.seq = ?",
            (job_id, unit),
        ).fetchone()
        summary = f"Batch {unit} of list import {job_id} ({row['size']} numbers): outcome unknown"
        return summary, f"list {row['list_id']}"

    def complete_batch(self, conn: sqlite3.Connection, job_id: int, seq: int, at: datetime) -> int:
        """Inside a transaction: the gateway accepted batch ``seq``; mark it done,
        settle its unknown-outcome entry if any, and add its numbers to the list.
        Returns how many members were new."""
        row = conn.execute(
            "SELECT j.list_id FROM import_batches b"
            " JOIN import_jobs j ON j.id = b.job_id WHERE b.job_id = ? AND b.seq = ?",
            (job_id, seq),
        ).fetchone()
        note = "Batch confirmed added."
        self._move(conn, job_id, [seq], ("sending", "unknown"), "done", settle=(note, at))
        stamp = to_db(at)
        before = conn.total_changes
        conn.execute(_INSERT_MEMBERS, (row["list_id"], stamp, self.ref(job_id, seq), job_id, seq))
        added = conn.total_changes - before
        if conn.execute(
            "SELECT 1 FROM import_fields WHERE job_id = ? LIMIT 1", (job_id,)
        ).fetchone():
            conn.execute(_DROP_FIELDS, (job_id, seq))
        if added:
            conn.execute("UPDATE lists SET updated_at = ? WHERE id = ?", (stamp, row["list_id"]))
        return added

    def take_batches(
        self, conn: sqlite3.Connection, job_id: int, take: int, after: int, at: datetime
    ) -> list[ImportBatch]:
        """Inside a transaction: up to ``take`` pending batches, the first numbered
        above ``after``, become ``sending``; returns them, in order."""
        rows = conn.execute(
            "SELECT seq, numbers FROM import_batches"
            " WHERE job_id = ? AND seq > ? AND state = 'pending' ORDER BY seq LIMIT ?",
            (job_id, after, take),
        ).fetchall()
        seqs = [row["seq"] for row in rows]
        if seqs:
            self._move(conn, job_id, seqs, ("pending",), "sending", at=at)
        return [
            ImportBatch(
                job_id=job_id,
                seq=row["seq"],
                numbers=row["numbers"].split(",") if row["numbers"] else [],
                state="sending",
                error=None,
                sent_at=at,
            )
            for row in rows
        ]

    def create_import(
        self,
        list_id: str,
        source: str,
        batches: Iterable[Sequence[str]],
        at: datetime,
        *,
        fields: Iterable[tuple[str, str]] = (),
        field_names: Sequence[str] = (),
        fields_of_lists: Sequence[str] = (),
    ) -> int:
        """Journal an upload of numbers to a list, split into batches; returns the job id.

        ``fields`` are (number, JSON object of its other columns), streamed
        into the journal (a number without any keeps none); ``field_names`` are
        those columns' names, added to the list's. ``fields_of_lists`` copies
        the kept columns of the members of those lists (a clean copy)."""
        with self._tx() as conn:
            if conn.execute("SELECT 1 FROM lists WHERE id = ?", (list_id,)).fetchone() is None:
                raise LedgerError(f"List {list_id} is not in the ledger.")
            cursor = conn.execute(
                "INSERT INTO import_jobs (list_id, source, created_at) VALUES (?, ?, ?)",
                (list_id, source, to_db(at)),
            )
            job_id = cursor.lastrowid
            assert job_id is not None
            conn.executemany(
                "INSERT INTO import_batches (job_id, seq, numbers, size) VALUES (?, ?, ?, ?)",
                (
                    (job_id, seq, ",".join(numbers), len(numbers))
                    for seq, numbers in enumerate(batches, start=1)
                ),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO import_fields (job_id, msisdn, fields) VALUES (?, ?, ?)",
                ((job_id, number, text) for number, text in fields),
            )
            names = list(field_names)
            if fields_of_lists:
                marks = ",".join("?" * len(fields_of_lists))
                conn.execute(
                    "INSERT OR IGNORE INTO import_fields (job_id, msisdn, fields)"
                    f" SELECT ?, msisdn, fields FROM list_members WHERE list_id IN ({marks})"
                    " AND fields IS NOT NULL",
                    (job_id, *fields_of_lists),
                )
                for (text,) in conn.execute(
                    f"SELECT fields FROM lists WHERE id IN ({marks}) AND fields IS NOT NULL",
                    tuple(fields_of_lists),
                ):
                    names.extend(json.loads(text))
            if names:
                merge_field_names(conn, list_id, names)
            return job_id

    def import_batches(self, job_id: int, state: str | None = None) -> list[ImportBatch]:
        rows = self._rows(
            "SELECT * FROM import_batches WHERE job_id = ? AND (? IS NULL OR state = ?)"
            " ORDER BY seq",
            (job_id, state, state),
        )
        return [_batch(row) for row in rows]

    def next_import_batch(self, job_id: int) -> ImportBatch | None:
        """The first batch still pending, or None when nothing is left to send."""
        row = self._one(
            "SELECT * FROM import_batches WHERE job_id = ? AND state = 'pending'"
            " ORDER BY seq LIMIT 1",
            (job_id,),
        )
        return None if row is None else _batch(row)

    def mark_import_sending(self, job_id: int, seq: int, at: datetime) -> None:
        """Commit that batch ``seq`` is about to be sent. Call BEFORE the request."""
        self._mark_sending(job_id, [seq], at)

    def mark_import_done(self, job_id: int, seq: int, at: datetime) -> int:
        """The gateway accepted the batch: record its numbers as list members.

        Also settles a batch left unknown once the user confirms it arrived.
        Returns how many members were new.
        """
        with self._tx() as conn:
            return self.complete_batch(conn, job_id, seq, at)

    def mark_import_unknown(self, job_id: int, seq: int, error: str, at: datetime) -> None:
        """No clear answer for a sent batch; also records it as an unknown-outcome submit."""
        with self._tx() as conn:
            self._mark_unknown(conn, job_id, [seq], error, at)

    def mark_import_failed(self, job_id: int, seq: int, error: str, at: datetime) -> None:
        """The gateway refused the batch (nothing was added)."""
        note = f"Batch failed: {error}"
        with self._tx() as conn:
            self._move(
                conn,
                job_id,
                [seq],
                ("sending", "unknown"),
                "failed",
                error=error,
                settle=(note, at),
            )

    def retry_import_batch(self, job_id: int, seq: int, at: datetime) -> None:
        """Put a failed or unknown batch back in the queue (the user's explicit choice)."""
        self._requeue(job_id, [seq], "Batch queued to be sent again.", at)

    def import_summary(self, job_id: int) -> ImportSummary:
        with self._lock:
            job, batches = self._job(job_id)
            sizes = self._conn.execute(
                "SELECT coalesce(sum(size), 0),"
                " coalesce(sum(CASE WHEN state = 'done' THEN size END), 0)"
                " FROM import_batches WHERE job_id = ?",
                (job_id,),
            ).fetchone()
        return ImportSummary(
            job_id=job_id,
            list_id=job["list_id"],
            source=job["source"],
            created_at=req_from_db(job["created_at"]),
            state=job["state"],
            numbers_total=sizes[0],
            numbers_done=sizes[1],
            batches=batches,
        )

    def import_jobs(self, open_only: bool = True) -> list[ImportSummary]:
        return [self.import_summary(job_id) for job_id in self._job_ids(open_only)]

    def close_import(self, job_id: int) -> None:
        """The user is done with this job; it no longer shows as open."""
        with self._tx() as conn:
            self._close(conn, job_id)
            # Numbers never added keep no columns (an import of them again brings its own).
            conn.execute("DELETE FROM import_fields WHERE job_id = ?", (job_id,))
