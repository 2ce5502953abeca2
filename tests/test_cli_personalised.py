"""``csms personalised`` against the loopback simulator: the preview and its
refusals, a send with each row's own text, status and export, JSON on failure,
and a child process stopped or killed mid-send that a resume finishes without
sending anybody twice."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SIM_MSISDN, SIM_PASSWORD
from tui.cli.main import main
from tui.config import config_path
from tui.simulator import Simulator, SimulatorServer

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = "Dear {name}, your bill of Rs {amount} is due"


class Terminal(io.StringIO):
    """Standard input that is a terminal, with the user's answer typed in."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


def bills(path: Path, count: int) -> list[tuple[str, str]]:
    """A sheet of ``count`` good rows after three bad ones; returns the
    (recipient, text) each good row must get."""
    expected = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Mobile", "Amount"])
        writer.writerow(["Bad", "0300-123", "5"])  # row 2: invalid number
        writer.writerow(["Empty", "03009999999", ""])  # row 3: empty {amount}
        for i in range(count):
            name = "علی" if i == 0 else f"Customer {i}"
            writer.writerow([name, f"0300{2000000 + i:07d}", str(100 + i)])
            expected.append(
                (f"92300{2000000 + i:07d}", f"Dear {name}, your bill of Rs {100 + i} is due")
            )
        writer.writerow(["Customer 1", "03002000001", "101"])  # a repeat of row 5
    return expected


def delivered(sim: Simulator) -> Counter[tuple[str, str]]:
    with sim.lock:
        return Counter((m.recipient, m.text) for m in sim.state.messages.values())


def sends(sim: Simulator) -> int:
    return sum(1 for r in sim.requests if r.page == "sendsms.jsp")


def test_the_preview_names_every_skipped_row_and_sends_nothing_unconfirmed(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = account_env / "bills.csv"
    bills(sheet, 5)
    code = main(["personalised", str(sheet), "--text", TEMPLATE])
    captured = capsys.readouterr()
    assert code == 2
    out = captured.out
    assert "Sheet      bills.csv; numbers in column Mobile" in out
    assert "To send    5 texts, 5 segments in all" in out and "1 in Unicode, 4 in GSM-7" in out
    assert "row 2: invalid number: too short" in out
    assert "row 3: empty {amount}" in out
    assert "row 9: same number and text as an earlier row" in out
    assert "row 4 to 923002000000: Dear علی, your bill of Rs 100 is due" in out
    assert "Cost       " in out and "recipients" in out
    # Standard input is not a terminal: one sentence, nothing sent.
    assert captured.err.strip().splitlines() == [
        "csms: Nothing was sent: add --yes to send (standard input is not a terminal,"
        " so no question can be asked)."
    ]
    assert sends(simulator) == 0


def test_a_send_gives_each_row_its_text_then_status_and_export(
    account_env: Path,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sheet = account_env / "bills.csv"
    expected = bills(sheet, 12)
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))  # confirmed at the prompt
    assert main(["personalised", str(sheet), "--text", TEMPLATE, "--column", "mobile"]) == 0
    captured = capsys.readouterr()
    assert "Send 12 texts? [y/N]" in captured.err
    assert "Personalised send 1 (bills.csv): 12 sent." in captured.out
    assert delivered(simulator) == Counter(expected)

    assert main(["personalised", "status", "1", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["rows"] == {"sent": 12} and status["state"] == "closed"
    assert status["message_status"] == {"not checked yet": 12}

    out = account_env / "results.csv"
    assert main(["personalised", "export", "1", "--out", str(out)]) == 0
    assert "Wrote 12 rows" in capsys.readouterr().out
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    zone = "(Asia/Karachi)"
    assert rows[0] == ["Row", "Number", "Text", "State", "Message ID", "Message status",
                       f"Status changed at {zone}", f"Sent at {zone}", "Error"]  # fmt: skip
    first = rows[1]
    assert first[:4] == ["4", '="923002000000"', "Dear علی, your bill of Rs 100 is due", "sent"]
    assert first[4] and first[5] == "not checked yet" and first[8] == ""
    assert time.strptime(first[7], "%Y-%m-%d %H:%M:%S")  # local time, to the second
    assert len(rows) == 13

    # An existing file is kept unless --force.
    assert main(["personalised", "export", "1", "--out", str(out), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["code"] == "refused"
    assert main(["personalised", "export", "1", "--out", str(out), "--force"]) == 0


def test_json_on_failure_before_and_while_sending(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = account_env / "bills.csv"
    bills(sheet, 30)
    # A template naming no column: refused before sending, as JSON.
    assert main(["personalised", str(sheet), "--text", "Dear {nmae}", "--json"]) == 2
    refused = json.loads(capsys.readouterr().out)
    assert refused["exit"] == 2 and "Did you mean {Name}?" in refused["error"]
    # The credit the profile's price says is too short: refused, with the preview.
    config = config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[profiles.default]\nprice_per_segment = 100.0\n")
    assert main(["personalised", str(sheet), "--text", TEMPLATE, "--yes", "--json"]) == 2
    short = json.loads(capsys.readouterr().out)
    assert short["code"] == "credit" and short["preview"]["rows"] == 30
    assert sends(simulator) == 0
    config.write_text("")
    # The gateway runs out of credit part-way: stopped, the rest left to resume.
    simulator.account(SIM_MSISDN).credit = 10.0
    assert main(["personalised", str(sheet), "--text", TEMPLATE, "--yes", "--json"]) == 1
    stopped = json.loads(capsys.readouterr().out)
    assert stopped["exit"] == 1 and stopped["code"] == "failed"
    assert stopped["stopped"] and stopped["rows"]["sent"] == 10
    assert "resume 1 --retry-failed" in stopped["error"]
    assert stopped["problems"][0]["state"] == "failed"
    simulator.account(SIM_MSISDN).credit = 500.0
    assert main(["personalised", "resume", "1", "--retry-failed", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == {"sent": 30}
    assert all(count == 1 for count in delivered(simulator).values())
    assert delivered(simulator).total() == 30


def test_usage_mistakes_are_one_sentence(
    account_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["personalised", "status", "x", "--json"]) == 2
    assert "is not a job number" in json.loads(capsys.readouterr().out)["error"]
    assert main(["personalised", "resume", "1", "--text", "hi"]) == 2
    assert (
        capsys.readouterr().err.strip() == "csms: --text is for a new send only; leave it out here."
    )
    assert main(["personalised", "export", "1"]) == 2
    assert "--out FILE.csv" in capsys.readouterr().err
    assert main(["personalised", str(account_env / "missing.csv"), "--text", "hi"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Nothing was sent" in err


def wait_for(condition: Callable[[], bool], what: str, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}")


def child_env(tmp_path: Path, base_url: str) -> dict[str, str]:
    env = {
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "CSMS_BASE_URL": base_url,
        "CSMS_MSISDN": SIM_MSISDN,
        "CSMS_PASSWORD": SIM_PASSWORD,
    }
    config = tmp_path / "config" / "csms" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[profiles.default]\nconcurrency = 1\n")
    return env


def start_child(tmp_path: Path, env: dict[str, str], sheet: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui", "personalised", str(sheet), "--text", TEMPLATE,
         "--yes", "--now"],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def test_a_killed_send_resumes_without_sending_anybody_twice(
    simulator: Simulator,
    sim_server: SimulatorServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sheet = tmp_path / "bills.csv"
    expected = bills(sheet, 20)
    env = child_env(tmp_path, sim_server.base_url)
    # The sixth request is handled, but its reply comes too late: the run is killed first.
    simulator.faults.add("sendsms", "late", count=1, skip=5, seconds=2)
    child = start_child(tmp_path, env, sheet)
    wait_for(lambda: sends(simulator) >= 6, "the sixth request")
    time.sleep(0.3)
    child.kill()
    child.communicate(timeout=30)
    assert sends(simulator) == 6

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # The row whose reply never came is of unknown outcome: never sent again by itself.
    assert main(["personalised", "resume", "1", "--json"]) == 3
    resumed = json.loads(capsys.readouterr().out)
    assert resumed["rows"] == {"sent": 19, "unknown": 1}
    assert resumed["code"] == "outcome_unknown" and "--include-unknown" in resumed["error"]
    assert delivered(simulator) == Counter(expected)  # everybody once, nobody twice
    # Settled as arrived, the send is complete.
    assert main(["unknown", "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert main(["unknown", "settle", str(entry["id"]), "--sent"]) == 0
    assert "counted as sent" in capsys.readouterr().out
    assert main(["personalised", "status", "1", "--json"]) == 0
    settled = json.loads(capsys.readouterr().out)
    assert settled["rows"] == {"sent": 20} and settled["state"] == "closed"
    assert sends(simulator) == 20


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_records_the_request_on_its_way_and_resume_sends_the_rest(
    stop: signal.Signals,
    simulator: Simulator,
    sim_server: SimulatorServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sheet = tmp_path / "bills.csv"
    expected = bills(sheet, 20)
    env = child_env(tmp_path, sim_server.base_url)
    simulator.faults.add("sendsms", "late", count=1, skip=5, seconds=2)
    child = start_child(tmp_path, env, sheet)
    wait_for(lambda: sends(simulator) >= 6, "the sixth request")
    time.sleep(0.3)
    child.send_signal(stop)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 1
    assert "Stopping after the requests on their way are recorded" in err
    assert "resume 1" in err and "Traceback" not in err
    assert sends(simulator) == 6

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["unknown", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"  # the request on its way was recorded
    assert main(["personalised", "--resume", "1"]) == 0
    assert "20 sent" in capsys.readouterr().out
    assert delivered(simulator) == Counter(expected)
    assert sends(simulator) == 20


def test_numbers_on_the_do_not_contact_list_are_left_out_and_named(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = account_env / "bills.csv"
    expected = bills(sheet, 4)
    assert main(["optout", "add", "03002000001"]) == 0
    capsys.readouterr()
    assert main(["personalised", str(sheet), "--text", TEMPLATE, "--yes"]) == 0
    out = capsys.readouterr().out
    assert "row 5: 923002000001 is on the do-not-contact list" in out
    assert "To send    3 texts" in out and "3 sent." in out
    assert delivered(simulator) == Counter(e for e in expected if e[0] != "923002000001")
    # Sent anyway with a reason, which is recorded.
    argv = ["personalised", str(sheet), "--text", TEMPLATE, "--yes", "--json"]
    assert main([*argv, "--include-opted-out", "asked for the bill by phone"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["rows"] == {"sent": 4} and document["preview"]["rows"] == 4
    assert delivered(simulator)[("923002000001", expected[1][1])] == 1
