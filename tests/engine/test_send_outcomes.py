"""Sends that fail part-way: what went out is recorded, nothing is sent twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.conftest import engine_profile
from tui.engine.service import Engine
from tui.gateway.errors import GatewayError, InvalidNumbers, SubmitStopped
from tui.simulator import Simulator


async def test_a_timeout_after_the_submit_is_recorded_as_unknown_and_not_repeated(
    simulator: Simulator, tmp_path: Path
) -> None:
    # The reply comes two seconds late; the client gives up after half a second.
    engine = await Engine.open(
        engine_profile("http://simulator.test", timeout=0.5),
        data_dir=tmp_path,
        transport=simulator.transport(),
    )
    try:
        await _timeout_case(engine, simulator)
    finally:
        await engine.stop()


async def _timeout_case(engine: Engine, simulator: Simulator) -> None:
    simulator.faults.add("sendsms", kind="late", seconds=2.0, count=1)
    outcome = await engine.send_sms(["03001234567", "03211234567"], "Your order is ready")
    assert outcome.ids == [] and outcome.unknown == ["923001234567", "923211234567"]
    assert outcome.error and "may or may not have taken effect" in outcome.error
    assert simulator.pages_requested().count("sendsms.jsp") == 1
    [unknown] = engine.ledger.unknown.unknown_submits()
    assert "923001234567" in unknown.target and unknown.command == "sendsms.jsp"
    engine.settle_unknown(unknown.id, "checked on the portal: delivered")
    assert engine.ledger.unknown.unknown_submits() == []


async def test_a_refusal_of_a_later_request_keeps_what_went_out(
    engine: Engine, simulator: Simulator
) -> None:
    engine.client.url_limit = 600  # forces several requests
    numbers = [f"0300{1000000 + i}" for i in range(60)]
    simulator.faults.add("sendsms", kind="html500", count=1, skip=1)
    outcome = await engine.send_sms(numbers, "Hello")
    assert 0 < len(outcome.ids) < 60
    sent = {number for number, _ in outcome.ids}
    assert len(sent) + len(outcome.unknown) + len(outcome.unsent) == 60
    for _, msg_id in outcome.ids:
        assert engine.ledger.messages.message(msg_id) is not None


async def test_a_lost_later_request_is_recorded_as_unknown_and_the_rest_as_not_sent(
    engine: Engine, simulator: Simulator
) -> None:
    engine.client.url_limit = 600  # forces several requests
    numbers = [f"0300{1000000 + i}" for i in range(60)]
    simulator.faults.add("sendsms", kind="drop", count=1, skip=1)
    outcome = await engine.send_sms(numbers, "Hello")
    first, second = (
        r.params["to"].split(",") for r in simulator.requests if r.page == "sendsms.jsp"
    )
    assert [number for number, _ in outcome.ids] == first
    assert outcome.unknown == second and outcome.outcome_unknown
    assert outcome.unsent == ["92" + n[1:] for n in numbers][len(first) + len(second) :]
    assert outcome.error and "may or may not have taken effect" in outcome.error
    [unknown] = engine.ledger.unknown.unknown_submits()
    assert list(unknown.unsent) == outcome.unsent and engine.ledger.intents.open_intents() == []
    assert unknown.targets == second and "may or may not have taken effect" in unknown.summary


async def test_a_refusal_of_the_first_of_several_requests_is_raised_as_it_is(
    engine: Engine, simulator: Simulator
) -> None:
    engine.client.url_limit = 600  # forces several requests
    numbers = [f"0300{1000000 + i}" for i in range(60)]
    with pytest.raises(GatewayError) as caught:
        await engine.send_sms(numbers, "Hello", mask="NOT-MINE")
    assert caught.value.code == 103 and not isinstance(caught.value, SubmitStopped)
    assert simulator.pages_requested().count("sendsms.jsp") == 1
    assert (
        engine.ledger.unknown.unknown_submits() == [] and engine.ledger.intents.open_intents() == []
    )


async def test_bad_numbers_refuse_everything_before_any_request(
    engine: Engine, simulator: Simulator
) -> None:
    with pytest.raises(InvalidNumbers) as caught:
        await engine.send_sms(["03001234567", "12345", "0300-12"], "Hello")
    assert "'12345'" in str(caught.value) and "'0300-12'" in str(caught.value)
    assert "sendsms.jsp" not in simulator.pages_requested()


async def test_a_refused_mask_is_an_error_with_its_meaning(engine: Engine) -> None:
    with pytest.raises(GatewayError) as caught:
        await engine.send_sms(["03001234567"], "Hello", mask="NOT-MINE")
    assert caught.value.code == 103 and "mask" in str(caught.value).lower()
    assert engine.ledger.unknown.unknown_submits() == []
