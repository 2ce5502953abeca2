"""The Inbox's page on show and how its messages are written, on a real engine
and ledger file: paging, search, the grouped view, times and keyword labels."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tui.engine.inbox_view import PAGE_SIZE, InboxPaging, InboxWriting, is_rtl
from tui.engine.service import Engine
from tui.gateway.results import IncomingMessage

T0 = datetime(2026, 5, 1, 9, 0)
BODY = b'<?xml version="1.0"?><corpsms><command>get_incoming_messages</command></corpsms>'


def store(engine: Engine, texts: list[tuple[str, str]]) -> None:
    """Store ``(number, text)`` messages as one fetched reply, a minute apart."""
    raw_id = engine.ledger.inbox.store_incoming_reply(BODY, datetime.now(UTC))
    messages = [
        IncomingMessage(
            id=str(n),
            msisdn=number,
            message=text,
            short_code="8558",
            timestamp_raw=(T0 + timedelta(minutes=n)).strftime("%Y,%m,%d %H:%M"),
            timestamp=T0 + timedelta(minutes=n),
        )
        for n, (number, text) in enumerate(texts)
    ]
    engine.ledger.inbox.store_incoming_messages(raw_id, messages)


async def test_pages_turn_and_say_where_they_are(engine: Engine) -> None:
    store(engine, [(f"92345{n:07d}", f"message {n}") for n in range(250)])
    paging = InboxPaging()
    assert len(paging.messages(engine.ledger)) == PAGE_SIZE
    assert paging.line() == "1-100 of 250 in the inbox · page 1/3"
    assert not paging.turn(-1) and paging.offset == 0
    assert paging.turn(1) and paging.turn(1)
    assert len(paging.messages(engine.ledger)) == 50
    assert paging.line() == "201-250 of 250 in the inbox · page 3/3"
    assert not paging.turn(1) and paging.offset == 200


async def test_a_search_past_its_end_shows_its_last_page(engine: Engine) -> None:
    store(engine, [("923451234567", f"order {n}" if n % 2 else f"hello {n}") for n in range(240)])
    paging = InboxPaging(offset=200)
    paging.search_for("  order ")
    assert paging.search == "order" and paging.offset == 0
    paging.offset = 200  # a page the 120 matches do not reach
    assert len(paging.messages(engine.ledger)) == 20
    assert paging.offset == 100
    assert paging.line() == "101-120 of 120 matching 'order' · page 2/2"
    paging.search_for("nothing-like-this")
    assert paging.messages(engine.ledger) == []
    assert paging.line() == "No messages matching 'nothing-like-this'."
    paging.clear_search()
    assert paging.search is None and paging.messages(engine.ledger)


async def test_grouping_starts_at_the_first_number_and_comes_back_to_the_page(
    engine: Engine,
) -> None:
    store(engine, [(f"92300{n % 3:07d}", f"hi {n}") for n in range(150)])
    paging = InboxPaging()
    paging.messages(engine.ledger)
    assert paging.turn(1) and paging.offset == 100
    paging.toggle_group()
    assert paging.grouped and paging.offset == 0
    assert [c.messages for c in paging.conversations(engine.threads)] == [50, 50, 50]
    assert paging.line() == "Grouped by number · 1-3 of 3 numbers · page 1/1"
    paging.toggle_group()
    assert not paging.grouped and paging.offset == 100
    paging.toggle_group()
    paging.search_for("hi")  # a search shows messages again, from their first page
    assert paging.message_offset == 0


async def test_times_are_written_in_the_profiles_zone_and_keywords_labelled(
    engine: Engine,
) -> None:
    store(engine, [("923451234567", "STOP"), ("923451234567", "Kab tak?")])
    stop, question = sorted(engine.ledger.inbox.inbox_page(), key=lambda m: m.id)
    engine.profile.timezone = "Asia/Karachi"
    writing = InboxWriting.of(engine)
    assert writing.label(stop.text) == "Opt-out: " and writing.label(question.text) == ""
    assert writing.when(stop) == "2026-05-01 09:00"  # as the gateway wrote it
    aware = replace(stop, timestamp=datetime(2026, 5, 1, 4, 0, tzinfo=UTC))
    assert writing.when(aware) == "2026-05-01 09:00"  # UTC+5 in Karachi
    assert writing.at(datetime(2026, 5, 1, 23, 30, tzinfo=UTC)) == "2026-05-02 04:30"
    unreadable = replace(stop, timestamp=None, timestamp_raw="2026,13,45 99:99")
    assert writing.when(unreadable) == "2026,13,45 99:99"
    assert InboxWriting("Not/AZone", writing.classify).zone is None


def test_right_to_left_is_the_first_letter_with_a_direction() -> None:
    assert is_rtl("۱۲ شکریہ")  # digits have no direction of their own here
    assert not is_rtl("OK شکریہ")
    assert not is_rtl("123 !")
