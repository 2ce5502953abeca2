"""``csms audio upload`` and ``csms audio status`` on the simulator over loopback:
a file not in the gateway's format is converted first, the command waits for
Ready, and every failure with --json is one JSON object."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from tests.audio.audio_clips import encode, tone_wav
from tui.cli.main import main
from tui.config import data_dir
from tui.gateway.codes import AudioStatus
from tui.ledger import Ledger
from tui.simulator import Simulator


def uploads(simulator: Simulator) -> dict[str, tuple[str, int]]:
    """Name -> (file name, size) of what reached the simulator."""
    return {a.name: (a.filename, a.size) for a in simulator.state.audio.values()}


class Ticking:
    """Moves the simulator's clock 10 s every 20 ms (the gateway prepares a file
    in 30 s of its time) while the command waits."""

    def __init__(self, simulator: Simulator) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(simulator,), daemon=True)

    def _run(self, simulator: Simulator) -> None:
        while not self._stop.wait(0.02):
            simulator.clock.advance(10)

    def __enter__(self) -> Ticking:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture(autouse=True)
def _quick_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.cli.audio.READY_POLL_S", 0.05)


def test_an_mp3_is_converted_uploaded_and_waited_for(
    account_env: Path, simulator: Simulator, clips: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mp3 = encode(tone_wav(clips / "w.wav", 440, 2.0, rate=44100), clips / "welcome.mp3",
                 "-c:a", "libmp3lame")  # fmt: skip
    with Ticking(simulator):
        assert main(["audio", "upload", str(mp3), "--name", "Welcome", "--timeout", "20"]) == 0
    captured = capsys.readouterr()
    file_id, name, status = captured.out.strip().split("\t")
    assert (name, status) == ("Welcome", "Ready")
    assert "Converted MP3" in captured.err
    filename, size = uploads(simulator)["Welcome"]
    assert filename == "welcome-8k.wav" and size == 44 + 2 * 16000
    assert not (clips / "welcome-8k.wav").exists()  # converted in a temporary folder
    with Ledger.open(data_dir("default") / "ledger.sqlite3") as book:
        record = book.audio.audio(file_id)
        assert record is not None and record.status is AudioStatus.READY
    assert main(["audio", "status", file_id, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "id": file_id, "name": "Welcome", "status": "Ready", "ready": True
    }  # fmt: skip


def test_a_ready_wav_goes_up_unchanged_without_waiting(
    account_env: Path, simulator: Simulator, clips: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wav = tone_wav(clips / "ok.wav", 440, 1.0)
    assert main(["audio", "upload", str(wav), "--name", "Ok", "--no-wait", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "Not Ready" and data["converted"] is False
    assert uploads(simulator)["Ok"] == ("ok.wav", wav.stat().st_size)
    assert main(["audio", "status", data["id"]]) == 0
    assert capsys.readouterr().out == f"{data['id']}\tOk\tNot Ready\n"


def test_not_ready_in_time_says_what_to_do(
    account_env: Path, simulator: Simulator, clips: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wav = tone_wav(clips / "slow.wav", 440, 1.0)
    argv = ["audio", "upload", str(wav), "--name", "Slow", "--timeout", "0.2", "--json"]
    assert main(argv) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["code"] == "not_ready" and data["exit"] == 1
    assert f"`csms audio status {data['id']}` checks again" in data["error"]


@pytest.mark.parametrize(
    ("argv", "exit_code", "words"),
    [
        (["--name", ""], 2, "The recording name is empty"),
        (["--name", "X", "--trim-silence", "--silence-threshold", "-3"], 2, "must be between -80"),
        (["--name", "Junk", "JUNK"], 2, "is not audio or is damaged"),
        (["--name", "Gone", "MISSING"], 2, "does not exist"),
    ],
)
def test_bad_uploads_are_refused_as_json_before_sending(
    argv: list[str],
    exit_code: int,
    words: str,
    account_env: Path,
    simulator: Simulator,
    clips: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    junk = clips / "junk.mp3"
    junk.write_bytes(b"junk" * 200)
    files = {"JUNK": str(junk), "MISSING": str(clips / "missing.mp3")}
    source = str(tone_wav(clips / "fine.wav", 440, 1.0))
    args = [a for a in argv if a not in files]
    chosen = next((files[a] for a in argv if a in files), source)
    assert main(["audio", "upload", chosen, *args, "--json"]) == exit_code
    data = json.loads(capsys.readouterr().out)
    assert words in data["error"] and data["exit"] == exit_code
    assert uploads(simulator) == {}


def test_a_name_already_used_is_refused(
    account_env: Path, simulator: Simulator, clips: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wav = tone_wav(clips / "a.wav", 440, 1.0)
    assert main(["audio", "upload", str(wav), "--name", "Hello", "--no-wait"]) == 0
    capsys.readouterr()
    assert main(["audio", "upload", str(wav), "--name", "hello", "--no-wait"]) == 2
    assert "already uploaded" in capsys.readouterr().err


def test_status_of_an_unknown_id(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audio", "status", "999", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert "does not know an audio file 999" in data["error"]
    assert main(["audio", "status", "abc", "--json"]) == 2
    assert "is not a file ID" in json.loads(capsys.readouterr().out)["error"]
