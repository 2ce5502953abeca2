"""Every submit is journalled before it leaves: interrupted ones become unknown outcomes."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.engine.list_upload import ListUploader
from tui.engine.service import Engine
from tui.engine.sms_campaigns import CampaignDraft, SmsCampaigns
from tui.gateway.errors import InvalidNumbers, OutcomeUnknown
from tui.ledger import Ledger
from tui.simulator import Simulator


async def test_an_accepted_send_leaves_no_intent_and_a_refused_one_neither(
    engine: Engine, simulator: Simulator
) -> None:
    outcome = await engine.send_sms(["03001234567"], "Hello")
    assert len(outcome.ids) == 1 and not outcome.outcome_unknown
    assert engine.ledger.intents.open_intents() == []
    with pytest.raises(InvalidNumbers):
        await engine.send_sms(["0300"], "Hello")
    assert (
        engine.ledger.intents.open_intents() == [] and engine.ledger.unknown.unknown_submits() == []
    )


async def test_a_send_cancelled_in_flight_becomes_unknown_once_its_run_is_gone(
    engine: Engine, simulator: Simulator
) -> None:
    simulator.faults.add("sendsms", "late", seconds=30.0, count=1)
    numbers = [f"0300{1000000 + i:07d}" for i in range(120)]
    task = asyncio.create_task(engine.send_sms(numbers, "Bill due"))
    while "sendsms.jsp" not in simulator.pages_requested():  # noqa: ASYNC110 (polled state)
        await asyncio.sleep(0.01)
    task.cancel()  # the process stops while the request is out
    with pytest.raises(asyncio.CancelledError):
        await task
    [intent] = engine.ledger.intents.open_intents()
    assert len(intent.targets) == 120 and intent.pid == os.getpid()

    # While its process lives, it is in flight, not unknown.
    assert engine.ledger.intents.promote_stale_intents(datetime.now(UTC)) == 0
    # Once the process is gone, it is an unknown outcome holding every recipient.
    promoted = engine.ledger.intents.promote_stale_intents(
        datetime.now(UTC), alive=lambda pid: False
    )
    assert promoted == 1 and engine.ledger.intents.open_intents() == []
    [entry] = engine.ledger.unknown.unknown_submits()
    assert len(entry.targets) == 120 and "may have been sent" in entry.summary


async def test_an_old_intent_is_stale_even_if_its_pid_was_reused(
    engine: Engine,
) -> None:
    engine.ledger.intents.open_intent(
        "call", "makecall.jsp", "call", ["923001234567"], datetime.now(UTC)
    )
    later = datetime.now(UTC) + timedelta(hours=2)
    assert engine.ledger.intents.promote_stale_intents(later) == 1


async def test_a_campaign_whose_answer_is_lost_is_unknown_and_leaves_no_intent(
    engine: Engine, simulator: Simulator
) -> None:
    created = await ListUploader(engine).create_list("Customers")
    list_id = created.id
    await ListUploader(engine).upload(list_id, ["923001234567", "923211234567"], "test")
    campaigns = SmsCampaigns(engine)
    simulator.faults.add("campaign", "drop", count=1)
    draft = CampaignDraft(name="Eid", list_ids=[list_id], text="Eid Mubarak")
    with pytest.raises(OutcomeUnknown):
        await campaigns.create(draft)
    assert engine.ledger.intents.open_intents() == []
    [entry] = engine.ledger.unknown.unknown_submits()
    assert entry.kind == "sms_campaign" and entry.targets == ["Eid"]


def test_intents_survive_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger.open(path) as ledger:
        ledger.intents.open_intent(
            "message", "sendsms.jsp", "SMS", ["923001234567"], datetime.now(UTC)
        )
    with Ledger.open(path) as ledger:
        [intent] = ledger.intents.open_intents()
        assert intent.targets == ("923001234567",)
