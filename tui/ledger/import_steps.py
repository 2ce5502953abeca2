"""One transaction per round of an upload: record the batches accepted, take the next.

The import journal's methods (``ImportStore``) commit each state change on its
own, and every commit waits for the disk: an upload of hundreds of batches
spent more time on those commits than on its requests. Here one transaction
records what was accepted (as ``mark_import_done`` does) and marks what is
sent next ``sending`` (as ``mark_import_sending`` does), so a round of
requests costs one commit, still made before any of them goes out.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from tui.ledger.base import to_db
from tui.ledger.imports import ImportBatch
from tui.ledger.journal import move
from tui.ledger.unknown import settle_ref

if TYPE_CHECKING:
    from tui.ledger.ledger import Ledger


# The batch's numbers (digits joined by commas) become members in one
# statement, as ``lists.insert_members`` would add them row by row: run from a
# thread, one statement lets go of the interpreter lock once, not per row.
_INSERT_MEMBERS = """INSERT OR IGNORE INTO list_members (list_id, msisdn, added_at, batch)
    SELECT ?, value, ?, ? FROM import_batches,
        json_each('["' || replace(numbers, ',', '","') || '"]')
    WHERE job_id = ? AND seq = ? AND numbers != ''"""


def _insert_members(
    conn: sqlite3.Connection, job_id: int, seq: int, list_id: str, ref: str, at: datetime
) -> int:
    stamp = to_db(at)
    before = conn.total_changes
    conn.execute(_INSERT_MEMBERS, (list_id, stamp, ref, job_id, seq))
    added = conn.total_changes - before
    if added:
        conn.execute("UPDATE lists SET updated_at = ? WHERE id = ?", (stamp, list_id))
    return added


def step_import(
    ledger: Ledger,
    job_id: int,
    *,
    done: Sequence[int] = (),
    take: int = 1,
    after: int = 0,
    at: datetime,
) -> tuple[int, list[ImportBatch]]:
    """In one transaction: the batches ``done`` were accepted, so their numbers
    become list members; and up to ``take`` pending batches, the first numbered
    above ``after``, are marked ``sending``. Returns (members that were new,
    the batches taken, in order).

    Raises LedgerError, changing nothing, if a batch of ``done`` is neither
    sending nor unknown.
    """
    added = 0
    with ledger._tx() as conn:
        for seq in done:
            ref = f"import:{job_id}:{seq}"
            row = conn.execute(
                "SELECT b.numbers, j.list_id FROM import_batches b"
                " JOIN import_jobs j ON j.id = b.job_id WHERE b.job_id = ? AND b.seq = ?",
                (job_id, seq),
            ).fetchone()
            move(
                conn,
                table="import_batches",
                job_id=job_id,
                key="seq",
                units=[seq],
                allowed=("sending", "unknown"),
                to="done",
                what="Import batch",
            )
            settle_ref(conn, ref, "Batch confirmed added.", at)
            added += _insert_members(conn, job_id, seq, row["list_id"], ref, at)
        if take < 1:
            return added, []
        rows = conn.execute(
            "SELECT seq, numbers FROM import_batches"
            " WHERE job_id = ? AND seq > ? AND state = 'pending' ORDER BY seq LIMIT ?",
            (job_id, after, take),
        ).fetchall()
        seqs = [row["seq"] for row in rows]
        if seqs:
            move(
                conn,
                table="import_batches",
                job_id=job_id,
                key="seq",
                units=seqs,
                allowed=("pending",),
                to="sending",
                what="Import batch",
                at=at,
            )
    taken = [
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
    return added, taken
