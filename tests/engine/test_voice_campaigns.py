"""Voice campaigns through the engine, on the demo simulator and a real ledger:
every field checked before the request, each kind created, one run to the end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tui.engine import events
from tui.engine.demo import open_demo_engine
from tui.engine.service import Engine
from tui.engine.tracker import PollBackoff
from tui.engine.voice_campaigns import (
    DEFAULT_LENGTH,
    VoiceCampaigns,
    VoiceDraft,
)
from tui.gateway.codes import (
    DynamicDigits,
    DynamicLanguage,
    DynamicVoice,
    VoiceCampaignStatus,
)
from tui.gateway.errors import OutcomeUnknown

FMT = "%Y-%m-%d %H:%M"


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Engine]:
    """The demo engine (seeded lists and audio) on a manual simulator clock."""
    engine = await open_demo_engine(manual_clock=True, seed=1, directory=tmp_path / "demo")
    engine.tracker.backoff = PollBackoff(0.01, 0.05, 1.0)
    yield engine
    await engine.stop()


def seeded(engine: Engine) -> dict[str, str]:
    """IDs of the demo's lists and audio files by name."""
    ids = {item.name: item.id for item in engine.ledger.lists.lists()}
    ids.update({audio.name: audio.id for audio in engine.ledger.audio.audio_files()})
    return ids


def draft(engine: Engine, **changes: object) -> VoiceDraft:
    ids = seeded(engine)
    base = VoiceDraft(
        kind="broadcast",
        name="Spring offer",
        list_ids=(ids["Staff"],),
        file_id=ids["Welcome message"],
        text="Sorry we missed you. Call 0800-12345.",
        max_retries=1,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def requests_to(engine: Engine, page: str) -> list[dict[str, str]]:
    return [dict(r.params) for r in engine.simulator.requests if r.page == page]


async def test_a_good_draft_becomes_a_plan_with_the_default_end(demo: Engine) -> None:
    voice = VoiceCampaigns(demo)
    now = voice.now()
    start = (now + timedelta(hours=2)).replace(second=0, microsecond=0)
    plan, problems = voice.check(draft(demo, start=start.strftime(FMT), daily_start="09:00"))
    assert problems == []
    assert plan is not None
    assert plan.start == start and plan.start_given
    assert plan.end == start + DEFAULT_LENGTH
    assert plan.recipients == 5
    assert plan.daily_start is not None and plan.daily_end is None
    review = dict(plan.review())
    assert review["Daily window"] == "09:00 to 23:59"
    assert review["Audio"].startswith("Welcome message (ID ")
    # Blank start: now, and the end two days later.
    plan, _ = voice.check(draft(demo))
    assert plan is not None and not plan.start_given
    assert plan.end - plan.start == DEFAULT_LENGTH


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"start": "past"}, "start", "is in the past"),
        ({"start": "soon", "end": "before"}, "end", "is not after the start"),
        ({"start": "31/12/2030"}, "start", "is not a date and time"),
        ({"kind": "feedback", "valid_options": "12"}, "valid_options", "from 0 to 9, not '12'"),
        ({"kind": "feedback", "valid_options": "two"}, "valid_options", "from 0 to 9"),
        ({"kind": "feedback", "valid_options": ""}, "valid_options", "number of valid options"),
        ({"text": "x" * 161}, "text", "161 GSM-7 units long; a voice campaign allows 160"),
        ({"text": "ا" * 71}, "text", "allows 70"),
        ({"file_id": "Eid greeting"}, "file_id", "'Eid greeting' is not Ready yet"),
        (
            {"kind": "feedback", "valid_options": "2", "valid_file_id": "Eid greeting"},
            "valid_file_id",
            "is not Ready yet",
        ),
        ({"kind": "dynamic"}, "language", "English or Urdu"),
        ({"list_ids": ()}, "list_ids", "at least one contact list"),
        ({"name": "  "}, "name", "name is empty"),
        ({"name": "bill REMINDER"}, "name", "'Bill reminder' already exists"),
        ({"max_retries": 3}, "max_retries", "0, 1 or 2"),
        ({"daily_start": "18:00", "daily_end": "09:00"}, "daily_end", "start before it ends"),
        ({"daily_start": "25:00"}, "daily_start", "is not a time"),
    ],
)
async def test_every_field_is_checked_before_anything_is_sent(
    demo: Engine, changes: dict[str, object], field: str, fragment: str
) -> None:
    voice = VoiceCampaigns(demo)
    now, ids = voice.now(), seeded(demo)
    moments = {
        "past": now - timedelta(hours=1),
        "soon": now + timedelta(hours=1),
        "before": now + timedelta(minutes=30),
    }
    values = {
        key: (
            moments[value].strftime(FMT)
            if isinstance(value, str) and value in moments
            else ids.get(value, value)
            if isinstance(value, str)
            else value
        )
        for key, value in changes.items()
    }
    before = len(demo.simulator.requests)
    plan, problems = voice.check(draft(demo, **values))
    assert plan is None
    assert field in [p.field for p in problems], problems
    message = next(p.message for p in problems if p.field == field)
    assert fragment in message
    assert message.endswith(".") and "\n" not in message
    assert len(demo.simulator.requests) == before


async def test_the_problems_of_the_dates_step_are_said_at_once(demo: Engine) -> None:
    """A start in the past does not hide a bad end or a bad daily time."""
    voice = VoiceCampaigns(demo)
    past = (voice.now() - timedelta(days=1)).strftime(FMT)
    plan, problems = voice.check(
        draft(demo, start=past, end="2026-13-01 10:00", daily_start="25:00", daily_end="08:00")
    )
    assert plan is None
    said = {p.field: p.message for p in problems}
    assert "is in the past" in said["start"]
    assert "'2026-13-01 10:00' is not a date and time" in said["end"]
    assert "'25:00' is not a time" in said["daily_start"]


def test_a_review_that_only_moved_with_the_clock_is_the_same_campaign(demo: Engine) -> None:
    """ "As soon as approved (about 21:26)" becoming 21:27 is not a change; a
    start that was typed, a list or a name is."""
    voice = VoiceCampaigns(demo)
    first, _ = voice.check(draft(demo))
    assert first is not None and not first.start_given
    later = replace(first, start=first.start + timedelta(minutes=1))
    later = replace(later, end=later.end + timedelta(minutes=1))
    assert later.same_review_as(first)
    assert not replace(later, name="Other").same_review_as(first)
    given = replace(first, start_given=True)
    assert not replace(given, start=given.start + timedelta(minutes=1)).same_review_as(given)


async def test_each_kind_is_created_recorded_and_followed(demo: Engine) -> None:
    voice = VoiceCampaigns(demo)
    ids = seeded(demo)
    start = (voice.now() + timedelta(hours=1)).strftime(FMT)
    drafts = [
        draft(demo, name="Plain call", start=start, daily_start="09:00", daily_end="18:00"),
        draft(
            demo,
            kind="feedback",
            name="Survey",
            list_ids=(ids["Customers"], ids["Staff"]),
            valid_options="3",
            valid_file_id=ids["Payment reminder"],
            invalid_file_id=ids["Welcome message"],
            text="",
            max_retries=0,
        ),
        draft(
            demo,
            kind="dynamic",
            name="Balance",
            language=DynamicLanguage.URDU,
            digits=DynamicDigits.MONEY,
            voice=DynamicVoice.FEMALE,
            ending_file_id=ids["Payment reminder"],
        ),
    ]
    created = []
    for item in drafts:
        plan, problems = voice.check(item)
        assert plan is not None, problems
        created.append((plan, await voice.create(plan)))

    broadcast = requests_to(demo, "voice_broadcast_campaign.jsp")[-1]
    assert broadcast["start_date"] == start + ":00"
    assert broadcast["start_time"] == "09:00" and broadcast["end_time"] == "18:00"
    assert broadcast["max_retries"] == "1"
    assert broadcast["group_ids"] == ids["Staff"]
    feedback = requests_to(demo, "voice_feedback_campaign.jsp")[-1]
    assert feedback["valid_options"] == "3"
    assert feedback["group_ids"] == f"{ids['Customers']},{ids['Staff']}"
    assert feedback["valid_feedback_file_id"] == ids["Payment reminder"]
    assert "start_date" not in feedback and "text" not in feedback
    dynamic = requests_to(demo, "voice_dynamic_campaign.jsp")[-1]
    assert (dynamic["language"], dynamic["digits"], dynamic["voice"]) == ("2", "1", "2")
    assert dynamic["ending_audio_id"] == ids["Payment reminder"]

    for plan, campaign in created:
        assert campaign.kind == plan.kind and campaign.name == plan.name
        assert campaign.params["recipients"] == plan.recipients
        assert datetime.fromisoformat(campaign.params["end"]) == plan.end
    assert created[1][1].params["valid_options"] == 3
    assert created[2][1].params["language"] == 2
    assert demo.tracker.watching >= 3


async def test_a_broadcast_runs_to_sent_as_the_clock_moves(demo: Engine) -> None:
    voice = VoiceCampaigns(demo)
    plan, _ = voice.check(draft(demo, max_retries=0))
    assert plan is not None
    subscription = demo.subscribe()
    await demo.start()
    campaign = await voice.create(plan)
    demo.simulator.clock.advance(61 + 5 * 10 + 5)
    final: events.StatusChanged | None = None
    async with asyncio.timeout(5):
        async for event in subscription:
            if (
                isinstance(event, events.StatusChanged)
                and event.kind == "voice_campaign"
                and event.item_id == campaign.id
                and event.final
            ):
                final = event
                break
    subscription.close()
    assert final is not None and final.status == "Sent"
    latest = demo.ledger.voice.voice_latest(campaign.id)
    assert latest is not None and latest.status is VoiceCampaignStatus.SENT
    assert latest.call_attempts == 5
    assert latest.answered + latest.not_answered + latest.not_responding + latest.busy == 5
    record = demo.ledger.voice.voice_campaign(campaign.id)
    assert record is not None and record.final


async def test_a_lost_answer_is_recorded_as_unknown(demo: Engine) -> None:
    voice = VoiceCampaigns(demo)
    plan, _ = voice.check(draft(demo, name="Lost reply"))
    assert plan is not None
    demo.simulator.faults.add("voice_broadcast_campaign", "drop", count=1)
    with pytest.raises(OutcomeUnknown):
        await voice.create(plan)
    unknown = demo.ledger.unknown.unknown_submits()
    assert [u.kind for u in unknown] == ["voice_campaign"]
    assert "Lost reply" in unknown[0].target
    assert all(c.name != "Lost reply" for c in demo.ledger.voice.voice_campaigns())


def test_a_daily_window_that_never_opens_between_start_and_end_is_refused() -> None:
    from datetime import time as clock
    from zoneinfo import ZoneInfo

    from tui.engine.voice_campaigns import window_overlaps

    karachi = ZoneInfo("Asia/Karachi")
    evening = datetime(2026, 12, 4, 18, 0, tzinfo=karachi)
    night = datetime(2026, 12, 4, 22, 0, tzinfo=karachi)
    assert not window_overlaps(evening, night, clock(9, 0), clock(17, 0))
    assert window_overlaps(evening, night, clock(21, 0), clock(23, 0))
    assert window_overlaps(evening, evening + timedelta(hours=16), clock(9, 0), clock(17, 0))
    assert not window_overlaps(evening, evening + timedelta(hours=14), clock(9, 0), clock(17, 0))
    assert window_overlaps(evening, night, None, None)
