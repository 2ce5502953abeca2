"""Conversations: everything exchanged with one number, in order; the inbox by number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tui.engine.optouts import OptOuts
from tui.engine.service import Engine
from tui.engine.threads import Threads, thread_key
from tui.gateway.codes import CallStatus, MessageStatus
from tui.gateway.numbers import NumberError
from tui.gateway.results import CampaignRecipient
from tui.ledger import NewCall
from tui.simulator import Simulator

NUMBER = "923451234567"


async def test_a_conversation_shows_sent_and_received_in_order(
    engine: Engine, simulator: Simulator
) -> None:
    start = datetime.now(UTC)
    outcome = await engine.send_sms([NUMBER], "Your order has shipped")
    assert outcome.error is None
    simulator.push_incoming(
        msisdn=NUMBER, text="Shukriya! Kab tak?", short_code="8111", at=start + timedelta(hours=1)
    )
    simulator.push_incoming(
        msisdn="923009999999", text="someone else", short_code="8111", at=start + timedelta(hours=1)
    )
    simulator.push_incoming(
        msisdn=NUMBER, text="STOP", short_code="8111", at=start + timedelta(hours=3)
    )
    await engine.pay_and_fetch()
    engine.ledger.calls.record_calls(
        [NewCall("call-1", NUMBER, "f1", start + timedelta(hours=2), kind="feedback")]
    )
    engine.ledger.calls.update_call_status(
        "call-1", CallStatus.SENT, start + timedelta(hours=2), option_selected="2"
    )
    engine.ledger.campaigns.add_campaign(
        "camp-1", "Eid", ["L1"], "Eid Mubarak", start - timedelta(days=1)
    )
    engine.ledger.campaigns.upsert_campaign_statuses(
        "camp-1", [CampaignRecipient(NUMBER, MessageStatus.SENT)], start
    )
    OptOuts(engine).scan_incoming()

    items = Threads(engine).thread("0345-1234567")
    assert [(i.kind, i.direction) for i in items] == [
        ("campaign", "out"),
        ("sms", "out"),
        ("received", "in"),
        ("call", "out"),
        ("received", "in"),
        ("optout", "note"),
    ]
    campaign, sms, reply, call, stop, note = items
    assert (campaign.text, campaign.detail, campaign.status) == ("Eid Mubarak", "Eid", "Sent")
    assert sms.text == "Your order has shipped" and sms.ref == outcome.ids[0][1]
    assert (reply.text, reply.status) == ("Shukriya! Kab tak?", "unread")
    assert (call.text, call.detail) == ("Feedback call", "key 2")
    assert stop.text == "STOP" and note.status == "added"
    assert [i.at for i in items] == sorted(i.at for i in items)
    assert Threads(engine).thread("+92 300 1234567") == []


async def test_the_inbox_grouped_by_number(engine: Engine, simulator: Simulator) -> None:
    for sender, text in [
        ("923451234567", "one"),
        ("923001111111", "other"),
        ("03451234567", "two, stored in another form"),
        ("8111", "a short code"),
    ]:
        simulator.push_incoming(msisdn=sender, text=text, short_code="8111")
    await engine.pay_and_fetch()
    threads = Threads(engine)
    rows = threads.conversations()
    assert [(c.msisdn, c.messages, c.unread, c.last_text) for c in rows] == [
        ("8111", 1, 1, "a short code"),
        (NUMBER, 2, 2, "two, stored in another form"),
        ("923001111111", 1, 1, "other"),
    ]
    assert threads.conversation_count() == 3
    assert [c.msisdn for c in threads.conversations(1, 1)] == [NUMBER]
    assert threads.mark_read("0345 1234567") == 2
    assert [c.msisdn for c in threads.conversations(unread_only=True)] == ["8111", "923001111111"]
    assert threads.conversation_count(unread_only=True) == 2
    assert [i.status for i in threads.thread(NUMBER)] == ["read", "read"]


def test_thread_keys() -> None:
    assert thread_key("0345-1234567") == (
        NUMBER,
        (NUMBER, "03451234567", "3451234567", "+923451234567", "00923451234567"),
    )
    assert thread_key(" 8111 ") == ("8111", ("8111",))
    with pytest.raises(NumberError):
        thread_key("  ")


async def test_the_conversation_query_uses_the_indexes(engine: Engine) -> None:
    from tui.ledger.optouts import INCOMING_PARTY

    plans = {
        sql: " ".join(str(row[3]) for row in engine.ledger._rows(f"EXPLAIN QUERY PLAN {sql}"))
        for sql in (
            f"SELECT id FROM incoming WHERE {INCOMING_PARTY} = '{NUMBER}'",
            f"SELECT id FROM messages WHERE recipient IN ('{NUMBER}', '03451234567')",
            f"SELECT 1 FROM campaign_recipients WHERE msisdn IN ('{NUMBER}')",
        )
    }
    assert all("USING" in plan and "INDEX" in plan for plan in plans.values()), plans
