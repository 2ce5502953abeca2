"""A send whose outcome cannot be recorded is never lost and never invites a resend.

The real CLI runs in a child process against the simulator on loopback; the
simulator executes the send and holds its reply back (``late``), and while the
reply is on its way the child is killed, or its disk fills up.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SIM_MSISDN, SIM_PASSWORD
from tui.cli.main import main
from tui.cli.output import EXIT_REFUSED
from tui.simulator import SimulatorServer

NUMBERS = [f"9230010000{i:02d}" for i in range(20)]

#: Runs csms in a child process; SIGXFSZ is ignored so that a file-size limit
#: set on it from outside turns into failing writes (EFBIG), like a full disk.
CHILD = (
    "import signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
    "from tui.cli.main import main; sys.exit(main(sys.argv[1:]))"
)


def _env(server: SimulatorServer, home: Path, data: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(data),
        XDG_STATE_HOME=str(home / "state"),
        CSMS_BASE_URL=server.base_url,
        CSMS_MSISDN=SIM_MSISDN,
        CSMS_PASSWORD=SIM_PASSWORD,
        PYTHONPATH=str(Path(__file__).resolve().parents[1]),
    )
    return env


def _start_send(env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            "send",
            "--to",
            ",".join(NUMBERS),
            "--text",
            "Bill due",
            "--now",  # a child process: whatever the time of day, outside the hours too
            *list(extra),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_send(server: SimulatorServer, child: subprocess.Popen[str]) -> None:
    """Until the simulator has executed the send (its reply is held back)."""
    deadline = time.monotonic() + 30
    while not [r for r in server.sim.requests if r.page == "sendsms.jsp"]:
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the send never reached the simulator"
        time.sleep(0.02)


def _executed(server: SimulatorServer) -> list[str]:
    sends = [r for r in server.sim.requests if r.page == "sendsms.jsp"]
    return [n for r in sends for n in r.params["to"].split(",")]


def _unknown_json(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["unknown", "--json"]) == 0
    entries: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return entries


@pytest.fixture
def late_server(sim_server: SimulatorServer) -> SimulatorServer:
    sim_server.sim.faults.add("sendsms", "late", seconds=4.0, count=1)
    return sim_server


def test_a_send_killed_mid_request_leaves_a_visible_unknown_outcome(
    late_server: SimulatorServer,
    account_env: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = _env(late_server, account_env, account_env / "data")
    child = _start_send(env)
    _wait_for_send(late_server, child)
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=10)  # also closes the pipes
    assert sorted(_executed(late_server)) == NUMBERS  # the gateway did send all 20

    [entry] = _unknown_json(capsys)
    assert entry["targets"] == NUMBERS  # every recipient, not the first 50 or 5
    assert entry["command"] == "sendsms.jsp" and "may have been sent" in str(entry["summary"])

    # A script's retry of the same send is refused while the outcome is open.
    capsys.readouterr()
    retry = ["send", "--to", ",".join(NUMBERS), "--text", "Bill due", "--now", "--json"]
    assert main(retry) == EXIT_REFUSED
    refusal = json.loads(capsys.readouterr().out)
    assert refusal["code"] == "outcome_unknown_open"
    assert refusal["error"].startswith("Nothing was sent. Outcome unknown: the same text was")
    assert "add --again to send anyway" in refusal["error"]
    assert sorted(_executed(late_server)) == NUMBERS
    assert main([*retry, "--again"]) == 0  # said on purpose: it goes
    capsys.readouterr()
    assert sorted(_executed(late_server)) == sorted(NUMBERS * 2)

    assert main(["unknown", "settle", str(entry["id"]), "--sent"]) == 0
    assert _unknown_json(capsys) == []
    assert sorted(_executed(late_server)) == sorted(NUMBERS * 2)  # settling never resends
    # Settled: the same send is an ordinary send again.
    assert main(retry) == 0
    assert sorted(_executed(late_server)) == sorted(NUMBERS * 3)


def _fill(folder: Path) -> Path:
    """Fill the file system holding ``folder``; returns the filler file."""
    filler = folder / "filler"
    # Unbuffered: nothing is left to flush (and fail) when the file is closed.
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 65536)
        except OSError:
            pass
    return filler


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path | None]:
    """A 4 MB tmpfs for the ledger when this process may mount one, else None."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    if made.returncode != 0:
        yield None
        return
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_disk_full_right_after_a_send_is_an_unknown_outcome_not_a_retry(
    late_server: SimulatorServer,
    account_env: Path,
    small_disk: Path | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = small_disk if small_disk is not None else account_env / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    env = _env(late_server, account_env, data)
    child = _start_send(env)
    _wait_for_send(late_server, child)
    # The intent is committed; while the reply is on its way the disk fills up.
    if small_disk is not None:
        filler: Path | None = _fill(small_disk)
    else:  # no mount here: every write past the files' current ends fails instead
        filler = None
        resource.prlimit(child.pid, resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
    out, err = child.communicate(timeout=60)

    assert child.returncode == 3, err
    printed = [line.split("\t")[0] for line in out.splitlines()]
    assert printed == NUMBERS  # what it knows: every accepted ID
    assert "could not record" in err and "Do not send it again" in err
    assert "try again" not in err

    if filler is not None:
        filler.unlink()
    [entry] = _unknown_json(capsys)  # the next run shows it
    assert entry["targets"] == NUMBERS
    assert sorted(_executed(late_server)) == NUMBERS  # sent exactly once


def test_nothing_is_sent_when_the_intent_cannot_be_written(
    sim_server: SimulatorServer,
    account_env: Path,
    small_disk: Path | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = small_disk if small_disk is not None else account_env / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    env = _env(sim_server, account_env, data)
    # Create the ledger, then make the disk refuse the next write.
    assert main(["unknown"]) == 0
    if small_disk is not None:
        _fill(small_disk)
        child = _start_send(env, "--json")
    else:
        child = _start_send(env, "--json")
        resource.prlimit(child.pid, resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
    out, _ = child.communicate(timeout=60)
    document = json.loads(out)
    assert child.returncode == 1
    assert document["exit"] == 1 and document["error"].startswith("Nothing was sent")
    assert _executed(sim_server) == []


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_mid_send_lets_it_finish_and_be_recorded(
    stop: signal.Signals,
    sim_server: SimulatorServer,
    account_env: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sim_server.sim.faults.add("sendsms", "late", seconds=1.5, count=1)
    child = _start_send(_env(sim_server, account_env, account_env / "data"))
    _wait_for_send(sim_server, child)
    child.send_signal(stop)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert "Stopping after this send is recorded" in err and "Traceback" not in err
    assert [line.split("\t")[0] for line in out.splitlines()] == NUMBERS
    assert _unknown_json(capsys) == []  # recorded: nothing of unknown outcome
