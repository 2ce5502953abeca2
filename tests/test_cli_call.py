"""``csms call``: quick and feedback calls from the command line, on the simulator
over loopback; each call is recorded in the ledger and its key is reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SIM_MSISDN
from tui.cli.main import main
from tui.config import data_dir
from tui.gateway.codes import CallStatus
from tui.ledger import Ledger
from tui.simulator import Simulator
from tui.simulator.model import AudioFile


def ready_audio(simulator: Simulator, file_id: str, name: str) -> None:
    """A recording uploaded from the portal, already Ready."""
    now = simulator.clock.timestamp()
    simulator.state.audio[file_id] = AudioFile(
        file_id, SIM_MSISDN, name, f"{name}.wav", 16044, 1.0, now - 60, now - 30
    )


def ledger(home: Path) -> Ledger:
    return Ledger.open(data_dir("default") / "ledger.sqlite3")


def test_a_quick_call_is_made_recorded_and_its_status_read(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    ready_audio(simulator, "151", "Welcome")
    assert main(["call", "--to", "0300-1234567, 0321 7654321", "--audio", "151"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["923001234567", "923217654321"]
    with ledger(account_env) as book:
        calls = {c.recipient: c for c in book.calls.calls()}
        assert set(calls) == {"923001234567", "923217654321"} and book.intents.open_intents() == []
    call_id = lines[0].split("\t")[1]
    assert main(["call", "status", call_id, "--json"]) == 0
    entry = json.loads(capsys.readouterr().out)
    assert entry["id"] == call_id and entry["to"] == "923001234567"


def test_a_feedback_call_reports_the_key_pressed(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    for file_id, name in (("151", "Question"), ("152", "Thanks"), ("153", "Sorry")):
        ready_audio(simulator, file_id, name)
    simulator.script_call("923001234567", [CallStatus.SENT], option="2")
    argv = ["call", "--to", "03001234567", "--audio", "151", "--feedback", "--options", "3"]
    assert main([*argv, "--valid-audio", "152", "--invalid-audio", "153"]) == 0
    call_id = capsys.readouterr().out.split("\t")[1].strip()
    simulator.clock.advance(300)
    assert main(["call", "status", call_id]) == 0
    assert capsys.readouterr().out.strip() == f"{call_id}\t923001234567\tCall Sent\tkey 2"
    [page] = [r for r in simulator.requests if r.page == "make_feedback_call.jsp"]
    assert page.params["valid_options"] == "3"


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--audio", "Nope"], "No recording named 'Nope'"),
        (["--audio", "151", "--feedback"], "needs --options, --valid-audio, --invalid-audio"),
        (["--audio", "151", "--options", "2"], "add --feedback"),
        ([], "No recording was given"),
    ],
)
def test_bad_call_options_are_refused_before_anything_is_sent(
    extra: list[str],
    words: str,
    account_env: Path,
    simulator: Simulator,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["call", "--to", "03001234567", *extra, "--json"]) == 2
    assert words in json.loads(capsys.readouterr().out)["error"]
    assert [p for p in simulator.pages_requested() if "call" in p] == []
