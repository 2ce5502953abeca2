"""A quick send of what its numbers had within the hour, or may have had (an
open unknown outcome of the same send), is named before it goes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.engine.repeat_sends import WINDOW, RepeatSend, recent_repeats
from tui.engine.send_request import FeedbackOptions, SendKind, SendRequest
from tui.ledger import Ledger, NewCall, NewMessage

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def request(kind: SendKind, numbers: list[str], text: str = "", file_id: str = "") -> SendRequest:
    feedback = FeedbackOptions(3, "152", "153") if kind == "feedback" else None
    return SendRequest(kind, tuple(numbers), text=text, file_id=file_id, feedback=feedback)


def recent_repeat(
    ledger: Ledger, kind: SendKind, numbers: list[str], now: datetime, **what: str
) -> RepeatSend | None:
    """The repeat known to have gone out, if any (none of unknown outcome here)."""
    found = recent_repeats(ledger, request(kind, numbers, **what), now)
    assert all(not repeat.unknown for repeat in found)
    return found[0] if found else None


def message(n: int, to: str, text: str, at: datetime) -> NewMessage:
    return NewMessage(
        id=f"m{n}", recipient=to, text=text, encoding="GSM-7", segments=1, submitted_at=at
    )


def test_the_same_text_to_the_same_numbers_within_the_hour(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "ledger.sqlite3") as ledger:
        ledger.messages.record_messages(
            [
                message(1, "923001234567", "Bill due", NOW - timedelta(minutes=50)),
                message(2, "923001234567", "Bill due", NOW - timedelta(minutes=5)),
                message(3, "923011234567", "Bill due", NOW - WINDOW - timedelta(minutes=1)),
                message(4, "923021234567", "Other text", NOW - timedelta(minutes=1)),
            ]
        )
        numbers = ["923001234567", "923011234567", "923021234567"]
        repeat = recent_repeat(ledger, "sms", numbers, NOW, text="Bill due")
        assert repeat is not None
        assert (repeat.count, repeat.total) == (1, 3)
        assert repeat.last_at == NOW - timedelta(minutes=5)
        assert repeat.sentence("09:55") == (
            "Already sent in the last hour: the same text went to 1 of these 3 numbers "
            "(last at 09:55). Sending again sends it twice."
        )
        # Older than the window, or another text: not a repeat.
        assert recent_repeat(ledger, "sms", ["923011234567"], NOW, text="Bill due") is None
        assert recent_repeat(ledger, "sms", numbers, NOW, text="Bill due!") is None
        one = recent_repeat(ledger, "sms", ["923021234567"], NOW, text="Other text")
        assert one is not None and "went to this number" in one.sentence("09:59")


def test_the_same_recording_counts_for_calls_of_the_same_kind(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "ledger.sqlite3") as ledger:
        ledger.calls.record_calls(
            [
                NewCall(
                    id="c1",
                    recipient="923001234567",
                    file_id="151",
                    submitted_at=NOW - timedelta(minutes=3),
                ),
                NewCall(
                    id="c2",
                    recipient="923011234567",
                    file_id="151",
                    submitted_at=NOW - timedelta(minutes=2),
                    kind="feedback",
                    valid_options="3",
                ),
            ]
        )
        numbers = ["923001234567", "923011234567"]
        repeat = recent_repeat(ledger, "call", numbers, NOW, file_id="151")
        assert repeat is not None and (repeat.count, repeat.total) == (1, 2)
        assert "the same recording went to 1 of these 2 numbers" in repeat.sentence("09:57")
        feedback = recent_repeat(ledger, "feedback", numbers, NOW, file_id="151")
        assert feedback is not None and feedback.count == 1
        assert recent_repeat(ledger, "call", numbers, NOW, file_id="152") is None


def test_an_open_unknown_outcome_of_the_same_send_is_named(tmp_path: Path) -> None:
    """A send whose answer was lost may have gone out: sending it again is named
    as a possible repeat until the unknown outcome is settled."""
    numbers = ["923001234567", "923011234567", "923021234567"]
    lost = request("sms", numbers[:2], text="Bill due")
    with Ledger.open(tmp_path / "ledger.sqlite3") as ledger:
        unknown_id = ledger.unknown.add_unknown(
            "sms",
            "sendsms.jsp",
            f"{lost.summary} (No answer to Submit_SM)",  # the engine adds the reason
            numbers[:2],
            NOW - timedelta(minutes=4),
            unsent=[numbers[1]],  # refused before its request left: certainly not sent
        )
        [maybe] = recent_repeats(ledger, request("sms", numbers, text="Bill due"), NOW)
        assert maybe.unknown and (maybe.count, maybe.total) == (1, 3)
        assert maybe.last_at == NOW - timedelta(minutes=4)
        assert maybe.sentence("09:56") == (
            "Outcome unknown: the same text was sent to 1 of these 3 numbers at 09:56 and "
            "no answer came back, so it may have gone out (Activity lists it to settle). "
            "Sending again may send it twice."
        )
        # Another text, or the outcome settled: nothing to name.
        assert recent_repeats(ledger, request("sms", numbers, text="Other"), NOW) == []
        assert ledger.unknown.settle(unknown_id, "checked: not delivered", NOW)
        assert recent_repeats(ledger, request("sms", numbers, text="Bill due"), NOW) == []


def test_a_send_held_for_the_sending_hours_is_named(tmp_path: Path) -> None:
    """Held, then asked again before the hours open: the second would go too."""
    numbers = ["923001234567", "923011234567"]
    with Ledger.open(tmp_path / "ledger.sqlite3") as ledger:
        hold_id = ledger.holds.hold(
            "sms", {"to": numbers[:1], "text": "Bill due"}, NOW, NOW + timedelta(hours=9)
        )
        [held] = recent_repeats(ledger, request("sms", numbers, text="Bill due"), NOW)
        assert held.hold_id == hold_id and (held.count, held.total) == (1, 2)
        assert held.sentence("10:00") == (
            f"Already held: the same text waits for the sending hours for 1 of these 2 "
            f"numbers (hold {hold_id}, held at 10:00). Sending again sends it twice."
        )
        assert recent_repeats(ledger, request("sms", numbers, text="Other"), NOW) == []
        assert recent_repeats(ledger, request("call", numbers, file_id="151"), NOW) == []
        assert ledger.holds.mark_hold(hold_id, "cancelled")
        assert recent_repeats(ledger, request("sms", numbers, text="Bill due"), NOW) == []
