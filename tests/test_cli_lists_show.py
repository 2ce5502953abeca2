"""``csms lists show NAME``: one list's members and their make-up by prefix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli_lists import write_csv
from tui.cli.main import main
from tui.gateway.operators import issuing_network, prefix
from tui.simulator import Simulator


def test_show_counts_by_prefix_and_searches_as_users_type(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    wanted = write_csv(account_env / "people.csv")
    assert main(["lists", "import", "Customers", str(account_env / "people.csv"), "--yes"]) == 0
    capsys.readouterr()
    assert main(["lists", "show", "customers", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["members"] == 3 and sorted(shown["members_shown"]) == sorted(wanted)
    assert shown["prefixes"] == {"300": 1, "321": 1, "333": 1}
    assert shown["networks"] == {"Jazz": 1, "Jazz (Warid)": 1, "Ufone": 1}

    assert main(["lists", "show", "Customers", "--search", "0321-765"]) == 0
    out = capsys.readouterr().out
    assert "Customers (ID " in out and "3 members" in out
    assert "  923217654321" in out and "923001234567" not in out.split("Members")[1]

    assert main(["lists", "show", "Nobody"]) == 1
    assert "No list named 'Nobody'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("number", "network"),
    [("923001234567", "Jazz"), ("923451234567", "Telenor"), ("923551234567", "SCOM")],
)
def test_prefixes_name_the_network_that_issued_them(number: str, network: str) -> None:
    assert issuing_network(prefix(number)) == network
