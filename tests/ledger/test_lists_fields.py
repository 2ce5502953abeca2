"""Columns kept with list members: journalled per number, kept once a batch is
done (also when an unknown batch is confirmed), dropped when an import closes;
members read a page at a time, searched, removed."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tui.ledger import Ledger, LedgerError
from tui.ledger import lists as ledger_lists


def fields(name: str, city: str = "") -> str:
    kept = {"Name": name, **({"City": city} if city else {})}
    return json.dumps(kept, ensure_ascii=False)


def journal_count(ledger: Ledger, job: int) -> int:
    return int(ledger._scalar("SELECT count(*) FROM import_fields WHERE job_id = ?", (job,)))


def test_kept_columns_follow_each_batch_into_the_list(ledger: Ledger, t0: datetime) -> None:
    ledger.lists.add_list("L1", "Office", t0)
    pairs = [("923001110001", fields("علی", "لاہور")), ("923001110002", fields("Sara"))]
    job = ledger.imports.create_import(
        "L1",
        "contacts.xlsx",
        [["923001110001"], ["923001110002", "923001110003"]],
        t0,
        fields=iter(pairs),  # streamed, as an import's temporary file gives them
        field_names=["Name", "City"],
    )
    assert ledger.lists.list_fields("L1") == ["Name", "City"]
    assert journal_count(ledger, job) == 2

    ledger.imports.mark_import_sending(job, 1, t0)
    assert ledger.imports.mark_import_done(job, 1, t0) == 1
    assert journal_count(ledger, job) == 1  # the done batch's columns are the member's now
    # An unknown batch confirmed later keeps its columns too.
    ledger.imports.mark_import_sending(job, 2, t0)
    ledger.imports.mark_import_unknown(job, 2, "timeout", t0)
    assert ledger.imports.mark_import_done(job, 2, t0) == 2
    assert journal_count(ledger, job) == 0
    assert dict(ledger.lists.member_fields("L1")) == {
        "923001110001": {"Name": "علی", "City": "لاہور"},
        "923001110002": {"Name": "Sara"},
        "923001110003": {},
    }

    # A later import adds its own column names after the list's.
    ledger.imports.create_import(
        "L1", "more.csv", [["923001110004"]], t0, field_names=["Email", "Name"]
    )
    assert ledger.lists.list_fields("L1") == ["Name", "City", "Email"]


def test_closing_an_import_drops_the_columns_of_numbers_never_added(
    ledger: Ledger, t0: datetime
) -> None:
    ledger.lists.add_list("L1", "Office", t0)
    job = ledger.imports.create_import(
        "L1", "x.csv", [["923001110001"]], t0, fields=[("923001110001", fields("Ali"))]
    )
    ledger.imports.close_import(job)
    assert journal_count(ledger, job) == 0


def test_a_clean_copy_takes_the_columns_of_the_source_lists(ledger: Ledger, t0: datetime) -> None:
    ledger.lists.add_list("L1", "Office", t0)
    job = ledger.imports.create_import(
        "L1", "x.csv", [["923001110001", "923001110002"]], t0,
        fields=[("923001110001", fields("Ali"))], field_names=["Name"],
    )  # fmt: skip
    ledger.imports.mark_import_sending(job, 1, t0)
    ledger.imports.mark_import_done(job, 1, t0)
    ledger.lists.add_list("L2", "Office (clean)", t0)
    copy = ledger.imports.create_import(
        "L2", "clean copy", [["923001110001"]], t0, fields_of_lists=["L1"]
    )
    ledger.imports.mark_import_sending(copy, 1, t0)
    ledger.imports.mark_import_done(copy, 1, t0)
    assert dict(ledger.lists.member_fields("L2")) == {"923001110001": {"Name": "Ali"}}
    assert ledger.lists.list_fields("L2") == ["Name"]


def test_members_are_read_a_page_at_a_time_searched_and_removed(
    ledger: Ledger, t0: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger.lists.add_list("L1", "Office", t0)
    numbers = [f"9230011100{i:02d}" for i in range(25)]
    ledger.lists.add_members("L1", numbers, "b1", t0)
    monkeypatch.setattr(ledger_lists, "PAGE", 7)  # the streamed read crosses pages
    assert [number for number, _ in ledger.lists.member_fields("L1")] == numbers
    assert [m.msisdn for m in ledger.lists.members("L1", 5, 10)] == numbers[10:15]
    assert [m.msisdn for m in ledger.lists.members("L1", 100, digits="00111000")] == numbers[:10]
    assert ledger.lists.matching_count("L1", "00111001") == 10
    assert ledger.lists.remove_members("L1", [numbers[0], numbers[1], "923009999999"]) == 2
    assert ledger.lists.member_count("L1") == 23 and ledger.lists.matching_count("L1") == 23


def test_an_export_has_the_kept_columns(ledger: Ledger, t0: datetime, tmp_path: Path) -> None:
    ledger.lists.add_list("L1", "Office", t0)
    job = ledger.imports.create_import(
        "L1", "x.csv", [["923001110001"]], t0,
        fields=[("923001110001", fields("=cmd", "Lahore"))], field_names=["Name", "City"],
    )  # fmt: skip
    ledger.imports.mark_import_sending(job, 1, t0)
    ledger.imports.mark_import_done(job, 1, t0)
    out = tmp_path / "office.csv"
    assert ledger.lists.export_members_csv("L1", out, ZoneInfo("Asia/Karachi")) == 1
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Number,Added at (Asia/Karachi),Batch,Name,City"
    # Times in the zone; a cell a spreadsheet would run as a formula is kept as text.
    assert lines[1] == '"=""923001110001""",2026-05-01 14:00:00,import:1:1,\'=cmd,Lahore'
    with pytest.raises(LedgerError, match="List L9 is not in the ledger"):
        ledger.lists.export_members_csv("L9", out, ZoneInfo("Asia/Karachi"))
