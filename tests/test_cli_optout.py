"""``csms optout``: the do-not-contact list from the command line, on the simulator over
loopback and a real ledger file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.cli import main as cli_main
from tui.cli.main import main
from tui.simulator import Simulator

A, B = "923451000001", "923451000002"


@pytest.fixture(autouse=True)
def _registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``csms optout`` is a command of ``csms`` (whether or not main lists it yet)."""
    if "tui.cli.optout" not in cli_main.SUBCOMMAND_MODULES:
        monkeypatch.setattr(
            cli_main, "SUBCOMMAND_MODULES", (*cli_main.SUBCOMMAND_MODULES, "tui.cli.optout")
        )
    yield


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_a_stop_reply_fetched_from_the_inbox_is_on_the_list(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    simulator.push_incoming(msisdn=A, text=" Stop. ", short_code="8111")
    simulator.push_incoming(msisdn=B, text="Stop the bill", short_code="8111")
    assert main(["inbox", "fetch", "--pay"]) == 0
    capsys.readouterr()
    assert main(["optout", "--json"]) == 0
    (entry,) = _json(capsys)  # type: ignore[misc]
    assert entry["msisdn"] == A and entry["source"] == "reply"
    assert entry["why"] == 'replied "Stop."' and entry["since"].endswith("+05:00")
    assert main(["optout", "list"]) == 0
    captured = capsys.readouterr()
    assert (
        captured.out.startswith(f"{A}\t") and "1 number on the do-not-contact list" in captured.err
    )


def test_add_search_remove(
    account_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "optout",
        "add",
        "0345-1000001",
        "+92 345 1000002",
        "--note",
        "complaint",
        "--by",
        "Sana",
    ]
    assert main(argv) == 0
    assert capsys.readouterr().out == "Added 2 numbers to the do-not-contact list.\n"
    assert main(["optout", "add", "03451000001", "--json"]) == 0
    assert _json(capsys) == {"added": [], "unchanged": [A], "invalid": []}

    assert main(["optout", "add", "0345-100", "--json"]) == 2
    refused = _json(capsys)
    assert refused["code"] == "refused" and "too short" in refused["error"]  # type: ignore[index]

    assert main(["optout", "list", "--search", "0345 1000002", "--json"]) == 0
    (found,) = _json(capsys)  # type: ignore[misc]
    assert (found["msisdn"], found["by"], found["why"]) == (B, "Sana", "added by hand: complaint")

    # Not a terminal and no --yes: refused, nothing removed.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["optout", "remove", A, "--json"]) == 2
    assert "add --yes" in _json(capsys)["error"]  # type: ignore[index]
    # A terminal: asked; "no" keeps it.
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    assert main(["optout", "remove", A]) == 2
    captured = capsys.readouterr()
    assert "Take 1 number off the do-not-contact list?" in captured.err
    assert "Nothing was removed." in captured.err
    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    assert main(["optout", "remove", A, "03009999999", "--json"]) == 0
    assert _json(capsys) == {"removed": [A], "unchanged": ["923009999999"], "invalid": []}
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["optout", "remove", B, "--yes"]) == 0
    assert "Removed 1 number from the list." in capsys.readouterr().out
    assert main(["optout", "--json"]) == 0
    assert _json(capsys) == []


def test_import_then_export_keeps_numbers_whole(
    account_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = account_env / "dnc.csv"
    source.write_text("Mobile\n0345-1000001\n+92 345 1000002\nnot a number 12\n", encoding="utf-8")
    assert main(["optout", "import", str(source)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "Added 2 numbers from dnc.csv.\n"
    assert "dnc.csv line 4: 'not a number 12' is not a mobile number" in captured.err

    target = account_env / "out.csv"
    assert main(["optout", "export", str(target), "--json"]) == 0
    assert _json(capsys) == {"file": str(target), "rows": 2}
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [row[0] for row in rows] == ["Number", f'="{A}"', f'="{B}"']
    assert rows[1][2:4] == ["import", "dnc.csv"]
    assert len(rows[1][1]) == len("2026-01-05 14:00:00")  # local time, to the second

    assert main(["optout", "export", str(target), "--json"]) == 2
    assert "exists; add --force" in _json(capsys)["error"]  # type: ignore[index]
    assert main(["optout", "export", str(target), "--force"]) == 0
    assert "Wrote 2 numbers" in capsys.readouterr().err


def test_failures_are_json_too(account_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["optout", "import", str(account_env / "missing.csv"), "--json"]) == 1
    failure = _json(capsys)
    assert failure["code"] == "refused" and failure["exit"] == 1  # type: ignore[index]
    assert "missing.csv does not exist" in failure["error"]  # type: ignore[index]
