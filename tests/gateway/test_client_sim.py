"""Every command of the client against the simulator over real loopback HTTP:
successes, the documented errors, XML and JSON, sessions, throughput, faults."""

from __future__ import annotations

import io
import itertools
import wave
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from tui.gateway import CsmsClient, SessionState
from tui.gateway.codes import (
    AudioStatus,
    CallStatus,
    DynamicDigits,
    DynamicLanguage,
    DynamicVoice,
    MessageStatus,
    PendingAction,
    VoiceCampaignStatus,
)
from tui.gateway.errors import (
    GatewayError,
    GatewayUnavailable,
    LoginFailed,
    OutcomeUnknown,
    SubmitStopped,
    Throttled,
)
from tui.simulator import Simulator, SimulatorServer

MSISDN, PASSWORD = "923001234567", "demo"
A, B, C = "923001111111", "923211234567", "923451234567"


def wav(seconds: float = 1.0, *, rate: int = 8000, channels: int = 1) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x01\x00" * int(seconds * rate) * channels)
    return out.getvalue()


@pytest.fixture(params=["xml", "json"])
async def client(
    sim_server: SimulatorServer, request: pytest.FixtureRequest
) -> AsyncIterator[CsmsClient]:
    """A client on the loopback simulator. XML replies take the document's own
    sloppy shapes and real traffic's ``Error 102`` form; the tidy forms are what
    the other simulator tests here see."""
    json_replies = request.param == "json"
    if not json_replies:
        sim_server.sim.config.doc_shapes = True
        sim_server.sim.config.error_style = "prefixed"
    async with CsmsClient(
        sim_server.base_url,
        MSISDN,
        PASSWORD,
        json_replies=json_replies,
        timeout=5.0,
        backoff_base=0.001,
        backoff_max=0.01,
    ) as c:
        yield c


def sent(sim: Simulator, page: str) -> list[dict[str, str]]:
    return [r.params for r in sim.requests if r.page == page]


async def test_messages_lists_and_sms_campaigns(client: CsmsClient, simulator: Simulator) -> None:
    submitted = await client.send_sms(["0300-1111111", "+92 321 1234567"], "Hello & سلام 😀")
    assert [n for n, _ in submitted.ids] == [A, B]
    (request,) = sent(simulator, "sendsms.jsp")
    assert request["text"] == "Hello & سلام 😀" and request["unicode"] == "true"
    first_id = submitted.ids[0][1]
    assert await client.query_message(first_id) is MessageStatus.NOT_SENT
    simulator.clock.advance(60)
    assert await client.query_message(first_id) is MessageStatus.SENT

    list_id = await client.create_list("Customers")
    assert await client.add_contacts(list_id, [A, B, C]) == list_id
    when = simulator.clock.now() + timedelta(minutes=10)
    campaign = await client.create_campaign("Eid", [list_id], "Eid Mubarak", when, mask="SHOP")
    statuses = await client.campaign_status(campaign)
    assert sorted(s.msisdn for s in statuses) == sorted([A, B, C])
    assert {s.status for s in statuses} == {MessageStatus.NOT_SENT}
    simulator.clock.advance(11 * 60)
    assert {s.status for s in await client.campaign_status(campaign)} == {MessageStatus.SENT}
    assert client.session is SessionState.LOGGED_IN


async def test_calls_and_feedback_calls(client: CsmsClient, simulator: Simulator) -> None:
    file_id = await client.upload_audio("Greeting", wav(), "greeting.wav")
    assert await client.audio_status(file_id) is AudioStatus.NOT_READY
    simulator.clock.advance(31)
    assert await client.audio_status(file_id) is AudioStatus.READY

    simulator.script_call(A, [CallStatus.BUSY, CallStatus.SENT])
    simulator.script_call(B, [CallStatus.SENT], option="2")
    call = await client.make_call([A], file_id, max_retries=1)
    (call_id,) = [i for _, i in call.ids]
    feedback = await client.make_feedback_call(
        [B],
        file_id,
        valid_options=3,
        valid_feedback_file_id=file_id,
        invalid_feedback_file_id=file_id,
    )
    assert (await client.query_call(call_id)).status is CallStatus.SCHEDULED
    simulator.clock.advance(600)
    state = await client.query_call(call_id)
    assert (state.msisdn, state.status) == (A, CallStatus.SENT)
    answered = await client.query_call(feedback.ids[0][1])
    assert (answered.status, answered.option_selected) == (CallStatus.SENT, "2")


async def test_incoming_messages(client: CsmsClient, simulator: Simulator) -> None:
    simulator.push_incoming(msisdn=C, text="Order 42 please", short_code="8111")
    simulator.push_incoming(msisdn=B, text="سلام", short_code="8111")
    info = await client.incoming_info()
    assert info.unpaid_pending == 2
    paid = await client.pending_action(PendingAction.PAY)
    assert paid.charged_entries == 2 and paid.unpaid_pending == 0
    assert paid.credit < info.credit
    batch = await client.get_incoming(size=1)
    assert [(m.msisdn, m.message) for m in batch.messages] == [(C, "Order 42 please")]
    assert batch.messages[0].timestamp is not None
    raw = await client.fetch_incoming_raw()
    again = await client.get_incoming()
    assert b"\xd8\xb3" in raw or b"\\u0633" in raw  # the Urdu message, exactly once
    assert again.messages == []
    simulator.push_incoming(msisdn=C, text="spam")
    discarded = await client.pending_action(PendingAction.DISCARD)
    assert discarded.discarded == 1


async def test_voice_campaigns(client: CsmsClient, simulator: Simulator) -> None:
    file_id = await client.upload_audio("Question", wav(), "q.wav")
    simulator.clock.advance(31)
    list_id = await client.create_list("Voters")
    await client.add_contacts(list_id, [A, B])
    start = simulator.clock.now() + timedelta(minutes=5)
    broadcast = await client.create_voice_broadcast(
        "Reminder", [list_id], file_id, text="Call us back", max_retries=1,
        start=start, end=start + timedelta(days=1),
    )  # fmt: skip
    feedback = await client.create_voice_feedback(
        "Survey", [list_id], file_id, valid_options=2, valid_feedback_file_id=file_id
    )
    dynamic = await client.create_voice_dynamic(
        "Dues", [list_id], file_id, language=DynamicLanguage.URDU,
        digits=DynamicDigits.MONEY, voice=DynamicVoice.FEMALE,
    )  # fmt: skip
    assert len({broadcast, feedback, dynamic}) == 3
    info = await client.voice_campaign_status(broadcast)
    assert info.name == "Reminder" and info.sms_text == "Call us back"
    assert info.status is VoiceCampaignStatus.PENDING_APPROVAL
    for _ in range(30):
        simulator.clock.advance(600)
    done = await client.voice_campaign_status(broadcast)
    assert done.status is VoiceCampaignStatus.SENT
    assert done.call_attempts >= 2 and done.answered + done.busy + done.not_answered >= 1
    dyn = await client.voice_campaign_status(dynamic)
    assert (dyn.language, dyn.pronunciation, dyn.voice) == (2, 1, 2)


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda c: c.send_sms([A], "hi", mask="NOPE"), 103),
        (lambda c: c.query_message("999999"), 211),
        (lambda c: c.query_call("999999"), 703),
        (lambda c: c.add_contacts("999999", [A]), 415),
        (lambda c: c.campaign_status("999999"), 601),
        (lambda c: c.audio_status("999999"), 712),
        (lambda c: c.voice_campaign_status("999999"), 601),
        (lambda c: c.make_call([A], "999999"), 701),
        (lambda c: c.upload_audio("Stereo", wav(channels=2), "s.wav"), 607),
        (lambda c: c.upload_audio("Wideband", wav(rate=16000), "w.wav"), 608),
    ],
)
async def test_documented_errors_reach_the_caller(
    client: CsmsClient, call: object, code: int
) -> None:
    with pytest.raises(GatewayError) as caught:
        await call(client)  # type: ignore[operator]
    if code:
        assert caught.value.code == code
    assert str(caught.value).startswith(f"Gateway error {caught.value.code}")


async def test_duplicate_names_and_past_schedules(client: CsmsClient, simulator: Simulator) -> None:
    list_id = await client.create_list("Dup")
    with pytest.raises(GatewayError) as duplicate:
        await client.create_list("Dup")
    assert duplicate.value.code == 400
    await client.add_contacts(list_id, [A])
    past = simulator.clock.now() - timedelta(hours=1)
    with pytest.raises(GatewayError) as late:
        await client.create_campaign("Old", [list_id], "hi", past)
    assert late.value.code == 504


async def test_out_of_credit_and_blocked_accounts(sim_server: SimulatorServer) -> None:
    sim = sim_server.sim
    sim.add_account("923009999999", "pw", credit=0.0)
    sim.add_account("923008888888", "pw", blocked=True)
    async with CsmsClient(sim_server.base_url, "923009999999", "pw") as broke:
        with pytest.raises(GatewayError) as caught:
            await broke.send_sms([A], "hi")
        assert caught.value.code == 100 and not isinstance(caught.value, SubmitStopped)
        assert SubmitStopped.of(caught.value, [A]).unsent == (A,)
    async with CsmsClient(sim_server.base_url, "923008888888", "pw") as blocked:
        with pytest.raises(LoginFailed) as refused:
            await blocked.login()
        assert refused.value.code == 300 and blocked.session is SessionState.OFFLINE
    async with CsmsClient(sim_server.base_url, MSISDN, "wrong") as wrong:
        with pytest.raises(LoginFailed) as bad:
            await wrong.ping()
        assert bad.value.code == 200
        assert "password do not match" in wrong.session_reason


@pytest.mark.parametrize("fault", ["reply dropped", "refused"])
async def test_a_submit_of_three_requests_stopped_by_the_second(
    sim_server: SimulatorServer, fault: str
) -> None:
    """30 numbers under a 390-character URL limit go as three requests (12, 12, 6);
    the second one's reply is dropped (it took effect) or it is refused for credit."""
    sim = sim_server.sim
    login = MSISDN
    if fault == "reply dropped":
        sim.faults.add("sendsms", "drop", count=1, skip=1)
    else:  # credit for the first request only: the second is refused with error 100
        login = "923009999999"
        sim.add_account(login, PASSWORD, credit=16.0)
    numbers = [f"0300{1000000 + i:07d}" for i in range(30)]
    async with CsmsClient(
        sim_server.base_url, login, PASSWORD, url_limit=390, timeout=5.0, backoff_base=0.001
    ) as c:
        with pytest.raises(SubmitStopped) as caught:
            await c.send_sms(numbers, "Hello")
    first, second = (r["to"].split(",") for r in sent(sim, "sendsms.jsp"))  # no third
    third = ["92" + n[1:] for n in numbers][len(first) + len(second) :]
    assert (len(first), len(second), len(third)) == (12, 12, 6)
    stopped = caught.value
    assert stopped.done is not None and [n for n, _ in stopped.done.ids] == first
    messages = {m.id: m.recipient for m in sim.state.messages.values()}
    assert all(messages[msg_id] == number for number, msg_id in stopped.done.ids)
    if fault == "reply dropped":
        assert isinstance(stopped.cause, OutcomeUnknown)
        assert "may or may not have taken effect" in str(stopped)
        assert stopped.unknown == tuple(second) and stopped.unsent == tuple(third)
        assert sorted(messages.values()) == sorted(first + second)  # it did take effect
    else:
        assert isinstance(stopped.cause, GatewayError) and stopped.cause.code == 100
        assert stopped.unknown == () and stopped.unsent == (*second, *third)
        assert sorted(messages.values()) == sorted(first)
    assert str(stopped) == str(stopped.cause) and not stopped.nothing_went_out
    with pytest.raises(AttributeError):
        stopped.unsent = ()  # type: ignore[misc]


async def test_session_expiry_mid_run_executes_once(
    client: CsmsClient, simulator: Simulator
) -> None:
    await client.send_sms([A], "first")
    simulator.clock.advance(31 * 60)  # idle past the 30-minute lifetime
    submitted = await client.send_sms([B], "second")
    assert [n for n, _ in submitted.ids] == [B]
    pages = simulator.pages_requested()
    assert pages.count("auth.jsp") == 2
    assert pages.count("sendsms.jsp") == 3  # first, refused with 102, repeated
    assert sum(1 for r in sent(simulator, "sendsms.jsp") if r["to"] == B) == 2
    simulator.clock.advance(60)
    assert await client.query_message(submitted.ids[0][1]) is MessageStatus.SENT


async def test_keepalive_keeps_the_session(client: CsmsClient, simulator: Simulator) -> None:
    client.keepalive_idle = 0
    await client.login()
    for _ in range(4):
        simulator.clock.advance(20 * 60)
        assert await client.keepalive() is True
    await client.query_message((await client.send_sms([A], "x")).ids[0][1])
    assert simulator.pages_requested().count("auth.jsp") == 1


async def test_throughput_limit_is_retried(sim_server: SimulatorServer) -> None:
    sim = sim_server.sim
    sim.config.max_rps = 1
    ticks = itertools.count(step=0.6)  # every request arrives 0.6 s after the last
    sim.set_monotonic(lambda: next(ticks))
    async with CsmsClient(sim_server.base_url, MSISDN, PASSWORD, backoff_base=0.001) as c:
        await c.login()
        await c.send_sms([A], "one")
        await c.send_sms([B], "two")
    texts = [r.params["text"] for r in sim.requests if r.page == "sendsms.jsp"]
    # Each came 0.6 s after a request the limit still counted: 304, then accepted.
    assert texts == ["one", "one", "two", "two"]


async def test_too_many_recipients_gives_up_after_retries(sim_server: SimulatorServer) -> None:
    sim_server.sim.config.max_recipients = 1
    async with CsmsClient(
        sim_server.base_url, MSISDN, PASSWORD, backoff_base=0.001, throttle_retries=2
    ) as c:
        with pytest.raises(Throttled) as caught:
            await c.send_sms([A, B], "hi")
    assert caught.value.code == 305
    assert sim_server.sim.pages_requested().count("sendsms.jsp") == 3


async def test_faults_lost_reply_after_the_submit_took_effect(
    sim_server: SimulatorServer,
) -> None:
    sim = sim_server.sim
    sim.faults.add("sendsms", "drop", count=1)
    sim.faults.add("makecall", "late", count=1, seconds=0.6)
    async with CsmsClient(sim_server.base_url, MSISDN, PASSWORD, timeout=0.3) as c:
        with pytest.raises(OutcomeUnknown):
            await c.send_sms([A, B], "hi")
        with pytest.raises(OutcomeUnknown):
            await c.make_call([A], "1")
        # Lost replies alone do not make the session "offline" (a probe decides).
        assert c.session is SessionState.LOGGED_IN
        assert (await c.incoming_info()).credit < 500.0  # the SMS did take effect
        assert c.session is SessionState.LOGGED_IN
    pages = sim.pages_requested()
    assert pages.count("sendsms.jsp") == 1 and pages.count("makecall.jsp") == 1


async def test_faults_html_and_malformed_replies(sim_server: SimulatorServer) -> None:
    sim = sim_server.sim
    sim.faults.add("querymsg", "html500", count=1)
    sim.faults.add("incoming_sms_info", "malformed", count=1)
    async with CsmsClient(sim_server.base_url, MSISDN, PASSWORD) as c:
        message_id = (await c.send_sms([A], "hi")).ids[0][1]
        with pytest.raises(GatewayUnavailable) as html:
            await c.query_message(message_id)
        assert "HTTP 500" in str(html.value)
        with pytest.raises(GatewayUnavailable) as malformed:
            await c.incoming_info()
        assert "unusable" in str(malformed.value) or "cut short" in str(malformed.value)
        assert await c.query_message(message_id) is MessageStatus.NOT_SENT
