"""The ledger's schema as an ordered list of forward migrations (PRAGMA user_version).

Each migration runs in one transaction together with its version bump, so a
file is always at exactly one version. Never edit a shipped migration; append
a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tui.ledger.errors import LedgerError
from tui.ledger.holds import HOLD_KINDS_SQL, HOLDS_TABLE_SQL
from tui.ledger.optouts import OPTOUT_TABLES_SQL
from tui.ledger.search import fold
from tui.ledger.surveys import SURVEY_TABLES_SQL


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    summary: str
    apply: Callable[[sqlite3.Connection], None]


#: ``PRAGMA application_id`` of a csms ledger ("CSMS").
APPLICATION_ID = 0x43534D53


def _statements(*sql: str) -> Callable[[sqlite3.Connection], None]:
    def apply(conn: sqlite3.Connection) -> None:
        for statement in sql:
            conn.execute(statement)

    return apply


_V1 = _statements(
    f"PRAGMA application_id = {APPLICATION_ID}",
    # Sent messages and their status history.
    """CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        recipient TEXT NOT NULL,
        text TEXT NOT NULL,
        mask TEXT,
        operator INTEGER,
        encoding TEXT NOT NULL,
        segments INTEGER NOT NULL,
        origin TEXT NOT NULL DEFAULT 'quick',
        batch TEXT,
        submitted_at TEXT NOT NULL,
        status INTEGER,
        status_changed_at TEXT,
        next_poll_at TEXT,
        polls INTEGER NOT NULL DEFAULT 0,
        final INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX messages_due ON messages(next_poll_at) WHERE final = 0",
    "CREATE INDEX messages_submitted ON messages(submitted_at)",
    "CREATE INDEX messages_batch ON messages(origin, batch)",
    """CREATE TABLE message_history (
        message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        status INTEGER NOT NULL,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX message_history_id ON message_history(message_id, at)",
    # Quick calls and feedback calls.
    """CREATE TABLE calls (
        id TEXT PRIMARY KEY,
        recipient TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('call', 'feedback')),
        file_id TEXT NOT NULL,
        max_retries INTEGER NOT NULL DEFAULT 0,
        mask TEXT,
        valid_options TEXT,
        valid_file_id TEXT,
        invalid_file_id TEXT,
        origin TEXT NOT NULL DEFAULT 'quick',
        batch TEXT,
        submitted_at TEXT NOT NULL,
        status INTEGER,
        status_changed_at TEXT,
        option_selected TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_poll_at TEXT,
        polls INTEGER NOT NULL DEFAULT 0,
        final INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX calls_due ON calls(next_poll_at) WHERE final = 0",
    "CREATE INDEX calls_submitted ON calls(submitted_at)",
    """CREATE TABLE call_history (
        call_id TEXT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
        status INTEGER NOT NULL,
        option_selected TEXT,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX call_history_id ON call_history(call_id, at)",
    # Subscriber lists.
    """CREATE TABLE lists (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE list_members (
        list_id TEXT NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
        msisdn TEXT NOT NULL,
        added_at TEXT NOT NULL,
        batch TEXT,
        PRIMARY KEY (list_id, msisdn)
    ) WITHOUT ROWID""",
    # SMS campaigns and the per-recipient statuses of their latest snapshot.
    """CREATE TABLE sms_campaigns (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        list_ids TEXT NOT NULL,
        text TEXT NOT NULL,
        mask TEXT,
        scheduled_at TEXT,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'scheduled',
        final INTEGER NOT NULL DEFAULT 0,
        state_changed_at TEXT,
        checked_at TEXT
    )""",
    """CREATE TABLE campaign_recipients (
        campaign_id TEXT NOT NULL REFERENCES sms_campaigns(id) ON DELETE CASCADE,
        msisdn TEXT NOT NULL,
        status INTEGER NOT NULL,
        changed_at TEXT NOT NULL,
        PRIMARY KEY (campaign_id, msisdn)
    ) WITHOUT ROWID""",
    "CREATE INDEX campaign_recipients_status ON campaign_recipients(campaign_id, status)",
    # Voice campaigns and their status snapshots over time.
    """CREATE TABLE voice_campaigns (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('broadcast', 'feedback', 'dynamic')),
        params TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        last_status INTEGER,
        final INTEGER NOT NULL DEFAULT 0,
        checked_at TEXT
    )""",
    """CREATE TABLE voice_snapshots (
        id INTEGER PRIMARY KEY,
        campaign_id TEXT NOT NULL REFERENCES voice_campaigns(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        status INTEGER NOT NULL,
        call_attempts INTEGER NOT NULL,
        answered INTEGER NOT NULL,
        not_answered INTEGER NOT NULL,
        not_responding INTEGER NOT NULL,
        busy INTEGER NOT NULL,
        cost REAL NOT NULL
    )""",
    "CREATE INDEX voice_snapshots_campaign ON voice_snapshots(campaign_id, at)",
    # Uploaded audio files.
    """CREATE TABLE audio_files (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        source_path TEXT,
        source_sha256 TEXT,
        size INTEGER,
        duration REAL,
        uploaded_at TEXT NOT NULL,
        status INTEGER NOT NULL DEFAULT 0,
        status_changed_at TEXT,
        ready_at TEXT
    )""",
    "CREATE INDEX audio_files_sha ON audio_files(source_sha256)",
    # Incoming messages: raw replies first, then what was parsed from them.
    """CREATE TABLE incoming_raw (
        id INTEGER PRIMARY KEY,
        received_at TEXT NOT NULL,
        body BLOB NOT NULL,
        parsed INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX incoming_raw_unparsed ON incoming_raw(id) WHERE parsed = 0",
    """CREATE TABLE incoming (
        id INTEGER PRIMARY KEY,
        raw_id INTEGER REFERENCES incoming_raw(id) ON DELETE SET NULL,
        gateway_id TEXT NOT NULL,
        msisdn TEXT NOT NULL,
        text TEXT NOT NULL,
        short_code TEXT NOT NULL,
        timestamp_raw TEXT NOT NULL,
        timestamp TEXT,
        received_at TEXT NOT NULL,
        read INTEGER NOT NULL DEFAULT 0,
        UNIQUE (gateway_id, msisdn, timestamp_raw)
    )""",
    "CREATE INDEX incoming_unread ON incoming(id) WHERE read = 0",
    "CREATE INDEX incoming_raw_ref ON incoming(raw_id)",
    """CREATE TABLE quarantine (
        id INTEGER PRIMARY KEY,
        raw_id INTEGER NOT NULL REFERENCES incoming_raw(id) ON DELETE CASCADE,
        error TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX quarantine_raw ON quarantine(raw_id)",
    # Submits whose outcome is unknown (the request may or may not have acted).
    """CREATE TABLE unknown_submits (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        command TEXT NOT NULL,
        summary TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        ref TEXT,
        at TEXT NOT NULL,
        settled INTEGER NOT NULL DEFAULT 0,
        settled_at TEXT,
        note TEXT
    )""",
    "CREATE INDEX unknown_submits_open ON unknown_submits(at) WHERE settled = 0",
)

#: The FTS5 table over incoming messages. Contentless: it holds only the
#: folded words (see ``search.fold``); rowid is ``incoming.id``.
FTS_TABLE_SQL = """CREATE VIRTUAL TABLE incoming_fts USING fts5(
    text, msisdn, content='', tokenize='unicode61 remove_diacritics 2'
)"""


def _v2(conn: sqlite3.Connection) -> None:
    conn.execute(FTS_TABLE_SQL)
    rows = conn.execute("SELECT id, text, msisdn FROM incoming ORDER BY id")
    conn.executemany(
        "INSERT INTO incoming_fts(rowid, text, msisdn) VALUES (?, ?, ?)",
        ((row[0], fold(row[1]), row[2]) for row in rows),
    )


_V3 = _statements(
    # Resumable list imports: each batch is marked 'sending' (committed)
    # before its request goes out.
    """CREATE TABLE import_jobs (
        id INTEGER PRIMARY KEY,
        list_id TEXT NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
        source TEXT NOT NULL,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed'))
    )""",
    """CREATE TABLE import_batches (
        job_id INTEGER NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        numbers TEXT NOT NULL,
        size INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sending', 'done', 'unknown', 'failed')),
        error TEXT,
        sent_at TEXT,
        PRIMARY KEY (job_id, seq)
    ) WITHOUT ROWID""",
    # Personalised send jobs (one text per recipient), same before-request marking.
    """CREATE TABLE send_jobs (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        mask TEXT,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed'))
    )""",
    """CREATE TABLE send_rows (
        job_id INTEGER NOT NULL REFERENCES send_jobs(id) ON DELETE CASCADE,
        row INTEGER NOT NULL,
        recipient TEXT NOT NULL,
        text TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sending', 'sent', 'unknown', 'failed')),
        message_id TEXT,
        error TEXT,
        sent_at TEXT,
        PRIMARY KEY (job_id, row)
    ) WITHOUT ROWID""",
    "CREATE INDEX import_batches_state ON import_batches(state, job_id)",
    "CREATE INDEX send_rows_state ON send_rows(state, job_id)",
)

_V5 = _statements(
    # What is about to be sent, committed before the request leaves
    # (ledger/intents.py); replaced by its outcome in one transaction.
    """CREATE TABLE submit_intents (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        command TEXT NOT NULL,
        summary TEXT NOT NULL,
        targets TEXT NOT NULL,
        ref TEXT,
        created_at TEXT NOT NULL,
        pid INTEGER NOT NULL
    )""",
    # Recipients of an unknown-outcome submit that were certainly not sent.
    "ALTER TABLE unknown_submits ADD COLUMN unsent TEXT NOT NULL DEFAULT ''",
)

_V4 = _statements(
    # Each get_incoming_messages request, committed before it leaves: a row left
    # "in_flight" by a run that died means messages may have been handed out and
    # lost; it becomes "lost" and is shown until acknowledged (ledger/inbox.py).
    """CREATE TABLE inbox_fetches (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        page_size INTEGER NOT NULL,
        pid INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'in_flight'
            CHECK (state IN ('in_flight', 'done', 'lost')),
        reason TEXT,
        acknowledged INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX inbox_fetches_open ON inbox_fetches(state) WHERE state != 'done'",
    # Messages `csms inbox fetch` has printed (each is printed once, across runs).
    "ALTER TABLE incoming ADD COLUMN handed_out INTEGER NOT NULL DEFAULT 0",
    "UPDATE incoming SET handed_out = 1",
)

# Surveys: feedback calls journalled per number (ledger/surveys.py).
_V7 = _statements(*SURVEY_TABLES_SQL)

# Saved message templates, and the columns a list's members were imported with.
_V10 = _statements(
    """CREATE TABLE templates (
        name TEXT PRIMARY KEY COLLATE NOCASE,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    # JSON array of the column names kept with the list's members (name, city...).
    "ALTER TABLE lists ADD COLUMN fields TEXT",
    # JSON object of a member's other cells, keyed by those names; NULL when none.
    "ALTER TABLE list_members ADD COLUMN fields TEXT",
)

# The other columns of each number of an import, kept until its batch is done
# (then they are the member's ``list_members.fields``).
_V11 = _statements(
    """CREATE TABLE import_fields (
        job_id INTEGER NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
        msisdn TEXT NOT NULL,
        fields TEXT NOT NULL,
        PRIMARY KEY (job_id, msisdn)
    ) WITHOUT ROWID""",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "messages, calls, lists, campaigns, audio, inbox, unknown submits", _V1),
    Migration(2, "full-text search index over the inbox", _v2),
    Migration(3, "resumable list import journal and personalised send jobs", _V3),
    Migration(4, "inbox fetches in flight; messages handed out by the command line", _V4),
    Migration(5, "submit intents; recipients never sent of unknown outcomes", _V5),
    Migration(6, "do-not-contact list; indexes for conversations", _statements(*OPTOUT_TABLES_SQL)),
    Migration(7, "surveys: feedback calls journalled per number", _V7),
    Migration(8, "sends held until the sending hours open", _statements(*HOLDS_TABLE_SQL)),
    Migration(
        9,
        "held calls, feedback calls, surveys and personalised sends",
        _statements(*HOLD_KINDS_SQL),
    ),
    Migration(10, "message templates; the other columns kept with list members", _V10),
    Migration(11, "the other columns of each number of an import, until its batch is done", _V11),
)
CURRENT_VERSION = MIGRATIONS[-1].version


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection,
    *,
    target: int | None = None,
    migrations: Sequence[Migration] = MIGRATIONS,
) -> int:
    """Bring the file up to ``target`` (default: the newest version); return the version.

    ``conn`` must be in autocommit mode (``isolation_level=None``).
    """
    newest = migrations[-1].version if migrations else 0
    goal = newest if target is None else target
    current = user_version(conn)
    if current > newest:
        raise LedgerError(
            f"This ledger was written by a newer version of csms (schema {current}, this "
            f"version knows up to {newest}); update csms to open it."
        )
    for migration in migrations:
        if current >= migration.version or migration.version > goal:
            continue
        conn.execute("BEGIN IMMEDIATE")
        # Another process may have upgraded the file while this one waited.
        current = user_version(conn)
        if current >= migration.version:
            conn.execute("ROLLBACK")
            continue
        try:
            migration.apply(conn)
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        current = migration.version
    return current
