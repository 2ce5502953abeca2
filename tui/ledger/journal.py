"""The job journal shared by list imports, personalised sends and surveys.

A unit of work (an import batch, a send row, a survey row) moves

    pending -> sending -> done/sent | failed | unknown

and ``sending`` is committed before its request goes out. A unit found in
``sending`` after a restart may or may not have reached the gateway, so it is
turned into ``unknown`` and never sent again without the user's say-so.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from tui.ledger.base import Store, to_db
from tui.ledger.errors import LedgerError
from tui.ledger.unknown import insert_unknown, settle_ref


def move(
    conn: sqlite3.Connection,
    *,
    table: str,
    job_id: int,
    key: str,
    units: Sequence[int],
    allowed: tuple[str, ...],
    to: str,
    what: str,
    error: str | None = None,
    at: datetime | None = None,
) -> None:
    """Move ``units`` of one job to state ``to``; all must be in ``allowed`` or none moves.

    Runs inside the caller's transaction (which a LedgerError rolls back).
    """
    for unit in units:
        row = conn.execute(
            f"SELECT state FROM {table} WHERE job_id = ? AND {key} = ?", (job_id, unit)
        ).fetchone()
        if row is None:
            raise LedgerError(f"{what} {unit} of job {job_id} is not in the ledger.")
        if row[0] not in allowed:
            raise LedgerError(
                f"{what} {unit} of job {job_id} is {row[0]}, so it cannot become {to}"
                f" (only from {' or '.join(allowed)})."
            )
        conn.execute(
            f"UPDATE {table} SET state = ?, error = ?,"
            f" sent_at = CASE WHEN ? IS NULL THEN sent_at ELSE ? END"
            f" WHERE job_id = ? AND {key} = ?",
            (to, error, to_db(at), to_db(at), job_id, unit),
        )


def counts(conn: sqlite3.Connection, table: str, job_id: int) -> dict[str, int]:
    rows = conn.execute(
        f"SELECT state, count(*) FROM {table} WHERE job_id = ? GROUP BY state", (job_id,)
    ).fetchall()
    return {row[0]: row[1] for row in rows}


class JournalStore(Store):
    """A journal of jobs whose units of work (import batches, send rows, survey
    rows) are sent one by one, each move committed before its request goes
    out, and each unit of unknown outcome also an unknown-outcome submit
    (``ref``). A store declares its tables and names; the moves are here."""

    #: The units' table, its column numbering a unit within its job, the jobs' table.
    units: ClassVar[str]
    key: ClassVar[str]
    jobs: ClassVar[str]
    #: A unit's and a job's name in error messages ("Import batch", "List import").
    what: ClassVar[str]
    job_what: ClassVar[str]
    #: The first part of a unit's unknown-outcome reference ("import:<job>:<unit>").
    ref_kind: ClassVar[str]
    #: A unit's unknown-outcome entry: its kind and the gateway command it was sent by.
    unknown_kind: ClassVar[str]
    command: ClassVar[str]

    def ref(self, job_id: int, unit: int) -> str:
        return f"{self.ref_kind}:{job_id}:{unit}"

    def _move(
        self,
        conn: sqlite3.Connection,
        job_id: int,
        units: Sequence[int],
        allowed: tuple[str, ...],
        to: str,
        *,
        error: str | None = None,
        at: datetime | None = None,
        settle: tuple[str, datetime] | None = None,
    ) -> None:
        """``move`` for this journal's units; ``settle`` (a note and its time)
        also settles the unknown-outcome entry of each unit that had one."""
        move(
            conn,
            table=self.units,
            job_id=job_id,
            key=self.key,
            units=units,
            allowed=allowed,
            to=to,
            what=self.what,
            error=error,
            at=at,
        )
        if settle is not None:
            for unit in units:
                settle_ref(conn, self.ref(job_id, unit), *settle)

    def _mark_sending(self, job_id: int, units: Sequence[int], at: datetime) -> None:
        with self._tx() as conn:
            self._move(conn, job_id, units, ("pending",), "sending", at=at)

    def _requeue(self, job_id: int, units: Sequence[int], note: str, at: datetime) -> None:
        with self._tx() as conn:
            self._move(conn, job_id, units, ("failed", "unknown"), "pending", settle=(note, at))

    def _unit(self, conn: sqlite3.Connection, job_id: int, unit: int) -> sqlite3.Row:
        row: sqlite3.Row = conn.execute(
            f"SELECT * FROM {self.units} WHERE job_id = ? AND {self.key} = ?", (job_id, unit)
        ).fetchone()
        return row

    def _unknown_entry(self, conn: sqlite3.Connection, job_id: int, unit: int) -> tuple[str, str]:
        """What a unit's unknown-outcome entry says ("Row 3 of ...: outcome
        unknown") and its target (the number, or the list)."""
        raise NotImplementedError

    def _mark_unknown(
        self, conn: sqlite3.Connection, job_id: int, units: Sequence[int], error: str, at: datetime
    ) -> None:
        """Move sent ``units`` to ``unknown`` and record each as an unknown-outcome submit."""
        self._move(conn, job_id, units, ("sending",), "unknown", error=error)
        for unit in units:
            summary, target = self._unknown_entry(conn, job_id, unit)
            insert_unknown(
                conn,
                kind=self.unknown_kind,
                command=self.command,
                summary=f"{summary} ({error}).",
                target=target,
                at=at,
                ref=self.ref(job_id, unit),
            )

    def mark_interrupted(self, conn: sqlite3.Connection, at: datetime) -> int:
        """Within the caller's transaction: units left in ``sending`` become unknown."""
        rows = conn.execute(
            f"SELECT job_id, {self.key} FROM {self.units} WHERE state = 'sending'"
            f" ORDER BY job_id, {self.key}"
        ).fetchall()
        for job_id, unit in rows:
            self._mark_unknown(conn, job_id, [unit], "interrupted", at)
        return len(rows)

    def _job(self, job_id: int) -> tuple[sqlite3.Row, dict[str, int]]:
        """A job's row and its unit count per state."""
        with self._lock:
            job = self._conn.execute(f"SELECT * FROM {self.jobs} WHERE id = ?", (job_id,))
            row: sqlite3.Row | None = job.fetchone()
            if row is None:
                raise LedgerError(f"{self.job_what} {job_id} is not in the ledger.")
            return row, counts(self._conn, self.units, job_id)

    def _job_ids(self, open_only: bool) -> list[int]:
        rows = self._rows(
            f"SELECT id FROM {self.jobs} WHERE (? = 0 OR state = 'open') ORDER BY id",
            (int(open_only),),
        )
        return [row[0] for row in rows]

    def _close(self, conn: sqlite3.Connection, job_id: int) -> None:
        conn.execute(f"UPDATE {self.jobs} SET state = 'closed' WHERE id = ?", (job_id,))
