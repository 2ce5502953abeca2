"""Incoming messages: raw replies first, idempotent storage, quarantine, paging, search."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.gateway.results import IncomingMessage
from tui.ledger import Ledger, LedgerError

Make = Callable[..., IncomingMessage]

BODY = b'<?xml version="1.0"?><corpsms><command>get_incoming_messages</command>...</corpsms>'


def test_raw_reply_is_kept_before_parsing(
    ledger: Ledger, t0: datetime, make_incoming: Make
) -> None:
    raw_id = ledger.inbox.store_incoming_reply(BODY, t0)
    (pending,) = ledger.inbox.unparsed_replies()
    assert (pending.id, pending.body, pending.received_at, pending.parsed) == (
        raw_id,
        BODY,
        t0,
        False,
    )
    assert ledger.inbox.store_incoming_messages(raw_id, [make_incoming("1", "hi")]) == 1
    assert ledger.inbox.unparsed_replies() == []
    stored = ledger.inbox.raw_reply(raw_id)
    assert stored is not None and stored.parsed and stored.body == BODY
    (message,) = ledger.inbox.inbox_page()
    assert message.raw_id == raw_id and message.received_at == t0
    with pytest.raises(LedgerError, match="Raw reply 999"):
        ledger.inbox.store_incoming_messages(999, [])


def test_storing_the_same_messages_again_adds_nothing(
    ledger: Ledger, t0: datetime, make_incoming: Make
) -> None:
    batch = [make_incoming("1", "first", minute=1), make_incoming("2", "second", minute=2)]
    raw_id = ledger.inbox.store_incoming_reply(BODY, t0)
    assert ledger.inbox.store_incoming_messages(raw_id, batch) == 2
    assert ledger.inbox.store_incoming_messages(raw_id, batch) == 0  # re-parse after a crash
    again = ledger.inbox.store_incoming_reply(BODY, t0 + timedelta(minutes=5))
    assert ledger.inbox.store_incoming_messages(again, [*batch, make_incoming("3", "third")]) == 1
    assert ledger.inbox.inbox_count() == 3
    assert len(ledger.inbox.search_inbox("first")) == 1  # the index has no duplicate either
    # Same gateway id from another number (ids are per sender on some gateways) is a new message.
    other = ledger.inbox.store_incoming_reply(BODY, t0)
    assert (
        ledger.inbox.store_incoming_messages(
            other, [make_incoming("1", "x", msisdn="923009999999")]
        )
        == 1
    )


def test_messages_of_one_reply_are_stored_in_gateway_time_order(
    ledger: Ledger, t0: datetime, make_incoming: Make
) -> None:
    late, early = make_incoming("9", "late", minute=9), make_incoming("4", "early", minute=4)
    undated = IncomingMessage("5", "923451234567", "undated", "8558", "garbled", None)
    raw_id = ledger.inbox.store_incoming_reply(BODY, t0)
    ledger.inbox.store_incoming_messages(raw_id, [undated, late, early])
    assert [m.text for m in ledger.inbox.inbox_page()] == ["undated", "late", "early"]
    first = ledger.inbox.inbox_page()[-1]
    assert first.timestamp == early.timestamp and first.timestamp_raw == early.timestamp_raw


def test_quarantine_keeps_the_body_and_stops_reparsing(ledger: Ledger, t0: datetime) -> None:
    raw_id = ledger.inbox.store_incoming_reply(b"<corpsms><data>\xff\xfe garbage", t0)
    qid = ledger.inbox.quarantine(raw_id, "not well-formed XML at line 1", t0)
    assert ledger.inbox.unparsed_replies() == []
    (entry,) = ledger.inbox.quarantined()
    assert (entry.id, entry.raw_id, entry.error, entry.at) == (qid, raw_id, entry.error, t0)
    stored = ledger.inbox.raw_reply(raw_id)
    assert stored is not None and stored.body == b"<corpsms><data>\xff\xfe garbage"


def test_prune_drops_only_old_parsed_unquarantined_bodies(
    ledger: Ledger, t0: datetime, make_incoming: Make
) -> None:
    old = ledger.inbox.store_incoming_reply(b"old", t0)
    ledger.inbox.store_incoming_messages(old, [make_incoming("1", "kept")])
    bad = ledger.inbox.store_incoming_reply(b"bad", t0)
    ledger.inbox.quarantine(bad, "broken", t0)
    unparsed = ledger.inbox.store_incoming_reply(b"unparsed", t0)
    recent = ledger.inbox.store_incoming_reply(b"recent", t0 + timedelta(days=40))
    ledger.inbox.store_incoming_messages(recent, [])
    assert ledger.inbox.prune_raw_replies(t0 + timedelta(days=30)) == 1
    assert ledger.inbox.raw_reply(old) is None
    assert all(ledger.inbox.raw_reply(i) is not None for i in (bad, unparsed, recent))
    (message,) = ledger.inbox.inbox_page()
    assert message.text == "kept" and message.raw_id is None


def _fill(ledger: Ledger, t0: datetime, make_incoming: Make, texts: list[str]) -> None:
    raw_id = ledger.inbox.store_incoming_reply(BODY, t0)
    messages = [
        make_incoming(str(i), text, msisdn=f"92345{i:07d}", minute=i)
        for i, text in enumerate(texts)
    ]
    ledger.inbox.store_incoming_messages(raw_id, messages)


def test_inbox_pages_unread_and_mark_read(
    ledger: Ledger, t0: datetime, make_incoming: Make
) -> None:
    _fill(ledger, t0, make_incoming, [f"message {i}" for i in range(120)])
    page = ledger.inbox.inbox_page(0, 50)
    assert len(page) == 50 and page[0].text == "message 119" and page[-1].text == "message 70"
    assert [m.text for m in ledger.inbox.inbox_page(100, 50)][-1] == "message 0"
    assert len(ledger.inbox.inbox_page(100, 50)) == 20
    assert (ledger.inbox.inbox_count(), ledger.inbox.unread_count()) == (120, 120)
    assert ledger.inbox.mark_read([m.id for m in page]) == 50
    assert ledger.inbox.mark_read([page[0].id]) == 0
    assert ledger.inbox.unread_count() == 70
    unread = ledger.inbox.inbox_page(0, 10, unread_only=True)
    assert unread[0].text == "message 69" and not any(m.read for m in unread)
    assert ledger.inbox.mark_read([page[0].id], read=False) == 1
    assert ledger.inbox.inbox_page(0, 1, unread_only=True)[0].id == page[0].id
    got = ledger.inbox.inbox_message(page[1].id)
    assert got is not None and got.read and got.text == page[1].text
    assert ledger.inbox.mark_all_read() == 71 and ledger.inbox.unread_count() == 0
    assert ledger.dashboard_counts().unread == 0


TEXTS = [
    "Please CALL me back about the invoice",
    "السلام علیکم، آپ کیسے ہیں؟",
    "مُحَمَّد صاحب کا پیغام",
    "Order 5521 delivered. Thanks and regards",
    'He said "stop" (twice) * AND left',
    "كيف حالك",  # Arabic letters, to be matched from an Urdu keyboard
    "Café opening at ۱۰ بجے",
]


@pytest.fixture
def searchable(ledger: Ledger, t0: datetime, make_incoming: Make) -> Ledger:
    _fill(ledger, t0, make_incoming, TEXTS)
    return ledger


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("call", [0]),
        ("CALL ME", [0]),
        ("inv", [0]),  # prefix
        ("back invoice", [0]),  # every word must match
        ("invoice delivered", []),
        ("کیسے", [1]),
        ("علیکم کیسے", [1]),
        ("محمد", [2]),  # vowel marks ignored
        ("مُحَمَّد", [2]),
        ("کیف", [5]),  # Urdu keheh/yeh match Arabic kaf/yeh
        ("cafe", [6]),  # accents ignored
        ("10 بجے", [6]),  # Urdu digits match ASCII digits
        ("۵۵۲۱", [3]),
        ("92345000000", [0, 1, 2, 3, 4, 5, 6]),  # the sender's number is searchable too
        ("923450000003", [3]),
        ("0345-0000003", [3]),  # a number as people type it
        ("+92 345 000 0003", [3]),
        ("0000003", [3]),  # part of one
        ("5521", [3]),  # digits in the text still match the text
        ("and", [3, 4]),
        ("AND", [3, 4]),  # an operator word is just a word
        ('"stop"', [4]),
        ("stop*", [4]),
        ("(twice", [4]),
        ("text:call", []),  # no column filters: "text" is a word to find
    ],
)
def test_search(searchable: Ledger, query: str, expected: list[int]) -> None:
    found = searchable.inbox.search_inbox(query, limit=50)
    assert sorted(int(m.gateway_id) for m in found) == expected
    assert searchable.inbox.search_count(query) == len(expected)


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "AND",
        "(",
        ")",
        "OR",
        "NOT",
        "NEAR(",
        "^",
        "-",
        "+",
        "'",
        "\\",
        '"a',
        "a:b",
        "",
        "  ",
        "*)(\"'",
    ],
)
def test_hostile_queries_never_raise(searchable: Ledger, query: str) -> None:
    result = searchable.inbox.search_inbox(query)
    assert isinstance(result, list)
    assert searchable.inbox.search_count(query) == len(
        searchable.inbox.search_inbox(query, limit=1000)
    )


def test_search_pages_newest_first(ledger: Ledger, t0: datetime, make_incoming: Make) -> None:
    _fill(ledger, t0, make_incoming, [f"offer number {i}" for i in range(30)] + ["other"])
    first = ledger.inbox.search_inbox("offer", limit=10)
    assert [m.text for m in first] == [f"offer number {i}" for i in range(29, 19, -1)]
    rest = ledger.inbox.search_inbox("offer", limit=50, offset=10)
    assert len(rest) == 20 and rest[0].text == "offer number 19"


def test_any_text_is_a_safe_query(tmp_path: Path, t0: datetime, make_incoming: Make) -> None:
    with Ledger.open(tmp_path / "l.sqlite3") as ledger:
        _fill(ledger, t0, make_incoming, TEXTS)

        @settings(max_examples=300, deadline=None)
        @given(st.text(max_size=40))
        def check(query: str) -> None:
            found = ledger.inbox.search_inbox(query)
            assert len(found) <= len(TEXTS)

        check()

        @settings(max_examples=100, deadline=None)
        @given(st.sampled_from(TEXTS))
        def finds_itself(text: str) -> None:
            assert any(m.text == text for m in ledger.inbox.search_inbox(text))

        finds_itself()
