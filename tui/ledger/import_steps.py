"""One transaction per round of an upload: record the batches accepted, take the next.

The import journal's methods (``ImportStore``) commit each state change on its
own, and every commit waits for the disk: an upload of hundreds of batches
spent more time on those commits than on its requests. Here one transaction
records what was accepted (as ``mark_import_done`` does) and marks what is
sent next ``sending`` (as ``mark_import_sending`` does), so a round of
requests costs one commit, still made before any of them goes out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from tui.ledger.imports import ImportBatch, complete_batch
from tui.ledger.journal import move

if TYPE_CHECKING:
    from tui.ledger.ledger import Ledger


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
            added += complete_batch(conn, job_id, seq, at)
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
