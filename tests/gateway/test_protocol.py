"""Reading replies: the document's examples, its sloppy shapes, real-world forms,
JSON, and everything that is not a reply."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.gateway import protocol
from tui.gateway.codes import (
    AudioStatus,
    CallStatus,
    MessageStatus,
    VoiceCampaignStatus,
)
from tui.gateway.errors import (
    CsmsError,
    GatewayError,
    GatewayUnavailable,
    LoginFailed,
    SessionExpired,
    Throttled,
)
from tui.gateway.protocol import GATEWAY_TZ, parse_reply
from tui.gateway.redaction import Redactor

DECL = b'<?xml version="1.0" encoding="UTF-8" ?>\n'


def doc(command: str, data: str, response: str = "OK", *, decl: bool = True) -> bytes:
    body = (
        f"<corpsms>\n<command>{command}</command>\n<data>{data}</data>\n"
        f"<response>{response}</response>\n</corpsms>"
    ).encode()
    return (DECL if decl else b"") + body


# The document's examples -------------------------------------------------------------


def test_single_value_replies_of_the_document() -> None:
    assert parse_reply(doc("Auth_request", "Session ID")).data.text == "Session ID"
    assert protocol.parse_id(parse_reply(doc("Create_MLIST", "4211"))) == "4211"
    assert protocol.parse_message_status(parse_reply(doc("Message_query", "1"))) is (
        MessageStatus.SENT
    )
    assert protocol.parse_audio_status(parse_reply(doc("Audio_File_Status", "0"))) is (
        AudioStatus.NOT_READY
    )


def test_submit_ids_pair_with_recipients_in_order() -> None:
    reply = parse_reply(doc("Submit_SM", "ID1,ID2,ID3"))
    submitted = protocol.parse_submit_ids(reply, ["923001", "923002", "923003"])
    assert submitted.ids == [("923001", "ID1"), ("923002", "ID2"), ("923003", "ID3")]


def test_an_id_count_mismatch_is_an_unusable_reply() -> None:
    reply = parse_reply(doc("Submit_SM", "ID1,ID2"))
    with pytest.raises(GatewayUnavailable, match="2 IDs came back for 3 recipients"):
        protocol.parse_submit_ids(reply, ["a", "b", "c"])


CAMPAIGN_STATUS_AS_DOCUMENTED = b"""<corpsms>
<command>Camp_Status</command>
-
<data>
-
<recipient>
<msisdn>923451710200</msisdn>
<status>1</status>
</recipient>
-
<recipient>
<msisdn>92345612225</msisdn>
<status>0</status>
</recipient>
"""


def test_campaign_status_with_dash_lines_and_no_response() -> None:
    reply = parse_reply(CAMPAIGN_STATUS_AS_DOCUMENTED)
    assert reply.recovered
    recipients = protocol.parse_campaign_status(reply)
    assert [(r.msisdn, r.status) for r in recipients] == [
        ("923451710200", MessageStatus.SENT),
        ("92345612225", MessageStatus.NOT_SENT),
    ]


QUERY_CALL_AS_DOCUMENTED = (
    DECL
    + b"""<corpsms>
<command>Query_Call</command>
<data>
<recipient>
<msisdn>923001234567</msisdn>
<status>2</status>
<recipient>
</data>
<response>OK</response>
</corpsms>
"""
)


def test_campaign_status_error_without_response() -> None:
    body = b"<corpsms>\n<command>Camp_Status</command>\n-\n<data>Error 601</data>\n"
    with pytest.raises(GatewayError) as caught:
        parse_reply(body)
    assert caught.value.code == 601


def test_query_call_with_unclosed_recipient() -> None:
    state = protocol.parse_call_state(parse_reply(QUERY_CALL_AS_DOCUMENTED))
    assert (state.msisdn, state.status, state.option_selected) == (
        "923001234567",
        CallStatus.BUSY,
        None,
    )


def test_feedback_call_reports_the_key_pressed() -> None:
    body = doc(
        "Query_Call",
        "<recipient><msisdn>923001234567</msisdn><status>1</status>"
        "<optionSelected>3</optionSelected></recipient>",
    )
    assert protocol.parse_call_state(parse_reply(body)).option_selected == "3"


INCOMING = b"""<corpsms>
<command>get_incoming_messages</command>
<data>
<credit>0.1</credit>
<currentFreeIncomingSmsMessages>0</currentFreeIncomingSmsMessages>
<unpaidPendingMessageCount>1</unpaidPendingMessageCount>
<incomingSms>
<id>1</id>
<message>hi every one</message>
<msisdn>923451234567</msisdn>
<shortCode>123</shortCode>
<timestamp>2017,01,12 18:01</timestamp>
</incomingSms>
<incomingSms>
<id>17</id>
<message>  two  spaces &amp; &#1587;&#1604;&#1575;&#1605;</message>
<msisdn>923458590088</msisdn>
<shortCode>123</shortCode>
<timestamp>yesterday</timestamp>
</incomingSms>
</data>
<response>OK</response>
</corpsms>"""


def test_incoming_messages_with_timestamps_parsed_and_raw_kept() -> None:
    batch = protocol.parse_incoming(INCOMING)
    assert batch.raw == INCOMING
    assert (batch.info.credit, batch.info.free_incoming, batch.info.unpaid_pending) == (
        0.1,
        0,
        1,
    )
    first, second = batch.messages
    assert (first.id, first.msisdn, first.message, first.short_code) == (
        "1",
        "923451234567",
        "hi every one",
        "123",
    )
    assert first.timestamp_raw == "2017,01,12 18:01"
    assert first.timestamp == datetime(2017, 1, 12, 18, 1, tzinfo=GATEWAY_TZ)
    assert second.message == "  two  spaces & سلام"
    assert second.timestamp_raw == "yesterday" and second.timestamp is None


def test_incoming_without_closing_root_as_in_the_document() -> None:
    body = INCOMING.removesuffix(b"</corpsms>")
    assert len(protocol.parse_incoming(body).messages) == 2


def test_incoming_info_and_pending_action() -> None:
    info = protocol.parse_incoming_info(
        parse_reply(
            doc(
                "retrieve_incoming_sms_info",
                "<credit>12.5</credit><currentFreeIncomingSmsMessages>3"
                "</currentFreeIncomingSmsMessages><unpaidPendingMessageCount>4"
                "</unpaidPendingMessageCount>",
                decl=False,
            )
        )
    )
    assert (info.credit, info.free_incoming, info.unpaid_pending) == (12.5, 3, 4)
    result = protocol.parse_pending_action(
        parse_reply(
            doc(
                "pending_unpaid_sms_action",
                "<credit>0.1</credit><currentFreeIncomingSmsMessages>0"
                "</currentFreeIncomingSmsMessages><unpaidPendingMessageCount>0"
                "</unpaidPendingMessageCount><discardedMessagesCount>0</discardedMessagesCount>"
                "<successfulChargedEntriesCount>2</successfulChargedEntriesCount>"
                "<successfulChargedSmsCount>3</successfulChargedSmsCount>",
            )
        )
    )
    assert (result.discarded, result.charged_entries, result.charged_sms) == (0, 2, 3)


VOICE_STATUS = b"""<corpsms>
<command>Voice_Camp_Status</command>
<data>
<campaignName>jop</campaignName>
<status>2</status>
<audioClipId>162</audioClipId>
<maxRetries>0</maxRetries>
<smsText/>
<startDate>18 May, 2017 12:28PM</startDate>
<endDate>19 May, 2017 12:28PM</endDate>
<startTime>0:0</startTime>
<endTime>23:59</endTime>
<callAttempts>5</callAttempts>
<answered>3</answered>
<notAnswered>1</notAnswered>
<notResponding>0</notResponding>
<busy>1</busy>
<campaignCost>1.5</campaignCost>
<language>1</language>
<pronunciationType>2</pronunciationType>
<voice>1</voice>
<somethingNew>x</somethingNew>
</data>
<response>OK</response>
</corpsms>"""


def test_voice_campaign_status_of_the_document() -> None:
    info = protocol.parse_voice_campaign(parse_reply(VOICE_STATUS))
    assert info.name == "jop" and info.status is VoiceCampaignStatus.TESTING
    assert (info.audio_clip_id, info.sms_text, info.start_time, info.end_time) == (
        "162",
        "",
        "0:0",
        "23:59",
    )
    assert (info.call_attempts, info.answered, info.not_answered, info.busy) == (5, 3, 1, 1)
    assert (info.cost, info.language, info.pronunciation, info.voice) == (1.5, 1, 2, 1)
    assert info.extra == {"somethingnew": "x"}


def test_a_voice_status_outside_appendix_g_reads_as_unknown() -> None:
    body = VOICE_STATUS.replace(b"<status>2</status>", b"<status>9</status>")
    assert protocol.parse_voice_campaign(parse_reply(body)).status is VoiceCampaignStatus.UNKNOWN


# Tolerance --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        doc("Submit_SM", "A1,B2", decl=False),
        b"\xef\xbb\xbf" + doc("Submit_SM", "A1,B2"),
        b"  \r\n" + doc("Submit_SM", "A1,B2").replace(b"\n", b"\r\n"),
        doc("Submit_SM", "\r\n  A1 , B2 \r\n"),
        doc("Submit_SM", "A1,B2").removesuffix(b"</corpsms>"),
        b"<CorpSMS><Command>Submit_SM</Command><Data>A1,B2</Data><Response>ok</Response></CorpSMS>",
    ],
    ids=["no-declaration", "bom", "crlf", "spaced-values", "no-closing-root", "capitals"],
)
def test_tolerated_shapes(body: bytes) -> None:
    reply = parse_reply(body)
    assert reply.ok and reply.command == "Submit_SM"
    assert protocol.parse_ids(reply) == ["A1", "B2"]


@pytest.mark.parametrize("data", ["102", "Error 102", " error102 ", "ERROR: 102"])
@pytest.mark.parametrize("response", ["ERROR", "Error", "error"])
def test_error_code_in_every_spelling(data: str, response: str) -> None:
    with pytest.raises(SessionExpired) as caught:
        parse_reply(doc("Submit_SM", data, response))
    assert caught.value.code == 102 and caught.value.command == "Submit_SM"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (102, SessionExpired),
        (200, LoginFailed),
        (300, LoginFailed),
        (304, Throttled),
        (305, Throttled),
        (100, GatewayError),
        (601, GatewayError),
    ],
)
def test_error_codes_map_to_their_class(code: int, kind: type[GatewayError]) -> None:
    with pytest.raises(kind) as caught:
        parse_reply(doc("Submit_SM", f"Error {code}", "ERROR"))
    assert type(caught.value) is kind
    assert caught.value.code == code


def test_an_unknown_code_still_names_the_code() -> None:
    with pytest.raises(GatewayError, match="Unknown gateway error code 987"):
        parse_reply(doc("Submit_SM", "987", "ERROR"))


def test_error_without_a_code_is_unusable() -> None:
    with pytest.raises(GatewayUnavailable, match="without an error code"):
        parse_reply(doc("Submit_SM", "Error", "ERROR"))


# JSON ---------------------------------------------------------------------------------


@pytest.mark.parametrize("root", ["corpsms", "Corpsms", "CORPSMS", "CorpSms"])
def test_json_root_in_any_capitalisation(root: str) -> None:
    body = json.dumps({root: {"command": "Submit_SM", "data": "7,8", "response": "OK"}})
    assert protocol.parse_ids(parse_reply(body.encode())) == ["7", "8"]


def test_json_error_and_structured_data() -> None:
    error = json.dumps({"Corpsms": {"command": "x", "data": "Error 304", "response": "ERROR"}})
    with pytest.raises(Throttled):
        parse_reply(error.encode())
    incoming = {
        "corpsms": {
            "command": "get_incoming_messages",
            "data": {
                "credit": 3.5,
                "currentFreeIncomingSmsMessages": 0,
                "unpaidPendingMessageCount": 2,
                "incomingSms": [
                    {
                        "id": 5,
                        "message": "سلام",
                        "msisdn": "923001234567",
                        "shortCode": "8111",
                        "timestamp": "2024,03,01 09:05",
                    }
                ],
            },
            "response": "OK",
        }
    }
    batch = protocol.parse_incoming(json.dumps(incoming).encode())
    assert batch.info.credit == 3.5 and batch.info.unpaid_pending == 2
    (message,) = batch.messages
    assert (message.id, message.message, message.short_code) == ("5", "سلام", "8111")
    assert message.timestamp == datetime(2024, 3, 1, 9, 5, tzinfo=GATEWAY_TZ)


def test_json_campaign_status_list() -> None:
    body = {
        "corpsms": {
            "command": "Camp_Status",
            "data": {"recipient": [{"msisdn": "923001", "status": 1}, {"msisdn": "923002"}]},
            "response": "OK",
        }
    }
    with pytest.raises(GatewayUnavailable, match="<status> is missing"):
        protocol.parse_campaign_status(parse_reply(json.dumps(body).encode()))
    body["corpsms"]["data"]["recipient"][1]["status"] = 0  # type: ignore[index]
    statuses = protocol.parse_campaign_status(parse_reply(json.dumps(body).encode()))
    assert [s.status for s in statuses] == [MessageStatus.SENT, MessageStatus.NOT_SENT]


# Not replies ---------------------------------------------------------------------------


HTML = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>"


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        (HTML, 502, "web page"),
        (HTML, 200, "web page"),
        (b"", 200, "empty reply"),
        (b"   \r\n", 200, "empty reply"),
        (doc("Submit_SM", "123,45")[:70], 200, "unusable"),
        (b"<corpsms><command>Submit_SM</command><data>123,45", 200, "cut short"),
        (b"<corpsms><command>Submit_SM</command><data>1</data><response>O", 200, "cut short"),
        (b"Service Temporarily Unavailable", 200, "unusable"),
        (b"<other><response>OK</response></other>", 200, "unexpected root"),
        (b"<corpsms><command>x</command><data>1</data><response>MAYBE</response></corpsms>", 200,
         "unknown response"),
        (b'{"foo": 1}', 200, "no corpsms"),
        (b"[1, 2]", 200, "not an object"),
        (doc("Submit_SM", "1"), 500, "HTTP error"),
        (doc("Submit_SM", "1"), 404, "HTTP error"),
    ],
)  # fmt: skip
def test_anything_else_is_gateway_unavailable(body: bytes, status: int, reason: str) -> None:
    with pytest.raises(GatewayUnavailable, match=reason) as caught:
        parse_reply(body, status=status, command="Submit_SM")
    error = caught.value
    assert error.status == status
    assert f"HTTP {status}" in str(error)
    if body.strip():
        assert error.excerpt and error.excerpt in " ".join(body.decode(errors="replace").split())


def test_excerpts_are_short_and_redacted() -> None:
    redactor = Redactor()
    redactor.add_secret("S3cr3t-Session-77")
    body = b"<html>" + b"session S3cr3t-Session-77 password=hunter2 " * 20 + b"</html>"
    with pytest.raises(GatewayUnavailable) as caught:
        parse_reply(body, status=500, redact=redactor.redact)
    message = str(caught.value)
    assert "S3cr3t-Session-77" not in message and "hunter2" not in message
    assert len(caught.value.excerpt) <= protocol.excerpt.__globals__["EXCERPT_CHARS"]


# Arbitrary input ------------------------------------------------------------------------

_PARSERS = [
    lambda r: protocol.parse_id(r),
    lambda r: protocol.parse_submit_ids(r, ["1", "2"]),
    protocol.parse_message_status,
    protocol.parse_audio_status,
    protocol.parse_campaign_status,
    protocol.parse_call_state,
    protocol.parse_incoming_info,
    protocol.parse_pending_action,
    protocol.parse_voice_campaign,
]


def _all_parsers(body: bytes, status: int) -> None:
    try:
        reply = protocol.decode_reply(body, status=status)
    except CsmsError:
        return
    for parse in _PARSERS:
        try:
            parse(reply)
        except CsmsError:
            pass
    try:
        protocol.parse_incoming(body, status=status)
    except CsmsError:
        pass


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([200, 200, 500, 302]))
def test_arbitrary_bytes_raise_only_client_errors(body: bytes, status: int) -> None:
    _all_parsers(body, status)


_PIECES = st.sampled_from(
    [
        "<corpsms>", "</corpsms>", "<command>Submit_SM</command>", "<data>", "</data>",
        "<response>OK</response>", "<response>ERROR</response>", "<recipient>", "</recipient>",
        "<msisdn>923001234567</msisdn>", "<status>1</status>", "<status>x</status>", "-", "\n",
        "<incomingSms>", "</incomingSms>", "<id>1</id>", "<credit>0.1</credit>", "<credit/>",
        "<timestamp>2017,01,12 18:01</timestamp>", "1,2", "Error 102", "&amp;", "&bogus;",
        "<?xml version='1.0'?>", "<!-- c -->", "<", ">", "\ufeff", '{"corpsms":', "}",
    ]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(_PIECES, max_size=30))
def test_tag_soup_raises_only_client_errors(pieces: list[str]) -> None:
    _all_parsers("".join(pieces).encode(), 200)
