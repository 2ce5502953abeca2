"""``csms survey``: feedback calls to 500 numbers with real per-key results, a kill
half-way that never calls anyone twice, and a CSV that matches the tally; on the
simulator over loopback."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from tests.conftest import SIM_MSISDN, SIM_PASSWORD, SIM_START
from tests.engine.test_list_upload import ROOT, wait_for
from tests.test_cli_call import ready_audio
from tui.cli.main import main
from tui.simulator import Simulator, SimulatorServer

NUMBERS = [f"92300{i:07d}" for i in range(500)]
START = ["survey", "start", "Poll", "--audio", "151", "--options", "3"]
START += ["--valid-audio", "152", "--invalid-audio", "153", "--yes"]


@pytest.fixture(autouse=True)
def _machine_clock_at_the_simulators() -> Iterator[None]:
    with time_machine.travel(SIM_START, tick=True):
        yield


@pytest.fixture
def audio(simulator: Simulator) -> None:
    for file_id, name in (("151", "Question"), ("152", "Thanks"), ("153", "Sorry")):
        ready_audio(simulator, file_id, name)


def calls_per_number(simulator: Simulator) -> Counter[str]:
    counted: Counter[str] = Counter()
    for request in simulator.requests:
        if request.page == "make_feedback_call.jsp":
            counted.update(request.params["to"].split(","))
    return counted


def numbers_file(tmp_path: Path) -> list[str]:
    return ["--to", ",".join(NUMBERS)]


def test_500_numbers_reach_a_final_status_and_key_and_the_csv_matches(
    account_env: Path, simulator: Simulator, audio: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*START, *numbers_file(account_env), "--json"]) == 0
    started = json.loads(capsys.readouterr().out)
    assert started["journal"] == {"sent": 500}
    assert set(calls_per_number(simulator).values()) == {1}

    simulator.clock.advance(3 * 3600)  # every call (and retry) has ended
    for _ in range(20):
        assert main(["survey", "status", "Poll", "--json"]) == 0
        results = json.loads(capsys.readouterr().out)["results"]
        if results["in_progress"] == 0:
            break
    else:
        raise AssertionError(f"calls still in progress: {results}")
    ended = results["answered"] + results["busy"] + results["no_answer"] + results["not_responding"]
    assert ended == 500 and results["waiting"] == results["unknown"] == 0
    assert sum(results["keys"].values()) > 0 and set(results["keys"]) <= {"1", "2", "3"}

    target = account_env / "poll.csv"
    assert main(["survey", "export", "Poll", str(target)]) == 0
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 500
    assert {row["number"] for row in rows} == {f'="{n}"' for n in NUMBERS}
    keys = Counter(row["key"] for row in rows if row["call_status"] == "Call Sent" and row["key"])
    assert dict(keys) == results["keys"]
    assert main(["survey", "status", "Poll"]) == 0
    assert "key 1" in capsys.readouterr().out


def test_a_killed_survey_resumes_without_calling_anyone_twice(
    account_env: Path,
    simulator: Simulator,
    sim_server: SimulatorServer,
    audio: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    simulator.faults.add("make_feedback_call", "late", seconds=60, count=1, skip=3)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "XDG_CONFIG_HOME": str(account_env / "config"),
        "XDG_DATA_HOME": str(account_env / "data"),
        "XDG_STATE_HOME": str(account_env / "state"),
        "CSMS_BASE_URL": sim_server.base_url,
        "CSMS_MSISDN": SIM_MSISDN,
        "CSMS_PASSWORD": SIM_PASSWORD,
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "tui", *START, "--now", *numbers_file(account_env)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: simulator.pages_requested().count("make_feedback_call.jsp") >= 4, "4")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    simulator.faults.clear()
    assert main(["survey", "resume", "Poll", "--json"]) == 3  # the lost batch is unknown
    resumed = json.loads(capsys.readouterr().out)
    assert resumed["journal"] == {"sent": 450, "unknown": 50}
    counted = calls_per_number(simulator)
    assert set(counted) == set(NUMBERS) and max(counted.values()) == 1  # nobody twice
    assert main(["unknown", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 50


def test_the_review_names_the_clips_and_calls_nobody_without_yes(
    account_env: Path, simulator: Simulator, audio: None, capsys: pytest.CaptureFixture[str]
) -> None:
    start = [part for part in START if part != "--yes"]
    assert main([*start, "--to", "03001112223", "--json"]) == 0
    review = json.loads(capsys.readouterr().out)
    assert review["started"] is False
    # Each clip by the name the ledger knows it by (here the one given to an ID it
    # learned from the gateway), next to the ID.
    assert (
        "play 'recording 151' (ID 151), keys 1-3, then 'recording 152' (ID 152)"
        in (review["review"])
    )
    assert calls_per_number(simulator) == Counter()
