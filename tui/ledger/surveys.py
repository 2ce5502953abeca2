"""Surveys: feedback calls to a set of numbers, journalled per number.

A survey's rows follow the same rules as list uploads and personalised sends:
each row is marked ``sending`` (committed) before its request leaves, then
``sent`` with its call ID in the same transaction that records the call, or
``unknown`` when no answer came (and an unknown-outcome entry to settle). A
run that dies leaves rows in ``sending``; the next start turns them unknown, so
nobody is ever called twice. The calls themselves (status, key pressed) are in
the ``calls`` table, tracked like any quick call.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tui.gateway.codes import FEEDBACK_CALL, CallStatus
from tui.ledger.base import req_from_db, to_db
from tui.ledger.calls import NewCall, insert_calls
from tui.ledger.errors import LedgerError
from tui.ledger.journal import JournalStore, counts

SURVEY_TABLES_SQL = (
    """CREATE TABLE surveys (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        file_id TEXT NOT NULL,
        valid_options INTEGER NOT NULL,
        valid_file_id TEXT NOT NULL,
        invalid_file_id TEXT NOT NULL,
        max_retries INTEGER NOT NULL DEFAULT 0,
        mask TEXT,
        source TEXT NOT NULL,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed'))
    )""",
    """CREATE TABLE survey_rows (
        job_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
        row INTEGER NOT NULL,
        recipient TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sending', 'sent', 'unknown', 'failed')),
        call_id TEXT,
        error TEXT,
        sent_at TEXT,
        PRIMARY KEY (job_id, row)
    ) WITHOUT ROWID""",
    "CREATE INDEX survey_rows_state ON survey_rows(state, job_id)",
    "CREATE UNIQUE INDEX survey_rows_number ON survey_rows(job_id, recipient)",
)


@dataclass(frozen=True, slots=True)
class Survey:
    id: int
    name: str
    file_id: str
    valid_options: int
    valid_file_id: str
    invalid_file_id: str
    max_retries: int
    mask: str | None
    source: str
    created_at: datetime
    state: str
    #: Row count per journal state (pending, sending, sent, unknown, failed).
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    @property
    def waiting(self) -> int:
        return self.rows.get("pending", 0) + self.rows.get("sending", 0)


@dataclass(frozen=True, slots=True)
class SurveyRow:
    job_id: int
    row: int
    recipient: str
    state: str
    call_id: str | None
    error: str | None
    #: From the tracked call: its status and the key pressed (None until known).
    call_status: CallStatus | None = None
    option: str | None = None
    final: bool = False
    changed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SurveyTally:
    """Results so far, counted in SQL from the tracked calls."""

    #: Calls answered with a valid key, per key ("1".."9").
    keys: dict[str, int]
    answered_no_key: int
    busy: int
    no_answer: int
    not_responding: int
    #: Placed, result not final yet.
    in_progress: int
    #: Rows not called yet, of unknown outcome, or refused.
    waiting: int
    unknown: int
    failed: int
    total: int

    @property
    def answered(self) -> int:
        return sum(self.keys.values()) + self.answered_no_key


def _survey(row: sqlite3.Row, rows: dict[str, int]) -> Survey:
    return Survey(
        id=row["id"],
        name=row["name"],
        file_id=row["file_id"],
        valid_options=row["valid_options"],
        valid_file_id=row["valid_file_id"],
        invalid_file_id=row["invalid_file_id"],
        max_retries=row["max_retries"],
        mask=row["mask"],
        source=row["source"],
        created_at=req_from_db(row["created_at"]),
        state=row["state"],
        rows=rows,
    )


class SurveyStore(JournalStore):
    units = "survey_rows"
    key = "row"
    jobs = "surveys"
    what = "Survey row"
    job_what = "Survey"
    ref_kind = "survey"
    unknown_kind = "survey"
    command = FEEDBACK_CALL.page

    def _unknown_entry(self, conn: sqlite3.Connection, job_id: int, unit: int) -> tuple[str, str]:
        recipient = str(self._unit(conn, job_id, unit)["recipient"])
        return f"Survey {job_id}, row {unit}: call outcome unknown", recipient

    def create_survey(
        self,
        name: str,
        recipients: Sequence[str],
        *,
        file_id: str,
        valid_options: int,
        valid_file_id: str,
        invalid_file_id: str,
        max_retries: int,
        mask: str | None,
        source: str,
        at: datetime,
    ) -> int:
        """Journal a survey of ``recipients`` (distinct, valid numbers); returns its id."""
        try:
            with self._tx() as conn:
                cursor = conn.execute(
                    "INSERT INTO surveys (name, file_id, valid_options, valid_file_id,"
                    " invalid_file_id, max_retries, mask, source, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (name, file_id, valid_options, valid_file_id, invalid_file_id,
                     max_retries, mask, source, to_db(at)),
                )  # fmt: skip
                job_id = cursor.lastrowid
                assert job_id is not None
                conn.executemany(
                    "INSERT INTO survey_rows (job_id, row, recipient) VALUES (?, ?, ?)",
                    ((job_id, index, number) for index, number in enumerate(recipients, 1)),
                )
                return job_id
        except sqlite3.IntegrityError as error:
            if "surveys.name" in str(error):
                raise LedgerError(
                    f"A survey named {name!r} already exists; choose another name."
                ) from None
            raise LedgerError(f"The survey could not be recorded ({error}).") from None

    def survey(self, job_id: int) -> Survey:
        return _survey(*self._job(job_id))

    def survey_by_name(self, name: str) -> Survey | None:
        row = self._one("SELECT id FROM surveys WHERE name = ? COLLATE NOCASE", (name.strip(),))
        return None if row is None else self.survey(row[0])

    def surveys(self) -> list[Survey]:
        return [self.survey(row[0]) for row in self._rows("SELECT id FROM surveys ORDER BY id")]

    def next_survey_rows(self, job_id: int, limit: int) -> list[tuple[int, str]]:
        rows = self._rows(
            "SELECT row, recipient FROM survey_rows WHERE job_id = ? AND state = 'pending'"
            " ORDER BY row LIMIT ?",
            (job_id, limit),
        )
        return [(row[0], row[1]) for row in rows]

    def mark_survey_sending(self, job_id: int, rows: Sequence[int]) -> None:
        """Committed before the request leaves."""
        with self._tx() as conn:
            self._move(conn, job_id, rows, ("pending",), "sending")

    def mark_survey_called(
        self, job_id: int, called: Iterable[tuple[int, NewCall]], at: datetime
    ) -> None:
        """The gateway accepted the calls: rows become sent and the calls are tracked."""
        items = list(called)
        with self._tx() as conn:
            insert_calls(conn, (call for _, call in items))
            self._move(conn, job_id, [row for row, _ in items], ("sending",), "sent")
            conn.executemany(
                "UPDATE survey_rows SET call_id = ?, sent_at = ? WHERE job_id = ? AND row = ?",
                ((call.id, to_db(at), job_id, row) for row, call in items),
            )

    def mark_survey_unknown(
        self, job_id: int, rows: Sequence[tuple[int, str]], error: str, at: datetime
    ) -> None:
        """No clear answer for these (row, recipient); each becomes an unknown-outcome submit."""
        with self._tx() as conn:
            self._mark_unknown(conn, job_id, [row for row, _ in rows], error, at)

    def mark_survey_failed(self, job_id: int, rows: Sequence[int], error: str) -> None:
        """Refused by the gateway: nobody was called."""
        with self._tx() as conn:
            self._move(conn, job_id, rows, ("sending",), "failed", error=error)

    def confirm_survey_rows(self, job_id: int, rows: Sequence[int], at: datetime) -> None:
        """The user checked that unknown rows were called (no call ID to track)."""
        settle = ("Confirmed as called.", at)
        with self._tx() as conn:
            self._move(conn, job_id, rows, ("unknown",), "sent", settle=settle)

    def retry_survey_rows(self, job_id: int, rows: Sequence[int], at: datetime) -> None:
        """Queue unknown or failed rows again (the user's explicit choice)."""
        settle = ("Queued to be called again.", at)
        with self._tx() as conn:
            self._move(conn, job_id, rows, ("unknown", "failed"), "pending", settle=settle)

    def survey_rows(self, job_id: int, limit: int = -1, offset: int = 0) -> list[SurveyRow]:
        """Every row with its call's status and key, in row order."""
        rows = self._rows(
            "SELECT r.*, c.status AS call_status, c.option_selected, c.final AS call_final,"
            " c.status_changed_at FROM survey_rows r LEFT JOIN calls c ON c.id = r.call_id"
            " WHERE r.job_id = ? ORDER BY r.row LIMIT ? OFFSET ?",
            (job_id, limit, offset),
        )
        return [
            SurveyRow(
                job_id=row["job_id"],
                row=row["row"],
                recipient=row["recipient"],
                state=row["state"],
                call_id=row["call_id"],
                error=row["error"],
                call_status=None if row["call_status"] is None else CallStatus(row["call_status"]),
                option=row["option_selected"],
                final=bool(row["call_final"]),
                changed_at=req_from_db(row["status_changed_at"])
                if row["status_changed_at"]
                else None,
            )
            for row in rows
        ]

    def survey_tally(self, job_id: int) -> SurveyTally:
        with self._lock:
            conn = self._conn
            states = counts(conn, self.units, job_id)
            keys: dict[str, int] = {}
            outcome: dict[str, int] = {}
            for row in conn.execute(
                "SELECT c.status, c.final, c.option_selected, count(*) FROM survey_rows r"
                " JOIN calls c ON c.id = r.call_id WHERE r.job_id = ?"
                " GROUP BY c.status, c.final, c.option_selected",
                (job_id,),
            ):
                status, final, option, count = row[0], bool(row[1]), row[2], row[3]
                if status is None or (not final and status != CallStatus.SENT):
                    outcome["progress"] = outcome.get("progress", 0) + count
                elif status == CallStatus.SENT:
                    if option:
                        keys[option] = keys.get(option, 0) + count
                    else:
                        outcome["no_key"] = outcome.get("no_key", 0) + count
                else:
                    name = CallStatus(status).name.lower()
                    outcome[name] = outcome.get(name, 0) + count
        return SurveyTally(
            keys=dict(sorted(keys.items())),
            answered_no_key=outcome.get("no_key", 0),
            busy=outcome.get("busy", 0),
            no_answer=outcome.get("not_answering", 0),
            not_responding=outcome.get("not_responding", 0),
            in_progress=outcome.get("progress", 0) + outcome.get("scheduled", 0),
            waiting=states.get("pending", 0) + states.get("sending", 0),
            unknown=states.get("unknown", 0),
            failed=states.get("failed", 0),
            total=sum(states.values()),
        )
