"""The demo seed data: every kind of record exists and behaves like the real thing."""

from __future__ import annotations

import re

from tests.simulator.simkit import served
from tui.simulator import Simulator, SimulatorConfig
from tui.simulator.demo import DemoSeed

URDU = re.compile("[\u0600-\u06ff]")


def seed_of(sim: Simulator) -> DemoSeed:
    assert sim.demo_seed is not None
    return sim.demo_seed


def test_demo_account_has_something_on_every_screen(demo_simulator: Simulator) -> None:
    sim = demo_simulator
    seed = seed_of(sim)
    with served(sim, login=False) as api:
        api.login(seed.msisdn, seed.password)
        assert len(seed.lists) >= 2 and all(item.members for item in seed.lists)
        names = [item.name for item in seed.lists]
        assert len(set(names)) == len(names)
        assert api.error("list.jsp", list_name=names[0]) == 400  # the gateway knows them
        api.ok("addcontacts.jsp", list_id=seed.lists[0].id, to="923001119999")
        finished, upcoming = seed.sms_campaigns
        statuses = api.ok("campstatus.jsp", campid=finished.id).items("recipient")
        assert statuses and {s["status"] for s in statuses} == {"1"}
        statuses = api.ok("campstatus.jsp", campid=upcoming.id).items("recipient")
        assert statuses and {s["status"] for s in statuses} == {"0"}
        (running,) = seed.voice_campaigns
        voice = api.ok("voice_campaign_status.jsp", camp_id=running.id).fields()
        assert voice["status"] == "8" and int(voice["callAttempts"]) > 0
        assert voice["campaignName"] == running.name
        ready = [api.ok("audio_status.jsp", file_id=a.id).data for a in seed.audio]
        assert ready.count("1") >= 1 and ready.count("0") == 1
        assert [api.ok("querymsg.jsp", msg_id=m.id).data for m in seed.messages] == ["1", "1", "0"]
        for call in seed.calls:
            state = api.ok("querycall.jsp", call_id=call.id).items("recipient")[0]
            assert state["status"] == "1"
            assert ("optionSelected" in state) == call.feedback
        info = api.ok("incoming_sms_info.jsp").fields()
        unpaid = int(info["unpaidPendingMessageCount"])
        assert unpaid > 0
        inbox = api.ok("get_incoming_messages.jsp").items("incomingSms")
        texts = [m["message"] for m in inbox]
        assert any(URDU.search(t) for t in texts) and any(t.isascii() for t in texts)
        sim.clock.advance(3 * 3600)
        later = api.ok("incoming_sms_info.jsp").fields()
        assert int(later["unpaidPendingMessageCount"]) > unpaid  # new ones keep arriving
        sim.clock.advance(sim.config.audio_ready_after)
        assert {api.ok("audio_status.jsp", file_id=a.id).data for a in seed.audio} == {"1"}


def test_demo_voice_campaign_finishes(demo_simulator: Simulator) -> None:
    sim = demo_simulator
    (running,) = seed_of(sim).voice_campaigns
    with served(sim) as api:
        sim.clock.advance(24 * 3600)
        voice = api.ok("voice_campaign_status.jsp", camp_id=running.id).fields()
        assert voice["status"] == "4"
        members = sum(len(x.members) for x in seed_of(sim).lists if x.id in running.list_ids)
        assert int(voice["answered"]) <= members <= int(voice["callAttempts"])


def test_demo_runs_on_a_fast_real_time_clock() -> None:
    sim = Simulator(SimulatorConfig(speed=60.0), demo=True)
    first = sim.clock.now()
    assert seed_of(sim).msisdn == "923001234567"
    assert sim.clock.now() >= first
