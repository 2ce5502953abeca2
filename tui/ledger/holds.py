"""Sends held until the sending hours open (``engine/holds.py``).

A hold is marked ``sending`` (committed) before it is sent, like every journal
here: a run that dies then leaves it ``sending``, and it is never sent again by
itself (the submit journal shows it as an unknown outcome instead).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tui.ledger.base import Store, req_from_db, to_db

HOLDS_TABLE_SQL = (
    """CREATE TABLE held_sends (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('sms')),
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        due_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'held'
            CHECK (state IN ('held', 'sending', 'sent', 'cancelled')),
        result TEXT
    )""",
    "CREATE INDEX held_sends_due ON held_sends(due_at) WHERE state = 'held'",
)


@dataclass(frozen=True, slots=True)
class HeldSend:
    id: int
    kind: str
    payload: dict[str, Any]
    created_at: datetime
    due_at: datetime
    state: str
    result: str | None


def _held(row: Any) -> HeldSend:
    return HeldSend(
        id=row["id"],
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        created_at=req_from_db(row["created_at"]),
        due_at=req_from_db(row["due_at"]),
        state=row["state"],
        result=row["result"],
    )


class HoldStore(Store):
    def hold(self, kind: str, payload: dict[str, Any], at: datetime, due: datetime) -> int:
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO held_sends (kind, payload, created_at, due_at) VALUES (?, ?, ?, ?)",
                (kind, json.dumps(payload, ensure_ascii=False), to_db(at), to_db(due)),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def holds(self, states: tuple[str, ...] = ("held", "sending")) -> list[HeldSend]:
        marks = ", ".join("?" for _ in states)
        rows = self._rows(
            f"SELECT * FROM held_sends WHERE state IN ({marks}) ORDER BY due_at, id", states
        )
        return [_held(row) for row in rows]

    def due_holds(self, now: datetime) -> list[HeldSend]:
        rows = self._rows(
            "SELECT * FROM held_sends WHERE state = 'held' AND due_at <= ? ORDER BY due_at, id",
            (to_db(now),),
        )
        return [_held(row) for row in rows]

    def mark_hold(self, hold_id: int, state: str, result: str | None = None) -> bool:
        """Move a hold on; ``sending`` only from ``held`` (False if it was not held)."""
        with self._tx() as conn:
            if state == "sending":
                cursor = conn.execute(
                    "UPDATE held_sends SET state = 'sending' WHERE id = ? AND state = 'held'",
                    (hold_id,),
                )
            else:
                cursor = conn.execute(
                    "UPDATE held_sends SET state = ?, result = ? WHERE id = ?",
                    (state, result, hold_id),
                )
            return cursor.rowcount > 0
