"""Submit intents: what is about to be sent, committed before the request leaves.

A submit (an SMS, a call, a list creation, ...) first writes an intent, in a
transaction of its own: what, to whom, when, by which process. Its outcome
replaces the intent in one transaction (the accepted IDs, an unknown outcome,
or nothing when it was refused). An intent still open after its process has
gone means the request may have left and nobody recorded what came back: it
becomes an unknown outcome for the user to settle (``promote_stale_intents``).
If the intent cannot be written, the submit does not happen.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tui.ledger.base import Store, req_from_db, to_db
from tui.ledger.unknown import insert_unknown

#: Past this age an open intent is stale even if a process with its PID runs
#: (the PID may have been reused); no request waits this long for an answer.
STALE_AFTER = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class SubmitIntent:
    id: int
    kind: str
    command: str
    summary: str
    #: Every recipient (or the list, campaign or file) the submit was aimed at.
    targets: tuple[str, ...]
    ref: str | None
    created_at: datetime
    pid: int


def process_alive(pid: int) -> bool:
    """True when a process with this PID exists on this machine."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _intent(row: sqlite3.Row) -> SubmitIntent:
    return SubmitIntent(
        id=row["id"],
        kind=row["kind"],
        command=row["command"],
        summary=row["summary"],
        targets=tuple(t for t in row["targets"].split("\n") if t),
        ref=row["ref"],
        created_at=req_from_db(row["created_at"]),
        pid=row["pid"],
    )


def close_intent(conn: sqlite3.Connection, intent_id: int) -> None:
    """Remove an intent within the caller's transaction (its outcome is recorded)."""
    conn.execute("DELETE FROM submit_intents WHERE id = ?", (intent_id,))


class IntentStore(Store):
    def open_intent(
        self,
        kind: str,
        command: str,
        summary: str,
        targets: Sequence[str],
        at: datetime,
        *,
        ref: str | None = None,
    ) -> int:
        """Commit what is about to be sent; returns the intent's id.

        Raises LedgerError when it cannot be written: then nothing must be sent.
        """
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO submit_intents (kind, command, summary, targets, ref,"
                " created_at, pid) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (kind, command, summary, "\n".join(targets), ref, to_db(at), os.getpid()),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def discard_intent(self, intent_id: int) -> None:
        """The submit was refused before anything went out: forget the intent."""
        with self._tx() as conn:
            close_intent(conn, intent_id)

    def open_intents(self) -> list[SubmitIntent]:
        rows = self._rows("SELECT * FROM submit_intents ORDER BY id")
        return [_intent(row) for row in rows]

    def promote_stale_intents(
        self,
        now: datetime,
        *,
        alive: Callable[[int], bool] = process_alive,
        stale_after: timedelta = STALE_AFTER,
    ) -> int:
        """Turn intents whose process is gone (or that are too old) into unknown outcomes.

        Their request may have reached the gateway: the user settles each one.
        Returns how many were turned.
        """
        promoted = 0
        for intent in self.open_intents():
            if alive(intent.pid) and now - intent.created_at < stale_after:
                continue
            with self._tx() as conn:
                deleted = conn.execute(
                    "DELETE FROM submit_intents WHERE id = ?", (intent.id,)
                ).rowcount
                if not deleted:  # another process promoted it first
                    continue
                insert_unknown(
                    conn,
                    intent.kind,
                    intent.command,
                    f"{intent.summary} (the run sending it stopped before its answer"
                    " was recorded; it may have been sent)",
                    intent.targets,
                    intent.created_at,
                    ref=intent.ref,
                )
            promoted += 1
        return promoted
