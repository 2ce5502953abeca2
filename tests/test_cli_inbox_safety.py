"""``csms inbox fetch`` never loses a message silently: a fetch cut off is announced
until acknowledged, a full disk asks the gateway for nothing (or shows what it could
not store), messages stored by a killed run are printed by the next, and a pay whose
answer was lost is recorded. The real CLI, the simulator over loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SIM_MSISDN, SIM_PASSWORD
from tests.test_cli_send_safety import _fill, small_disk  # noqa: F401 (fixture)
from tui.cli.main import main
from tui.simulator import Simulator, SimulatorServer

ROOT = Path(__file__).resolve().parents[1]


def arrive(simulator: Simulator, count: int) -> list[str]:
    texts = [f"reply number {i}" for i in range(count)]
    for i, text in enumerate(texts):
        simulator.push_incoming(msisdn=f"92345{1000000 + i}", text=text, short_code="8111")
    return texts


def child_env(server: SimulatorServer, home: Path, data: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(data),
        "XDG_STATE_HOME": str(home / "state"),
        "CSMS_BASE_URL": server.base_url,
        "CSMS_MSISDN": SIM_MSISDN,
        "CSMS_PASSWORD": SIM_PASSWORD,
    }


def fetch_requests(simulator: Simulator) -> int:
    return simulator.pages_requested().count("get_incoming_messages.jsp")


def wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


def test_a_fetch_killed_in_flight_is_announced_until_acknowledged(
    account_env: Path, sim_server: SimulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    simulator = sim_server.sim
    texts = arrive(simulator, 3)
    simulator.faults.add("get_incoming_messages", "late", seconds=30, count=1)
    child = subprocess.Popen(
        [sys.executable, "-m", "tui", "inbox", "fetch", "--pay"],
        env=child_env(sim_server, account_env, account_env / "data"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: fetch_requests(simulator) == 1, "the fetch request")
    child.send_signal(signal.SIGKILL)  # the gateway handed the messages out; no reply came
    child.wait(timeout=10)
    simulator.faults.clear()

    assert main(["inbox", "fetch"]) == 0
    err = capsys.readouterr().err
    assert "Up to 20 incoming messages may have been lost" in err
    assert "--ack-loss" in err and "nothing was lost" not in err
    assert main(["inbox", "fetch"]) == 0  # said again at every run...
    assert "may have been lost" in capsys.readouterr().err
    assert main(["inbox", "fetch", "--ack-loss"]) == 0
    assert "acknowledged" in capsys.readouterr().err
    assert main(["inbox", "fetch"]) == 0  # ...until acknowledged
    assert "may have been lost" not in capsys.readouterr().err
    assert texts  # the three were handed out by the gateway in the killed run


def test_messages_stored_by_a_killed_run_are_printed_by_the_next_once(
    account_env: Path, sim_server: SimulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    simulator = sim_server.sim
    texts = arrive(simulator, 4)
    # The first run stores the messages, then is killed before printing them.
    script = (
        "import sys, time\n"
        "from tui.ledger.inbox_fetches import InboxFetchStore\n"
        "original = InboxFetchStore.mark_handed_out\n"
        "def hang(self, ids):\n"
        "    print('STORED', flush=True); time.sleep(60)\n"
        "InboxFetchStore.mark_handed_out = hang\n"
        "from tui.cli.main import main\n"
        "sys.exit(main(['inbox', 'fetch', '--pay']))\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        env=child_env(sim_server, account_env, account_env / "data"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert child.stdout is not None
    lines = []
    for line in child.stdout:
        if line.strip() == b"STORED":
            break
        lines.append(line)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    child.stdout.close()

    assert main(["inbox", "fetch", "--json"]) == 0
    printed = [json.loads(line)["text"] for line in capsys.readouterr().out.splitlines()]
    assert sorted(printed) == sorted(texts)
    assert main(["inbox", "fetch", "--json"]) == 0
    assert capsys.readouterr().out == ""  # printed once: not again


def test_a_full_disk_asks_the_gateway_for_nothing(
    account_env: Path,
    sim_server: SimulatorServer,
    small_disk: Path | None,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import resource

    simulator = sim_server.sim
    arrive(simulator, 5)
    data = small_disk if small_disk is not None else account_env / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    assert main(["inbox", "fetch", "--pay"]) == 0  # creates the ledger (and fetches)
    capsys.readouterr()
    arrive(simulator, 5)
    requests = fetch_requests(simulator)
    env = child_env(sim_server, account_env, data)
    code = "import signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
    code += "from tui.cli.main import main; sys.exit(main(['inbox', 'fetch', '--json']))"
    if small_disk is not None:
        _fill(small_disk)
        child = subprocess.Popen(
            [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    else:
        child = subprocess.Popen(
            [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        resource.prlimit(child.pid, resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
    out, err = child.communicate(timeout=60)
    assert child.returncode == 1, err
    document = json.loads(out.splitlines()[0])
    assert document["exit"] == 1 and "Traceback" not in err.decode()
    assert fetch_requests(simulator) == requests  # nothing was asked for


def test_a_pay_whose_answer_is_lost_is_recorded_as_unknown(
    account_env: Path, sim_server: SimulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    simulator = sim_server.sim
    arrive(simulator, 2)
    simulator.faults.add("pending_unpaid_sms_action", "drop", count=1)
    assert main(["inbox", "fetch", "--pay"]) == 3
    err = capsys.readouterr().err
    assert "may or may not have taken effect" in err and "try again" not in err
    assert main(["unknown", "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["kind"] == "pay"


def test_a_fetch_whose_answer_is_lost_says_its_messages_may_be_lost(
    account_env: Path, sim_server: SimulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """No advice about sending (a fetch sends nothing): its messages may be
    lost, and the next fetch warns of it until --ack-loss."""
    simulator = sim_server.sim
    simulator.faults.add("get_incoming_messages", "drop", count=1)
    assert main(["inbox", "fetch", "--json"]) == 3
    document = json.loads(capsys.readouterr().out.splitlines()[0])
    assert document["code"] == "outcome_unknown" and document["exit"] == 3
    said = document["error"]
    assert "The messages it handed out may be lost" in said
    assert said.endswith("The next fetch warns of it again until run with --ack-loss.")
    assert "sending" not in said and "csms unknown" not in said
    assert main(["inbox", "fetch"]) == 0
    err = capsys.readouterr().err
    assert "may have been lost" in err and "no answer came back" in err
