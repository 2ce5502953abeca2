"""Every failure of a command is one sentence (or, with --json, one JSON object on
standard output) and the right exit code: never a traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.cli import output
from tui.cli.main import main
from tui.gateway.errors import GatewayError, OutcomeUnknown, SubmitStopped
from tui.gateway.results import SubmitIds
from tui.simulator import SimulatorServer

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=120,
    )


@pytest.mark.parametrize(
    ("argv", "code", "exit_code", "words"),
    [
        (["send", "--to", "0300123", "--text", "hi", "--json"], "refused", 2, "invalid number"),
        (["send", "--to", "03001234567", "--text", "", "--json"], "refused", 2, "empty"),
        (["status", "123", "--json"], "usage", 2, None),
        (["send", "--json", "--to", "03001234567"], "usage", 2, "--text"),
        (["lists", "import", "X", "/nonexistent/file.csv", "--json"], None, 1, "file.csv"),
    ],
)
def test_json_failures_are_json_objects_on_stdout(
    argv: list[str],
    code: str | None,
    exit_code: int,
    words: str | None,
    account_env: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if argv[0] == "status":  # no credentials at all: refused before anything
        os.environ.pop("CSMS_MSISDN")
        argv = ["status", "--bogus-option", *argv[1:]]
    try:
        result = main(argv)
    except SystemExit as stop:  # usage errors leave through argparse, with their code
        result = int(stop.code or 0)
    assert result == exit_code
    out = capsys.readouterr().out
    document = json.loads(out)
    assert set(document) >= {"error", "code", "exit"}
    assert document["exit"] == exit_code
    if code is not None:
        assert document["code"] == code
    if words is not None:
        assert words in document["error"]


def test_a_web_page_instead_of_a_reply_is_one_sentence_with_its_bytes_apart(
    sim_server: SimulatorServer, account_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The gateway answered, but with an HTTP 500 page: the code says so (not
    "unreachable"), the sentence has no HTML in it, and the first bytes of
    the page are a field of their own."""
    sim_server.sim.faults.load("querymsg:html500")
    assert main(["status", "40000001", "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["code"] == "unusable_reply" and document["http_status"] == 500
    assert document["reply_began"].lower().startswith("<!doctype html>")
    assert "<" not in document["error"] and "reply began" not in document["error"]
    assert document["error"].startswith("The gateway answered with a web page")
    # Text mode: the same sentence on standard error.
    assert main(["status", "40000001"]) == 1
    assert capsys.readouterr().err == f"csms: {document['error']}\n"


def test_a_closed_pipe_ends_quietly() -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tui", "--demo", "unknown", "--all"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # `| head -0`: the reader is gone before anything is written
    err = child.stderr.read().decode()
    child.stderr.close()
    child.wait(timeout=60)
    assert "Traceback" not in err and "Exception ignored" not in err
    assert child.returncode in (0, 141)


def test_text_that_is_not_utf8_is_refused_with_its_position(account_env: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui", "send", "--to", "03001234567", "--text", b"Rs \xff 500"],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "Traceback" not in err
    assert "argument 5 is not valid UTF-8 text" in err and "character 4" in err
    assert "Nothing was sent" in err


def test_text_on_stdin_that_is_not_utf8_is_refused(account_env: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui", "send", "--to", "03001234567", "--text", "-", "--json"],
        input=b"Bill \xe9t\xe9",
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert done.returncode == 2
    document = json.loads(done.stdout)
    assert "not valid UTF-8" in document["error"] and "Traceback" not in done.stderr.decode()


def test_an_unusable_data_folder_is_one_sentence(account_env: Path) -> None:
    blocker = account_env / "a-file"
    blocker.write_text("not a folder")
    done = _run("send", "--to", "03001234567", "--text", "hi", env={"XDG_DATA_HOME": str(blocker)})
    err = done.stderr.decode()
    assert done.returncode == 1, err
    assert "Traceback" not in err
    assert err.startswith("csms: Nothing was sent: ") and err.count("\n") == 1


DEMO_SEND = [sys.executable, "-m", "tui", "--demo", "send", "--to", "03001234567", "--text", "hi"]


def test_ctrl_c_during_start_up_is_a_clean_exit(account_env: Path) -> None:
    for delay in (0.15, 0.3, 0.6):
        child = subprocess.Popen(
            [*DEMO_SEND, "--now"],  # at any time of day
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        time.sleep(delay)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
        text = err.decode()
        assert "Traceback" not in text, (delay, text)
        # 130, or ended by the signal itself (a shell shows 130 too).
        assert child.returncode in (0, 130, -signal.SIGINT), (delay, child.returncode, text)
        sent = out.decode().startswith("923001234567\t")
        if child.returncode and not sent:  # stopped before the send: it says so
            assert text.endswith("csms: Interrupted.\n"), (delay, child.returncode, text)


def test_a_nul_in_the_text_is_refused_and_nothing_is_sent(
    account_env: Path, sim_server: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.simulator import SimulatorServer

    assert isinstance(sim_server, SimulatorServer)
    done = subprocess.run(
        [sys.executable, "-m", "tui", "send", "--to", "03001234567", "--text", "-", "--json"],
        input=b"Bill\x00 due",
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert done.returncode == 2
    document = json.loads(done.stdout)
    assert "control character (U+0000) at character 5" in document["error"]
    assert "sendsms.jsp" not in sim_server.sim.pages_requested()


def test_demo_commands_say_they_start_afresh(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", "lists"]) == 0
    captured = capsys.readouterr()
    assert "fresh simulated account" in captured.err and "Customers" in captured.out


def test_audio_check_json_fails_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audio", "check", str(tmp_path / "missing.wav"), "--json"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert document["exit"] == 2 and "does not exist" in document["error"]


def test_a_submit_stopped_part_way_is_coded_by_what_stopped_it() -> None:
    refused = SubmitStopped(GatewayError(100), done=None, unsent=["923001234567"])
    assert output.error_code(refused) == 100
    lost = SubmitStopped(
        OutcomeUnknown("No answer came back."),
        done=SubmitIds([("923001111111", "M1")]),
        unknown=["923211234567"],
    )
    assert output.error_code(lost) == "outcome_unknown" and str(lost) == "No answer came back."
