"""``csms send`` and ``csms status`` run in-process: on the demo simulator, and on the
loopback simulator with credentials from the environment or a profile."""

from __future__ import annotations

import io
import json
import re
import socket
from pathlib import Path

import pytest

from tui.cli.main import main
from tui.config import Config, Profile, data_dir, save_config
from tui.ledger import Ledger
from tui.simulator import Simulator, SimulatorServer


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No real settings, data or credentials; standard input is not a terminal."""
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    for name in ("CSMS_BASE_URL", "CSMS_MSISDN", "CSMS_PASSWORD", "CSMS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


@pytest.fixture
def account(sim_server: SimulatorServer, monkeypatch: pytest.MonkeyPatch) -> Simulator:
    monkeypatch.setenv("CSMS_BASE_URL", sim_server.base_url)
    monkeypatch.setenv("CSMS_MSISDN", "923001234567")
    monkeypatch.setenv("CSMS_PASSWORD", "demo")
    return sim_server.sim


def test_send_on_the_demo_simulator(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--demo", "send", "--to", "0300-1111111, +92 321 1234567", "--text", "Salam"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert [line.split("\t")[0] for line in out] == ["923001111111", "923211234567"]
    assert all(re.fullmatch(r"92\d{10}\t\S+", line) for line in out)


def test_send_then_status_with_credentials_from_the_environment(
    account: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["send", "--to", "03001111111", "--to", "03211234567", "--text", "Hi & bye",
                 "--mask", "SHOP", "--json"])  # fmt: skip
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    ids = [entry["id"] for entry in document["sent"]]
    assert [entry["to"] for entry in document["sent"]] == ["923001111111", "923211234567"]
    (request,) = [r.params for r in account.requests if r.page == "sendsms.jsp"]
    assert (request["text"], request["mask"]) == ("Hi & bye", "SHOP")

    assert main(["status", *ids]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{i}\tNot sent yet" for i in ids]
    account.clock.advance(60)
    assert main(["status", "--json", ids[0]]) == 0
    assert json.loads(capsys.readouterr().out) == {"id": ids[0], "status": "Sent"}
    # An ID the gateway does not know: a JSON line with the sentence and its code.
    assert main(["status", "--json", ids[0], "99999999"]) == 1
    known, unknown = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert known == {"id": ids[0], "status": "Sent"}
    assert unknown["id"] == "99999999" and unknown["status"] is None
    assert unknown["code"] == 211 and unknown["error"].startswith("Gateway error 211")


def test_bad_numbers_are_all_named_and_nothing_is_sent(
    account: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["send", "--to", "03001234567, 12345, +44 20 7946 0958", "--text", "hi"])
    err = capsys.readouterr().err
    assert code == 2
    assert "'12345'" in err and "'+44 20 7946 0958'" in err and "Nothing was sent" in err
    assert "Traceback" not in err
    assert account.requests == []


def test_no_password_without_a_terminal_says_which_variable(
    sim_server: SimulatorServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CSMS_BASE_URL", sim_server.base_url)
    monkeypatch.setenv("CSMS_MSISDN", "923001234567")
    assert main(["send", "--to", "03001234567", "--text", "hi"]) == 2
    err = capsys.readouterr().err
    assert "CSMS_PASSWORD" in err and err.count("\n") == 1
    assert sim_server.sim.requests == []


def test_a_refused_login_is_one_clear_line(
    account: Simulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CSMS_PASSWORD", "not-the-password")
    assert main(["status", "1", "2", "3"]) == 1
    err = capsys.readouterr().err
    assert "password do not match" in err and "not-the-password" not in err
    assert err.count("\n") == 1
    assert account.pages_requested() == ["auth.jsp"]  # one login, not one per ID


def test_unknown_ids_are_reported_and_the_rest_printed(
    account: Simulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Text from a pipe\nline two\n"))
    assert main(["send", "--to", "03001234567", "--text", "-"]) == 0
    (request,) = [r.params for r in account.requests if r.page == "sendsms.jsp"]
    assert request["text"] == "Text from a pipe\nline two"
    message_id = capsys.readouterr().out.split("\t")[1].strip()
    assert main(["status", message_id, "999999"]) == 1
    captured = capsys.readouterr()
    assert captured.out == f"{message_id}\tNot sent yet\n"
    assert "999999" in captured.err and "Unknown message ID" in captured.err


def test_a_lost_reply_mid_list_reports_what_went_out(
    sim_server: SimulatorServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = Profile(
        name="office", base_url=sim_server.base_url, msisdn="923001234567", url_limit=500
    )
    save_config(Config(active_profile="default", profiles={"default": Profile("default"),
                                                           "office": profile}))  # fmt: skip
    monkeypatch.setenv("CSMS_PASSWORD", "demo")
    sim = sim_server.sim
    sim.faults.add("sendsms", "drop", count=1, skip=1)
    numbers = [f"0300{1000000 + i:07d}" for i in range(60)]
    code = main(["send", "--profile", "office", "--to", ",".join(numbers), "--text", "hi"])
    captured = capsys.readouterr()
    assert code == 3
    sends = [r.params["to"].split(",") for r in sim.requests if r.page == "sendsms.jsp"]
    assert len(sends) == 2  # the first went through, the second was lost, none after
    printed = [line.split("\t")[0] for line in captured.out.splitlines()]
    assert printed == sends[0]
    assert f"the outcome is unknown for {len(sends[1])} recipients" in captured.err
    assert "Do not send to them again" in captured.err and "try again" not in captured.err
    unsent = [n for n in _normalised(numbers) if n not in sends[0] + sends[1]]
    assert f"{len(unsent)} recipients certainly did not get it" in captured.err
    # The ledger keeps every unknown recipient and every recipient never sent.
    with Ledger.open(data_dir("office") / "ledger.sqlite3") as ledger:
        [entry] = ledger.unknown.unknown_submits()
        assert entry.targets == sends[1]
        assert list(entry.unsent) == unsent
        assert ledger.intents.open_intents() == []


def _normalised(numbers: list[str]) -> list[str]:
    return ["92" + n[1:] for n in numbers]


def test_input_is_checked_before_credentials_are_needed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["send", "--to", "0300", "--text", "hi"]) == 2
    assert "'0300'" in capsys.readouterr().err
    assert main(["send", "--to", " , ", "--text", "hi"]) == 2
    assert "No recipients" in capsys.readouterr().err
    assert main(["send", "--to", "03001234567", "--text", "  "]) == 2
    assert "text is empty" in capsys.readouterr().err


def test_an_unknown_profile_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", "--to", "03001234567", "--text", "hi", "--profile", "nope"]) == 2
    err = capsys.readouterr().err
    assert "'nope'" in err and "Traceback" not in err


def test_an_unreachable_gateway_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("CSMS_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("CSMS_MSISDN", "923001234567")
    monkeypatch.setenv("CSMS_PASSWORD", "demo")
    assert main(["status", "1", "2", "3"]) == 1
    err = capsys.readouterr().err
    assert "could not be reached" in err and err.count("\n") == 1
