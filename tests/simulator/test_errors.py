"""Every documented error code comes from the request that should produce it.

Table-driven over real loopback HTTP with plain httpx requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.simulator.simkit import LOGIN, PASSWORD, Api, float_wav_bytes, parse, wav_bytes
from tui.gateway.codes import AUDIO_MAX_BYTES
from tui.simulator import Simulator, SimulatorConfig, SimulatorServer
from tui.simulator.clock import TZ

START = datetime(2024, 3, 4, 10, 0, 0, tzinfo=TZ)

GOOD = "923001112222"
FAR = "2026-06-01 10:00:00"
SOON = "2024-03-04 12:00:00"
LATER = "2024-03-05 12:00:00"
PAST = "2024-03-04 09:00:00"


@dataclass
class Case:
    code: int
    page: str
    params: dict[str, Any] = field(default_factory=dict)
    session: str = "main"
    files: dict[str, Any] | None = None
    sid: bool = True


def c(code: int, page: str, **params: Any) -> Case:
    """A case; ``session`` names whose session to use, ``sid=False`` sends none."""
    session = params.pop("session", "main")
    sid = params.pop("sid", True)
    return Case(code, page, params, session, sid=sid)


def upload_case(code: int, name: str | None, data: bytes, filename: str = "clip.wav") -> Case:
    case = Case(code, "audio_upload.jsp", {"name": name})
    case.files = {"audio_file": (filename, data, "audio/wav")}
    return case


VOICE = {"name": "New voice", "group_ids": "{list}", "file_id": "{ready}"}
FEEDBACK_CALL = {
    "to": GOOD,
    "file_id": "{ready}",
    "valid_options": 2,
    "valid_feedback_file_id": "{ready}",
    "invalid_feedback_file_id": "{ready}",
}
DYNAMIC = {**VOICE, "language": 1, "digits": 2, "voice": 1}
CAMPAIGN = {"name": "New campaign", "group_ids": "{list}", "text": "Hello", "time": SOON}

CASES: dict[str, Case] = {
    # 100 out of credit
    "sendsms-no-credit": c(100, "sendsms.jsp", session="poor", to=GOOD, text="hi"),
    "pay-no-credit": c(100, "pending_unpaid_sms_action.jsp", session="poor", action=1),
    "call-no-credit": c(100, "makecall.jsp", session="poor", to=GOOD, file_id="{poor_audio}"),
    # 101 missing fields
    "auth-no-password": c(101, "auth.jsp", sid=False, msisdn="923001234567"),
    "sendsms-no-to": c(101, "sendsms.jsp", text="hi"),
    "sendsms-no-text": c(101, "sendsms.jsp", to=GOOD, text="   "),
    "querymsg-no-id": c(101, "querymsg.jsp"),
    "makecall-no-to": c(101, "makecall.jsp", file_id="{ready}"),
    "addcontacts-no-to": c(101, "addcontacts.jsp", list_id="{list}"),
    "querycall-no-id": c(101, "querycall.jsp"),
    "action-missing": c(101, "pending_unpaid_sms_action.jsp"),
    "incoming-bad-size": c(101, "get_incoming_messages.jsp", size="many"),
    "campaign-no-time": c(101, "campaign.jsp", **{**CAMPAIGN, "time": None}),
    # 102 session
    "ping-bogus-session": c(102, "ping.jsp", session_id="not-a-session"),
    "sendsms-no-session": c(102, "sendsms.jsp", sid=False, to=GOOD, text="hi"),
    # 103 mask, 104 operator
    "sendsms-bad-mask": c(103, "sendsms.jsp", to=GOOD, text="hi", mask="NOPE"),
    "campaign-bad-mask": c(103, "campaign.jsp", **CAMPAIGN, mask="NOPE"),
    "sendsms-operator-9": c(104, "sendsms.jsp", to=GOOD, text="hi", operator_id=9),
    "sendsms-operator-text": c(104, "sendsms.jsp", to=GOOD, text="hi", operator_id="jazz"),
    # 200 login, 300 blocked
    "auth-wrong-password": c(200, "auth.jsp", sid=False, msisdn="923001234567", password="x"),
    "auth-unknown-user": c(200, "auth.jsp", sid=False, msisdn="923009999000", password="demo"),
    "auth-blocked": c(300, "auth.jsp", sid=False, msisdn="blocked", password="pw"),
    # 201 numbers
    "sendsms-bad-number": c(201, "sendsms.jsp", to=f"{GOOD},0300-123", text="hi"),
    "sendsms-short-number": c(201, "sendsms.jsp", to="92300111222", text="hi"),
    "makecall-bad-number": c(201, "makecall.jsp", to="12345", file_id="{ready}"),
    "feedback-bad-number": c(201, "make_feedback_call.jsp", **{**FEEDBACK_CALL, "to": "x"}),
    # 204 sub-user
    "subuser-not-allowed": c(204, "sendsms.jsp", session="sub", to=GOOD, text="hi"),
    # 211 message ID
    "querymsg-unknown": c(211, "querymsg.jsp", msg_id="999"),
    # 301-303 incoming
    "incoming-disabled": c(301, "incoming_sms_info.jsp", session="noinbox"),
    "fetch-disabled": c(301, "get_incoming_messages.jsp", session="noinbox"),
    "action-3": c(302, "pending_unpaid_sms_action.jsp", action=3),
    "action-word": c(302, "pending_unpaid_sms_action.jsp", action="pay"),
    "incoming-bad-date": c(303, "get_incoming_messages.jsp", date="2024-13-45"),
    "incoming-date-words": c(303, "get_incoming_messages.jsp", date="yesterday"),
    # 400-415 lists
    "list-duplicate": c(400, "list.jsp", list_name="Existing list"),
    "list-duplicate-case": c(400, "list.jsp", list_name="EXISTING LIST"),
    "list-no-name": c(401, "list.jsp"),
    "list-bad-name": c(402, "list.jsp", list_name="<script>"),
    "addcontacts-bad-number": c(411, "addcontacts.jsp", list_id="{list}", to=f"{GOOD},123"),
    "addcontacts-no-list": c(412, "addcontacts.jsp", to=GOOD),
    "addcontacts-empty": c(413, "addcontacts.jsp", list_id="{list}", to=",,"),
    "campaign-empty-list": c(413, "campaign.jsp", **{**CAMPAIGN, "group_ids": "{empty}"}),
    "voice-empty-list": c(413, "voice_broadcast_campaign.jsp", **{**VOICE, "group_ids": "{empty}"}),
    "addcontacts-unknown-list": c(415, "addcontacts.jsp", list_id="77", to=GOOD),
    # 500-512 campaigns
    "campaign-duplicate": c(500, "campaign.jsp", **{**CAMPAIGN, "name": "Existing campaign"}),
    "voice-duplicate": c(500, "voice_broadcast_campaign.jsp", **{**VOICE, "name": "Old voice"}),
    "campaign-no-name": c(501, "campaign.jsp", **{**CAMPAIGN, "name": None}),
    "voice-no-name": c(501, "voice_feedback_campaign.jsp", **{**VOICE, "name": ""}),
    "campaign-no-text": c(502, "campaign.jsp", **{**CAMPAIGN, "text": None}),
    "campaign-no-lists": c(503, "campaign.jsp", **{**CAMPAIGN, "group_ids": None}),
    "campaign-bad-list": c(503, "campaign.jsp", **{**CAMPAIGN, "group_ids": "{list},77"}),
    "voice-bad-list": c(503, "voice_broadcast_campaign.jsp", **{**VOICE, "group_ids": "77"}),
    "campaign-past": c(504, "campaign.jsp", **{**CAMPAIGN, "time": PAST}),
    "campaign-bad-time": c(504, "campaign.jsp", **{**CAMPAIGN, "time": "tomorrow 10am"}),
    "campaign-too-far": c(506, "campaign.jsp", **{**CAMPAIGN, "time": FAR}),
    "voice-bad-start-date": c(508, "voice_broadcast_campaign.jsp", **VOICE, start_date="soon"),
    "voice-past-start": c(508, "voice_broadcast_campaign.jsp", **VOICE, start_date=PAST),
    "voice-bad-start-time": c(508, "voice_broadcast_campaign.jsp", **VOICE, start_time="25:00"),
    "voice-end-before-start-time": c(
        509, "voice_broadcast_campaign.jsp", **VOICE, start_time="13:00", end_time="09:00"
    ),
    "voice-bad-end-time": c(509, "voice_broadcast_campaign.jsp", **VOICE, end_time="9pm"),
    "voice-end-before-start": c(
        510, "voice_broadcast_campaign.jsp", **VOICE, start_date=LATER, end_date=SOON
    ),
    "voice-bad-end-date": c(510, "voice_broadcast_campaign.jsp", **VOICE, end_date="2024-02-30"),
    "campaign-bad-name": c(511, "campaign.jsp", **{**CAMPAIGN, "name": "a\x01b"}),
    "voice-text-too-long": c(512, "voice_broadcast_campaign.jsp", **VOICE, text="x" * 161),
    "voice-urdu-too-long": c(512, "voice_broadcast_campaign.jsp", **VOICE, text="ب" * 71),
    "voice-ext-chars-too-long": c(512, "voice_broadcast_campaign.jsp", **VOICE, text="^" * 81),
    # 600-612 campaign IDs and audio
    "campstatus-no-id": c(600, "campstatus.jsp"),
    "voicestatus-no-id": c(600, "voice_campaign_status.jsp"),
    "campstatus-unknown": c(601, "campstatus.jsp", campid="77"),
    "voicestatus-unknown": c(601, "voice_campaign_status.jsp", camp_id="77"),
    "upload-no-name": upload_case(602, None, wav_bytes()),
    "upload-duplicate-name": upload_case(603, "ready clip", wav_bytes()),
    "upload-no-file": Case(604, "audio_upload.jsp", {"name": "Nothing"}, files={}),
    "upload-empty-file": upload_case(604, "Empty", b""),
    "upload-too-large": upload_case(605, "Huge", b"RIFF" + b"\0" * AUDIO_MAX_BYTES),
    "upload-not-wav": upload_case(606, "Text", b"this is not audio at all"),
    "upload-float-wav": upload_case(606, "Float", float_wav_bytes()),
    "upload-stereo": upload_case(607, "Stereo", wav_bytes(channels=2)),
    "upload-44k": upload_case(608, "CD rate", wav_bytes(rate=44100, seconds=0.05)),
    "upload-8bit": upload_case(609, "Eight bit", wav_bytes(width=1)),
    "upload-mp3-name": upload_case(611, "Named mp3", wav_bytes(), filename="clip.mp3"),
    "upload-bad-name": upload_case(612, "bad\\name", wav_bytes()),
    # 700-713 files, retries, calls, options
    "makecall-no-file": c(700, "makecall.jsp", to=GOOD),
    "audiostatus-no-file": c(700, "audio_status.jsp"),
    "voice-no-file": c(700, "voice_broadcast_campaign.jsp", **{**VOICE, "file_id": None}),
    "makecall-pending-file": c(701, "makecall.jsp", to=GOOD, file_id="{pending}"),
    "makecall-unknown-file": c(701, "makecall.jsp", to=GOOD, file_id="9999"),
    "makecall-3-retries": c(702, "makecall.jsp", to=GOOD, file_id="{ready}", max_retries=3),
    "voice-negative-retries": c(702, "voice_broadcast_campaign.jsp", **VOICE, max_retries=-1),
    "querycall-unknown": c(703, "querycall.jsp", call_id="123"),
    "makecall-bad-mask": c(704, "makecall.jsp", to=GOOD, file_id="{ready}", mask="SMSONLY"),
    "feedback-10-options": c(
        705, "make_feedback_call.jsp", **{**FEEDBACK_CALL, "valid_options": 10}
    ),
    "feedback-campaign-no-options": c(705, "voice_feedback_campaign.jsp", **VOICE),
    "feedback-valid-file-pending": c(
        706, "make_feedback_call.jsp", **{**FEEDBACK_CALL, "valid_feedback_file_id": "{pending}"}
    ),
    "feedback-campaign-valid-file": c(
        706, "voice_feedback_campaign.jsp", **VOICE, valid_options=2, valid_feedback_file_id="9"
    ),
    "feedback-invalid-file-unknown": c(
        707, "make_feedback_call.jsp", **{**FEEDBACK_CALL, "invalid_feedback_file_id": "9"}
    ),
    "dynamic-no-language": c(708, "voice_dynamic_campaign.jsp", **{**DYNAMIC, "language": None}),
    "dynamic-digits-3": c(709, "voice_dynamic_campaign.jsp", **{**DYNAMIC, "digits": 3}),
    "dynamic-voice-0": c(710, "voice_dynamic_campaign.jsp", **{**DYNAMIC, "voice": 0}),
    "dynamic-ending-pending": c(
        711, "voice_dynamic_campaign.jsp", **DYNAMIC, ending_audio_id="{pending}"
    ),
    "audiostatus-unknown": c(712, "audio_status.jsp", file_id="9999"),
    "voice-unknown-file": c(712, "voice_broadcast_campaign.jsp", **{**VOICE, "file_id": "9"}),
    "voice-pending-file": c(
        713, "voice_broadcast_campaign.jsp", **{**VOICE, "file_id": "{pending}"}
    ),
}


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[Simulator, Api]]:
    """One loopback simulator for the whole table: error replies change nothing."""
    sim = Simulator(SimulatorConfig(seed=1, manual_clock=True, start=START))
    sim.add_account(LOGIN, PASSWORD, masks=["CSMS", "SHOP"], ivr_masks=["CSMS"])
    with SimulatorServer(sim) as server, httpx.Client(base_url=server.base_url) as client:
        api = Api(client)
        api.login()
        yield sim, api


@pytest.fixture(scope="module")
def world(shared: tuple[Simulator, Api]) -> dict[str, str]:
    """Lists, audio, campaigns and extra accounts the error cases refer to."""
    sim, api = shared
    sim.add_account("923000000001", "pw", credit=0.0)
    sim.add_account("subuser", "pw", allowed_pages={"auth.jsp", "querymsg.jsp"})
    sim.add_account("923000000003", "pw", incoming_enabled=False)
    sim.add_account("blocked", "pw", blocked=True)
    sim.push_incoming("923451234567", "hello", to_account="923000000001")
    names: dict[str, str] = {}
    sessions = {"main": api.sid}
    for key, login in (("poor", "923000000001"), ("sub", "subuser"), ("noinbox", "923000000003")):
        sessions[key] = Api(api.http).login(login, "pw")
    poor = Api(api.http)
    poor.sid = sessions["poor"]
    names["poor_audio"] = poor.upload("Poor clip", wav_bytes()).data
    names["list"] = api.ok("list.jsp", list_name="Existing list").data
    api.ok("addcontacts.jsp", list_id=names["list"], to="923001110001,923001110002")
    names["empty"] = api.ok("list.jsp", list_name="Empty").data
    names["ready"] = api.upload("Ready clip", wav_bytes()).data
    sim.clock.advance(sim.config.audio_ready_after)
    names["pending"] = api.upload("Pending clip", wav_bytes()).data
    api.ok("campaign.jsp", **{**CAMPAIGN, "name": "Existing campaign", "group_ids": names["list"]})
    api.ok(
        "voice_broadcast_campaign.jsp",
        name="Old voice",
        group_ids=names["list"],
        file_id=names["ready"],
    )
    names.update({f"sid:{k}": v for k, v in sessions.items()})
    return names


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_error_code(shared: tuple[Simulator, Api], world: dict[str, str], case: Case) -> None:
    _, api = shared
    params = {
        k: (v.format(**world) if isinstance(v, str) else v)
        for k, v in case.params.items()
        if v is not None
    }
    if case.sid and case.page != "auth.jsp":
        params.setdefault("session_id", world[f"sid:{case.session}"])
    if case.files is not None:
        response = api.raw(case.page, method="POST", files=case.files, **params)
        assert response.status_code == 200
        reply = parse(response.content)
    else:
        reply = api.call(case.page, **params)
    assert reply.response == "ERROR", f"expected {case.code}, got OK {reply.data}"
    assert reply.code == case.code


def test_every_listed_code_is_covered() -> None:
    """The table holds every code the gateway documents for a request."""
    expected = {
        100, 101, 102, 103, 104, 200, 201, 204, 211, 300, 301, 302, 303, 400, 401, 402,
        411, 412, 413, 415, 500, 501, 502, 503, 504, 506, 508, 509, 510, 511, 512, 600,
        601, 602, 603, 604, 605, 606, 607, 608, 609, 611, 612, 700, 701, 702, 703, 704,
        705, 706, 707, 708, 709, 710, 711, 712, 713,
    }  # fmt: skip
    assert expected <= {case.code for case in CASES.values()}
