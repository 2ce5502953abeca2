"""Replies have the document's element names, nesting and command names, in XML
and JSON, for every command."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.simulator.simkit import Api, parse, wav_bytes
from tui.gateway import codes
from tui.simulator import Simulator, SimulatorConfig, SimulatorServer

INFO = ["credit", "currentFreeIncomingSmsMessages", "unpaidPendingMessageCount"]
ACTION = [
    *INFO,
    "discardedMessagesCount",
    "successfulChargedEntriesCount",
    "successfulChargedSmsCount",
]
INCOMING_SMS = ["id", "message", "msisdn", "shortCode", "timestamp"]
VOICE_STATUS = [
    "campaignName",
    "status",
    "audioClipId",
    "maxRetries",
    "smsText",
    "startDate",
    "endDate",
    "startTime",
    "endTime",
    "callAttempts",
    "answered",
    "notAnswered",
    "notResponding",
    "busy",
    "campaignCost",
    "language",
    "pronunciationType",
    "voice",
]
SIMPLE_PAGES = {
    c.page
    for c in codes.COMMANDS
    if c
    not in (
        codes.CAMPAIGN_STATUS,
        codes.QUERY_CALL,
        codes.INCOMING_INFO,
        codes.PENDING_ACTION,
        codes.GET_INCOMING,
        codes.VOICE_CAMPAIGN_STATUS,
    )
}


def run_every_command(api: Api, sim: Simulator, response_type: int) -> dict[str, httpx.Response]:
    """Call all 20 commands successfully; the raw replies by page."""
    rt: dict[str, Any] = {"response_type": response_type}
    sid = api.sid
    out: dict[str, httpx.Response] = {}

    def value(page: str) -> str:
        body = out[page]
        if response_type == 2:
            return str(body.json()["corpsms"]["data"])
        return parse(body.content).data

    def call(page: str, **params: Any) -> None:
        out[page] = api.raw(page, session_id=sid, **rt, **params)
        assert out[page].status_code == 200

    out["auth.jsp"] = api.raw("auth.jsp", msisdn="923001234567", password="demo", **rt)
    call("ping.jsp")
    call("sendsms.jsp", to="923001110001,923001110002", text="Hello & welcome")
    call("querymsg.jsp", msg_id=value("sendsms.jsp").split(",")[0])
    call("list.jsp", list_name=f"Friends {response_type}")
    list_id = value("list.jsp")
    call("addcontacts.jsp", list_id=list_id, to="923001110003,923001110004")
    call(
        "campaign.jsp",
        name=f"C{response_type}",
        group_ids=list_id,
        text="Hi",
        time="2024-03-04 11:00:00",
    )
    call("campstatus.jsp", campid=value("campaign.jsp"))
    files = {"audio_file": ("clip.wav", wav_bytes(), "audio/wav")}
    out["audio_upload.jsp"] = api.raw(
        "audio_upload.jsp",
        method="POST",
        files=files,
        session_id=sid,
        name=f"Clip {response_type}",
        **rt,
    )
    file_id = value("audio_upload.jsp")
    sim.clock.advance(sim.config.audio_ready_after)
    call("audio_status.jsp", file_id=file_id)
    number = "923001110005"
    sim.script_call(number, [codes.CallStatus.SENT], option="1")
    call("makecall.jsp", to=number, file_id=file_id, max_retries=1)
    call(
        "make_feedback_call.jsp",
        to=number,
        file_id=file_id,
        valid_options=2,
        valid_feedback_file_id=file_id,
        invalid_feedback_file_id=file_id,
    )
    sim.clock.advance(sim.config.call_delay)
    call("querycall.jsp", call_id=value("make_feedback_call.jsp"))
    base = {"group_ids": list_id, "file_id": file_id}
    call("voice_broadcast_campaign.jsp", name=f"B{response_type}", **base)
    call("voice_feedback_campaign.jsp", name=f"F{response_type}", valid_options=3, **base)
    call(
        "voice_dynamic_campaign.jsp",
        name=f"D{response_type}",
        language=2,
        digits=1,
        voice=2,
        **base,
    )
    call("voice_campaign_status.jsp", camp_id=value("voice_dynamic_campaign.jsp"))
    sim.push_incoming("923451234567", "hi <there> & you")
    sim.push_incoming("923451234568", "سلام")
    call("incoming_sms_info.jsp")
    call("pending_unpaid_sms_action.jsp", action=1)
    call("get_incoming_messages.jsp", size=5)
    assert set(out) == {c.page for c in codes.COMMANDS}
    return out


def tags(element: Any) -> list[str]:
    return [child.tag for child in element]


def test_xml_shapes(api: Api, simulator: Simulator) -> None:
    replies = run_every_command(api, simulator, response_type=1)
    for page, response in replies.items():
        assert response.headers["content-type"].startswith("text/xml")
        assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8" ?>\n<corpsms>')
        reply = parse(response.content)
        assert reply.command == codes.COMMANDS_BY_PAGE[page].name
        assert reply.ok, (page, reply.data)
        data = reply.root.find("data")
        assert data is not None
        if page in SIMPLE_PAGES:
            assert tags(data) == [] and reply.data, page
    camp = parse(replies["campstatus.jsp"].content).root.find("data")
    assert camp is not None
    assert tags(camp) == ["recipient", "recipient"]
    assert [tags(r) for r in camp] == [["msisdn", "status"]] * 2
    call = parse(replies["querycall.jsp"].content)
    assert call.items("recipient") == [
        {"msisdn": "923001110005", "status": "1", "optionSelected": "1"}
    ]
    assert list(parse(replies["incoming_sms_info.jsp"].content).fields()) == INFO
    assert list(parse(replies["pending_unpaid_sms_action.jsp"].content).fields()) == ACTION
    fetched = parse(replies["get_incoming_messages.jsp"].content)
    assert list(fetched.fields()) == [*INFO, "incomingSms"]
    messages = fetched.items("incomingSms")
    assert [list(m) for m in messages] == [INCOMING_SMS] * 2
    assert messages[0]["message"] == "hi <there> & you"
    assert messages[1]["message"] == "سلام"
    assert re.fullmatch(r"\d{4},\d{2},\d{2} \d{2}:\d{2}", messages[0]["timestamp"])
    voice = parse(replies["voice_campaign_status.jsp"].content)
    fields = voice.fields()
    assert list(fields) == VOICE_STATUS
    assert b"<smsText/>" in replies["voice_campaign_status.jsp"].content
    assert re.fullmatch(r"\d{2} [A-Z][a-z]+, \d{4} \d{2}:\d{2}[AP]M", fields["startDate"])
    assert fields["startDate"] == "04 March, 2024 10:00AM"
    assert fields["endDate"] == "06 March, 2024 10:00AM"
    assert (fields["startTime"], fields["endTime"]) == ("0:0", "23:59")
    assert fields["campaignCost"] == "0.0"
    assert (fields["language"], fields["pronunciationType"], fields["voice"]) == ("2", "1", "2")


def test_json_shapes(api: Api, simulator: Simulator) -> None:
    replies = run_every_command(api, simulator, response_type=2)
    for page, response in replies.items():
        body = response.json()
        assert list(body) == ["corpsms"]
        inner = body["corpsms"]
        assert list(inner) == ["command", "data", "response"]
        assert inner["command"] == codes.COMMANDS_BY_PAGE[page].name
        assert inner["response"] == "OK", (page, inner["data"])
        if page in SIMPLE_PAGES:
            assert isinstance(inner["data"], str) and inner["data"], page

    def data(page: str) -> Any:
        return replies[page].json()["corpsms"]["data"]

    assert [list(r) for r in data("campstatus.jsp")["recipient"]] == [["msisdn", "status"]] * 2
    assert data("querycall.jsp")["recipient"] == [
        {"msisdn": "923001110005", "status": 1, "optionSelected": "1"}
    ]
    assert list(data("incoming_sms_info.jsp")) == INFO
    assert list(data("pending_unpaid_sms_action.jsp")) == ACTION
    fetched = data("get_incoming_messages.jsp")
    assert [list(m) for m in fetched["incomingSms"]] == [INCOMING_SMS] * 2
    assert fetched["incomingSms"][1]["message"] == "سلام"
    assert list(data("voice_campaign_status.jsp")) == VOICE_STATUS


def test_json_error_reply(api: Api) -> None:
    body = api.json("querymsg.jsp", session_id=api.sid, msg_id="1")
    assert body == {"command": "Message_query", "data": "211", "response": "ERROR"}


def test_post_form_is_accepted(api: Api) -> None:
    response = api.raw("auth.jsp", method="POST", msisdn="923001234567", password="demo")
    session = parse(response.content).data
    posted = api.raw(
        "sendsms.jsp", method="POST", session_id=session, to="923001110001", text="a+b&c=d %20"
    )
    sent = parse(posted.content)
    assert sent.ok
    reply = api.ok("querymsg.jsp", msg_id=sent.data)
    assert reply.data == "0"


def test_text_survives_encoding(api: Api, simulator: Simulator) -> None:
    text = "a+b&c=d %20 #1\nنیا سال مبارک 🎉"
    msg_id = api.ok("sendsms.jsp", to="923001110001", text=text, unicode="true").data
    message = simulator.state.messages[msg_id]
    assert message.text == text
    assert message.unicode


@pytest.mark.parametrize(("style", "expected"), [("bare", "102"), ("prefixed", "Error 102")])
def test_error_style(style: str, expected: str) -> None:
    sim = Simulator(SimulatorConfig(error_style=style))  # type: ignore[arg-type]
    with SimulatorServer(sim) as server, httpx.Client(base_url=server.base_url) as client:
        body = Api(client).raw("ping.jsp", session_id="nope").content
    assert f"<data>{expected}</data>\n<response>ERROR</response>".encode() in body


def test_document_shapes_mode() -> None:
    """doc_shapes=True copies the document's own sloppy examples."""
    sim = Simulator(SimulatorConfig(manual_clock=True, doc_shapes=True))
    sim.add_account("923001234567", "demo")
    sim.script_call("923001110005", [codes.CallStatus.BUSY])
    with SimulatorServer(sim) as server, httpx.Client(base_url=server.base_url) as client:
        api = Api(client)
        assert api.raw("auth.jsp", msisdn="923001234567", password="demo").content.startswith(
            b"<?xml"
        )
        api.login()
        list_id = api.ok("list.jsp", list_name="L").data
        api.ok("addcontacts.jsp", list_id=list_id, to="923001110003,923001110004")
        when = (sim.clock.now() + timedelta(hours=1)).strftime(codes.DATETIME_FORMAT)
        camp = api.ok("campaign.jsp", name="C", group_ids=list_id, text="x", time=when).data
        body = api.raw("campstatus.jsp", session_id=api.sid, campid=camp).content.decode()
        assert body == (
            "<corpsms>\n<command>Camp_Status</command>\n-\n<data>\n"
            "-\n<recipient>\n<msisdn>923001110003</msisdn>\n<status>0</status>\n</recipient>\n"
            "-\n<recipient>\n<msisdn>923001110004</msisdn>\n<status>0</status>\n</recipient>\n"
        )
        sim.state.audio["1"] = _ready_audio(sim)
        call_id = api.ok("makecall.jsp", to="923001110005", file_id="1").data
        body = api.raw("querycall.jsp", session_id=api.sid, call_id=call_id).content.decode()
        assert "</recipient>" not in body
        assert body.count("<recipient>") == 2
        info = api.raw("incoming_sms_info.jsp", session_id=api.sid).content
        assert info.startswith(b"<corpsms>")


def _ready_audio(sim: Simulator) -> Any:
    from tui.simulator.model import AudioFile

    return AudioFile("1", "923001234567", "clip", "clip.wav", 100, 1.0, 0.0, 0.0)
