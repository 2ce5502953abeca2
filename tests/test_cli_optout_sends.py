"""The do-not-contact list before every send: a STOP reply opts a number out and the
next send leaves it out, named; "Stop the bill" does not; START re-subscribes; list
uploads leave opted-out numbers out; a campaign over a list holding one is refused
until overridden. The real CLI on the simulator over loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from tests.conftest import SIM_START
from tui.cli.main import main
from tui.simulator import Simulator

CUSTOMER = "923451234567"


@pytest.fixture(autouse=True)
def _machine_clock_at_the_simulators() -> Iterator[None]:
    with time_machine.travel(SIM_START, tick=True):
        yield


def reply(simulator: Simulator, capsys: pytest.CaptureFixture[str], text: str) -> None:
    simulator.push_incoming(msisdn=CUSTOMER, text=text, short_code="8111")
    assert main(["inbox", "fetch", "--pay"]) == 0
    capsys.readouterr()


def sends_to(simulator: Simulator, number: str) -> int:
    return sum(
        number in r.params.get("to", "").split(",")
        for r in simulator.requests
        if r.page == "sendsms.jsp"
    )


def test_stop_opts_out_and_start_opts_back_in(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    reply(simulator, capsys, "Stop the bill, it is wrong")  # not an opt-out
    assert main(["send", "--to", "0345-1234567", "--text", "Sorry for the error"]) == 0
    assert sends_to(simulator, CUSTOMER) == 1

    reply(simulator, capsys, " stop. ")
    assert main(["send", "--to", "0345-1234567,03001112223", "--text", "Offer", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["left_out_do_not_contact"] == [CUSTOMER]
    assert sends_to(simulator, CUSTOMER) == 1  # not sent again
    assert main(["send", "--to", "0345-1234567", "--text", "Offer"]) == 2
    assert "do-not-contact list (923451234567)" in capsys.readouterr().err

    override = ["--include-opted-out", "asked for the bill by phone"]
    assert main(["send", "--to", "0345-1234567", "--text", "Your bill", *override]) == 0
    assert sends_to(simulator, CUSTOMER) == 2

    reply(simulator, capsys, "START")
    assert main(["send", "--to", "0345-1234567", "--text", "Welcome back"]) == 0
    assert sends_to(simulator, CUSTOMER) == 3


def test_uploads_leave_opted_out_numbers_out_and_campaigns_say_so(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    reply(simulator, capsys, "STOP")
    people = account_env / "people.txt"
    people.write_text("03451234567\n03001112223\n03214445556\n")
    assert main(["lists", "import", "Customers", str(people), "--yes"]) == 0
    assert "Left out 1 number on the do-not-contact list" in capsys.readouterr().err
    [members] = [set(lst.members) for lst in simulator.state.lists.values()]
    assert CUSTOMER not in members and len(members) == 2

    # A list made before the opt-out (the ledger knows its members) still holds one.
    assert main(["optout", "remove", CUSTOMER, "--yes"]) == 0
    other = account_env / "other.txt"
    other.write_text("03451234567\n03005556667\n")
    assert main(["lists", "import", "Old", str(other), "--yes"]) == 0
    reply(simulator, capsys, "STOP")
    argv = ["campaign", "create", "Eid", "--list", "Old", "--text", "Eid Mubarak"]
    assert main(argv) == 0
    assert "1 member of these lists is on the do-not-contact list" in capsys.readouterr().out
    assert main([*argv, "--yes", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["code"] == "do_not_contact"
    assert "campaign.jsp" not in simulator.pages_requested()

    # The clean list: the members without the opted-out one, in a new gateway list.
    assert main(["lists", "clean", "Old"]) == 0
    assert "would hold 1 of the 2 members of 'Old'" in capsys.readouterr().out
    assert main(["lists", "clean", "Old", "--yes", "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert made["list"]["name"] == "Old (clean)" and made["left_out"] == [CUSTOMER]
    clean = simulator.state.lists[made["list"]["id"]]
    assert set(clean.members) == {"923005556667"}
    argv = ["campaign", "create", "Eid", "--list", "Old (clean)", "--text", "Eid Mubarak"]
    assert main([*argv, "--yes"]) == 0
    assert "do-not-contact" not in capsys.readouterr().out
    assert main(["lists", "clean", "Old", "--yes"]) == 1  # the name is taken
    assert "Choose another with --name" in capsys.readouterr().err
