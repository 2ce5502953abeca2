"""Schema versions: a file from every earlier version opens, upgrades, and keeps its data."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.gateway.codes import AudioStatus, CallStatus, MessageStatus, VoiceCampaignStatus
from tui.gateway.results import IncomingMessage
from tui.ledger import CURRENT_VERSION, Ledger, LedgerError
from tui.ledger.base import to_db
from tui.ledger.schema import MIGRATIONS, Migration, migrate, user_version
from tui.ledger.search import fold

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
AT = to_db(T0)


def _raw(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    return sqlite3.connect(path, isolation_level=None)


def _fill_v1(conn: sqlite3.Connection) -> None:
    """Data as version 1 of csms wrote it (plain SQL: the v1 schema, no later tables)."""
    sql = conn.execute
    sql(
        "INSERT INTO messages (id, recipient, text, encoding, segments, submitted_at, status,"
        " status_changed_at, next_poll_at, polls, final) VALUES"
        " ('m1', '923001110001', 'Order shipped', 'GSM-7', 1, ?, 1, ?, NULL, 2, 1),"
        " ('m2', '923001110002', 'آپ کا آرڈر', 'UCS-2', 1, ?, 0, ?, ?, 1, 0)",
        (AT, AT, AT, AT, AT),
    )
    sql("INSERT INTO message_history VALUES ('m1', 1, ?)", (AT,))
    sql(
        "INSERT INTO calls (id, recipient, kind, file_id, submitted_at, status, attempts,"
        " option_selected, final) VALUES ('c1', '923001110003', 'feedback', 'f1', ?, 1, 1, '2', 1)",
        (AT,),
    )
    sql("INSERT INTO lists (id, name, created_at, updated_at) VALUES ('L1', 'Customers', ?, ?)",
        (AT, AT))  # fmt: skip
    for number in ("923001110001", "923001110002"):
        sql("INSERT INTO list_members (list_id, msisdn, added_at, batch) VALUES ('L1', ?, ?, 'b1')",
            (number, AT))  # fmt: skip
    sql(
        "INSERT INTO sms_campaigns (id, name, list_ids, text, created_at)"
        " VALUES ('C1', 'Eid', '[\"L1\"]', 'Eid Mubarak', ?)",
        (AT,),
    )
    sql("INSERT INTO campaign_recipients VALUES ('C1', '923001110001', 1, ?)", (AT,))
    sql(
        "INSERT INTO voice_campaigns (id, name, kind, params, created_at, last_status)"
        " VALUES ('V1', 'Reminder', 'broadcast', '{\"file_id\": \"f1\"}', ?, 8)",
        (AT,),
    )
    sql(
        "INSERT INTO voice_snapshots (campaign_id, at, status, call_attempts, answered,"
        " not_answered, not_responding, busy, cost) VALUES ('V1', ?, 8, 10, 6, 2, 1, 1, 4.5)",
        (AT,),
    )
    sql(
        "INSERT INTO audio_files (id, name, uploaded_at, status, ready_at)"
        " VALUES ('f1', 'welcome', ?, 1, ?)",
        (AT, AT),
    )
    sql(
        "INSERT INTO incoming_raw (id, received_at, body, parsed) VALUES (1, ?, x'3c613e', 1)",
        (AT,),
    )
    sql(
        "INSERT INTO incoming_raw (id, received_at, body, parsed) VALUES (2, ?, x'3c623e', 0)",
        (AT,),
    )
    for gid, text in (("g1", "Please call me back"), ("g2", "شکریہ، آرڈر مل گیا")):
        sql(
            "INSERT INTO incoming (raw_id, gateway_id, msisdn, text, short_code, timestamp_raw,"
            " received_at) VALUES (1, ?, '923451234567', ?, '8558', '2026,05,01 09:00', ?)",
            (gid, text, AT),
        )
    sql(
        "INSERT INTO unknown_submits (kind, command, summary, target, at)"
        " VALUES ('message', 'sendsms.jsp', 'Quick send to 1 number', '923001110009', ?)",
        (AT,),
    )


def _fill_v2(conn: sqlite3.Connection) -> None:
    """Version 2 wrote the same tables and kept the search index up to date itself."""
    _fill_v1(conn)
    for row in conn.execute("SELECT id, text, msisdn FROM incoming").fetchall():
        conn.execute(
            "INSERT INTO incoming_fts (rowid, text, msisdn) VALUES (?, ?, ?)",
            (row[0], fold(row[1]), row[2]),
        )


#: Versions 3 to 7 added tables only (import and send journals, inbox fetches,
#: submit intents, the do-not-contact list): the data of v2 must survive them.
FILLERS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _fill_v1,
    2: _fill_v2,
    3: _fill_v2,
    4: _fill_v2,
    5: _fill_v2,
    6: _fill_v2,
    7: _fill_v2,
    8: _fill_v2,
    9: _fill_v2,
    10: _fill_v2,
}


def test_migrations_are_ordered_and_contiguous() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, CURRENT_VERSION + 1))
    assert set(FILLERS) == set(range(1, CURRENT_VERSION)), "add a filler for every old version"


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return sorted(
        conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ).fetchall()
    )


@pytest.mark.parametrize("version", sorted(FILLERS))
def test_upgrade_from_every_earlier_version_keeps_data(tmp_path: Path, version: int) -> None:
    path = tmp_path / "old.sqlite3"
    conn = _raw(path)
    assert migrate(conn, target=version) == version
    conn.execute("BEGIN")
    FILLERS[version](conn)
    conn.execute("COMMIT")
    conn.close()

    with Ledger.open(path) as ledger:
        assert ledger.schema_version == CURRENT_VERSION

        m1, m2 = ledger.messages.message("m1"), ledger.messages.message("m2")
        assert m1 is not None and m1.status is MessageStatus.SENT and m1.final
        assert m2 is not None and m2.text == "آپ کا آرڈر" and not m2.final
        assert [c.status for c in ledger.messages.message_history("m1")] == [1]
        call = ledger.calls.call("c1")
        assert call is not None and call.status is CallStatus.SENT
        assert call.option_selected == "2" and call.kind == "feedback"

        (summary,) = ledger.lists.lists()
        assert (summary.name, summary.members) == ("Customers", 2)
        assert ledger.campaigns.campaign_status_counts("C1") == {MessageStatus.SENT: 1}
        voice = ledger.voice.voice_campaign("V1")
        assert voice is not None and voice.params == {"file_id": "f1"}
        assert voice.last_status is VoiceCampaignStatus.SENDING
        latest = ledger.voice.voice_latest("V1")
        assert latest is not None and latest.cost == 4.5
        audio = ledger.audio.audio_by_name("welcome")
        assert audio is not None and audio.status is AudioStatus.READY

        assert ledger.inbox.inbox_count() == 2
        assert [r.id for r in ledger.inbox.unparsed_replies()] == [2]
        assert len(ledger.unknown.unknown_submits()) == 1
        # The search index covers messages stored before it existed (v1 -> v2).
        assert [m.gateway_id for m in ledger.inbox.search_inbox("call")] == ["g1"]
        assert [m.gateway_id for m in ledger.inbox.search_inbox("شکریہ")] == ["g2"]
        # And new messages are indexed from now on.
        raw = ledger.inbox.store_incoming_reply(b"<c/>", T0)
        new = IncomingMessage("g3", "923000000000", "call later", "8558", "x", None)
        ledger.inbox.store_incoming_messages(raw, [new])
        assert [m.gateway_id for m in ledger.inbox.search_inbox("call")] == ["g3", "g1"]

        # The version 3 journal works with lists made by older versions.
        job = ledger.imports.create_import("L1", "old.csv", [["923001110005"]], T0)
        ledger.imports.mark_import_sending(job, 1, T0)
        assert ledger.imports.mark_import_done(job, 1, T0) == 1
        assert ledger.lists.member_count("L1") == 3


@pytest.mark.parametrize("version", [0, *sorted(FILLERS)])
def test_upgraded_schema_equals_fresh_schema(tmp_path: Path, version: int) -> None:
    old = _raw(tmp_path / "old.sqlite3")
    migrate(old, target=version)
    old.close()
    with Ledger.open(tmp_path / "old.sqlite3"):
        pass
    with Ledger.open(tmp_path / "fresh.sqlite3"):
        pass
    upgraded = sqlite3.connect(tmp_path / "old.sqlite3")
    fresh = sqlite3.connect(tmp_path / "fresh.sqlite3")
    try:
        assert _schema(upgraded) == _schema(fresh)
        assert user_version(upgraded) == user_version(fresh) == CURRENT_VERSION
    finally:
        upgraded.close()
        fresh.close()


def test_failed_migration_leaves_file_at_previous_version(tmp_path: Path) -> None:
    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        conn.execute("INSERT INTO no_such_table VALUES (1)")

    conn = _raw(tmp_path / "l.sqlite3")
    steps = [MIGRATIONS[0], Migration(2, "broken", broken)]
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, migrations=steps)
    assert user_version(conn) == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "half_done" not in tables and "messages" in tables
    conn.close()


def test_file_from_newer_csms_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    with Ledger.open(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")
    conn.close()
    with pytest.raises(LedgerError, match="newer version of csms"):
        Ledger.open(path)


def test_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    path.write_bytes(b"this is a text file, not a database\n" * 100)
    with pytest.raises(LedgerError, match="not a csms ledger") as caught:
        Ledger.open(path)
    assert "\n" not in str(caught.value)
    assert path.read_bytes().startswith(b"this is a text file")


def test_other_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(LedgerError, match="not a csms ledger"):
        Ledger.open(path)


def test_new_ledger_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "l.sqlite3"
    with Ledger.open(path) as ledger:
        assert path.stat().st_mode & 0o777 == 0o600
        assert ledger._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert ledger._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert ledger.dashboard_counts().unread == 0


def test_many_processes_opening_a_new_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "race.sqlite3"
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def open_it() -> None:
        barrier.wait()
        try:
            with Ledger.open(path) as ledger:
                assert ledger.schema_version == CURRENT_VERSION
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_write_while_another_process_writes_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    with Ledger.open(path, busy_timeout=0.05) as ledger:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(LedgerError, match="busy in another csms process"):
                ledger.lists.add_list("L1", "Customers", T0)
        finally:
            other.execute("ROLLBACK")
            other.close()
        ledger.lists.add_list("L1", "Customers", T0)
        assert [s.name for s in ledger.lists.lists()] == ["Customers"]


def test_directory_in_place_of_the_file(tmp_path: Path) -> None:
    (tmp_path / "l.sqlite3").mkdir()
    with pytest.raises(LedgerError, match="ledger") as caught:
        Ledger.open(tmp_path / "l.sqlite3")
    assert "\n" not in str(caught.value)
