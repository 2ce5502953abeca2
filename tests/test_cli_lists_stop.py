"""SIGTERM stops ``csms lists import`` as cleanly as Ctrl+C: the batch on its way
is finished and recorded, nothing is left unknown, and a resume sends the rest once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SIM_MSISDN, SIM_PASSWORD
from tests.engine.test_list_upload import (
    ROOT,
    assert_no_batch_twice,
    contact_requests,
    numbers,
    wait_for,
)
from tui.cli.main import main
from tui.simulator import Simulator, SimulatorServer


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_finishes_the_batch_on_its_way_and_records_it(
    stop: signal.Signals,
    simulator: Simulator,
    sim_server: SimulatorServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    values = numbers(3_000)
    source = tmp_path / "numbers.txt"
    source.write_text("\n".join(values) + "\n")
    env = {
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "CSMS_BASE_URL": sim_server.base_url,
        "CSMS_MSISDN": SIM_MSISDN,
        "CSMS_PASSWORD": SIM_PASSWORD,
    }
    config = tmp_path / "config" / "csms" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[profiles.default]\nconcurrency = 1\n")
    simulator.faults.add("addcontacts", "late", count=1, skip=2, seconds=2)
    child = subprocess.Popen(
        [sys.executable, "-m", "tui", "lists", "import", "Stop", str(source), "--yes"],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(lambda: len(contact_requests(simulator)) >= 3, "the third batch")
    child.send_signal(stop)  # while the third batch waits for its late reply
    _, err = child.communicate(timeout=60)
    assert "Stopping after the batch on its way" in err and "Traceback" not in err
    assert len(contact_requests(simulator)) == 3  # nothing after the stop

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    assert main(["unknown", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"  # the batch on its way was recorded
    assert main(["lists", "resume"]) == 0
    sent = assert_no_batch_twice(simulator)
    assert set(sent) == set(values)
    assert set(next(iter(simulator.state.lists.values())).members) == set(values)
