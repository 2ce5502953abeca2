"""The ledger: everything the app remembers for one profile, in one SQLite file."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from types import TracebackType
from typing import Self

from tui.gateway.protocol import GATEWAY_TZ
from tui.ledger import export
from tui.ledger.audience import AudienceStore
from tui.ledger.audiofiles import AudioStore
from tui.ledger.base import Database, Store, now_utc, storage_error
from tui.ledger.calls import CallStore, NewCall, insert_calls
from tui.ledger.campaigns import CampaignStore
from tui.ledger.errors import LedgerError
from tui.ledger.history import HistoryStore
from tui.ledger.holds import HoldStore
from tui.ledger.imports import ImportBatch, ImportStore
from tui.ledger.inbox import InboxStore
from tui.ledger.inbox_fetches import InboxFetchStore
from tui.ledger.intents import IntentStore, close_intent
from tui.ledger.lists import ListStore
from tui.ledger.messages import MessageStore, NewMessage, insert_messages
from tui.ledger.saved_templates import SavedTemplateStore
from tui.ledger.schema import APPLICATION_ID, migrate, user_version
from tui.ledger.sendjobs import SendJobStore
from tui.ledger.surveys import SurveyStore
from tui.ledger.tracking import TrackingStore
from tui.ledger.unknown import UnknownStore, insert_unknown
from tui.ledger.voice import VoiceStore


@dataclass(frozen=True, slots=True)
class UnknownOutcome:
    """Part of a submit whose outcome is unknown, as ``complete_submit`` records it."""

    kind: str
    command: str
    summary: str
    targets: Sequence[str]
    at: datetime
    unsent: Sequence[str] = ()
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class DashboardCounts:
    in_flight_messages: int
    in_flight_calls: int
    running_sms_campaigns: int
    running_voice_campaigns: int
    unread: int
    unknown: int
    audio_not_ready: int

    @property
    def running_campaigns(self) -> int:
        return self.running_sms_campaigns + self.running_voice_campaigns


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=busy_timeout
        )
    except sqlite3.Error as error:
        raise LedgerError(
            f"Cannot open the ledger {path} ({error}); check the data folder."
        ) from None
    conn.row_factory = sqlite3.Row
    return conn


def _is_ours(conn: sqlite3.Connection) -> bool:
    # One read transaction, so the three answers come from the same state of
    # the file: another process creating the schema at this moment is seen
    # either not at all or complete, never as "tables but no application id".
    conn.execute("BEGIN")
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        version = user_version(conn)
    finally:
        # A failed read (a full disk cannot make the shared-memory file) has
        # already ended the transaction: its own error is the one to report.
        if conn.in_transaction:
            conn.execute("COMMIT")
    if app_id == APPLICATION_ID:
        return True
    return app_id == 0 and version == 0 and not has_tables


class Ledger(Store):
    """One profile's ledger. Its stores are attributes (``messages``, ``calls``,
    ``lists``, ``imports``, ...) sharing one connection and lock (``db``);
    transactions spanning several stores are the ledger's own methods.
    Safe to call from any thread."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        super().__init__(Database(conn, path))
        db = self.db
        self.messages = MessageStore(db)
        self.calls = CallStore(db)
        self.tracking = TrackingStore(db)
        self.lists = ListStore(db)
        self.imports = ImportStore(db)
        self.send_jobs = SendJobStore(db)
        self.campaigns = CampaignStore(db)
        self.voice = VoiceStore(db)
        self.audio = AudioStore(db)
        self.inbox = InboxStore(db)
        self.unknown = UnknownStore(db)
        self.intents = IntentStore(db)
        self.surveys = SurveyStore(db)
        self.inbox_fetches = InboxFetchStore(db)
        self.history = HistoryStore(db)
        self.holds = HoldStore(db)
        self.saved_templates = SavedTemplateStore(db)
        self.audience = AudienceStore(db)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, busy_timeout: float = 5.0) -> Self:
        """Open (creating or upgrading as needed) the ledger file at ``path``.

        ``busy_timeout`` is how long a write waits for another process's write.
        """
        file = Path(path)
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            if not file.exists():
                # The ledger holds private messages: readable by the user only.
                os.close(os.open(file, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as error:
            raise LedgerError(
                f"Cannot create the ledger {file}: {error.strerror}; check the data folder."
            ) from None
        conn = _connect(file, busy_timeout)
        try:
            try:
                conn.execute("PRAGMA foreign_keys = ON")
                ours = _is_ours(conn)
                before = user_version(conn)
                # journal_mode may stay "delete" on file systems without shared memory.
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
            except sqlite3.OperationalError as error:
                raise storage_error(file, error) or error from None
            if not ours:
                raise LedgerError(
                    f"{file} is not a csms ledger; move it aside or choose another data folder."
                )
            try:
                migrate(conn)
            except sqlite3.Error as error:
                raise LedgerError(
                    f"The ledger {file} could not be upgraded from schema {before} ({error}); it"
                    " was left unchanged. Update csms or report this problem."
                ) from None
        except sqlite3.DatabaseError as error:
            conn.close()
            raise LedgerError(
                f"{file} is not a csms ledger or is damaged ({error}); move it aside and csms"
                " will start a new one."
            ) from None
        except BaseException:
            conn.close()
            raise
        return cls(conn, file)

    def reader(self) -> Ledger:
        """The same ledger on a connection of its own that only reads (WAL lets it
        read while another connection writes): for the screens, so a background
        write transaction and its fsync never hold up a key press. A write through
        it is refused (LedgerError). Close it apart from this one."""
        conn = _connect(self.path, 5.0)
        try:
            conn.execute("PRAGMA query_only = ON")
        except sqlite3.OperationalError as error:
            conn.close()
            raise storage_error(self.path, error) or LedgerError(
                f"Cannot read the ledger {self.path} ({error})."
            ) from None
        return type(self)(conn, self.path)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        with self._lock:
            return user_version(self._conn)

    def dashboard_counts(self) -> DashboardCounts:
        row = self._one(
            """SELECT
                 (SELECT count(*) FROM messages WHERE final = 0),
                 (SELECT count(*) FROM calls WHERE final = 0),
                 (SELECT count(*) FROM sms_campaigns WHERE final = 0),
                 (SELECT count(*) FROM voice_campaigns WHERE final = 0),
                 (SELECT count(*) FROM incoming WHERE read = 0),
                 (SELECT count(*) FROM unknown_submits WHERE settled = 0),
                 (SELECT count(*) FROM audio_files WHERE status = 0)"""
        )
        assert row is not None
        return DashboardCounts(*row)

    def recover_interrupted(self, at: datetime | None = None) -> int:
        """After a restart: every import batch or send row left in ``sending`` becomes unknown.

        Each is also recorded as an unknown-outcome submit. Call once at start-up,
        before resuming any job, and only from the process that owns the jobs.
        Returns how many were found.
        """
        moment = at or now_utc()
        with self._tx() as conn:
            return (
                self.imports.mark_interrupted(conn, moment)
                + self.send_jobs.mark_interrupted(conn, moment)
                + self.surveys.mark_interrupted(conn, moment)
            )

    def step_import(
        self,
        job_id: int,
        *,
        done: Sequence[int] = (),
        take: int = 1,
        after: int = 0,
        at: datetime,
    ) -> tuple[int, list[ImportBatch]]:
        """One round of an upload, in one transaction: the batches ``done`` were
        accepted, so their numbers become list members; and up to ``take``
        pending batches, the first numbered above ``after``, are marked
        ``sending``. Returns (members that were new, the batches taken, in order).

        Each state change of ``ImportStore`` commits on its own, and every commit
        waits for the disk; here a round of requests costs one commit, still made
        before any of them goes out. Raises LedgerError, changing nothing, if a
        batch of ``done`` is neither sending nor unknown.
        """
        added = 0
        with self._tx() as conn:
            for seq in done:
                added += self.imports.complete_batch(conn, job_id, seq, at)
            if take < 1:
                return added, []
            return added, self.imports.take_batches(conn, job_id, take, after, at)

    def complete_submit(
        self,
        intent_id: int,
        *,
        messages: Iterable[NewMessage] = (),
        calls: Iterable[NewCall] = (),
        unknown: UnknownOutcome | None = None,
    ) -> int | None:
        """Replace a submit's intent by its outcome, in one transaction.

        Records the accepted messages or calls, and, when part of the submit's
        outcome is unknown, one unknown-outcome entry holding every recipient
        concerned and those certainly not sent. Returns that entry's id.
        """
        unknown_id: int | None = None
        with self._tx() as conn:
            insert_messages(conn, messages)
            insert_calls(conn, calls)
            if unknown is not None:
                unknown_id = insert_unknown(
                    conn,
                    unknown.kind,
                    unknown.command,
                    unknown.summary,
                    unknown.targets,
                    unknown.at,
                    ref=unknown.ref,
                    unsent=unknown.unsent,
                )
            close_intent(conn, intent_id)
        return unknown_id

    # Exports ------------------------------------------------------------------

    def _export(
        self,
        path: str | os.PathLike[str],
        header: tuple[str, ...],
        rows: Callable[[sqlite3.Connection], Iterator[tuple[object, ...]]],
        zone: tzinfo,
    ) -> int:
        named = tuple(label.replace("{zone}", export.zone_name(zone)) for label in header)
        with self.db.snapshot() as conn:
            return export.write_csv_atomic(path, named, rows(conn))

    # Exports write times in ``zone`` (the profile's; Pakistan time by default)
    # to the second, and numbers so that spreadsheets keep all 12 digits.

    def export_inbox_csv(self, path: str | os.PathLike[str], zone: tzinfo = GATEWAY_TZ) -> int:
        """Write the whole inbox, newest first, to a CSV file; returns the row count."""
        return self._export(
            path, export.INBOX_HEADER, lambda conn: export.inbox_rows(conn, zone), zone
        )

    def export_campaign_csv(
        self, campaign_id: str, path: str | os.PathLike[str], zone: tzinfo = GATEWAY_TZ
    ) -> int:
        """Write a campaign's per-recipient statuses to a CSV file; returns the row count."""
        if self.campaigns.campaign(campaign_id) is None:
            raise LedgerError(f"Campaign {campaign_id} is not in the ledger.")
        return self._export(
            path,
            export.CAMPAIGN_HEADER,
            lambda conn: export.campaign_rows(conn, campaign_id, zone),
            zone,
        )

    def export_list_csv(
        self, list_id: str, path: str | os.PathLike[str], zone: tzinfo = GATEWAY_TZ
    ) -> int:
        """Write a list's members to a CSV file; returns the row count."""
        if self.lists.list_by_id(list_id) is None:
            raise LedgerError(f"List {list_id} is not in the ledger.")
        return self._export(
            path, export.MEMBERS_HEADER, lambda conn: export.member_rows(conn, list_id, zone), zone
        )

    def export_voice_csv(
        self, campaign_id: str, path: str | os.PathLike[str], zone: tzinfo = GATEWAY_TZ
    ) -> int:
        """Write a voice campaign's status snapshots to a CSV file; returns the row count."""
        if self.voice.voice_campaign(campaign_id) is None:
            raise LedgerError(f"Voice campaign {campaign_id} is not in the ledger.")
        return self._export(
            path, export.VOICE_HEADER, lambda conn: export.voice_rows(conn, campaign_id, zone), zone
        )
