"""``Engine.submit(SendRequest)``: SMS, calls and feedback calls through one typed
request, against the simulator; a failure part-way is the outcome's fields."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.engine.test_tracker import _wav_bytes
from tui.engine import quick_sends, send_request
from tui.engine.send_request import FeedbackOptions, SendRequest
from tui.engine.service import Engine
from tui.gateway import text as text_module
from tui.gateway.codes import AudioStatus
from tui.gateway.errors import InvalidInput, InvalidNumbers
from tui.gateway.text import TextAnalysis
from tui.simulator import Simulator

SEND_PAGES = {"sendsms.jsp", "makecall.jsp", "make_feedback_call.jsp"}
KARACHI = ZoneInfo("Asia/Karachi")


async def _ready_audio(engine: Engine, simulator: Simulator) -> str:
    file_id = await engine.client.upload_audio("prompt", _wav_bytes())
    simulator.clock.advance(3600)
    assert await engine.client.audio_status(file_id) is AudioStatus.READY
    return file_id


async def test_an_sms_is_parsed_and_analysed_once_and_recorded(
    engine: Engine, simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = text_module.analyze

    def counted(text: str) -> TextAnalysis:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(text_module, "analyze", counted)
    monkeypatch.setattr(send_request, "analyze", counted)
    request = SendRequest.parse("sms", "0300-1234567, +92 321 1234567", text="Salaam سلام")
    assert calls == ["Salaam سلام"]
    assert request.recipients == ("923001234567", "923211234567")
    assert request.analysis is not None and request.analysis.encoding == "UCS-2"
    calls.clear()
    outcome = await engine.submit(request)
    assert calls == []  # nothing downstream analyses the text again
    assert not hasattr(quick_sends, "analyze")
    assert [number for number, _ in outcome.ids] == list(request.recipients)
    assert outcome.error is None and not outcome.unknown and not outcome.unsent
    [sent] = [r for r in simulator.requests if r.page == "sendsms.jsp"]
    assert sent.params["unicode"] == "true" and sent.params["to"] == "923001234567,923211234567"
    record = engine.ledger.messages.message(outcome.ids[0][1])
    assert record is not None and record.segments == 1 and record.encoding == "UCS-2"


async def test_a_call_and_a_feedback_call_go_through_submit(
    engine: Engine, simulator: Simulator
) -> None:
    file_id = await _ready_audio(engine, simulator)
    call = await engine.submit(
        SendRequest(kind="call", recipients=("923001234567",), file_id=file_id, max_retries=1)
    )
    feedback = await engine.submit(
        SendRequest(
            kind="feedback",
            recipients=("923011234567", "923021234567"),
            file_id=file_id,
            feedback=FeedbackOptions(3, file_id, file_id),
        )
    )
    assert len(call.ids) == 1 and len(feedback.ids) == 2
    [made] = [r for r in simulator.requests if r.page == "make_feedback_call.jsp"]
    assert made.params["valid_options"] == "3" and made.params["to"].count(",") == 1
    record = engine.ledger.calls.call(feedback.ids[0][1])
    assert record is not None and record.kind == "feedback" and record.valid_options == "3"
    assert engine.ledger.calls.call(call.ids[0][1]).max_retries == 1


async def test_a_failure_part_way_is_typed_fields_of_the_outcome(
    engine: Engine, simulator: Simulator
) -> None:
    engine.client.url_limit = 600  # several requests
    engine.optouts.add(["03009999999"], note="asked")
    numbers = [f"0300{1000000 + i}" for i in range(60)] + ["03009999999"]
    simulator.faults.load("sendsms:drop:1x1@1")  # the second request gets no answer
    outcome = await engine.submit(SendRequest.parse("sms", numbers, text="Hello"))
    # No exception: what went out, what may have, what did not and who was left out.
    assert outcome.blocked == ["923009999999"]
    assert outcome.ids and outcome.unknown and outcome.unsent
    assert outcome.outcome_unknown and outcome.error and not outcome.unrecorded
    accounted = [n for n, _ in outcome.ids] + outcome.unknown + outcome.unsent
    assert sorted(accounted) == sorted("92" + n[1:] for n in numbers[:60])
    assert simulator.pages_requested().count("sendsms.jsp") == 2
    [unknown] = engine.ledger.unknown.unknown_submits()
    assert outcome.unknown[0] in unknown.target
    for _, msg_id in outcome.ids:
        assert engine.ledger.messages.message(msg_id) is not None


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: SendRequest.parse("sms", ["03001234567", "12345"], text="Hi"), "'12345'"),
        (lambda: SendRequest.parse("sms", " ", text="Hi"), "No recipients were given"),
        (lambda: SendRequest(kind="sms", recipients=("03001234567",), text="Hi"), "not parsed"),
        (lambda: SendRequest.parse("sms", "03001234567", text="  \n"), "text is empty"),
        (lambda: SendRequest.parse("sms", "03001234567", text="a\x00b"), "control character"),
        (lambda: SendRequest.parse("sms", "03001234567", text="Hi", operator=9), "Operator 9"),
        (lambda: SendRequest.parse("call", "03001234567"), "recording (audio file ID)"),
        (lambda: SendRequest.parse("call", "03001234567", file_id="7", max_retries=5), "0, 1"),
        (lambda: SendRequest.parse("feedback", "03001234567", file_id="7"), "valid keys"),
        (
            lambda: SendRequest.parse(
                "call", "03001234567", file_id="7", feedback=FeedbackOptions(2, "8", "9")
            ),
            "feedback calls only",
        ),
        (
            lambda: SendRequest.parse("sms", "03001234567", text="Hi", override_reason=" "),
            "Say why",
        ),
    ],
)
async def test_an_invalid_request_is_refused_with_its_sentence_before_anything_is_sent(
    engine: Engine, simulator: Simulator, make: object, expected: str
) -> None:
    assert callable(make)
    with pytest.raises(InvalidInput) as caught:
        await engine.submit(make())
    assert expected in str(caught.value)
    assert str(caught.value).endswith(".")
    assert not SEND_PAGES & set(simulator.pages_requested())
    assert engine.ledger.unknown.unknown_submits() == []


async def test_bad_numbers_are_all_named_at_once(engine: Engine) -> None:
    with pytest.raises(InvalidNumbers) as caught:
        SendRequest.parse("sms", ["0300-12", "03001234567", "021-1234567"], text="Hi")
    assert "'0300-12'" in str(caught.value) and "landline" in str(caught.value)


async def test_every_recipient_opted_out_is_refused_before_sending(
    engine: Engine, simulator: Simulator
) -> None:
    engine.optouts.add(["03001234567"], note="asked")
    request = SendRequest.parse("sms", "03001234567", text="Hi")
    with pytest.raises(InvalidInput, match="every recipient is on the do-not-contact list"):
        await engine.submit(request)
    assert "sendsms.jsp" not in simulator.pages_requested()
    overridden = SendRequest.parse("sms", "03001234567", text="Hi", override_reason="asked again")
    outcome = await engine.submit(overridden)
    assert len(outcome.ids) == 1 and outcome.blocked == []


async def test_a_held_request_keeps_its_override_and_goes_out_through_submit(
    engine: Engine, simulator: Simulator
) -> None:
    engine.optouts.add(["03001234567"], note="asked")
    request = SendRequest.parse(
        "sms", "03001234567, 03011234567", text="Your bill", override_reason="bill notice"
    )
    late = datetime(2026, 12, 1, 22, 0, tzinfo=KARACHI)  # a Tuesday, after 21:00
    held = engine.holds.hold_send(request, now=late)
    assert held.payload["override_reason"] == "bill notice"
    run = await engine.holds.run_due(datetime(2026, 12, 2, 9, 30, tzinfo=KARACHI))
    assert [h.id for h, _ in run.sent] == [held.id] and run.failed == []
    [sent] = [r for r in simulator.requests if r.page == "sendsms.jsp"]
    assert sent.params["to"] == "923001234567,923011234567"
    assert sent.params["text"] == "Your bill"


async def test_holding_cancelling_and_sending_holds_are_told_as_events(
    engine: Engine, simulator: Simulator
) -> None:
    from tui.engine import events

    seen = engine.subscribe()
    late = datetime(2026, 12, 1, 22, 0, tzinfo=KARACHI)
    first = engine.holds.hold_send(SendRequest.parse("sms", "03001234567", text="A"), now=late)
    second = engine.holds.hold_send(SendRequest.parse("sms", "03011234567", text="B"), now=late)
    engine.holds.cancel(first.id)
    with pytest.raises(InvalidInput, match="cancelled already"):
        engine.holds.cancel(first.id)
    run = await engine.holds.run_due(datetime(2026, 12, 2, 9, 30, tzinfo=KARACHI))
    assert [h.id for h, _ in run.sent] == [second.id]
    waiting = []
    while True:
        try:
            event = await asyncio.wait_for(seen.get(), timeout=0.1)
        except TimeoutError:
            break
        if isinstance(event, events.HoldsChanged):
            waiting.append(event.waiting)
    # held, held, cancelled, going out (taken from the waiting), sent
    assert waiting == [1, 2, 1, 0, 0]
    seen.close()


@pytest.mark.sending_hours
async def test_a_hold_follows_the_sending_hours_as_they_are_changed(
    engine: Engine, simulator: Simulator
) -> None:
    """Held "until the sending hours open": hours widened after holding let it
    go at once; hours narrowed keep it until the new opening."""
    late = datetime(2026, 12, 1, 22, 0, tzinfo=KARACHI)  # a Tuesday, after 21:00
    first = engine.holds.hold_send(SendRequest.parse("sms", "03001234567", text="A"), now=late)
    assert (await engine.holds.run_due(late + timedelta(minutes=5))).sent == []
    assert engine.holds.goes_out(late) == datetime(2026, 12, 2, 9, 0, tzinfo=KARACHI)
    engine.profile.send_from, engine.profile.send_until = "00:00", "23:59"
    assert engine.holds.goes_out(late + timedelta(minutes=5)) == late + timedelta(minutes=5)
    run = await engine.holds.run_due(late + timedelta(minutes=5))
    assert [h.id for h, _ in run.sent] == [first.id]

    second = engine.holds.hold_send(
        SendRequest.parse("sms", "03011234567", text="B"), now=late.replace(hour=23, minute=59)
    )
    engine.profile.send_from, engine.profile.send_until = "10:00", "21:00"
    nine_thirty = datetime(2026, 12, 2, 9, 30, tzinfo=KARACHI)
    assert engine.holds.goes_out(nine_thirty) == nine_thirty.replace(hour=10, minute=0)
    assert (await engine.holds.run_due(nine_thirty)).sent == []
    run = await engine.holds.run_due(nine_thirty.replace(hour=10, minute=0))
    assert [h.id for h, _ in run.sent] == [second.id]
    sent = [r.params["text"] for r in simulator.requests if r.page == "sendsms.jsp"]
    assert sent == ["A", "B"]
