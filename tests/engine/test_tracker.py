"""The status tracker against the simulator with a stepped clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.engine.conftest import engine_profile
from tui.engine import events
from tui.engine.send_request import FeedbackOptions, SendRequest
from tui.engine.service import Engine
from tui.gateway.codes import AudioStatus, CallStatus, MessageStatus
from tui.simulator import Simulator, SimulatorServer

NUMBERS = [f"0300{1000000 + i}" for i in range(50)]


async def _rounds_until(engine: Engine, done: object, *, rounds: int = 20) -> None:
    for _ in range(rounds):
        await engine.tracker.run_round()
        if done():  # type: ignore[operator]
            return
        # Items are rescheduled a little into the future: let that time pass.
        await asyncio.sleep(engine.profile.poll_max)
    raise AssertionError("not finished after the rounds allowed")


async def test_quick_send_to_50_numbers_is_tracked_to_sent(
    engine: Engine, simulator: Simulator
) -> None:
    sub = engine.subscribe()
    outcome = await engine.send_sms(NUMBERS, "Stock arrived")
    assert len(outcome.ids) == 50 and not outcome.unknown
    ids = [msg_id for _, msg_id in outcome.ids]
    # Before the simulated delivery delay, every message is still Not Sent.
    await engine.tracker.run_round()
    assert all(engine.ledger.messages.message(i).status is MessageStatus.NOT_SENT for i in ids)
    simulator.clock.advance(60)
    await _rounds_until(engine, lambda: engine.ledger.tracking.in_flight().messages == 0)
    assert all(engine.ledger.messages.message(i).status is MessageStatus.SENT for i in ids)
    sent = set()
    while True:
        event = await asyncio.wait_for(sub.get(), 1)
        if isinstance(event, events.StatusChanged) and event.status == "Sent":
            sent.add(event.item_id)
        if sent == set(ids):
            break


async def test_tracker_stops_polling_final_items(engine: Engine, simulator: Simulator) -> None:
    outcome = await engine.send_sms(NUMBERS[:3], "Hello")
    simulator.clock.advance(60)
    await _rounds_until(engine, lambda: engine.ledger.tracking.in_flight().messages == 0)
    queries_before = simulator.pages_requested().count("querymsg.jsp")
    for _ in range(3):
        assert await engine.tracker.run_round() == 0
    assert simulator.pages_requested().count("querymsg.jsp") == queries_before
    assert len(outcome.ids) == 3


async def test_not_final_items_back_off(engine: Engine) -> None:
    outcome = await engine.send_sms(NUMBERS[:1], "Hello")
    msg_id = outcome.ids[0][1]
    await engine.tracker.run_round()
    first = engine.ledger.messages.message(msg_id)
    assert first.status is MessageStatus.NOT_SENT and first.next_poll_at is not None
    # Polled again right away, nothing is due: the next query waits for the interval.
    assert await engine.tracker.run_round() == 0
    assert engine.tracker.backoff.after(3) > engine.tracker.backoff.after(1)
    assert engine.tracker.backoff.after(100) == engine.tracker.backoff.maximum


async def test_calls_are_tracked_with_retries_and_pressed_option(
    engine: Engine, simulator: Simulator
) -> None:
    file_id = await engine.client.upload_audio("prompt", _wav_bytes())
    simulator.clock.advance(3600)
    assert await engine.client.audio_status(file_id) is AudioStatus.READY
    call = await engine.submit(
        SendRequest.parse("call", NUMBERS[:5], file_id=file_id, max_retries=2)
    )
    feedback = await engine.submit(
        SendRequest.parse(
            "feedback", NUMBERS[5:8], file_id=file_id,
            feedback=FeedbackOptions(3, file_id, file_id),
        )
    )  # fmt: skip
    assert len(call.ids) == 5 and len(feedback.ids) == 3
    for _ in range(12):
        simulator.clock.advance(120)
        await _rounds_until(engine, lambda: True, rounds=1)
        if engine.ledger.tracking.in_flight().calls == 0:
            break
    assert engine.ledger.tracking.in_flight().calls == 0
    for _, call_id in call.ids + feedback.ids:
        record = engine.ledger.calls.call(call_id)
        assert record.final
        assert record.status is not CallStatus.SCHEDULED
        truth = (await engine.client.query_call(call_id)).status
        assert record.status is truth
    for _, call_id in feedback.ids:
        record = engine.ledger.calls.call(call_id)
        if record.status is CallStatus.SENT:
            assert record.option_selected is not None


async def test_voice_campaign_and_audio_tracked_to_completion(
    engine: Engine, simulator: Simulator
) -> None:
    now = simulator.clock.now()
    file_id = await engine.client.upload_audio("bill", _wav_bytes())
    engine.ledger.audio.add_audio(file_id, "bill", now, size=16044, duration=1.0)
    engine.tracker.watch("audio", file_id)
    await engine.tracker.run_round()
    assert engine.ledger.audio.audio(file_id).status is AudioStatus.NOT_READY
    simulator.clock.advance(3600)
    await _rounds_until(
        engine, lambda: engine.ledger.audio.audio(file_id).status is AudioStatus.READY
    )

    list_id = await engine.client.create_list("dealers")
    await engine.client.add_contacts(list_id, [f"92300{2000000 + i}" for i in range(6)])
    start = now + timedelta(hours=1, minutes=5)
    camp_id = await engine.client.create_voice_broadcast(
        "bill run",
        [list_id],
        file_id,
        start=start.replace(tzinfo=None),
        end=(start + timedelta(days=1)).replace(tzinfo=None),
    )
    engine.ledger.voice.add_voice_campaign(
        camp_id, "bill run", "broadcast", {"list_ids": [list_id]}, now
    )
    engine.tracker.watch("voice_campaign", camp_id)
    for _ in range(40):
        simulator.clock.advance(600)
        await engine.tracker.run_round()
        await asyncio.sleep(engine.profile.poll_max)
        if engine.tracker.watching == 0:
            break
    latest = engine.ledger.voice.voice_latest(camp_id)
    assert latest is not None and latest.status.is_final, latest
    assert latest.call_attempts >= 6
    assert latest.answered + latest.busy + latest.not_answered + latest.not_responding >= 6


async def test_tracking_resumes_after_a_restart(simulator: Simulator, tmp_path: Path) -> None:
    first = await Engine.open(
        engine_profile("http://simulator.test"),
        data_dir=tmp_path,
        transport=simulator.transport(),
    )
    outcome = await first.send_sms(NUMBERS[:4], "Resumed")
    await first.stop()
    simulator.clock.advance(60)
    second = await Engine.open(
        engine_profile("http://simulator.test"),
        data_dir=tmp_path,
        transport=simulator.transport(),
    )
    try:
        assert second.ledger.tracking.in_flight().messages == 4
        await second.start()
        for _ in range(200):
            if second.ledger.tracking.in_flight().messages == 0:
                break
            await asyncio.sleep(0.02)
        for _, msg_id in outcome.ids:
            assert second.ledger.messages.message(msg_id).status is MessageStatus.SENT
    finally:
        await second.stop()


async def test_a_subscriber_that_never_reads_does_not_block(engine: Engine) -> None:
    stuck = engine.subscribe()
    live = engine.subscribe()
    for i in range(engine.bus._maxsize + 10):
        engine.bus.publish(events.InboxChanged(at=datetime.now(), new_messages=i, unread=i))
    first = await stuck.get()
    assert isinstance(first, events.Dropped) and first.count == 10
    event = await live.get()
    assert isinstance(event, events.Dropped)


def _wav_bytes(seconds: float = 1.0) -> bytes:
    import io
    import math
    import struct
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        frames = int(8000 * seconds)
        wav.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 8000)))
                for i in range(frames)
            )
        )
    return buffer.getvalue()


async def test_stopping_mid_round_leaves_no_request_never_awaited(
    engine: Engine, simulator: Simulator
) -> None:
    import gc
    import warnings

    simulator.faults.add("audio_status", "latency", seconds=5.0)  # every query hangs
    for number in range(3 * engine.profile.concurrency):  # more than the slots
        engine.tracker.watch("audio", str(9000 + number))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        task = asyncio.create_task(engine.tracker.run_round())
        while not simulator.pages_requested().count("audio_status.jsp"):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        task.cancel()  # shutdown while most watches wait for a slot
        await asyncio.gather(task, return_exceptions=True)
        gc.collect()
    never_awaited = [w for w in caught if "was never awaited" in str(w.message)]
    assert never_awaited == []


async def test_the_engine_notices_the_gateway_going_away_and_coming_back(
    sim_server: SimulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.engine import background

    monkeypatch.setattr(background, "PROBE_INTERVAL", 0.1)
    engine = await Engine.open(engine_profile(sim_server.base_url), data_dir=tmp_path)
    try:
        await engine.start()
        await engine.client.login()
        sim_server.stop()
        async with asyncio.timeout(5):
            while engine.status.session_state != "offline":  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        assert "the gateway cannot be reached" in engine.status.session_reason
    finally:
        await engine.stop()


async def test_a_login_without_a_usable_answer_is_tried_again_soon(
    sim_server: SimulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A web page instead of the login's reply leaves the app offline only until
    the next try, seconds later; refused credentials are never tried again."""
    from tui.engine import background
    from tui.gateway.errors import GatewayUnavailable, LoginFailed

    monkeypatch.setattr(background, "PROBE_INTERVAL", 0.1)
    sim_server.sim.faults.load("auth:html500:1x1")
    engine = await Engine.open(engine_profile(sim_server.base_url), data_dir=tmp_path)
    try:
        await engine.start()
        with pytest.raises(GatewayUnavailable):
            await engine.client.login()
        assert engine.status.session_state == "offline"
        async with asyncio.timeout(5):
            while engine.status.session_state != "logged in":  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        assert sim_server.sim.pages_requested().count("auth.jsp") == 2
    finally:
        await engine.stop()

    profile = engine_profile(sim_server.base_url, password="wrong")
    engine = await Engine.open(profile, data_dir=tmp_path / "refused")
    try:
        await engine.start()
        logins = sim_server.sim.pages_requested().count("auth.jsp")
        with pytest.raises(LoginFailed):
            await engine.client.login()
        await asyncio.sleep(1.0)  # ten probe rounds
        assert sim_server.sim.pages_requested().count("auth.jsp") == logins + 1
        assert engine.status.session_state == "offline"
    finally:
        await engine.stop()
