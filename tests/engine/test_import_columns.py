"""Several phone columns and the other columns kept with each member, end to end."""

from __future__ import annotations

import csv
import json
import tracemalloc
from pathlib import Path

import openpyxl
import pytest

from tui.engine.clean_lists import make_clean_list
from tui.engine.imports import preview_file
from tui.engine.list_members import GATEWAY_KEEPS, ListMembers, parse_search
from tui.engine.list_upload import Fields, ListUploader
from tui.engine.service import Engine
from tui.engine.sheets import SheetError, sheet_names
from tui.gateway.errors import InvalidInput
from tui.simulator import Simulator


def messy_workbook(path: Path) -> dict[str, str]:
    """Contacts as an office keeps them: a summary sheet first, two phone columns
    (numbers as numbers, as text, with apostrophes, in scientific notation),
    Urdu names, blank cells and a totals row. Returns the name of each number."""
    book = openpyxl.Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    summary.append(["Region", "Contacts"])
    summary.append(["Lahore", 4])
    sheet = book.create_sheet("Contacts")
    sheet.append(["Name", "Mobile", "Phone 2", "City"])
    sheet.append(["علی رضا", 923001234567, "0321-7654321", "لاہور"])
    sheet.append(["سارہ", "'03331112223", None, "Karachi"])
    sheet.append(["Bilal", "9.23451234567E+11", "03001234567", None])  # a repeat in Phone 2
    sheet.append(["Nobody", "n/a", None, "Quetta"])
    sheet.append([None, None, None, None])
    sheet.append(["Total", None, None, 4])
    book.save(path)
    return {
        "923001234567": "علی رضا",
        "923217654321": "علی رضا",
        "923331112223": "سارہ",
        "923451234567": "Bilal",
    }


def test_the_preview_counts_each_phone_column_and_keeps_the_other_columns(
    tmp_path: Path,
) -> None:
    path = tmp_path / "contacts.xlsx"
    names = messy_workbook(path)
    assert sheet_names(path) == ["Summary", "Contacts"]
    columns = ["Mobile", "phone 2"]
    with preview_file(path, sheet="Contacts", column=columns, keep_columns=True) as preview:
        assert preview.numbers == list(names)
        assert preview.per_column == {"'Mobile'": 3, "'Phone 2'": 2}
        assert (preview.rows_read, preview.valid, preview.duplicates_in_file) == (5, 5, 1)
        assert [(r.line, r.value) for r in preview.invalid_rows] == [(5, "n/a"), (7, "")]
        assert preview.field_names == ["Name", "City"]
        kept = {number: json.loads(text) for number, text in preview.kept_fields()}
        assert {number: fields["Name"] for number, fields in kept.items()} == names
        assert kept["923451234567"] == {"Name": "Bilal"}  # a blank cell is not kept
        report = "\n".join(preview.report_lines())
        assert "from 'Phone 2'" in report and "Kept with each number: Name, City." in report
    # Without keep_columns nothing is kept, and one column reads as before.
    with preview_file(path, sheet="Contacts", column="Mobile") as preview:
        assert list(preview.kept_fields()) == [] and preview.field_names == []
        assert preview.numbers == ["923001234567", "923331112223", "923451234567"]
    with pytest.raises(SheetError, match=r"No column of .* is named 'Fax'"):
        preview_file(path, sheet="Contacts", column=["Mobile", "Fax"])


async def test_a_messy_workbook_lands_in_the_list_with_each_members_name(
    loopback_engine: Engine, simulator: Simulator, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.xlsx"
    names = messy_workbook(path)
    uploader = ListUploader(loopback_engine)
    target = await uploader.create_list("Office")
    with preview_file(
        path, sheet="Contacts", column=["Mobile", "Phone 2"], keep_columns=True
    ) as preview:
        fields = Fields(preview.kept_fields(), preview.field_names)
        [result] = await uploader.upload(target.id, preview.numbers, str(path), fields=fields)
    assert result.ok and result.added == 4
    assert sorted(simulator.state.lists[target.id].members) == sorted(names)

    ledger = loopback_engine.ledger
    rows = dict(ListMembers(loopback_engine, target.id).rows())
    assert {number: kept["Name"] for number, kept in rows.items()} == names
    assert rows["923001234567"]["City"] == "لاہور"
    assert ledger.lists.list_fields(target.id) == ["Name", "City"]
    # The journal let go of the columns once the batches were done.
    assert ledger._scalar("SELECT count(*) FROM import_fields") == 0

    # Importing into the list's name again adds to it (no "Duplicate list name").
    again = tmp_path / "more.csv"
    again.write_text("Name,Cell\nZara,0300-7777777\nعلی رضا,03001234567\n", encoding="utf-8")
    assert uploader.find_list("office") is not None
    known = ledger.lists.member_set(target.id)
    with preview_file(again, known=known, keep_columns=True) as preview:
        assert (preview.to_upload, preview.already_in_list) == (1, 1)
        fields = Fields(preview.kept_fields(), preview.field_names)
        [more] = await uploader.upload(target.id, preview.numbers, str(again), fields=fields)
    assert more.ok and ledger.lists.member_count(target.id) == 5
    assert dict(ledger.lists.member_fields(target.id))["923007777777"] == {"Name": "Zara"}


async def test_search_removal_export_and_a_clean_list_from_the_rest(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.xlsx"
    names = messy_workbook(path)
    uploader = ListUploader(engine)
    target = await uploader.create_list("Office")
    with preview_file(path, sheet="Contacts", column=["Mobile", "Phone 2"], keep_columns=True) as p:
        await uploader.upload(
            target.id, p.numbers, "x", fields=Fields(p.kept_fields(), p.field_names)
        )
    members = ListMembers(engine, target.id)

    page = members.page(parse_search("+92 (321) 765"))
    assert [m.msisdn for m in page.members] == ["923217654321"] and page.matching == 1
    assert [m.msisdn for m in members.page(parse_search("0300-123 4567")).members] == [
        "923001234567"
    ]
    assert [m.msisdn for m in members.page(parse_search("سارہ")).members] == ["923331112223"]
    assert members.page(parse_search("bilal")).members[0].fields == {"Name": "Bilal"}
    paged = members.page(parse_search(""), offset=2, limit=1)
    assert (paged.matching, [m.msisdn for m in paged.members]) == (4, ["923331112223"])
    with pytest.raises(InvalidInput, match="at least 3 digits"):
        parse_search("03")
    assert members.makeup().networks == {"Jazz": 1, "Jazz (Warid)": 1, "Telenor": 1, "Ufone": 1}

    out = tmp_path / "members.csv"
    assert await members.export(out) == 4
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "Number" and rows[0][3:] == ["Name", "City"]
    assert rows[1][0] == '="923001234567"' and rows[1][3:] == ["علی رضا", "لاہور"]

    assert members.remove(["923217654321", "923009999999"]) == 1
    assert "campaigns using this list still reach them" in GATEWAY_KEEPS
    assert engine.ledger.lists.member_count(target.id) == 3
    made = await make_clean_list(engine, [target.id], "Office (clean)")
    assert made.ok and engine.ledger.lists.member_count(made.made.id) == 3
    # The clean copy keeps the columns of the members it copied.
    kept = dict(engine.ledger.lists.member_fields(made.made.id))
    assert kept["923331112223"]["Name"] == names["923331112223"]
    assert engine.ledger.lists.list_fields(made.made.id) == ["Name", "City"]


def test_kept_columns_do_not_stay_in_memory(tmp_path: Path) -> None:
    """The kept columns go to a file as they are read: memory grows with the
    unique numbers (as without them), not with the names and notes."""
    path = tmp_path / "large.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Mobile", "City", "Notes"])
        for i in range(60_000):
            writer.writerow([f"Customer number {i}", f"0300{i:07d}", "Lahore", f"{i}" * 20])

    def peak(keep: bool) -> int:
        tracemalloc.start()
        with preview_file(path, keep_columns=keep) as preview:
            assert preview.to_upload == 60_000
            assert bool(preview.field_names) is keep
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    plain, kept = peak(False), peak(True)
    # In memory, the names and notes alone would take over 8 MB more.
    assert kept < plain + 2 * 1024 * 1024, (plain, kept)
