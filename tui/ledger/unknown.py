"""Submits whose outcome is unknown: the request went out and no clear answer came back."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tui.ledger.base import Store, from_db, req_from_db, to_db

_SECRET = re.compile(r"(session_id|password)=[^&\s]*", re.IGNORECASE)


def scrub(text: str) -> str:
    """``text`` with any ``session_id=`` or ``password=`` value blanked."""
    return _SECRET.sub(r"\1=***", text)


@dataclass(frozen=True, slots=True)
class UnknownSubmit:
    id: int
    kind: str
    #: The command page (``sendsms.jsp``...).
    command: str
    summary: str
    #: Every recipient (comma-separated), or the list, campaign or file the
    #: submit was aimed at.
    target: str
    #: The journal entry this submit belongs to (``import:3:2``, ``send:4:12``), if any.
    ref: str | None
    at: datetime
    settled: bool
    settled_at: datetime | None
    note: str | None
    #: Recipients of the same submit that were never sent (a refusal or a
    #: stop came before their request): they certainly do not have it.
    unsent: tuple[str, ...] = ()

    @property
    def targets(self) -> list[str]:
        """The recipients (or list, campaign, file) one by one."""
        return [part for part in self.target.split(", ") if part]


def _unknown(row: sqlite3.Row) -> UnknownSubmit:
    return UnknownSubmit(
        id=row["id"],
        kind=row["kind"],
        command=row["command"],
        summary=row["summary"],
        target=row["target"],
        ref=row["ref"],
        at=req_from_db(row["at"]),
        settled=bool(row["settled"]),
        settled_at=from_db(row["settled_at"]),
        note=row["note"],
        unsent=tuple(t for t in (row["unsent"] or "").split("\n") if t),
    )


def _joined(value: str | Sequence[str]) -> str:
    return value if isinstance(value, str) else ", ".join(value)


def insert_unknown(
    conn: sqlite3.Connection,
    kind: str,
    command: str,
    summary: str,
    target: str | Sequence[str],
    at: datetime,
    ref: str | None = None,
    unsent: Sequence[str] = (),
) -> int:
    """Record, in the caller's transaction, a submit that may or may not have acted.

    ``target`` keeps every recipient; ``unsent`` those of the same submit that
    were certainly not sent.
    """
    cursor = conn.execute(
        "INSERT INTO unknown_submits (kind, command, summary, target, ref, at, unsent)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            kind,
            command,
            scrub(summary),
            scrub(_joined(target)),
            ref,
            to_db(at),
            "\n".join(unsent),
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def settle_ref(conn: sqlite3.Connection, ref: str, note: str, at: datetime) -> None:
    """Settle the open unknown-outcome entries of one journal entry."""
    conn.execute(
        "UPDATE unknown_submits SET settled = 1, settled_at = ?, note = ?"
        " WHERE ref = ? AND settled = 0",
        (to_db(at), note, ref),
    )


class UnknownStore(Store):
    def add_unknown(
        self,
        kind: str,
        command: str,
        summary: str,
        target: str | Sequence[str],
        at: datetime,
        ref: str | None = None,
        unsent: Sequence[str] = (),
    ) -> int:
        """Record a submit whose outcome is unknown; returns its id.

        ``session_id=`` and ``password=`` values in the summary or target are
        blanked before storing.
        """
        with self._tx() as conn:
            return insert_unknown(conn, kind, command, summary, target, at, ref, unsent)

    def unknown_submit(self, unknown_id: int) -> UnknownSubmit | None:
        row = self._one("SELECT * FROM unknown_submits WHERE id = ?", (unknown_id,))
        return None if row is None else _unknown(row)

    def unknown_submits(self, settled: bool = False) -> list[UnknownSubmit]:
        """Open (or, with ``settled=True``, settled) entries, newest first."""
        rows = self._rows(
            "SELECT * FROM unknown_submits WHERE settled = ? ORDER BY at DESC, id DESC",
            (int(settled),),
        )
        return [_unknown(row) for row in rows]

    def open_targets_since(self, summary: str, since: datetime) -> dict[str, datetime]:
        """The recipients of open unknown outcomes with this summary (the engine
        may add the reason after it, in brackets) since ``since``, but not those
        certainly not sent, with the latest time."""
        exact = scrub(summary)
        bracketed = exact + " ("
        rows = self._rows(
            "SELECT * FROM unknown_submits WHERE settled = 0 AND at >= ?"
            " AND (summary = ? OR substr(summary, 1, ?) = ?)",
            (to_db(since), exact, len(bracketed), bracketed),
        )
        found: dict[str, datetime] = {}
        for unknown in map(_unknown, rows):
            for target in set(unknown.targets) - set(unknown.unsent):
                found[target] = max(unknown.at, found.get(target, unknown.at))
        return found

    def settle(self, unknown_id: int, note: str, at: datetime | None = None) -> bool:
        """Mark an entry settled with the user's note; False if there was no open entry."""
        with self._tx() as conn:
            cursor = conn.execute(
                "UPDATE unknown_submits SET settled = 1, settled_at = ?, note = ?"
                " WHERE id = ? AND settled = 0",
                (to_db(at or datetime.now().astimezone()), note, unknown_id),
            )
            return cursor.rowcount > 0
