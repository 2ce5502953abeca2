"""``csms lists import --column A --column B``, kept columns, ``lists remove`` and ``export``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.engine.test_import_columns import messy_workbook
from tui.cli.main import main
from tui.simulator import Simulator


def test_two_phone_columns_and_the_names_kept_with_them(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    book = account_env / "contacts.xlsx"
    names = messy_workbook(book)
    argv = ["lists", "import", "Office", str(book), "--sheet", "Contacts"]
    assert main([*argv, "--column", "Mobile", "--column", "Phone 2"]) == 0
    out = capsys.readouterr().out
    assert "numbers from column 2 ('Mobile') and column 3 ('Phone 2')" in out
    assert "  from 'Phone 2'" in out and "Kept with each number: Name, City." in out
    assert main([*argv, "--column", "Mobile", "--column", "Phone 2", "--yes", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["preview"]["per_column"] == {"'Mobile'": 3, "'Phone 2'": 2}
    assert report["preview"]["kept_columns"] == ["Name", "City"]
    [members] = [set(lst.members) for lst in simulator.state.lists.values()]
    assert members == set(names)

    assert main(["lists", "show", "office", "--search", "0321 765", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["fields"] == ["Name", "City"] and shown["members_shown"] == ["923217654321"]
    assert shown["members_fields"]["923217654321"] == {"Name": "علی رضا", "City": "لاہور"}
    assert main(["lists", "show", "Office", "--search", "Bilal"]) == 0
    assert "  923451234567  Name: Bilal" in capsys.readouterr().out


def test_without_kept_columns_only_the_numbers_are_kept(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    book = account_env / "contacts.xlsx"
    messy_workbook(book)
    argv = ["lists", "import", "Office", str(book), "--sheet", "Contacts", "--no-keep-columns"]
    assert main([*argv, "--column", "Mobile", "--yes"]) == 0
    assert "Kept with each number" not in capsys.readouterr().out
    assert main(["lists", "show", "Office", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["fields"] == [] and shown["members_fields"] == {}
    assert shown["members"] == 3


def test_remove_takes_numbers_off_the_local_copy_only_and_says_so(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    book = account_env / "contacts.xlsx"
    messy_workbook(book)
    assert main(["lists", "import", "Office", str(book), "--sheet", "Contacts", "--yes"]) == 0
    capsys.readouterr()
    assert main(["lists", "remove", "Office", "0300-1234567"]) == 0
    out = capsys.readouterr().out
    assert "Would remove 1 number" in out and "run again with --yes" in out
    assert "campaigns using this list still reach them" in out
    assert main(["lists", "remove", "Office", "0300-1234567", "03009999999", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Removed 1 number from csms's copy of 'Office' (1 were not members)" in out
    assert "the gateway list keeps them" in out and "csms lists clean 'Office' --yes" in out
    [gateway] = simulator.state.lists.values()
    assert "923001234567" in gateway.members  # the gateway's list keeps it
    assert main(["lists", "show", "Office", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["members"] == 2

    assert main(["lists", "remove", "Office", "12345", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["error"].startswith("'12345' is not a mobile")


def test_export_writes_the_kept_columns_and_asks_before_replacing(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    book = account_env / "contacts.xlsx"
    messy_workbook(book)
    assert main(["lists", "import", "Office", str(book), "--sheet", "Contacts", "--yes"]) == 0
    out = account_env / "office.csv"
    out.write_text("keep me", encoding="utf-8")
    assert main(["lists", "export", "Office", str(out)]) == 2
    assert "exists; add --force to replace it" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "keep me"
    assert main(["lists", "export", "Office", str(out), "--force"]) == 0
    assert "Wrote 3 members of 'Office'" in capsys.readouterr().out
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    # One phone column (the guess: Mobile); Phone 2 is kept as another column.
    assert rows[0] == ["Number", "Added at (Asia/Karachi)", "Batch", "Name", "Phone 2", "City"]
    assert rows[1][0] == '="923001234567"' and rows[1][3:] == ["علی رضا", "0321-7654321", "لاہور"]
