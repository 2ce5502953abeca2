"""Sent messages and calls: round trips, status history, polling schedule, threads."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from tui.gateway.codes import CallStatus, MessageStatus, Operator
from tui.ledger import Ledger, LedgerError, NewCall, NewMessage


def _msg(i: int, t0: datetime, **extra: object) -> NewMessage:
    fields: dict[str, object] = {
        "id": f"m{i}",
        "recipient": f"92300111{i:04d}",
        "text": f"Hello {i}",
        "encoding": "GSM-7",
        "segments": 1,
        "submitted_at": t0 + timedelta(seconds=i),
    }
    fields.update(extra)
    return NewMessage(**fields)  # type: ignore[arg-type]


def test_message_round_trip(ledger: Ledger, t0: datetime) -> None:
    item = NewMessage(
        id="7781",
        recipient="923451234567",
        text="سلام، آپ کا آرڈر روانہ ہو گیا ہے",
        encoding="UCS-2",
        segments=2,
        submitted_at=t0,
        mask="ACME",
        operator=Operator.JAZZ,
        origin="personalised",
        batch="12",
        next_poll_at=t0 + timedelta(seconds=30),
    )
    assert ledger.messages.record_messages([item]) == 1
    assert ledger.messages.record_messages([item]) == 0  # the same ID is never stored twice
    got = ledger.messages.message("7781")
    assert got is not None
    assert (got.recipient, got.text, got.mask, got.operator) == (
        "923451234567",
        item.text,
        "ACME",
        2,
    )
    assert (got.encoding, got.segments, got.origin, got.batch) == ("UCS-2", 2, "personalised", "12")
    assert got.submitted_at == t0 and got.next_poll_at == t0 + timedelta(seconds=30)
    assert got.status is None and got.status_label == "Submitted"
    assert (got.polls, got.final) == (0, False)
    assert ledger.messages.message("nope") is None


def test_status_changes_history_and_finality(ledger: Ledger, t0: datetime) -> None:
    ledger.messages.record_messages([_msg(1, t0)])
    at1, at2, at3 = (t0 + timedelta(minutes=n) for n in (1, 2, 3))
    assert ledger.messages.update_message_statuses([("m1", MessageStatus.NOT_SENT, at1)]) == ["m1"]
    assert ledger.messages.update_message_statuses([("m1", MessageStatus.NOT_SENT, at2)]) == []
    assert ledger.messages.update_message_statuses([("m1", MessageStatus.SENT, at3)]) == ["m1"]
    got = ledger.messages.message("m1")
    assert got is not None
    assert got.status is MessageStatus.SENT and got.status_label == "Sent"
    assert got.status_changed_at == at3 and got.polls == 3
    assert got.final and got.next_poll_at is None
    assert [(h.status, h.at) for h in ledger.messages.message_history("m1")] == [(0, at1), (1, at3)]
    with pytest.raises(LedgerError, match="not in the ledger"):
        ledger.messages.update_message_statuses([("ghost", MessageStatus.SENT, at1)])


def test_bulk_status_update_reports_changed_ids(ledger: Ledger, t0: datetime) -> None:
    ledger.messages.record_messages(_msg(i, t0) for i in range(3))
    ledger.messages.update_message_statuses([("m0", MessageStatus.NOT_SENT, t0)])
    changed = ledger.messages.update_message_statuses(
        [("m0", MessageStatus.NOT_SENT, t0), ("m1", MessageStatus.SENT, t0), ("m2", 0, t0)]  # type: ignore[list-item]
    )
    assert changed == ["m1", "m2"]


def test_message_filters_and_order(ledger: Ledger, t0: datetime) -> None:
    ledger.messages.record_messages(
        [_msg(i, t0, origin="quick" if i < 3 else "personalised") for i in range(5)]
    )
    ledger.messages.update_message_statuses([("m1", MessageStatus.SENT, t0)])
    assert [m.id for m in ledger.messages.messages()] == ["m4", "m3", "m2", "m1", "m0"]
    assert [m.id for m in ledger.messages.messages(final=False, origin="quick")] == ["m2", "m0"]
    assert [m.id for m in ledger.messages.messages(status=MessageStatus.SENT)] == ["m1"]
    assert [m.id for m in ledger.messages.messages(recipient="923001110003")] == ["m3"]
    assert [m.id for m in ledger.messages.messages(since=t0 + timedelta(seconds=3))] == ["m4", "m3"]
    assert [m.id for m in ledger.messages.messages(limit=2, offset=1)] == ["m3", "m2"]


def test_due_for_poll_merges_messages_and_calls(ledger: Ledger, t0: datetime) -> None:
    ledger.messages.record_messages(
        [_msg(1, t0), _msg(2, t0, next_poll_at=t0 + timedelta(minutes=5))]
    )
    ledger.calls.record_calls(
        [NewCall(id="c1", recipient="923001119999", file_id="f1", submitted_at=t0)]
    )
    due = ledger.tracking.due_for_poll(t0 + timedelta(minutes=1))
    assert [(d.kind, d.id) for d in due] == [("call", "c1"), ("message", "m1")]
    ledger.tracking.schedule_next_polls("message", [("m1", t0 + timedelta(minutes=10))])
    ledger.tracking.schedule_next_polls("call", [("c1", None)])  # paused
    later = ledger.tracking.due_for_poll(t0 + timedelta(minutes=6))
    assert [(d.kind, d.id) for d in later] == [("message", "m2")]
    assert ledger.tracking.due_for_poll(t0 + timedelta(hours=1), limit=1)[0].id == "m2"
    flight = ledger.tracking.in_flight()
    assert (flight.messages, flight.calls, flight.total) == (2, 1, 3)
    assert flight.next_poll_at == t0 + timedelta(minutes=5)
    ledger.messages.update_message_statuses([("m2", MessageStatus.SENT, t0)])
    assert [d.id for d in ledger.tracking.due_for_poll(t0 + timedelta(hours=1))] == ["m1"]
    with pytest.raises(LedgerError, match="Unknown kind"):
        ledger.tracking.schedule_next_polls("campaign", [("x", t0)])  # type: ignore[arg-type]


def test_call_round_trip_attempts_and_feedback_key(ledger: Ledger, t0: datetime) -> None:
    call = NewCall(
        id="c9",
        recipient="923451234567",
        file_id="f1",
        submitted_at=t0,
        kind="feedback",
        max_retries=2,
        mask="IVR",
        valid_options="123",
        valid_file_id="f2",
        invalid_file_id="f3",
    )
    assert ledger.calls.record_calls([call, call]) == 1
    steps = [
        (CallStatus.SCHEDULED, None, None, True),
        (CallStatus.BUSY, None, None, True),
        (CallStatus.BUSY, None, None, False),
        (CallStatus.NOT_ANSWERING, None, None, True),
        (CallStatus.SENT, "2", None, True),
    ]
    for minute, (status, key, final, expect_change) in enumerate(steps):
        at = t0 + timedelta(minutes=minute)
        assert (
            ledger.calls.update_call_status("c9", status, at, option_selected=key, final=final)
            is expect_change
        )
    got = ledger.calls.call("c9")
    assert got is not None
    assert (got.kind, got.max_retries, got.mask, got.valid_options) == ("feedback", 2, "IVR", "123")
    assert (got.valid_file_id, got.invalid_file_id) == ("f2", "f3")
    assert got.status is CallStatus.SENT and got.option_selected == "2" and got.final
    assert got.attempts == 3 and got.polls == 5 and got.next_poll_at is None
    history = ledger.calls.call_history("c9")
    assert [(h.status, h.option_selected) for h in history] == [
        (0, None),
        (2, None),
        (4, None),
        (1, "2"),
    ]
    assert [c.id for c in ledger.calls.calls(kind="feedback")] == ["c9"]
    assert ledger.calls.calls(final=False) == []


def test_call_failure_made_final_by_caller(ledger: Ledger, t0: datetime) -> None:
    ledger.calls.record_calls(
        [NewCall(id="c1", recipient="923001110001", file_id="f", submitted_at=t0)]
    )
    ledger.calls.update_call_status("c1", CallStatus.NOT_RESPONDING, t0)
    assert ledger.calls.call("c1").final is False  # type: ignore[union-attr]
    assert ledger.calls.update_call_status("c1", CallStatus.NOT_RESPONDING, t0, final=True) is False
    got = ledger.calls.call("c1")
    assert got is not None and got.final and got.status_label == "Not Responding"
    assert ledger.tracking.in_flight().calls == 0


def test_writes_from_many_threads(ledger: Ledger, t0: datetime) -> None:
    def worker(n: int) -> None:
        for i in range(50):
            item = _msg(n * 1000 + i, t0)
            ledger.messages.record_messages([item])
            ledger.messages.update_message_statuses([(item.id, MessageStatus.SENT, t0)])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ledger.messages.messages(limit=-1)) == 200
    assert ledger.tracking.in_flight().messages == 0
    assert len(ledger.messages.messages(status=MessageStatus.SENT, limit=-1)) == 200
