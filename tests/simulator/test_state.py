"""State that moves with the (manual) clock: messages, calls, campaigns, audio,
incoming SMS, sessions and throughput limits."""

from __future__ import annotations

from datetime import timedelta

from tests.simulator.simkit import Api, served, wav_bytes
from tui.gateway.codes import DATETIME_FORMAT, CallStatus, VoiceCampaignStatus
from tui.simulator import Simulator

A, B, C = "923001110001", "923001110002", "923001110003"


def at(sim: Simulator, **delta: float) -> str:
    return (sim.clock.now() + timedelta(**delta)).strftime(DATETIME_FORMAT)


def ready_audio(api: Api, sim: Simulator, name: str = "Clip") -> str:
    file_id = api.upload(name, wav_bytes()).data
    sim.clock.advance(sim.config.audio_ready_after)
    return file_id


def new_list(api: Api, name: str, *numbers: str) -> str:
    list_id = api.ok("list.jsp", list_name=name).data
    api.ok("addcontacts.jsp", list_id=list_id, to=",".join(numbers))
    return list_id


def call_status(api: Api, call_id: str) -> dict[str, str]:
    return api.ok("querycall.jsp", call_id=call_id).items("recipient")[0]


def test_message_goes_from_not_sent_to_sent(api: Api, simulator: Simulator) -> None:
    ids = api.ok("sendsms.jsp", to=f"{A},{B},{A}", text="Hi").data.split(",")
    assert len(ids) == 3 and len(set(ids)) == 3
    assert [api.ok("querymsg.jsp", msg_id=i).data for i in ids] == ["0", "0", "0"]
    simulator.clock.advance(simulator.config.sms_delivery_delay - 1)
    assert api.ok("querymsg.jsp", msg_id=ids[0]).data == "0"
    simulator.clock.advance(1)
    assert [api.ok("querymsg.jsp", msg_id=i).data for i in ids] == ["1", "1", "1"]


def test_credit_drops_per_segment(api: Api, simulator: Simulator) -> None:
    before = simulator.credit("923001234567")
    api.ok("sendsms.jsp", to=f"{A},{B}", text="x" * 161)  # two GSM-7 parts
    api.ok("sendsms.jsp", to=A, text="ب" * 71, unicode="true")  # two UCS-2 parts
    api.ok("sendsms.jsp", to=A, text="^" * 80)  # 160 units: one part
    assert simulator.credit("923001234567") == before - 4 - 2 - 1


def test_out_of_credit_sends_nothing(api: Api, simulator: Simulator) -> None:
    simulator.account("923001234567").credit = 3.0
    assert api.error("sendsms.jsp", to=f"{A},{B}", text="x" * 161) == 100
    assert simulator.state.messages == {}
    assert simulator.credit("923001234567") == 3.0


def test_call_retries_until_answered(api: Api, simulator: Simulator) -> None:
    sim = simulator
    file_id = ready_audio(api, sim)
    sim.script_call(A, [CallStatus.BUSY, CallStatus.NOT_ANSWERING, CallStatus.SENT])
    call_id = api.ok("makecall.jsp", to=A, file_id=file_id, max_retries=2).data
    credit = sim.credit("923001234567")
    seen = [call_status(api, call_id)["status"]]
    sim.clock.advance(sim.config.call_delay)
    seen.append(call_status(api, call_id)["status"])
    for _ in range(2):
        assert sim.credit("923001234567") == credit  # nothing answered yet
        sim.clock.advance(sim.config.call_retry_interval)
        seen.append(call_status(api, call_id)["status"])
    assert seen == ["0", "2", "4", "1"]
    charged = credit - sim.credit("923001234567")
    assert charged > 0 and charged % sim.config.call_minute_price == 0
    sim.clock.advance(3600)
    assert call_status(api, call_id) == {"msisdn": A, "status": "1"}


def test_call_without_retries_keeps_its_failure(api: Api, simulator: Simulator) -> None:
    file_id = ready_audio(api, simulator)
    simulator.script_call(B, [CallStatus.NOT_RESPONDING, CallStatus.SENT])
    call_id = api.ok("makecall.jsp", to=B, file_id=file_id).data
    simulator.clock.advance(3600)
    assert call_status(api, call_id)["status"] == "3"


def test_feedback_call_records_the_pressed_option(api: Api, simulator: Simulator) -> None:
    file_id = ready_audio(api, simulator)
    simulator.script_call(C, [CallStatus.BUSY, CallStatus.SENT], option="2")
    call_id = api.ok(
        "make_feedback_call.jsp",
        to=C,
        file_id=file_id,
        valid_options=3,
        valid_feedback_file_id=file_id,
        invalid_feedback_file_id=file_id,
        max_retries=1,
    ).data
    simulator.clock.advance(simulator.config.call_delay)
    assert call_status(api, call_id) == {"msisdn": C, "status": "2"}
    simulator.clock.advance(simulator.config.call_retry_interval)
    assert call_status(api, call_id) == {"msisdn": C, "status": "1", "optionSelected": "2"}


def test_seeded_outcomes_cover_every_result(api: Api, simulator: Simulator) -> None:
    file_id = ready_audio(api, simulator)
    numbers = [f"9230011{i:05d}" for i in range(60)]
    ids = api.ok("makecall.jsp", to=",".join(numbers), file_id=file_id).data.split(",")
    simulator.clock.advance(simulator.config.call_delay)
    statuses = {call_status(api, i)["status"] for i in ids}
    assert statuses == {"1", "2", "3", "4"}


def test_sms_campaign_delivers_at_its_time(api: Api, simulator: Simulator) -> None:
    sim = simulator
    list_id = new_list(api, "Three", A, B, C)
    other = new_list(api, "Overlap", C)
    credit = sim.credit("923001234567")
    camp = api.ok(
        "campaign.jsp",
        name="Launch",
        group_ids=f"{list_id},{other}",
        text="Hi",
        time=at(sim, hours=1),
    ).data

    def statuses() -> list[tuple[str, str]]:
        items = api.ok("campstatus.jsp", campid=camp).items("recipient")
        return [(r["msisdn"], r["status"]) for r in items]

    assert statuses() == [(A, "0"), (B, "0"), (C, "0")]
    sim.clock.advance(3599)
    assert statuses() == [(A, "0"), (B, "0"), (C, "0")]
    assert sim.credit("923001234567") == credit
    sim.clock.advance(1)
    assert statuses() == [(A, "1"), (B, "1"), (C, "1")]
    assert sim.credit("923001234567") == credit - 3


def test_sms_campaign_stops_when_credit_runs_out(api: Api, simulator: Simulator) -> None:
    list_id = new_list(api, "Three", A, B, C)
    camp = api.ok("campaign.jsp", name="Big", group_ids=list_id, text="Hi", time=at(simulator)).data
    simulator.account("923001234567").credit = 2.0
    items = api.ok("campstatus.jsp", campid=camp).items("recipient")
    assert [r["status"] for r in items] == ["1", "1", "0"]


def voice_status(api: Api, camp: str) -> dict[str, str]:
    return api.ok("voice_campaign_status.jsp", camp_id=camp).fields()


def test_voice_campaign_runs_to_sent_with_counters(api: Api, simulator: Simulator) -> None:
    sim = simulator
    sim.script_call(A, [CallStatus.SENT])
    sim.script_call(B, [CallStatus.BUSY, CallStatus.SENT])
    sim.script_call(C, [CallStatus.NOT_RESPONDING, CallStatus.NOT_RESPONDING])
    file_id = ready_audio(api, sim)
    list_id = new_list(api, "Voice", A, B, C)
    credit = sim.credit("923001234567")
    camp = api.ok(
        "voice_broadcast_campaign.jsp",
        name="Reminder",
        group_ids=list_id,
        file_id=file_id,
        max_retries=1,
        text="Sorry we missed you",
    ).data
    pending = voice_status(api, camp)
    assert pending["status"] == str(int(VoiceCampaignStatus.PENDING_APPROVAL))
    assert pending["callAttempts"] == "0"
    sim.clock.advance(sim.config.voice_approval_after)
    first = voice_status(api, camp)
    assert first["status"] == str(int(VoiceCampaignStatus.SENDING))
    assert (first["callAttempts"], first["answered"]) == ("1", "1")
    sim.clock.advance(4 * sim.config.voice_call_interval)
    done = voice_status(api, camp)
    assert done["status"] == str(int(VoiceCampaignStatus.SENT))
    counters = {k: done[k] for k in ("callAttempts", "answered", "notAnswered", "notResponding")}
    assert counters == {
        "callAttempts": "5",
        "answered": "2",
        "notAnswered": "0",
        "notResponding": "2",
    }
    assert done["busy"] == "1"
    cost = float(done["campaignCost"])
    assert cost > sim.config.sms_price  # two answered calls and one fallback SMS
    assert sim.credit("923001234567") == credit - cost


def test_voice_campaign_waits_for_its_daily_window(api: Api, simulator: Simulator) -> None:
    sim = simulator  # the clock starts at 10:00
    file_id = ready_audio(api, sim)
    list_id = new_list(api, "Window", A)
    camp = api.ok(
        "voice_broadcast_campaign.jsp",
        name="Afternoon",
        group_ids=list_id,
        file_id=file_id,
        start_time="14:00",
        end_time="15:00",
    ).data
    sim.clock.advance(3600)
    waiting = voice_status(api, camp)
    assert (waiting["status"], waiting["callAttempts"]) == ("1", "0")
    assert (waiting["startTime"], waiting["endTime"]) == ("14:0", "15:0")
    sim.clock.advance_to(sim.clock.now().replace(hour=14, minute=0, second=0))
    assert voice_status(api, camp)["callAttempts"] == "1"


def test_voice_campaign_expires_unfinished(api: Api, simulator: Simulator) -> None:
    sim = simulator
    file_id = ready_audio(api, sim)
    list_id = new_list(api, "Late", A, B)
    camp = api.ok(
        "voice_feedback_campaign.jsp",
        name="Survey",
        group_ids=list_id,
        file_id=file_id,
        valid_options=2,
        end_date=at(sim, hours=2),
        start_time="20:00",
        end_time="21:00",
    ).data
    sim.clock.advance(2 * 3600 - 1)
    assert voice_status(api, camp)["status"] == "1"
    sim.clock.advance(1)
    expired = voice_status(api, camp)
    assert (expired["status"], expired["callAttempts"]) == ("14", "0")


def test_audio_becomes_ready_after_a_delay(api: Api, simulator: Simulator) -> None:
    file_id = api.upload("Greeting", wav_bytes(seconds=1.0)).data
    assert api.ok("audio_status.jsp", file_id=file_id).data == "0"
    simulator.clock.advance(simulator.config.audio_ready_after - 1)
    assert api.ok("audio_status.jsp", file_id=file_id).data == "0"
    simulator.clock.advance(1)
    assert api.ok("audio_status.jsp", file_id=file_id).data == "1"
    assert simulator.state.audio[file_id].duration == 1.0


def test_incoming_pay_then_fetch_once(api: Api, simulator: Simulator) -> None:
    sim = simulator
    sim.push_incoming(A, "first")
    sim.push_incoming(B, "دوسرا پیغام")
    sim.push_incoming(C, "x" * 200)  # two parts
    info = api.ok("incoming_sms_info.jsp").fields()
    assert info["unpaidPendingMessageCount"] == "3"
    assert api.ok("get_incoming_messages.jsp").items("incomingSms") == []  # unpaid: not handed out
    credit = sim.credit("923001234567")
    paid = api.ok("pending_unpaid_sms_action.jsp", action=1).fields()
    assert paid["successfulChargedEntriesCount"] == "3"
    assert paid["successfulChargedSmsCount"] == "4"
    assert paid["unpaidPendingMessageCount"] == "0"
    assert sim.credit("923001234567") == credit - 4 * sim.config.incoming_price
    first = api.ok("get_incoming_messages.jsp", size=2).items("incomingSms")
    assert [m["message"] for m in first] == ["first", "دوسرا پیغام"]
    second = api.ok("get_incoming_messages.jsp", size=2).items("incomingSms")
    assert [m["msisdn"] for m in second] == [C]
    assert api.ok("get_incoming_messages.jsp").items("incomingSms") == []


def test_incoming_date_filter_and_discard(api: Api, simulator: Simulator) -> None:
    sim = simulator
    sim.push_incoming(A, "old one", at=sim.clock.now() - timedelta(days=2))
    sim.push_incoming(B, "new one")
    api.ok("pending_unpaid_sms_action.jsp", action=1)
    today = sim.clock.now().strftime("%Y-%m-%d")
    fetched = api.ok("get_incoming_messages.jsp", date=today).items("incomingSms")
    assert [m["message"] for m in fetched] == ["new one"]
    older = api.ok("get_incoming_messages.jsp").items("incomingSms")
    assert [m["message"] for m in older] == ["old one"]
    sim.push_incoming(C, "spam 1")
    sim.push_incoming(C, "spam 2")
    discarded = api.ok("pending_unpaid_sms_action.jsp", action=2).fields()
    assert (discarded["discardedMessagesCount"], discarded["unpaidPendingMessageCount"]) == (
        "2",
        "0",
    )
    api.ok("pending_unpaid_sms_action.jsp", action=1)
    assert api.ok("get_incoming_messages.jsp").items("incomingSms") == []


def test_free_incoming_messages_cost_nothing(simulator: Simulator) -> None:
    simulator.account("923001234567").free_incoming = 1
    simulator.push_incoming(A, "free")
    simulator.push_incoming(A, "paid")
    with served(simulator) as api:
        credit = simulator.credit("923001234567")
        reply = api.ok("pending_unpaid_sms_action.jsp", action=1).fields()
        assert reply["currentFreeIncomingSmsMessages"] == "0"
        assert simulator.credit("923001234567") == credit - simulator.config.incoming_price


def test_session_expires_after_idle_time(api: Api, simulator: Simulator) -> None:
    idle = simulator.config.session_idle
    assert idle == 1800
    sid = api.sid
    simulator.clock.advance(idle - 1)
    assert api.ok("ping.jsp", session_id=sid).data == sid  # refreshed
    simulator.clock.advance(idle - 1)
    assert api.ok("sendsms.jsp", session_id=sid, to=A, text="x").ok  # any command refreshes
    simulator.clock.advance(idle - 1)
    assert api.ok("querymsg.jsp", session_id=sid, msg_id="40000001").ok
    simulator.clock.advance(idle)
    assert api.error("ping.jsp") == 102
    assert api.error("ping.jsp") == 102
    old = api.sid
    assert api.login() != old
    assert api.ok("ping.jsp").data == api.sid


def test_several_sessions_at_once(api: Api) -> None:
    other = Api(api.http)
    other.login()
    assert other.sid != api.sid
    assert api.ok("ping.jsp").ok and other.ok("ping.jsp").ok
