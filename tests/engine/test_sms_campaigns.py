"""SMS campaigns against the simulator over loopback HTTP: the wizard's checks,
creation in the gateway's time format, tracking to Sent with a stepped clock,
unknown outcomes, and the CSV export."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import SIM_MASKS, SIM_MSISDN, SIM_PASSWORD, SIM_START
from tui.config import Profile
from tui.engine.clock import Clock
from tui.engine.service import Engine
from tui.engine.sms_campaigns import CampaignDraft, SmsCampaigns, gateway_now, parse_when
from tui.gateway.errors import GatewayError, InvalidInput, OutcomeUnknown
from tui.simulator import Simulator, SimulatorServer

KARACHI = ZoneInfo("Asia/Karachi")
NOW = datetime(2024, 3, 4, 10, 0, tzinfo=KARACHI)
FRIENDS = ["923001111111", "923002222222", "923003333333"]
FAMILY = ["923003333333", "923004444444"]


async def make_engine(
    base_url: str, data: Path, sim: Simulator, zone: str, clock: Clock | None = None
) -> Engine:
    """An engine on ``sim`` over HTTP, on the simulator's clock unless ``clock`` is given."""
    profile = Profile(
        name="test",
        base_url=base_url,
        msisdn=SIM_MSISDN,
        password=SIM_PASSWORD,
        masks=list(SIM_MASKS),
        default_mask=SIM_MASKS[0],
        timezone=zone,
        timeout=5.0,
    )
    engine = await Engine.open(profile, data_dir=data, clock=clock or sim.clock)
    engine.simulator = sim
    return engine


@pytest.fixture
async def engine(
    sim_server: SimulatorServer, simulator: Simulator, tmp_path: Path
) -> AsyncIterator[Engine]:
    opened = await make_engine(sim_server.base_url, tmp_path / "data", simulator, "Asia/Karachi")
    yield opened
    await opened.stop()


async def make_list(engine: Engine, name: str, members: list[str]) -> str:
    """A list created on the gateway and remembered in the ledger, as the Lists screen does."""
    list_id = await engine.client.create_list(name)
    await engine.client.add_contacts(list_id, members)
    at = datetime.now(UTC)
    engine.ledger.lists.add_list(list_id, name, at)
    engine.ledger.lists.add_members(list_id, members, "test", at)
    return list_id


# Checks ---------------------------------------------------------------------------


def test_parse_when_reads_the_profile_zone_and_refuses_the_past() -> None:
    assert parse_when("2024-03-04 10:30", KARACHI, NOW) == datetime(
        2024, 3, 4, 10, 30, tzinfo=KARACHI
    )
    assert parse_when(" 2024-03-05T09:00:30 ", KARACHI, NOW).second == 30
    utc = parse_when("2024-03-04 06:00", ZoneInfo("UTC"), NOW)
    assert utc.astimezone(KARACHI).hour == 11
    with pytest.raises(InvalidInput, match=r"is in the past \(it is now 2024-03-04 10:00"):
        parse_when("2024-03-04 09:59", KARACHI, NOW)
    with pytest.raises(InvalidInput, match="in the past"):
        parse_when("2024-03-04 10:00", KARACHI, NOW)
    with pytest.raises(InvalidInput, match="write it as YYYY-MM-DD HH:MM"):
        parse_when("tomorrow at ten", KARACHI, NOW)
    with pytest.raises(InvalidInput, match="choose to send now"):
        parse_when("  ", KARACHI, NOW)


async def test_names_lists_and_text_are_checked(engine: Engine) -> None:
    campaigns = SmsCampaigns(engine)
    friends = await make_list(engine, "Friends", FRIENDS)
    family = await make_list(engine, "Family", FAMILY)
    empty = await make_list(engine, "Empty", ["923005555555"])
    engine.ledger.lists.add_list("9999", "Nobody", datetime.now(UTC))

    audience = campaigns.audience([friends, family])
    assert (audience.total, audience.unique, audience.repeats) == (5, 4, 1)
    assert [item.name for item in audience.lists] == ["Friends", "Family"]
    with pytest.raises(InvalidInput, match="at least one list"):
        campaigns.audience([])
    with pytest.raises(InvalidInput, match="no members"):
        campaigns.audience(["9999"])
    with pytest.raises(InvalidInput, match="List 424242 is not known"):
        campaigns.audience(["424242"])
    assert campaigns.audience([empty]).unique == 1

    assert campaigns.check_name("  Eid   greetings ") == "Eid greetings"
    with pytest.raises(InvalidInput, match="needs a name"):
        campaigns.check_name("   ")
    with pytest.raises(InvalidInput, match="at most 100"):
        campaigns.check_name("x" * 101)
    with pytest.raises(InvalidInput, match="cannot hold"):
        campaigns.check_name("a <b>")
    with pytest.raises(InvalidInput, match="Write the message"):
        campaigns.check_text(" \n")
    with pytest.raises(InvalidInput, match="not one of the profile's masks"):
        campaigns.check_mask("OTHER")


async def test_scheduled_campaign_is_created_tracked_and_exported(
    engine: Engine, simulator: Simulator, tmp_path: Path
) -> None:
    campaigns = SmsCampaigns(engine)
    friends = await make_list(engine, "Friends", FRIENDS)
    family = await make_list(engine, "Family", FAMILY)
    when = campaigns.parse_when("2024-03-04 11:15")
    draft = CampaignDraft("Eid greetings", [friends, family], "Eid Mubarak!", when, "SHOP")
    review = campaigns.review(draft)
    assert review.total_segments == 4
    assert "2024-03-04 11:15 Asia/Karachi" in review.when_text

    campaign = await campaigns.create(draft)
    sent = [r for r in simulator.requests if r.page == "campaign.jsp"][-1].params
    assert sent["time"] == "2024-03-04 11:15:00"
    assert sent["group_ids"] == f"{friends},{family}" and sent["mask"] == "SHOP"
    assert campaign.name == "Eid greetings" and campaign.scheduled_at == when
    assert engine.tracker.watching == 1

    await engine.tracker.run_round()
    record = engine.ledger.campaigns.campaign(campaign.id)
    assert record is not None and record.state == "Scheduled" and not record.final
    assert campaigns.progress(campaign.id).sent == 0
    assert campaigns.progress(campaign.id).total == 4

    simulator.clock.advance_to(when + timedelta(seconds=1))
    campaigns.refresh(campaign.id)  # due now rather than after the backoff
    await engine.tracker.run_round()
    record = engine.ledger.campaigns.campaign(campaign.id)
    assert record is not None and record.state == "Sent" and record.final
    progress = campaigns.progress(campaign.id)
    assert (progress.total, progress.sent, progress.not_sent) == (4, 4, 0)

    # The same name is refused from now on, whatever its case.
    with pytest.raises(InvalidInput, match="already exists"):
        campaigns.check_name("EID GREETINGS")

    target = tmp_path / "eid.csv"
    assert await campaigns.export(campaign.id, target) == 4
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert sorted(row[0] for row in rows[1:]) == sorted(f'="{n}"' for n in {*FRIENDS, *FAMILY})
    with pytest.raises(InvalidInput, match="is a folder"):
        await campaigns.export(campaign.id, tmp_path)


async def test_a_profile_in_another_zone_sends_pakistan_time(
    sim_server: SimulatorServer, simulator: Simulator, tmp_path: Path
) -> None:
    engine = await make_engine(sim_server.base_url, tmp_path / "data", simulator, "Europe/London")
    try:
        campaigns = SmsCampaigns(engine)
        friends = await make_list(engine, "Friends", FRIENDS)
        when = campaigns.parse_when("2024-03-04 06:00")  # 11:00 in Karachi
        await campaigns.create(CampaignDraft("Morning", [friends], "Good morning", when))
        sent = [r for r in simulator.requests if r.page == "campaign.jsp"][-1].params
        assert sent["time"] == "2024-03-04 11:00:00"
    finally:
        await engine.stop()


async def test_now_uses_the_gateway_clock_and_past_times_never_go_out(
    engine: Engine, simulator: Simulator
) -> None:
    campaigns = SmsCampaigns(engine)
    friends = await make_list(engine, "Friends", FRIENDS)
    assert gateway_now(engine) == SIM_START
    past = SIM_START - timedelta(minutes=1)
    before = len(simulator.requests)
    with pytest.raises(InvalidInput, match="in the past"):
        await campaigns.create(CampaignDraft("Late", [friends], "Hi", past))
    assert len(simulator.requests) == before

    campaign = await campaigns.create(CampaignDraft("Right away", [friends], "Hi"))
    sent = [r for r in simulator.requests if r.page == "campaign.jsp"][-1].params
    assert sent["time"] == "2024-03-04 10:00:00"
    await engine.tracker.run_round()
    record = engine.ledger.campaigns.campaign(campaign.id)
    assert record is not None and record.state == "Sent" and record.final


async def test_gateway_refusal_records_nothing_and_lost_reply_is_unknown(
    engine: Engine, simulator: Simulator
) -> None:
    campaigns = SmsCampaigns(engine)
    friends = await make_list(engine, "Friends", FRIENDS)
    # A campaign the gateway knows but this ledger does not (made elsewhere).
    await engine.client.create_campaign("Elsewhere", [friends], "Hi", SIM_START)
    with pytest.raises(GatewayError) as refused:
        await campaigns.create(CampaignDraft("Elsewhere", [friends], "Hi again"))
    assert refused.value.code == 500
    assert engine.ledger.campaigns.campaigns() == []

    simulator.faults.add("campaign", "drop", count=1)
    with pytest.raises(OutcomeUnknown):
        await campaigns.create(CampaignDraft("Lost", [friends], "Hello"))
    unknown = engine.ledger.unknown.unknown_submits()
    assert len(unknown) == 1 and unknown[0].kind == "sms_campaign"
    assert unknown[0].target == "Lost" and unknown[0].command == "campaign.jsp"
    assert engine.ledger.campaigns.campaigns() == []
