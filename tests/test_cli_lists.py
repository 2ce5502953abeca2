"""``csms lists``: show, import (preview, --yes), resume and export, against the simulator."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import SIM_MSISDN
from tui.cli.main import main
from tui.ledger import Ledger
from tui.simulator import Simulator
from tui.simulator.model import SubscriberList


def ledger_path(home: Path) -> Path:
    return home / "data" / "csms" / "profiles" / "default" / "ledger.sqlite3"


def write_csv(path: Path) -> list[str]:
    """A spreadsheet export: header, mixed formats, a repeat and two bad rows."""
    path.write_text(
        "\ufeffName,Phone\r\n"
        "Ali,0300-1234567\r\n"
        "Sara,+92 321 7654321\r\n"
        "Ali again,923001234567\r\n"
        "Bilal,9.23331112223E+11\r\n"
        "Rounded,9.23001E+11\r\n"
        "Nobody,n/a\r\n",
        encoding="utf-8",
    )
    return ["923001234567", "923217654321", "923331112223"]


def contact_pages(sim: Simulator) -> list[str]:
    return [r.page for r in sim.requests if r.page in ("list.jsp", "addcontacts.jsp")]


def test_preview_alone_sends_nothing(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csv(account_env / "people.csv")
    assert main(["lists", "import", "Customers", str(account_env / "people.csv")]) == 0
    out = capsys.readouterr().out
    assert "Rows read                   6" in out
    assert "Valid                       4" in out
    assert "  normalised                3" in out
    assert "  repeated in the file      1" in out
    assert "  to upload                 3" in out
    assert "Invalid                     2" in out
    assert "line 6: '9.23001E+11': a spreadsheet rounded it" in out
    assert "line 7: 'n/a': contains letters" in out
    assert "run again with --yes" in out
    assert contact_pages(simulator) == []


def test_import_with_yes_creates_the_list_uploads_and_lists_it(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = write_csv(account_env / "people.csv")
    invalid = account_env / "fix.csv"
    argv = ["lists", "import", "Customers", str(account_env / "people.csv")]
    assert main([*argv, "--column", "phone", "--yes", "--invalid-out", str(invalid)]) == 0
    captured = capsys.readouterr()
    assert "Created list 'Customers' (ID 1001)." in captured.out
    assert "Import 1 into list 'Customers': added 3 numbers now." in captured.out
    assert "Wrote 2 invalid rows" in captured.err
    assert list(simulator.state.lists["1001"].members) == expected
    with invalid.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle))[1:] == [
            ["6", "9.23001E+11", simulator_reason(invalid)],
            ["7", "n/a", "contains letters"],
        ]

    assert main(["lists"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["NAME", "ID", "MEMBERS", "LAST", "CHANGED"]
    assert table[1].split()[:3] == ["Customers", "1001", "3"]
    assert main(["lists", "--json"]) == 0
    [shown] = json.loads(capsys.readouterr().out)
    assert (shown["name"], shown["id"], shown["members"]) == ("Customers", "1001", 3)

    # The same file again: everything is already in the list, nothing is sent.
    before = len(simulator.requests)
    assert main([*argv, "--yes", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["preview"]["already_in_list"] == 3
    assert report["preview"]["to_upload"] == 0
    assert report["results"] == []
    assert len(simulator.requests) == before


def simulator_reason(invalid: Path) -> str:
    with invalid.open(encoding="utf-8-sig", newline="") as handle:
        reason = list(csv.reader(handle))[1][2]
    assert reason.startswith("a spreadsheet rounded it to 6 significant digits")
    return reason


def test_an_unknown_outcome_exits_non_zero_and_says_which_batch(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    source = account_env / "numbers.txt"
    source.write_text("\n".join(f"92300{i:07d}" for i in range(1000)) + "\n")
    # The second batch is added, then the connection closes without a reply.
    simulator.faults.add("addcontacts", "drop", count=1, skip=1)
    assert main(["lists", "import", "Dropped", str(source), "--yes", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    [result] = report["results"]
    assert not result["ok"]
    [unknown] = result["unknown_batches"]
    assert unknown["ref"] == f"import:1:{unknown['batch']}"
    assert result["added"] == 1000 - unknown["numbers"]
    assert len(simulator.state.lists["1001"].members) == 1000  # it did arrive

    assert main(["lists"]) == 0
    assert "Import 1 into 'Dropped' is unfinished (batches: " in capsys.readouterr().out


def test_resume_sends_the_batches_still_waiting(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    source = account_env / "first.txt"
    source.write_text("03001234567\n")
    assert main(["lists", "import", "Later", str(source), "--yes"]) == 0
    capsys.readouterr()
    # An upload journaled but never sent (the program stopped before its first batch).
    with Ledger.open(ledger_path(account_env)) as ledger:
        ledger.imports.create_import(
            "1001", "later.csv", [["923001111111"], ["923002222222"]], datetime.now(UTC)
        )
    assert main(["lists", "resume", "Later"]) == 0
    assert "Import 2 into list 'Later': added 2 numbers now." in capsys.readouterr().out
    assert set(simulator.state.lists["1001"].members) == {
        "923001234567",
        "923001111111",
        "923002222222",
    }
    assert main(["lists", "resume"]) == 0
    assert "No upload is waiting" in capsys.readouterr().out


def test_export_writes_the_members(account_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = write_csv(account_env / "people.csv")
    assert main(["lists", "import", "Customers", str(account_env / "people.csv"), "--yes"]) == 0
    out = account_env / "members.csv"
    assert main(["lists", "export", "customers", str(out)]) == 0
    assert "Wrote 3 members of 'Customers'" in capsys.readouterr().out
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    # Numbers are written so spreadsheets keep all 12 digits: ="92...".
    assert [row[0] for row in rows[1:]] == [f'="{n}"' for n in sorted(expected)]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["lists", "import", "X", "missing.csv"], "missing.csv does not exist; check the path."),
        (["lists", "import", "  ", "people.csv"], "The list name is empty"),
        (["lists", "import", "X", "people.csv", "--column", "email"], "the columns are 'Name'"),
        (["lists", "export", "Nope", "out.csv"], "No list named 'Nope' is known"),
        (["lists", "resume", "Nope"], "No list named 'Nope' is known"),
    ],
)
def test_bad_input_gets_one_sentence_and_exit_1(
    account_env: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    write_csv(account_env / "people.csv")
    monkeypatch.chdir(account_env)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("csms: ") and message in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_a_list_made_on_the_portal_is_added_by_its_id_and_imports_go_into_it(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    with simulator.lock:  # made on the portal: the gateway has it, csms does not
        portal_id = simulator.state.next_id("list")
        simulator.state.lists[portal_id] = SubscriberList(
            portal_id, SIM_MSISDN, "Branch", simulator.clock.timestamp()
        )
    wanted = write_csv(account_env / "people.csv")
    people = str(account_env / "people.csv")
    assert main(["lists", "import", "Branch", people, "--yes"]) == 1
    assert "`csms lists add ID 'Branch'`" in capsys.readouterr().err

    assert main(["lists", "add", "x12", "Branch"]) == 1
    assert "is not a list ID" in capsys.readouterr().err
    assert main(["lists", "add", portal_id, "Branch", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == portal_id
    assert main(["lists", "import", "Branch", people, "--yes"]) == 0
    assert sorted(simulator.state.lists[portal_id].members) == sorted(wanted)
    assert len(simulator.state.lists) == 1  # no second list was made


def test_a_workbook_sheet_is_imported_by_name(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    book = account_env / "book.xlsx"
    workbook = openpyxl.Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Summary"
    summary.append(["Region", "Total"])
    staff = workbook.create_sheet("Staff")
    staff.append(["Name", "Cell"])
    staff.append(["Ali", 923001234567])  # a number cell
    staff.append(["Sana", "0321-7654321"])
    workbook.save(book)
    assert main(["lists", "import", "Staff", str(book), "--sheet", "Nope"]) == 1
    assert "no sheet named 'Nope'" in capsys.readouterr().err
    assert main(["lists", "import", "Staff", str(book), "--sheet", "staff", "--yes"]) == 0
    [members] = [set(lst.members) for lst in simulator.state.lists.values()]
    assert members == {"923001234567", "923217654321"}
