"""The cost of a send before it goes: segments x recipients, and in credit when the
profile knows the price of a segment; a send the credit cannot pay is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SIM_CREDIT
from tui.cli.main import main
from tui.config import config_path
from tui.engine.costs import estimate
from tui.simulator import Simulator


def price(value: float) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"[profiles.default]\nprice_per_segment = {value}\n")


def test_the_estimate_says_where_each_figure_comes_from() -> None:
    known = estimate(120, 2, price=0.5, credit=100.0)
    assert known.segments == 240 and known.cost == 120.0 and known.short
    text = known.sentence()
    assert "2 segments x 120 recipients = 240 segments" in text
    assert "the profile's price" in text and "(from the gateway)" in text
    assert "not enough" in text
    unknown = estimate(1, 1, price=None, credit=None)
    assert not unknown.short and "price per segment not set" in unknown.sentence()


def test_a_send_the_credit_cannot_pay_is_refused_unless_forced(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    numbers = ",".join(f"0300{1000000 + i:07d}" for i in range(10))
    price(SIM_CREDIT)  # ten segments cost ten times the credit
    assert main(["send", "--to", numbers, "--text", "Sale today", "--json"]) == 2
    refused = json.loads(capsys.readouterr().out)
    assert refused["code"] == "credit" and refused["error"].startswith("Nothing was sent")
    assert "sendsms.jsp" not in simulator.pages_requested()
    assert main(["send", "--to", numbers, "--text", "Sale today", "--force"]) in (0, 1)
    assert "sendsms.jsp" in simulator.pages_requested()


def test_an_affordable_send_goes_without_asking(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    price(0.5)
    assert main(["send", "--to", "03001234567", "--text", "Hello"]) == 0
    assert "sendsms.jsp" in simulator.pages_requested()
