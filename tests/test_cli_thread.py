"""``csms thread``: one number's conversation, and the inbox by number, on the simulator
over loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from tests.conftest import SIM_START
from tui.cli import main as cli_main
from tui.cli.main import main
from tui.simulator import Simulator

NUMBER = "923451234567"


@pytest.fixture(autouse=True)
def _registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``csms thread`` is a command of ``csms`` (whether or not main lists it yet)."""
    if "tui.cli.thread" not in cli_main.SUBCOMMAND_MODULES:
        monkeypatch.setattr(
            cli_main, "SUBCOMMAND_MODULES", (*cli_main.SUBCOMMAND_MODULES, "tui.cli.thread")
        )
    yield


@pytest.fixture(autouse=True)
def _machine_clock_at_the_simulators() -> Iterator[None]:
    """This machine's clock agrees with the simulator's (as with a real gateway)."""
    with time_machine.travel(SIM_START, tick=True):
        yield


def _exchange(simulator: Simulator, capsys: pytest.CaptureFixture[str]) -> datetime:
    assert main(["send", "--to", "0345-1234567", "--text", "Aap ka order rawana ho gaya"]) == 0
    later = SIM_START + timedelta(minutes=5)
    simulator.push_incoming(msisdn=NUMBER, text="Shukriya!\nKab tak?", short_code="8111", at=later)
    simulator.push_incoming(msisdn="923001111111", text="Hello", short_code="8111", at=later)
    assert main(["inbox", "fetch", "--pay"]) == 0
    capsys.readouterr()
    return later


def test_a_conversation_in_local_time(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    later = _exchange(simulator, capsys)
    assert main(["thread", "+92 345 1234567"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    sent, received = lines
    assert sent.startswith("2024-03-04 10:00  -> SMS ") and "Aap ka order rawana ho gaya" in sent
    assert received.startswith("2024-03-04 10:05  <- SMS in ")
    assert received.endswith("Shukriya! Kab tak? [8111]") and "unread" in received

    assert main(["thread", "03451234567", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["msisdn"] == NUMBER
    assert [(i["kind"], i["direction"]) for i in document["items"]] == [
        ("sms", "out"),
        ("received", "in"),
    ]
    assert document["items"][1]["at"] == later.isoformat(timespec="seconds")

    assert main(["thread", "03009999999"]) == 0
    assert "Nothing was exchanged with 923009999999 yet." in capsys.readouterr().err


def test_conversations_by_number(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    _exchange(simulator, capsys)
    assert main(["thread", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["msisdn"], r["messages"], r["unread"]) for r in rows] == [
        ("923001111111", 1, 1),
        (NUMBER, 1, 1),
    ]
    assert main(["thread", "--limit", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("923001111111\t2024-03-04 10:05\t1 msg\t1 unread\tHello")
    assert "2 conversations; 1 shown." in captured.err


def test_a_blank_number_is_refused(account_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["thread", "  ", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["code"] == "refused"
