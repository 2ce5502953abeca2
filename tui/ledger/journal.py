"""State changes shared by the import journal and personalised send jobs.

A unit of work (an import batch, a send row) moves

    pending -> sending -> done/sent | failed | unknown

and ``sending`` is committed before its request goes out. A unit found in
``sending`` after a restart may or may not have reached the gateway, so it is
turned into ``unknown`` and never sent again without the user's say-so.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from tui.ledger.base import to_db
from tui.ledger.errors import LedgerError


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
