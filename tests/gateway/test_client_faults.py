"""The client against exact bytes on real loopback HTTP: faults, retries, sessions,
splitting, encoding, limits, redaction."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import httpx
import pytest

from tests.gateway.scripted import (
    Recorded,
    ScriptedServer,
    Step,
    error,
    scripted,
    scripted_server,
    xml,
)
from tui.config import Profile
from tui.gateway import CsmsClient, SessionState
from tui.gateway.codes import DynamicDigits, DynamicLanguage, DynamicVoice
from tui.gateway.errors import (
    AmbiguousReply,
    GatewayError,
    GatewayUnavailable,
    InvalidInput,
    InvalidNumbers,
    LoginFailed,
    OutcomeUnknown,
    SessionExpired,
    SubmitStopped,
    Throttled,
)
from tui.logs import setup_logging
from tui.simulator import SimulatorServer

__all__ = ["scripted", "scripted_server"]  # fixtures

PASSWORD = "p@ss w0rd&=#%+"


def client(server: ScriptedServer, **kwargs: object) -> CsmsClient:
    options: dict[str, object] = {"timeout": 2.0, "backoff_base": 0.001, "backoff_max": 0.01}
    options.update(kwargs)
    return CsmsClient(server.base_url, "923001234567", PASSWORD, **options)  # type: ignore[arg-type]


def ids_for_recipients(prefix: str = "M") -> Callable[[Recorded], Step]:
    """A responder answering a submit with one ID per recipient."""

    def respond(request: Recorded) -> Step:
        numbers = request.query["to"].split(",")
        return Step(xml("Submit_SM", ",".join(f"{prefix}{n[-4:]}" for n in numbers)))

    return respond


# Never send twice -----------------------------------------------------------------------


async def test_timeout_after_a_submit_is_outcome_unknown_and_never_repeated(
    scripted: ScriptedServer,
) -> None:
    scripted.then("sendsms.jsp", Step(hold=True))
    async with client(scripted, timeout=0.3) as c:
        with pytest.raises(OutcomeUnknown) as caught:
            await c.send_sms(["03001234567", "03011234567"], "hello")
    (sent,) = scripted.pages("sendsms.jsp")
    assert sent.query["to"].split(",") == ["923001234567", "923011234567"]
    # One request: its own error, and every recipient of it is of unknown outcome.
    error_ = caught.value
    assert not isinstance(error_, SubmitStopped)
    stopped = SubmitStopped.of(error_, ["923001234567", "923011234567"])
    assert stopped.cause is error_ and stopped.done is None
    assert stopped.unknown == ("923001234567", "923011234567") and stopped.unsent == ()


async def test_dropped_connection_after_a_submit_is_outcome_unknown(
    scripted: ScriptedServer,
) -> None:
    scripted.then("makecall.jsp", Step(b"<corpsms><command>Submit_CALL", drop=True))
    async with client(scripted) as c:
        with pytest.raises(OutcomeUnknown, match="may or may not have taken effect"):
            await c.make_call(["03001234567"], "55")
        # One lost reply is not "offline": the gateway still accepts connections.
        assert c.session is SessionState.LOGGED_IN
        assert await c.probe() is True and c.session is SessionState.LOGGED_IN
    assert len(scripted.pages("makecall.jsp")) == 1


async def test_two_failed_probes_mark_offline_and_one_that_succeeds_brings_it_back(
    sim_server: SimulatorServer, tmp_path: Path
) -> None:
    async with CsmsClient(sim_server.base_url, "923001234567", "demo") as c:
        await c.login()
        assert await c.probe(idle_for=60) is None  # a request just succeeded: no probe
        host, port = sim_server.base_url.removeprefix("http://").split(":")
        sim_server.stop()
        assert await c.probe() is False
        assert c.session is SessionState.LOGGED_IN  # one failure is not enough
        assert await c.probe() is False
        assert c.session is SessionState.OFFLINE
        assert c.session_reason == "the gateway cannot be reached"
        with socket.socket() as listener:  # something accepts connections again
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((host, int(port)))
            listener.listen()
            assert await c.probe() is True
        assert c.session is SessionState.LOGGED_IN


async def test_queries_are_retried_after_a_drop_or_timeout(scripted: ScriptedServer) -> None:
    scripted.then(
        "querymsg.jsp",
        Step(b"<corpsms>", drop=True),
        Step(hold=True),
        Step(xml("Message_query", "1")),
    )
    async with client(scripted, timeout=0.3, query_retries=2) as c:
        status = await c.query_message("M1")
        assert status.label == "Sent"
        assert c.session is SessionState.LOGGED_IN  # back from offline
    assert len(scripted.pages("querymsg.jsp")) == 3


async def test_queries_give_up_after_query_retries(scripted: ScriptedServer) -> None:
    scripted.always("querycall.jsp", Step(b"<corpsms>", drop=True))
    async with client(scripted, query_retries=1) as c:
        with pytest.raises(GatewayUnavailable, match="could not be reached"):
            await c.query_call("C1")
        assert c.session is SessionState.OFFLINE
        assert "closed" in c.session_reason
    assert len(scripted.pages("querycall.jsp")) == 2


class FailFirstConnect(httpx.AsyncBaseTransport):
    """The real transport, except that the first ``failures`` connections are refused."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.failures:
            self.failures -= 1
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_submit_that_never_went_out_is_retried(scripted: ScriptedServer) -> None:
    scripted.then("sendsms.jsp", Step(xml("Submit_SM", "M1")))
    async with client(scripted, transport=FailFirstConnect(2)) as c:
        result = await c.send_sms(["03001234567"], "hi")
    assert result.ids == [("923001234567", "M1")]
    assert len(scripted.pages("sendsms.jsp")) == 1


async def test_connection_refused_gives_one_clear_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    states: list[tuple[SessionState, str]] = []
    async with CsmsClient(
        f"http://127.0.0.1:{port}", "923001234567", PASSWORD, backoff_base=0.001
    ) as c:
        c.add_listener(lambda state, reason: states.append((state, reason)))
        with pytest.raises(GatewayUnavailable, match="could not be reached") as caught:
            await c.send_sms(["03001234567"], "hi")
        assert [s for s, _ in states] == [SessionState.LOGGING_IN, SessionState.OFFLINE]
        assert "refused" in states[-1][1]
    assert not isinstance(caught.value, OutcomeUnknown | SubmitStopped)
    stopped = SubmitStopped.of(caught.value, ["923001234567"])
    assert stopped.unsent == ("923001234567",) and stopped.nothing_went_out
    assert states[-1][0] is SessionState.LOGGED_OUT  # closing the client logs out


async def test_html_error_page_on_a_query_and_on_a_submit(scripted: ScriptedServer) -> None:
    page = b"<!DOCTYPE html><html><body><h1>500 Internal Server Error</h1></body></html>"
    scripted.always("audio_status.jsp", Step(page, 500, "text/html"))
    scripted.always("sendsms.jsp", Step(page, 500, "text/html"))
    async with client(scripted) as c:
        with pytest.raises(GatewayUnavailable) as query_error:
            await c.audio_status("F1")
        with pytest.raises(AmbiguousReply) as submit_error:
            await c.send_sms(["03001234567"], "hi")
    assert not isinstance(query_error.value, OutcomeUnknown)
    assert query_error.value.status == 500 and "500 Internal" in query_error.value.excerpt
    assert isinstance(submit_error.value, OutcomeUnknown)
    said = str(submit_error.value)
    assert "may have taken effect. Check before sending it again." in said
    assert "try again" not in said  # never advice to repeat what may have gone out
    assert "<" not in said and "(HTTP 500)" in said  # the page's bytes stay apart
    assert not isinstance(submit_error.value, SubmitStopped)
    assert SubmitStopped.of(submit_error.value, ["923001234567"]).unknown == ("923001234567",)
    assert len(scripted.pages("sendsms.jsp")) == 1


async def test_an_unknown_fetch_says_its_messages_may_be_lost(scripted: ScriptedServer) -> None:
    """The advice after an unknown outcome fits the command: a fetch sends
    nothing, its messages may be lost."""
    scripted.then("get_incoming_messages.jsp", Step(b"<corpsms>", drop=True))
    async with client(scripted) as c:
        with pytest.raises(OutcomeUnknown) as caught:
            await c.fetch_incoming_raw(size=20)
    said = str(caught.value)
    assert "The messages it handed out may be lost" in said
    assert "sending" not in said and "try again" not in said
    assert len(scripted.pages("get_incoming_messages.jsp")) == 1


async def test_id_count_mismatch_is_ambiguous(scripted: ScriptedServer) -> None:
    scripted.then("sendsms.jsp", Step(xml("Submit_SM", "M1")))
    async with client(scripted) as c:
        with pytest.raises(AmbiguousReply, match="1 ID came back for 2 recipients"):
            await c.send_sms(["03001234567", "03011234567"], "hi")


# Throughput -------------------------------------------------------------------------------


async def test_throttled_then_success_is_retried(scripted: ScriptedServer) -> None:
    scripted.then(
        "sendsms.jsp",
        Step(error("Submit_SM", 304, "Error {code}")),
        Step(error("Submit_SM", 305)),
        Step(xml("Submit_SM", "M1")),
    )
    async with client(scripted) as c:
        result = await c.send_sms(["03001234567"], "hi")
    assert result.ids == [("923001234567", "M1")]
    assert len(scripted.pages("sendsms.jsp")) == 3


async def test_throttling_gives_up_after_throttle_retries(scripted: ScriptedServer) -> None:
    scripted.always("sendsms.jsp", Step(error("Submit_SM", 304)))
    async with client(scripted, throttle_retries=2) as c:
        with pytest.raises(Throttled) as caught:
            await c.send_sms(["03001234567"], "hi")
    assert caught.value.code == 304 and not isinstance(caught.value, SubmitStopped)
    stopped = SubmitStopped.of(caught.value, ["923001234567"])
    assert stopped.unsent == ("923001234567",) and stopped.nothing_went_out
    assert len(scripted.pages("sendsms.jsp")) == 3


async def test_concurrency_limit_is_shared_by_every_caller(scripted: ScriptedServer) -> None:
    scripted.always("querymsg.jsp", Step(xml("Message_query", "0"), delay=0.05))
    async with client(scripted, concurrency=2) as c:
        await c.login()
        await asyncio.gather(*(c.query_message(f"M{i}") for i in range(8)))
    assert len(scripted.pages("querymsg.jsp")) == 8
    assert scripted.peak_in_flight == 2


# Sessions ----------------------------------------------------------------------------------


async def test_login_is_lazy_and_reused(scripted: ScriptedServer) -> None:
    scripted.always("querymsg.jsp", Step(xml("Message_query", "1")))
    async with client(scripted) as c:
        assert c.session is SessionState.LOGGED_OUT
        await c.query_message("A")
        await c.query_message("B")
        assert c.session is SessionState.LOGGED_IN
    (auth,) = scripted.pages("auth.jsp")
    assert auth.method == "POST" and auth.form == {"msisdn": "923001234567", "password": PASSWORD}
    assert "password" not in auth.query
    assert [r.query["session_id"] for r in scripted.pages("querymsg.jsp")] == ["SESSION-1"] * 2


async def test_expired_session_logs_in_again_and_repeats_once(scripted: ScriptedServer) -> None:
    scripted.then(
        "auth.jsp", Step(xml("Auth_request", "S-OLD")), Step(xml("Auth_request", "S-NEW"))
    )
    scripted.then(
        "sendsms.jsp", Step(xml("Submit_SM", "M1")), Step(error("Submit_SM", 102, "Error {code}"))
    )
    scripted.always("sendsms.jsp", Step(xml("Submit_SM", "M2")))
    states: list[SessionState] = []
    async with client(scripted) as c:
        c.add_listener(lambda state, reason: states.append(state))
        await c.send_sms(["03001234567"], "one")
        second = await c.send_sms(["03001234567"], "two")
    assert second.ids == [("923001234567", "M2")]
    sends = scripted.pages("sendsms.jsp")
    assert [r.query["session_id"] for r in sends] == ["S-OLD", "S-OLD", "S-NEW"]
    assert len(scripted.pages("auth.jsp")) == 2
    assert states == [
        SessionState.LOGGING_IN,
        SessionState.LOGGED_IN,
        SessionState.REAUTHENTICATING,
        SessionState.LOGGED_IN,
        SessionState.LOGGED_OUT,  # closed
    ]


async def test_a_second_102_is_raised_not_looped(scripted: ScriptedServer) -> None:
    scripted.always("querymsg.jsp", Step(error("Message_query", 102)))
    async with client(scripted) as c:
        with pytest.raises(SessionExpired):
            await c.query_message("M1")
    assert len(scripted.pages("querymsg.jsp")) == 2
    assert len(scripted.pages("auth.jsp")) == 2


async def test_concurrent_callers_hitting_102_share_one_login(scripted: ScriptedServer) -> None:
    scripted.then("auth.jsp", Step(xml("Auth_request", "S-OLD")))
    scripted.always("auth.jsp", Step(xml("Auth_request", "S-NEW"), delay=0.05))

    def respond(request: Recorded) -> Step:
        if request.query["session_id"] == "S-OLD":
            return Step(error("Message_query", 102), delay=0.02)
        return Step(xml("Message_query", "1"))

    scripted.always("querymsg.jsp", respond)
    async with client(scripted, concurrency=6) as c:
        await c.login()
        results = await asyncio.gather(*(c.query_message(f"M{i}") for i in range(6)))
    assert all(r.label == "Sent" for r in results)
    assert len(scripted.pages("auth.jsp")) == 2  # the first login and ONE re-login
    assert len(scripted.pages("querymsg.jsp")) == 12


async def test_login_failure_goes_offline_with_the_reason(scripted: ScriptedServer) -> None:
    scripted.then("auth.jsp", Step(error("Auth_request", 200)))
    async with client(scripted) as c:
        with pytest.raises(LoginFailed) as caught:
            await c.send_sms(["03001234567"], "hi")
        assert c.session is SessionState.OFFLINE
        assert "password do not match" in c.session_reason
    assert PASSWORD not in str(caught.value)
    assert scripted.pages("sendsms.jsp") == []


async def test_keepalive_pings_only_when_idle(scripted: ScriptedServer) -> None:
    async with client(scripted, keepalive_idle=3600) as c:
        assert await c.keepalive() is False  # not logged in: nothing to keep
        await c.login()
        assert await c.keepalive() is False  # used just now
        c.keepalive_idle = 0
        assert await c.keepalive() is True
    (ping,) = scripted.pages("ping.jsp")
    assert ping.query == {"session_id": "SESSION-1"}


# Splitting --------------------------------------------------------------------------------


def _numbers(count: int) -> list[str]:
    return [f"0300{1000000 + i:07d}" for i in range(count)]


async def test_large_lists_split_by_url_length_and_keep_order(scripted: ScriptedServer) -> None:
    scripted.always("sendsms.jsp", ids_for_recipients())
    numbers = _numbers(60)
    async with client(scripted, url_limit=400) as c:
        result = await c.send_sms(numbers, "hello & welcome")
    sends = scripted.pages("sendsms.jsp")
    assert len(sends) > 1
    sent = [n for r in sends for n in r.query["to"].split(",")]
    assert sent == ["92" + n[1:] for n in numbers]
    assert [pair[0] for pair in result.ids] == sent
    assert all(pair[1] == "M" + pair[0][-4:] for pair in result.ids)
    for request in sends:
        url = httpx.URL(scripted.base_url + "/corporate_sms2/api/sendsms.jsp", params=request.query)
        assert len(str(url)) <= 400


async def test_a_failing_later_chunk_reports_what_went_out(scripted: ScriptedServer) -> None:
    scripted.then("sendsms.jsp", ids_for_recipients(), Step(error("Submit_SM", 100)))
    numbers = _numbers(60)
    async with client(scripted, url_limit=400) as c:
        with pytest.raises(SubmitStopped) as caught:
            await c.send_sms(numbers, "hi")
    first, second = scripted.pages("sendsms.jsp")[:2]
    assert len(scripted.pages("sendsms.jsp")) == 2  # nothing after the failure
    error_ = caught.value
    assert isinstance(error_.cause, GatewayError) and error_.cause.code == 100
    assert str(error_) == str(error_.cause)
    first_chunk = first.query["to"].split(",")
    assert error_.done is not None and [n for n, _ in error_.done.ids] == first_chunk
    assert error_.unknown == ()
    assert error_.unsent == tuple("92" + n[1:] for n in numbers[len(first_chunk) :])
    second_chunk = second.query["to"].split(",")
    assert list(error_.unsent[: len(second_chunk)]) == second_chunk


async def test_a_lost_later_chunk_is_unknown_and_the_rest_unsent(
    scripted: ScriptedServer,
) -> None:
    scripted.then("sendsms.jsp", ids_for_recipients(), Step(b"<corpsms>", drop=True))
    numbers = _numbers(90)
    async with client(scripted, url_limit=400) as c:
        with pytest.raises(SubmitStopped) as caught:
            await c.send_sms(numbers, "hi")
    first, second = scripted.pages("sendsms.jsp")
    error_ = caught.value
    assert isinstance(error_.cause, OutcomeUnknown)
    assert error_.done is not None and len(error_.done.ids) == len(first.query["to"].split(","))
    assert list(error_.unknown) == second.query["to"].split(",")
    done = len(error_.done.ids) + len(error_.unknown)
    assert error_.unsent == tuple("92" + n[1:] for n in numbers[done:])
    assert error_.unsent


async def test_add_contacts_is_one_request_or_refused(scripted: ScriptedServer) -> None:
    scripted.always("addcontacts.jsp", Step(xml("add_to_LIST", "L1")))
    numbers = _numbers(60)
    async with client(scripted, url_limit=400) as c:
        batches = c.contact_batches("L1", numbers)
        assert len(batches) > 1
        assert [n for batch in batches for n in batch] == ["92" + n[1:] for n in numbers]
        with pytest.raises(InvalidInput, match="over the limit of 400"):
            await c.add_contacts("L1", numbers)
        assert scripted.pages("addcontacts.jsp") == []
        for batch in batches:
            assert await c.add_contacts("L1", batch) == "L1"
    assert [r.query["to"].split(",") for r in scripted.pages("addcontacts.jsp")] == batches


# Encoding and validation -------------------------------------------------------------------

TRICKY = "Price: 50% off & more #1 +tax\nسلام 😀 a=b?c"


async def test_every_parameter_arrives_exactly(scripted: ScriptedServer) -> None:
    scripted.always("sendsms.jsp", ids_for_recipients())
    async with client(scripted) as c:
        await c.send_sms(["0300-1234567", "+92 301 1234567", "03001234567"], TRICKY, mask="SH OP")
        await c.send_sms(["03001234567"], "plain [text] ~ ok", operator=2)
    urdu, plain = scripted.pages("sendsms.jsp")
    assert urdu.query["text"] == TRICKY
    assert urdu.query["to"] == "923001234567,923011234567"  # normalised, de-duplicated
    assert urdu.query["unicode"] == "true" and urdu.query["mask"] == "SH OP"
    assert plain.query == {
        "session_id": "SESSION-1",
        "text": "plain [text] ~ ok",
        "operator_id": "2",
        "to": "923001234567",
    }
    assert scripted.pages("auth.jsp")[0].form["password"] == PASSWORD


async def test_bad_input_sends_nothing(scripted: ScriptedServer) -> None:
    async with client(scripted) as c:
        with pytest.raises(InvalidNumbers) as caught:
            await c.send_sms(["03001234567", "12345", "0300123456x", "+44 7700 900123"], "hi")
        assert [raw for raw, _ in caught.value.invalid] == [
            "12345",
            "0300123456x",
            "+44 7700 900123",
        ]
        assert "Nothing was sent" in str(caught.value)
        refusals = [
            c.send_sms(["03001234567"], "   "),
            c.send_sms([], "hi"),
            c.send_sms(["03001234567"], "hi", operator=9),
            c.send_sms(["03001234567"], "سلام", unicode=False),
            c.make_call(["03001234567"], "F1", max_retries=3),
            c.make_feedback_call(
                ["03001234567"], "F1", valid_options=10,
                valid_feedback_file_id="F2", invalid_feedback_file_id="F3",
            ),
            c.create_list("  "),
            c.create_voice_broadcast("v", ["L1"], "F1", text="x" * 161),
            c.create_voice_broadcast("v", ["L1"], "F1", text="س" * 71),
            c.create_voice_feedback("v", [], "F1", valid_options=2),
            c.upload_audio("clip", b""),
            c.upload_audio("clip", b"RIFF", filename="clip.mp3"),
            c.query_message(" "),
            c.fetch_incoming_raw(size=0),
        ]  # fmt: skip
        for refusal in refusals:
            with pytest.raises(InvalidInput):
                await refusal
    assert scripted.requests == []


# Commands and formats -------------------------------------------------------------------


async def test_schedules_dates_and_uploads_go_out_in_the_documented_forms(
    scripted: ScriptedServer,
) -> None:
    scripted.always("campaign.jsp", Step(xml("Create_CAMP", "C1")))
    scripted.always("voice_dynamic_campaign.jsp", Step(xml("Create_Voice_Dynamic_CAMP", "V1")))
    scripted.always("audio_upload.jsp", Step(xml("Audio_File_Upload", "F9")))
    scripted.always("get_incoming_messages.jsp", Step(b"not xml at all"))
    async with client(scripted) as c:
        when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
        assert await c.create_campaign("Eid", ["1", "2"], "Eid Mubarak", when) == "C1"
        assert (
            await c.create_voice_dynamic(
                "Dues", ["L1"], "F1", language=DynamicLanguage.URDU,
                digits=DynamicDigits.MONEY, voice=DynamicVoice.FEMALE, max_retries=2,
                start=datetime(2030, 1, 2, 9, 0), end=datetime(2030, 1, 3, 9, 0),
                daily_start=time(9, 30), daily_end=time(18, 0),
            )
            == "V1"
        )  # fmt: skip
        with pytest.raises(InvalidInput, match="end must be after its start"):
            await c.create_voice_broadcast(
                "x", ["L1"], "F1", start=when, end=when - timedelta(hours=1)
            )
        assert await c.upload_audio("Greeting", b"RIFF....WAVE", "greeting.wav") == "F9"
        raw = await c.fetch_incoming_raw(size=20, date=date(2017, 1, 1))
    assert raw == b"not xml at all"  # kept as received, for the caller to store
    campaign = scripted.pages("campaign.jsp")[0].query
    assert campaign["time"] == "2030-01-02 08:04:05"  # Pakistan time, spaced form
    assert campaign["group_ids"] == "1,2"
    dynamic = scripted.pages("voice_dynamic_campaign.jsp")[0].query
    assert (dynamic["start_date"], dynamic["end_date"]) == (
        "2030-01-02 09:00:00",
        "2030-01-03 09:00:00",
    )
    assert (dynamic["start_time"], dynamic["end_time"]) == ("09:30", "18:00")
    assert (dynamic["language"], dynamic["digits"], dynamic["voice"]) == ("2", "1", "2")
    assert "text" not in dynamic and "ending_audio_id" not in dynamic
    upload = scripted.pages("audio_upload.jsp")[0]
    assert upload.method == "POST" and upload.query == {"session_id": "SESSION-1"}
    assert upload.form == {"name": "Greeting"}
    assert upload.files == {"audio_file": ("greeting.wav", b"RIFF....WAVE")}
    incoming = scripted.pages("get_incoming_messages.jsp")[0].query
    assert (incoming["size"], incoming["date"]) == ("20", "2017-01-01")


async def test_fetch_incoming_raw_raises_on_errors_and_lost_answers(
    scripted: ScriptedServer,
) -> None:
    scripted.then(
        "get_incoming_messages.jsp",
        Step(error("get_incoming_messages", 301, "Error {code}")),
        Step(b"<html>busy</html>", 503, "text/html"),
        Step(hold=True),
    )
    async with client(scripted, timeout=0.3) as c:
        with pytest.raises(GatewayError) as refused:
            await c.fetch_incoming_raw()
        assert refused.value.code == 301
        with pytest.raises(AmbiguousReply):
            await c.fetch_incoming_raw()
        with pytest.raises(OutcomeUnknown):
            await c.get_incoming()
    assert len(scripted.pages("get_incoming_messages.jsp")) == 3


async def test_json_replies(scripted: ScriptedServer) -> None:
    scripted.always(
        "auth.jsp",
        Step(b'{"Corpsms": {"command": "Auth_request", "data": "J-1", "response": "OK"}}'),
    )
    scripted.then(
        "incoming_sms_info.jsp",
        Step(
            b'{"corpsms": {"command": "retrieve_incoming_sms_info", "response": "OK", "data":'
            b' {"credit": 9.5, "currentFreeIncomingSmsMessages": 1,'
            b' "unpaidPendingMessageCount": 2}}}'
        ),
    )
    async with client(scripted, json_replies=True) as c:
        info = await c.incoming_info()
    assert (info.credit, info.free_incoming, info.unpaid_pending) == (9.5, 1, 2)
    (request,) = scripted.pages("incoming_sms_info.jsp")
    assert request.query == {"session_id": "J-1", "response_type": "2"}


# Secrets -------------------------------------------------------------------------------------


async def test_no_secret_in_errors_or_the_log_file(
    scripted: ScriptedServer, tmp_path: Path
) -> None:
    log_file = setup_logging(tmp_path / "csms.log", level=logging.DEBUG)
    session_id = "SID-7f3a9c-unique"
    scripted.always("auth.jsp", Step(xml("Auth_request", session_id)))
    scripted.then(
        "querymsg.jsp",
        Step(b"<html>session " + session_id.encode() + b" failed</html>", 500, "text/html"),
    )
    scripted.then("sendsms.jsp", Step(hold=True))
    messages: list[str] = []
    try:
        async with client(scripted, timeout=0.3) as c:
            for attempt in (c.query_message("M1"), c.send_sms(["03001234567"], "hi")):
                try:
                    await attempt
                except Exception as exc:
                    messages.append(str(exc))
                    logging.getLogger("test").exception("failed: %s", exc)
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):
            if getattr(handler, "baseFilename", None) == str(log_file):
                handler.close()
                root.removeHandler(handler)
        root.setLevel(logging.WARNING)
    logged = log_file.read_text(encoding="utf-8")
    assert "sendsms.jsp -> no reply" in logged and "querymsg.jsp" in logged
    assert len(messages) == 2
    for text in [*messages, logged]:
        assert PASSWORD not in text and session_id not in text
        assert "p%40ss" not in text  # nor URL-encoded


# Profiles and TLS ------------------------------------------------------------------------------


async def test_from_profile_uses_the_profile_settings(scripted: ScriptedServer) -> None:
    scripted.always("querymsg.jsp", Step(xml("Message_query", "1"), delay=0.02))
    profile = Profile(
        name="office",
        base_url=scripted.base_url + "/",
        msisdn="office-user",
        password=PASSWORD,
        concurrency=1,
        url_limit=300,
        keepalive_idle=5.0,
    )
    async with CsmsClient.from_profile(profile) as c:
        assert (c.url_limit, c.keepalive_idle, c.base_url) == (300, 5.0, scripted.base_url)
        await asyncio.gather(*(c.query_message(str(i)) for i in range(4)))
    assert scripted.peak_in_flight == 1
    assert scripted.pages("auth.jsp")[0].form["msisdn"] == "office-user"


def test_an_unreadable_ca_bundle_is_one_clear_sentence(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"CA bundle .* could not be read"):
        CsmsClient("https://gateway.example", "u", "p", verify=str(tmp_path / "missing.pem"))


async def test_a_pasted_block_of_numbers_is_read_like_the_recipients_box(
    scripted: ScriptedServer,
) -> None:
    scripted.always("sendsms.jsp", ids_for_recipients())
    async with client(scripted) as c:
        result = await c.send_sms("0300 1234567\n+92 321 1234567; 03001234567", "hi")
    assert [n for n, _ in result.ids] == ["923001234567", "923211234567"]
