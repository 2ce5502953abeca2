"""``csms template`` and ``--template`` on ``csms send`` and ``csms campaign create``, on the
simulator over loopback and a real ledger file."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from tests.conftest import SIM_START
from tests.test_cli_lists import write_csv
from tui.cli.main import main
from tui.simulator import Simulator


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


def _json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_save_list_show_rename_delete(
    account_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["template", "list"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "No templates yet" in captured.err

    text = "Dear {name}, Rs {amount} is due; code {{A1}}."
    assert main(["template", "save", "Bill due", "--text", text]) == 0
    assert capsys.readouterr().out == (
        "Saved the template 'Bill due'. It uses {name} and {amount}.\n"
    )
    assert main(["template", "save", "Eid", "--text", "Eid Mubarak", "--json"]) == 0
    saved = _json(capsys)
    assert saved["name"] == "Eid" and saved["fields"] == [] and saved["replaced"] is False  # type: ignore[index]
    assert saved["created_at"].endswith("+05:00")  # type: ignore[index]

    assert main(["template", "--json"]) == 0
    listed = _json(capsys)
    assert [(t["name"], t["fields"]) for t in listed] == [  # type: ignore[attr-defined]
        ("Bill due", ["name", "amount"]),
        ("Eid", []),
    ]
    assert main(["template", "list", "--search", "mubarak"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("Eid\t-\t") and captured.out.endswith("\tEid Mubarak\n")
    assert "1 template of 2 matching 'mubarak'" in captured.err

    assert main(["template", "show", "bill DUE"]) == 0
    captured = capsys.readouterr()
    assert captured.out == text + "\n" and "Fields: {name} and {amount}" in captured.err

    assert main(["template", "rename", "eid", "Eid greeting"]) == 0
    assert capsys.readouterr().out == "Renamed the template 'Eid' to 'Eid greeting'.\n"

    # Deleting asks first; without a terminal it needs --yes.
    assert main(["template", "delete", "Eid greeting", "--json"]) == 2
    refused = _json(capsys)
    assert refused["code"] == "refused" and "add --yes" in refused["error"]  # type: ignore[index]
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    assert main(["template", "delete", "Eid greeting"]) == 2
    assert "Nothing was deleted." in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    assert main(["template", "delete", "eid GREETING"]) == 0
    assert capsys.readouterr().out == "Deleted the template 'Eid greeting'.\n"
    assert main(["template", "delete", "Eid greeting", "--yes", "--json"]) == 2
    assert _json(capsys) == {
        "error": "There is no template called 'Eid greeting'; `csms template list` shows the"
        " saved ones.",
        "code": "not_found",
        "exit": 2,
    }


def test_refusals_are_one_sentence_in_json_too(
    account_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["template", "save", "x" * 41, "--text", "Hi", "--json"]) == 2
    refused = _json(capsys)
    assert refused["error"] == (  # type: ignore[index]
        "Nothing was saved: the template name is 41 characters long; shorten it to 40 or fewer."
    )
    assert main(["template", "save", "Bad", "--text", "Dear {name, hi", "--json"]) == 2
    assert "{ with no closing } at character 6" in _json(capsys)["error"]  # type: ignore[index]

    assert main(["template", "save", "Promo", "--text", "10% off"]) == 0
    capsys.readouterr()
    assert main(["template", "save", "promo", "--text", "20% off", "--json"]) == 2
    assert _json(capsys)["error"] == (  # type: ignore[index]
        "A template called 'Promo' exists already; add --force to replace it, or choose"
        " another name."
    )
    assert main(["template", "save", "promo", "--text", "20% off", "--force", "--json"]) == 0
    replaced = _json(capsys)
    assert replaced["replaced"] is True and replaced["text"] == "20% off"  # type: ignore[index]
    assert main(["template", "show", "nothing", "--json"]) == 2
    assert _json(capsys)["code"] == "not_found"  # type: ignore[index]


def test_save_reads_standard_input(
    account_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Dear {name},\nyour order is ready.\n"))
    assert main(["template", "save", "Ready", "--text", "-", "--json"]) == 0
    saved = _json(capsys)
    assert saved["text"] == "Dear {name},\nyour order is ready."  # type: ignore[index]
    assert saved["fields"] == ["name"]  # type: ignore[index]
    assert main(["template", "show", "ready", "--json"]) == 0
    assert _json(capsys)["name"] == "Ready"  # type: ignore[index]


def test_send_with_a_template(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["template", "save", "Code", "--text", "Your code is {{A1}}."]) == 0
    assert main(["template", "save", "Bill", "--text", "Dear {name}, Rs {amount} is due"]) == 0
    capsys.readouterr()

    assert main(["send", "--to", "03001111111", "--template", "code", "--json"]) == 0
    assert [e["to"] for e in _json(capsys)["sent"]] == ["923001111111"]  # type: ignore[index]
    (request,) = [r.params for r in simulator.requests if r.page == "sendsms.jsp"]
    assert request["text"] == "Your code is {A1}."

    assert main(["send", "--to", "03001111111", "--template", "Bill", "--json"]) == 2
    assert _json(capsys) == {
        "error": "The template 'Bill' uses {name} and {amount}, which a plain send cannot fill;"
        " send it personalised from a sheet, or give the finished text instead.",
        "code": "refused",
        "exit": 2,
    }
    assert main(["send", "--to", "03001111111", "--template", "Nope", "--json"]) == 2
    assert "no template called 'Nope'" in _json(capsys)["error"]  # type: ignore[index]
    assert len([r for r in simulator.requests if r.page == "sendsms.jsp"]) == 1

    with pytest.raises(SystemExit):  # --text and --template together: a usage error
        main(["send", "--to", "03001111111", "--template", "Code", "--text", "Hi"])


@pytest.fixture
def _clock_at_the_simulators() -> Iterator[None]:
    with time_machine.travel(SIM_START, tick=True):
        yield


@pytest.mark.usefixtures("_clock_at_the_simulators")
def test_campaign_create_with_a_template(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csv(account_env / "people.csv")
    assert main(["lists", "import", "Customers", str(account_env / "people.csv"), "--yes"]) == 0
    assert main(["template", "save", "Eid", "--text", "Eid Mubarak {{from us}}"]) == 0
    assert main(["template", "save", "Bill", "--text", "Dear {name}, pay"]) == 0
    capsys.readouterr()

    argv = ["campaign", "create", "Eid", "--list", "customers", "--template", "eid", "--yes"]
    assert main([*argv, "--json"]) == 0
    assert _json(capsys)["created"] is True  # type: ignore[index]
    (request,) = [r for r in simulator.requests if r.page == "campaign.jsp"]
    assert request.params["text"] == "Eid Mubarak {from us}"

    argv = ["campaign", "create", "Bills", "--list", "customers", "--template", "Bill", "--yes"]
    assert main([*argv, "--json"]) != 0
    refused = _json(capsys)
    assert refused["error"].startswith("The template 'Bill' uses {name}, which")  # type: ignore[index]
    assert len([r for r in simulator.requests if r.page == "campaign.jsp"]) == 1
