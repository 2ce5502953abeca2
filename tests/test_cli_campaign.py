"""``csms campaign``: review, create, status and export from the command line, on the
simulator over loopback."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from tests.conftest import SIM_START
from tests.test_cli_lists import write_csv
from tui.cli.main import main
from tui.simulator import Simulator


@pytest.fixture(autouse=True)
def _machine_clock_at_the_simulators() -> Iterator[None]:
    """This machine's clock agrees with the simulator's (as with a real gateway)."""
    with time_machine.travel(SIM_START, tick=True):
        yield


@pytest.fixture
def customers(account_env: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    wanted = write_csv(account_env / "people.csv")
    assert main(["lists", "import", "Customers", str(account_env / "people.csv"), "--yes"]) == 0
    capsys.readouterr()
    return wanted


def test_review_then_create_then_status_then_export(
    customers: list[str],
    account_env: Path,
    simulator: Simulator,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["campaign", "create", "Eid", "--list", "customers", "--text", "Eid Mubarak"]
    assert main(argv) == 0
    review = capsys.readouterr().out
    assert "Audience   3 distinct numbers" in review and "x 3 = 3 segments" in review
    assert "Nothing was created" in review
    assert "Cost       1 segment x 3 recipients = 3 segments" in review
    assert "campaign.jsp" not in simulator.pages_requested()

    assert main([*argv, "--yes", "--json"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert created["created"] is True and created["recipients_expected"] == 3
    [request] = [r for r in simulator.requests if r.page == "campaign.jsp"]
    assert request.params["text"] == "Eid Mubarak"

    simulator.clock.advance(600)
    assert main(["campaign", "status", "Eid"]) == 0
    status = capsys.readouterr().out
    assert "sent 3 of 3 (from the gateway's campaign status)" in status
    assert "3 distinct members in its lists (counted locally" in status

    target = account_env / "eid.csv"
    assert main(["campaign", "export", created["id"], str(target)]) == 0
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 4
    assert main(["campaign", "export", "Eid", str(target), "--json"]) == 2
    refused = json.loads(capsys.readouterr().out)
    assert "exists; add --force" in refused["error"]
    assert main(["campaign", "export", "Eid", str(target), "--force"]) == 0


def test_bad_campaigns_are_refused_with_a_sentence(
    customers: list[str], simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["campaign", "create", "Eid", "--text", "Hi", "--json"]
    assert main([*base, "--list", "Nobody"]) == 1
    assert "No list 'Nobody' is known" in json.loads(capsys.readouterr().out)["error"]
    assert main([*base, "--list", "Customers", "--at", "yesterday"]) == 1
    assert "is not a date and time" in json.loads(capsys.readouterr().out)["error"]
    assert main(["campaign", "status", "Nothing", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["exit"] == 1
    assert "campaign.jsp" not in simulator.pages_requested()


def test_a_campaign_is_duplicated_with_like(
    customers: list[str],
    account_env: Path,
    simulator: Simulator,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["campaign", "create", "Eid", "--list", "customers", "--text", "Eid Mubarak"]
    assert main([*argv, "--yes"]) == 0
    assert main(["campaign", "create", "Eid again", "--yes"]) == 1
    assert "add --list and --text (or --like CAMPAIGN)" in capsys.readouterr().err
    assert main(["campaign", "create", "Eid again", "--like", "Eid", "--yes", "--json"]) == 0
    copy = json.loads(capsys.readouterr().out)
    assert copy["name"] == "Eid again" and copy["created"]
    sent = [r for r in simulator.requests if r.page == "campaign.jsp"]
    assert len(sent) == 2 and sent[0].params["text"] == sent[1].params["text"] == "Eid Mubarak"
    assert sent[0].params["group_ids"] == sent[1].params["group_ids"]
