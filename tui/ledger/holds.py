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

#: What a hold keeps: an SMS, a call or a feedback call to numbers, or a job
#: already journalled (a survey or a personalised send) to run then.
HOLD_KINDS = ("sms", "call", "feedback", "survey", "personalised")

#: The table as schema 8 made it (SMS only); schema 9 widens the kinds.
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

_KINDS_SQL = ", ".join(f"'{kind}'" for kind in HOLD_KINDS)

#: Schema 9: every kind of hold (SQLite cannot change a CHECK in place).
HOLD_KINDS_SQL = (
    f"""CREATE TABLE held_sends_new (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ({_KINDS_SQL})),
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        due_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'held'
            CHECK (state IN ('held', 'sending', 'sent', 'cancelled')),
        result TEXT
    )""",
    "INSERT INTO held_sends_new SELECT * FROM held_sends",
    "DROP TABLE held_sends",
    "ALTER TABLE held_sends_new RENAME TO held_sends",
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

    def held_send(self, hold_id: int) -> HeldSend | None:
        rows = self._rows("SELECT * FROM held_sends WHERE id = ?", (hold_id,))
        return _held(rows[0]) if rows else None

    def mark_hold(self, hold_id: int, state: str, result: str | None = None) -> bool:
        """Move a hold on; ``sending`` and ``cancelled`` only from ``held`` (False
        if it was not held: another run took it, or it was sent already)."""
        with self._tx() as conn:
            if state in ("sending", "cancelled") and result is None:
                cursor = conn.execute(
                    "UPDATE held_sends SET state = ? WHERE id = ? AND state = 'held'",
                    (state, hold_id),
                )
            else:
                cursor = conn.execute(
                    "UPDATE held_sends SET state = ?, result = ? WHERE id = ?",
                    (state, result, hold_id),
                )
            return cursor.rowcount > 0
