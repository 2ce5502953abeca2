"""``csms inbox fetch`` and ``csms inbox export`` against the simulator."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tui.cli.main import main
from tui.simulator import Simulator

URDU = "شکریہ! پیغام مل گیا۔"


def test_fetch_prints_each_message_once_after_storing_it(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    simulator.push_incoming(msisdn="923451112233", text=URDU, short_code="8111")
    simulator.push_incoming(msisdn="923451112234", text="price? & when", short_code="8111")
    assert main(["inbox", "fetch", "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""  # unpaid messages are not fetched without --pay
    assert "2 unpaid pending" in captured.err

    assert main(["inbox", "fetch", "--pay", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    printed = [json.loads(line) for line in lines]
    assert sorted(p["text"] for p in printed) == sorted([URDU, "price? & when"])
    assert {p["msisdn"] for p in printed} == {"923451112233", "923451112234"}

    assert main(["inbox", "fetch"]) == 0
    assert capsys.readouterr().out == ""  # nothing printed twice

    target = account_env / "inbox.csv"
    assert main(["inbox", "export", str(target)]) == 0
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(row_text(r) for r in rows) == sorted([URDU, "price? & when"])


def row_text(row: dict[str, str]) -> str:
    for key in ("text", "message", "Text", "Message"):
        if key in row:
            return row[key]
    raise AssertionError(f"no text column in {list(row)}")


def test_discard_says_how_many(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(3):
        simulator.push_incoming(msisdn=f"92345111223{i}", text="x", short_code="8111")
    assert main(["inbox", "fetch", "--discard"]) == 0
    assert "Discarded 3 unpaid pending messages." in capsys.readouterr().err


def test_no_password_and_no_terminal_is_one_clear_sentence(
    account_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CSMS_PASSWORD")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["inbox", "fetch"]) == 1
    err = capsys.readouterr().err
    assert "set CSMS_PASSWORD" in err and "Traceback" not in err
