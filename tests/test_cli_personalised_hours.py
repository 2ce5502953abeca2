"""``csms personalised`` outside the sending hours: refused before anything is
asked or journalled, held with --hold (sent by `csms hold run` when they open),
or sent with --now."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.test_cli_personalised import TEMPLATE, bills, delivered, sends
from tui.cli.main import main
from tui.simulator import Simulator

pytestmark = pytest.mark.sending_hours
NIGHT = datetime(2026, 12, 4, 23, 10, tzinfo=ZoneInfo("Asia/Karachi"))


def test_a_personalised_send_at_night_is_refused_held_and_sent_at_nine(
    account_env: Path,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    sheet = account_env / "bills.csv"
    expected = bills(sheet, 4)
    argv = ["personalised", str(sheet), "--text", TEMPLATE, "--yes"]
    with time_machine.travel(NIGHT, tick=False):
        assert main([*argv, "--json"]) == 2
        refused = json.loads(capsys.readouterr().out)
        assert refused["code"] == "sending_hours" and "--hold" in refused["error"]
        assert refused["preview"]["rows"] == 4
        assert main(["personalised", "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == []  # nothing journalled
        assert main([*argv, "--hold", "--json"]) == 0
        held = json.loads(capsys.readouterr().out)
        assert held["kind"] == "personalised" and held["due"].startswith("2026-12-05T09:00")
        assert sends(simulator) == 0
    with time_machine.travel(NIGHT + timedelta(hours=10), tick=False):  # 09:10
        assert main(["hold", "run"]) == 0
        assert "personalised send" in capsys.readouterr().out
        assert main(["personalised", "status", "1", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["rows"] == {"sent": 4}
    assert sorted(delivered(simulator)) == sorted(expected)
    with time_machine.travel(NIGHT, tick=False):
        assert main([*argv, "--now"]) == 0  # sent anyway, as a second job
    assert sends(simulator) == 8
