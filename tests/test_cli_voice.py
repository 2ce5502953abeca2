"""``csms voice``: review, create, status and export of voice campaigns from the
command line, on the simulator over loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from tests.conftest import SIM_START
from tests.test_cli_call import ready_audio
from tests.test_cli_lists import write_csv
from tui.cli.main import main
from tui.simulator import Simulator


@pytest.fixture(autouse=True)
def _machine_clock_at_the_simulators() -> Iterator[None]:
    with time_machine.travel(SIM_START, tick=True):
        yield


@pytest.fixture
def ready(account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    write_csv(account_env / "people.csv")
    assert main(["lists", "import", "Customers", str(account_env / "people.csv"), "--yes"]) == 0
    for file_id, name in (("151", "Question"), ("152", "Thanks"), ("153", "Sorry")):
        ready_audio(simulator, file_id, name)
    capsys.readouterr()


def test_a_feedback_campaign_is_reviewed_created_and_followed(
    ready: None, account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["voice", "create", "Survey", "--type", "feedback", "--list", "Customers"]
    argv += ["--audio", "151", "--options", "3", "--valid-audio", "152"]
    argv += ["--invalid-audio", "153"]
    assert main(argv) == 0
    review = capsys.readouterr().out
    assert "Valid options         3 (keys 1-3)" in review
    assert "After a valid key     recording 152 (ID 152)" in review
    assert "Nothing was created" in review
    assert not [p for p in simulator.pages_requested() if p.startswith("voice")]

    assert main([*argv, "--yes", "--json"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert created["created"] and created["type"] == "feedback"
    simulator.clock.advance(3600)
    assert main(["voice", "status", "survey"]) == 0
    status = capsys.readouterr().out
    assert "from the gateway:" in status
    assert "gives no per-key figures" in status  # no borrowed chart of keys

    target = account_env / "survey.csv"
    assert main(["voice", "export", "Survey", str(target)]) == 0
    assert target.read_text(encoding="utf-8-sig").count("\n") >= 2
    assert main(["voice", "export", "Survey", str(target)]) == 2


def test_every_problem_is_named_and_nothing_is_created(
    ready: None, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["voice", "create", "Bad", "--type", "feedback", "--list", "Customers"]
    assert main([*argv, "--audio", "151", "--options", "12", "--json"]) == 2
    refused = json.loads(capsys.readouterr().out)
    fields = {problem["field"] for problem in refused["problems"]}
    assert "valid_options" in fields
    assert main([*argv, "--audio", "999", "--json"]) == 1
    assert "does not know an audio file 999" in json.loads(capsys.readouterr().out)["error"]
    assert not [p for p in simulator.pages_requested() if p.startswith("voice")]


def test_a_portal_recording_is_added_by_its_id(
    ready: None, account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["voice", "create", "Promo", "--list", "Customers", "--audio", "152", "--json"]
    assert main(argv) == 0
    review = json.loads(capsys.readouterr().out)["review"]
    assert review["Audio"] == "recording 152 (ID 152)"
    assert "audio_status.jsp" in simulator.pages_requested()  # checked with the gateway


def test_a_window_that_never_opens_is_refused(
    ready: None, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["voice", "create", "Night", "--list", "Customers", "--audio", "151", "--json"]
    argv += ["--start", "2024-03-04 18:00", "--end", "2024-03-04 22:00"]
    assert main([*argv, "--daily-start", "09:00", "--daily-end", "17:00"]) == 2
    [problem] = json.loads(capsys.readouterr().out)["problems"]
    assert problem["field"] == "daily_start" and "never opens" in problem["message"]
