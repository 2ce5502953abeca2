"""The do-not-contact list: keyword replies, checks before sends, imports and exports."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.engine.optouts import OptOuts
from tui.engine.service import LEDGER_FILE, Engine
from tui.gateway.errors import InvalidInput
from tui.gateway.keywords import DEFAULT_OPT_IN, DEFAULT_OPT_OUT, KeywordMatcher, classify
from tui.gateway.numbers import parse_recipients
from tui.ledger import Ledger
from tui.ledger.optouts import NewOptOut, OptOutStore
from tui.simulator import Simulator

A, B, C = "923451000001", "923451000002", "923451000003"


async def _reply(engine: Engine, simulator: Simulator, sender: str, text: str) -> None:
    simulator.push_incoming(msisdn=sender, text=text, short_code="8111")
    # The fetcher alone: the engine's own fetch applies keyword replies itself.
    await engine.inbox.pay_and_fetch()


@pytest.mark.parametrize(
    "text",
    [" Stop. ", "STOP", "stop!!", "ｓｔｏｐ", "Unsubscribe", "stop all", "🛑 Stop 🛑", "Band",
     "band kar do", "SMS BAND KARO", "mat bhejo", "بند", "بند کرو۔", "بند کریں", "مت بهیجو",
     "میسج بند کیجئے", "\u200fبند\u200f", "بند كرو"],
)  # fmt: skip
def test_whole_message_keywords_opt_out(text: str) -> None:
    assert classify(text) == "opt_out"


@pytest.mark.parametrize(
    "text",
    ["Stop the bill", "stop the bill", "Please stop by the shop", "band hai kya?", "STOPS",
     "nahi chahiye", "نہیں چاہیے", "No", "نہیں", "bas", "ruko", "", "   ", "STOP" * 60],
)  # fmt: skip
def test_other_messages_are_no_keyword(text: str) -> None:
    assert classify(text) is None


@pytest.mark.parametrize("text", ["START", " start. ", "Shuru karo", "شروع", "شروع کریں"])
def test_start_and_its_equivalents_opt_in(text: str) -> None:
    assert classify(text) == "opt_in"


def test_keyword_lists_are_parameters() -> None:
    assert classify("nahi chahiye", opt_out=[*DEFAULT_OPT_OUT, "Nahi Chahiye"]) == "opt_out"
    assert classify("STOP", opt_out=["BAND"]) is None
    assert classify("HAAN", opt_in=["haan"]) == "opt_in"
    with pytest.raises(ValueError, match="both"):
        KeywordMatcher(["STOP"], [*DEFAULT_OPT_IN, "stop."])


async def test_a_stop_reply_opts_out_and_start_opts_back_in(
    engine: Engine, simulator: Simulator
) -> None:
    optouts = OptOuts(engine)
    await _reply(engine, simulator, A, " Stop. ")
    await _reply(engine, simulator, B, "Stop the bill")
    outcomes = optouts.scan_incoming()
    assert [(o.msisdn, o.result) for o in outcomes] == [(A, "opted_out")]
    check = optouts.check([C, A, B])
    assert check.allowed == [C, B]
    (entry,) = check.blocked
    assert (entry.msisdn, entry.source, entry.why) == (A, "reply", 'replied "Stop."')
    assert check.summary() == "1 number is on the do-not-contact list and will not be sent to."

    simulator.clock.advance(60)
    await _reply(engine, simulator, A, "START")
    assert [o.result for o in optouts.scan_incoming()] == ["opted_in"]
    assert optouts.check([C, A, B]).allowed == [C, A, B]
    assert optouts.scan_incoming() == []  # nothing is applied twice


async def test_a_check_applies_replies_fetched_but_not_scanned(
    engine: Engine, simulator: Simulator
) -> None:
    await _reply(engine, simulator, A, "بند کرو")
    assert OptOuts(engine).check([A, B]).allowed == [B]


async def test_start_does_not_lift_an_entry_made_by_hand(engine: Engine) -> None:
    optouts = OptOuts(engine)
    assert optouts.add(["0345-1000001"], note="asked on the phone", by="Sana").changed == [A]
    outcome = optouts.record_incoming(A, "start", message_id="m1")
    assert outcome.result == "kept" and not outcome.changed
    assert optouts.check([A]).allowed == []
    assert [e.action for e in optouts.store.events(A)] == ["added", "kept"]


async def test_replies_apply_in_time_order_and_once(engine: Engine) -> None:
    optouts = OptOuts(engine)
    t0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert optouts.record_incoming(A, "STOP", "1", t0).result == "opted_out"
    assert optouts.record_incoming(A, "STOP", "1", t0).result == "repeated"
    assert optouts.record_incoming(A, "START", "0", t0 - timedelta(minutes=5)).result == "stale"
    assert optouts.record_incoming(A, "START", "2", t0 + timedelta(minutes=5)).result == "opted_in"
    assert optouts.record_incoming(A, "STOP", "3", t0 + timedelta(minutes=1)).result == "stale"
    assert optouts.record_incoming(A, "hello", "4", t0).result is None
    assert optouts.record_incoming("8111", "STOP", "5", t0).result is None  # not a mobile
    assert optouts.check([A]).allowed == [A]


async def test_the_check_sees_changes_made_by_another_process(engine: Engine) -> None:
    optouts = OptOuts(engine)
    assert optouts.check([A, B]).allowed == [A, B]
    other = Ledger.open(engine.ledger.path)
    try:
        assert _add_from(other, B)
    finally:
        other.close()
    check = optouts.check([A, B])
    assert check.allowed == [A] and check.blocked_numbers == [B]
    optouts.remove([B])
    assert optouts.check([A, B]).allowed == [A, B]


def _add_from(ledger: Ledger, number: str) -> bool:
    store = OptOutStore(ledger)
    return store.add([NewOptOut(number, "manual", "other process")], datetime.now(UTC)) == [number]


async def test_a_large_check_keeps_order(engine: Engine) -> None:
    optouts = OptOuts(engine)
    numbers = parse_recipients("\n".join(f"0345{i:07d}" for i in range(20_000))).valid
    blocked = numbers[::1000]
    optouts.add(blocked)
    check = optouts.check(numbers)
    assert check.allowed == [n for n in numbers if n not in set(blocked)]
    assert check.blocked_numbers == sorted(blocked)


async def test_an_override_is_recorded_with_its_reason(engine: Engine) -> None:
    optouts = OptOuts(engine)
    optouts.add([A])
    with pytest.raises(InvalidInput):
        optouts.override_recorded([A], "  ")
    assert optouts.override_recorded(["03451000001"], "bill reminder required by law", "Ali") == 1
    (added, override) = optouts.store.events(A)
    assert added.action == "added"
    assert (override.action, override.text, override.by) == (
        "override",
        "bill reminder required by law",
        "Ali",
    )
    assert optouts.check([A]).allowed == []  # an override is for one send only


async def test_add_remove_search_and_counts(engine: Engine) -> None:
    optouts = OptOuts(engine)
    before = datetime.now(UTC) - timedelta(seconds=1)
    change = optouts.add(["+92 345 1000001", "03451000002", "hello", A], note="complaint")
    assert change.changed == [A, B] and change.unchanged == []
    assert change.invalid == [("hello", "hello", "contains letters")]
    assert optouts.add([A]).unchanged == [A]
    optouts.record_incoming(C, "band karo", "9")
    assert [e.msisdn for e in optouts.search("0345 1000003")] == [C]
    assert {e.msisdn for e in optouts.search("complaint")} == {A, B}
    assert optouts.count("reply") == 1 and optouts.count() == 3
    counts = optouts.new_since(before)
    assert (counts.replies, counts.manual, counts.imports, counts.total) == (1, 2, 0, 3)
    assert optouts.new_since(datetime.now(UTC) + timedelta(hours=1)).total == 0
    removed = optouts.remove([A, "03009999999"])
    assert removed.changed == [A] and removed.unchanged == ["923009999999"]


async def test_export_keeps_numbers_whole_and_imports_again(engine: Engine, tmp_path: Path) -> None:
    optouts = OptOuts(engine)
    at = datetime(2026, 1, 5, 9, 0, 0, 123456, tzinfo=UTC)
    assert optouts.record_incoming(A, "=STOP", "7", at).result == "opted_out"
    optouts.add([B], note="=HYPERLINK()")
    target = tmp_path / "list.csv"
    assert optouts.export_csv(target) == 2
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:2] == ["Number", "Since (Asia/Karachi)"]
    # Pakistan time to the second; a reply's text is never a formula.
    assert rows[1][:4] == ['="923451000001"', "2026-01-05 14:00:00", "reply", "'=STOP"]
    assert rows[2][0] == '="923451000002"' and rows[2][3] == "'=HYPERLINK()"
    with pytest.raises(InvalidInput, match="exists"):
        optouts.export_csv(target)
    assert optouts.export_csv(target, overwrite=True) == 2

    other = await Engine.open(engine.profile, data_dir=tmp_path / "other")
    try:
        imported = OptOuts(other).import_csv(target)
        assert imported.changed == [A, B] and imported.invalid == []
        assert OptOuts(other).search(A)[0].why == "imported from list.csv"
    finally:
        await other.stop()


async def test_import_reads_plain_lists_and_reports_bad_lines(
    engine: Engine, tmp_path: Path
) -> None:
    source = tmp_path / "dnc.csv"
    source.write_text(
        "Name;Mobile\nAli;0345-1000001\nSana;+92 345 1000002\nBad;12345\n;\n"
        "Ali again;03451000001\n",
        encoding="utf-8",
    )
    optouts = OptOuts(engine)
    change = optouts.import_csv(source, note="PTA list", by="ops")
    assert change.changed == [A, B]
    assert change.invalid == [("line 4", "Bad,12345", "too short (5 digits)")]
    assert optouts.search(B)[0].why == "imported from PTA list"
    assert optouts.import_csv(source).unchanged == [A, B]


async def test_profile_keywords_replace_the_defaults(engine: Engine) -> None:
    engine.profile.optout_keywords = ["BAS", "Nahi Chahiye"]
    optouts = OptOuts(engine)
    assert optouts.classify("nahi chahiye") == "opt_out"
    assert optouts.classify("STOP") is None
    assert optouts.classify("START") == "opt_in"


async def test_a_new_ledger_has_the_list(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "data" / LEDGER_FILE
    assert engine.ledger.path == path
    assert OptOutStore(engine.ledger).snapshot() == (0, frozenset())


async def test_members_of_subscriber_lists_on_the_list(engine: Engine) -> None:
    at = datetime.now(UTC)
    engine.ledger.lists.add_list("L1", "Customers", at)
    engine.ledger.lists.add_members("L1", [A, B, C], "b1", at)
    optouts = OptOuts(engine)
    optouts.add([C, A])
    assert optouts.listed_members(["L1"]) == [A, C]
    assert optouts.listed_members(["nothing"]) == []


async def test_the_confirmation_sms_goes_once_to_who_opted_out(
    engine: Engine, simulator: Simulator
) -> None:
    def confirmations() -> list[str]:
        return [
            r.params["to"]
            for r in simulator.requests
            if r.page == "sendsms.jsp" and r.params.get("text", "").startswith("You will")
        ]

    async def _engine_reply(engine: Engine, simulator: Simulator, sender: str, text: str) -> None:
        simulator.push_incoming(msisdn=sender, text=text, short_code="8111")
        await engine.pay_and_fetch()  # fetches, applies keywords, confirms

    await _engine_reply(engine, simulator, A, "STOP")
    assert confirmations() == []  # off by default
    engine.profile.optout_confirmation = "You will get no more messages. Send START to rejoin."
    await _engine_reply(engine, simulator, B, "band karo")
    await _engine_reply(engine, simulator, C, "Stop the bill")
    assert confirmations() == [B]
    await _engine_reply(engine, simulator, B, "STOP")  # already on the list: nothing more
    assert confirmations() == [B]
    actions = [event.action for event in engine.optouts.store.events(B)]
    assert actions == ["added", "override"]  # the send to an opted-out number is recorded


async def test_import_reads_a_workbook_as_list_imports_do(engine: Engine, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Mobile"])
    sheet.append(["علی", 923451000001])  # a number cell, as Excel keeps it
    sheet.append(["Sana", "'0345-1000002"])
    sheet.append(["Office", "021-1234567"])
    source = tmp_path / "dnc.xlsx"
    book.save(source)
    change = OptOuts(engine).import_csv(source)
    assert change.changed == [A, B]
    assert change.invalid == [
        ("line 4", "Office,021-1234567", "is a landline; the gateway sends to mobiles only")
    ]
