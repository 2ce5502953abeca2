"""Lists, the resumable import journal and personalised send jobs.

The journal's promise: a unit is marked ``sending`` in a committed transaction
before its request goes out, so after a crash it is reported as unknown and is
never sent again without the user's say-so.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tui.gateway.codes import MessageStatus
from tui.ledger import Ledger, LedgerError, NewMessage


def test_lists_members_and_counts(ledger: Ledger, t0: datetime) -> None:
    ledger.lists.add_list("L2", "Staff", t0)
    ledger.lists.add_list("L1", "Customers", t0)
    later = t0 + timedelta(hours=1)
    assert ledger.lists.add_members("L1", ["923001110002", "923001110001"], "b1", later) == 2
    assert ledger.lists.add_members("L1", ["923001110001", "923001110003"], "b2", later) == 1
    assert [(s.name, s.members) for s in ledger.lists.lists()] == [("Customers", 3), ("Staff", 0)]
    customers = ledger.lists.list_by_name("Customers")
    assert customers is not None and customers.id == "L1"
    assert customers.created_at == t0 and customers.updated_at == later
    assert ledger.lists.list_by_name("customers") is None
    assert [(m.msisdn, m.batch) for m in ledger.lists.members("L1")] == [
        ("923001110001", "b1"),
        ("923001110002", "b1"),
        ("923001110003", "b2"),
    ]
    assert [m.msisdn for m in ledger.lists.members("L1", limit=1, offset=1)] == ["923001110002"]
    assert ledger.lists.member_set("L1") == {"923001110001", "923001110002", "923001110003"}
    assert ledger.lists.member_count("L1") == 3


def test_duplicate_list_name_and_unknown_list(ledger: Ledger, t0: datetime) -> None:
    ledger.lists.add_list("L1", "Customers", t0)
    with pytest.raises(LedgerError, match="already in the ledger; choose another name"):
        ledger.lists.add_list("L9", "Customers", t0)
    with pytest.raises(LedgerError, match="List L1 is already"):
        ledger.lists.add_list("L1", "Other", t0)
    with pytest.raises(LedgerError, match="not in the ledger"):
        ledger.lists.add_members("L404", ["923001110001"], None, t0)


def _import(ledger: Ledger, t0: datetime, batches: list[list[str]]) -> int:
    ledger.lists.add_list("L1", "Customers", t0)
    return ledger.imports.create_import("L1", "customers.csv", batches, t0)


def test_import_journal_happy_path(ledger: Ledger, t0: datetime) -> None:
    job = _import(ledger, t0, [["923001110001", "923001110002"], ["923001110003"]])
    summary = ledger.imports.import_summary(job)
    assert (summary.numbers_total, summary.numbers_done, summary.batches) == (3, 0, {"pending": 2})
    while (batch := ledger.imports.next_import_batch(job)) is not None:
        ledger.imports.mark_import_sending(job, batch.seq, t0)
        # What a crash right now would leave behind is on disk already.
        check = sqlite3.connect(ledger.path)
        state = check.execute(
            "SELECT state FROM import_batches WHERE job_id = ? AND seq = ?", (job, batch.seq)
        ).fetchone()[0]
        check.close()
        assert state == "sending"
        ledger.imports.mark_import_done(job, batch.seq, t0)
    summary = ledger.imports.import_summary(job)
    assert summary.batches == {"done": 2} and summary.numbers_done == 3
    assert summary.finished and not summary.needs_attention
    assert ledger.lists.member_set("L1") == {"923001110001", "923001110002", "923001110003"}
    assert {m.batch for m in ledger.lists.members("L1")} == {f"import:{job}:1", f"import:{job}:2"}
    assert [b.sent_at for b in ledger.imports.import_batches(job)] == [t0, t0]


def test_batch_cannot_be_sent_twice(ledger: Ledger, t0: datetime) -> None:
    job = _import(ledger, t0, [["923001110001"]])
    ledger.imports.mark_import_sending(job, 1, t0)
    with pytest.raises(LedgerError, match="is sending, so it cannot become sending"):
        ledger.imports.mark_import_sending(job, 1, t0)
    assert ledger.imports.next_import_batch(job) is None


def test_unknown_batch_is_reported_and_settled(ledger: Ledger, t0: datetime) -> None:
    job = _import(ledger, t0, [["923001110001"], ["923001110002"], ["923001110003"]])
    ledger.imports.mark_import_sending(job, 1, t0)
    ledger.imports.mark_import_unknown(job, 1, "read timeout", t0)
    ledger.imports.mark_import_sending(job, 2, t0)
    ledger.imports.mark_import_failed(job, 2, "Error 411", t0)
    # The unknown batch is not handed out again; the next pending one is.
    nxt = ledger.imports.next_import_batch(job)
    assert nxt is not None and nxt.seq == 3
    (unknown,) = ledger.unknown.unknown_submits()
    assert unknown.kind == "list_import" and unknown.command == "addcontacts.jsp"
    assert unknown.ref == f"import:{job}:1" and "read timeout" in unknown.summary
    summary = ledger.imports.import_summary(job)
    assert summary.needs_attention and not summary.finished
    assert ledger.dashboard_counts().unknown == 1
    # The user checks the portal: batch 1 did arrive.
    assert ledger.imports.mark_import_done(job, 1, t0) == 1
    assert ledger.unknown.unknown_submits() == []
    (settled,) = ledger.unknown.unknown_submits(settled=True)
    assert settled.note == "Batch confirmed added."
    # The failed batch goes back in the queue only when asked.
    ledger.imports.retry_import_batch(job, 2, t0)
    assert [b.seq for b in ledger.imports.import_batches(job, state="pending")] == [2, 3]
    with pytest.raises(LedgerError, match="cannot become pending"):
        ledger.imports.retry_import_batch(job, 1, t0)


def test_import_jobs_listing_and_close(ledger: Ledger, t0: datetime) -> None:
    job = _import(ledger, t0, [["923001110001"]])
    assert [s.job_id for s in ledger.imports.import_jobs()] == [job]
    ledger.imports.close_import(job)
    assert ledger.imports.import_jobs() == []
    assert [s.state for s in ledger.imports.import_jobs(open_only=False)] == ["closed"]
    with pytest.raises(LedgerError, match="not in the ledger"):
        ledger.imports.import_summary(999)
    with pytest.raises(LedgerError, match="List L404 is not"):
        ledger.imports.create_import("L404", "x.csv", [["923001110001"]], t0)


def test_recover_interrupted_marks_sending_as_unknown(ledger_path: Path, t0: datetime) -> None:
    with Ledger.open(ledger_path) as ledger:
        job = _import(ledger, t0, [["923001110001"], ["923001110002"]])
        send = ledger.send_jobs.create_send_job(
            [(1, "923001110001", "Hi Ali"), (2, "923001110002", "Hi Sara")], "sheet.csv", t0
        )
        ledger.imports.mark_import_sending(job, 1, t0)
        ledger.send_jobs.mark_rows_sending(send, [1, 2], t0)
    # (the process stopped here; a new one opens the ledger)
    with Ledger.open(ledger_path) as ledger:
        assert ledger.recover_interrupted(t0) == 3
        assert ledger.recover_interrupted(t0) == 0
        assert [b.state for b in ledger.imports.import_batches(job)] == ["unknown", "pending"]
        assert [r.state for r in ledger.send_jobs.send_rows(send)] == ["unknown", "unknown"]
        assert ledger.send_jobs.next_send_rows(send) == []
        refs = sorted(u.ref or "" for u in ledger.unknown.unknown_submits())
        assert refs == [f"import:{job}:1", f"send:{send}:1", f"send:{send}:2"]
        assert all("interrupted" in u.summary for u in ledger.unknown.unknown_submits())


def _sent(row: int, t0: datetime) -> NewMessage:
    return NewMessage(
        id=f"msg{row}",
        recipient=f"92300111000{row}",
        text=f"text {row}",
        encoding="GSM-7",
        segments=1,
        submitted_at=t0,
    )


def test_personalised_send_job(ledger: Ledger, t0: datetime) -> None:
    rows = [
        (n, f"92300111000{n}", f"Dear {name}, your bill is due")
        for n, name in [(2, "Ali"), (3, "Sara"), (4, "Bilal")]
    ]
    job = ledger.send_jobs.create_send_job(rows, "bills.csv", t0, mask="ACME")
    assert [r.row for r in ledger.send_jobs.next_send_rows(job, limit=2)] == [2, 3]
    ledger.send_jobs.mark_rows_sending(job, [2, 3], t0)
    with pytest.raises(LedgerError, match="cannot become sending"):
        ledger.send_jobs.mark_rows_sending(job, [3, 4], t0)
    # Nothing moved when one row was refused.
    assert ledger.send_jobs.send_rows(job, state="pending")[0].row == 4
    ledger.send_jobs.mark_rows_sent(job, [(2, _sent(2, t0))])
    ledger.send_jobs.mark_rows_unknown(job, [3], "connection reset", t0)
    summary = ledger.send_jobs.send_job_summary(job)
    assert summary.rows == {"sent": 1, "unknown": 1, "pending": 1} and summary.total == 3
    assert summary.mask == "ACME" and summary.needs_attention and not summary.finished
    row2 = ledger.send_jobs.send_rows(job)[0]
    assert (row2.state, row2.message_id) == ("sent", "msg2")
    tracked = ledger.messages.message("msg2")
    assert tracked is not None and (tracked.origin, tracked.batch) == ("personalised", str(job))
    assert ledger.messages.messages(batch=str(job))[0].id == "msg2"
    (unknown,) = ledger.unknown.unknown_submits()
    assert unknown.target == "923001110003" and unknown.command == "sendsms.jsp"
    # The user decides row 3 did not go out and sends it again.
    ledger.send_jobs.retry_send_rows(job, [3], t0)
    ledger.send_jobs.mark_rows_sending(job, [3, 4], t0)
    ledger.send_jobs.mark_rows_failed(job, [4], "Error 201", t0)
    ledger.send_jobs.mark_rows_sent(job, [(3, _sent(3, t0))])
    summary = ledger.send_jobs.send_job_summary(job)
    assert summary.rows == {"sent": 2, "failed": 1} and summary.finished
    assert ledger.send_jobs.send_rows(job, state="failed")[0].error == "Error 201"
    assert ledger.unknown.unknown_submits() == []
    ledger.messages.update_message_statuses([("msg3", MessageStatus.SENT, t0)])
    ledger.send_jobs.close_send_job(job)
    assert (
        ledger.send_jobs.send_jobs() == [] and len(ledger.send_jobs.send_jobs(open_only=False)) == 1
    )


def test_send_job_rejects_repeated_row_numbers(ledger: Ledger, t0: datetime) -> None:
    with pytest.raises(LedgerError, match="same row number"):
        ledger.send_jobs.create_send_job(
            [(1, "923001110001", "a"), (1, "923001110002", "b")], "x", t0
        )
    assert ledger.send_jobs.send_jobs(open_only=False) == []
