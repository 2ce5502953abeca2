"""``csms audio check`` and ``csms audio convert``, run in-process."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.audio.audio_clips import encode, lavfi_wav, read_gateway_wav, tone_wav
from tui.cli.main import main


def test_check_ready_file(clips: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tone_wav(clips / "ready.wav", 440, 2.0, lead=0.5)
    assert main(["audio", "check", str(src)]) == 0
    out = capsys.readouterr().out
    assert "Format    WAV pcm_s16le, mono, 8000 Hz, 16-bit" in out
    assert "Length    2.5 s" in out
    assert "peak -17.0 dBFS, RMS -21.0 dBFS" in out
    assert "0.50 s at the start, 0.00 s at the end" in out
    assert "Gateway   ready to upload as it is" in out
    assert "40,044 bytes of 5,242,880 (fits; at most 5:27.6)" in out


def test_check_file_needing_conversion(clips: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = encode(
        tone_wav(clips / "a.wav", 440, 1.0, rate=44100), clips / "a.mp3", "-c:a", "libmp3lame"
    )
    assert main(["audio", "check", str(src)]) == 1
    out = capsys.readouterr().out
    assert "not ready to upload" in out
    assert "(gateway error 611)" in out and "(gateway error 606)" in out
    assert f"convert it: csms audio convert {src} {clips / 'a.wav'}" in out


def test_check_json(clips: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tone_wav(clips / "s.wav", 440, 1.0, channels=2)
    assert main(["audio", "check", "--json", str(src)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["channels"] == 2 and data["ready"] is False
    assert data["problems"] == [{"code": 607, "text": "It has 2 channels; the gateway takes mono"}]
    assert len(data["envelope"]) == 60


def test_check_bad_input(clips: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audio", "check", str(clips / "missing.ogg")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        captured.err == f"{clips / 'missing.ogg'} does not exist; check the file name and folder.\n"
    )


def test_convert_with_every_option(
    clips: Path, out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tone_wav(
        clips / "in.wav", 1000, 4.0, rate=44100, channels=2, dbfs=-35, lead=1.0, tail=1.0
    )
    dst = out_dir / "out.wav"
    argv = ["audio", "convert", str(src), str(dst), "--normalize", "--trim-silence"]
    argv += ["--phone-band", "--start", "0.5", "--end", "0:05.5"]
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    pcm = read_gateway_wav(dst)
    assert len(pcm) / 16000 == pytest.approx(4.0, abs=0.03)
    assert out[0] == "Converted WAV pcm_s16le (stereo, 44100 Hz) to WAV PCM 16-bit mono 8000 Hz."
    assert out[1] == "Kept the part from 0.5 s to 5.5 s."
    assert re.match(r"Trimmed 0\.50 s of silence at the start and 0\.(49|50) s at the end", out[2])
    assert out[3] == "Filtered to the telephone band, 300-3400 Hz."
    assert out[4].startswith("Normalised by +15.0 dB to RMS -20.0 dBFS")
    assert out[5] == f"Wrote {dst}: 4.0 s, {44 + len(pcm):,} bytes."


def test_convert_too_long(clips: Path, out_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = lavfi_wav(clips / "long.wav", "sine=frequency=440:sample_rate=8000:duration=340")
    dst = out_dir / "long8.wav"
    assert main(["audio", "convert", str(src), str(dst)]) == 1
    err = capsys.readouterr().err
    assert "lasts 5:40.0; at most 5:27.6 fits" in err
    assert not dst.exists()
    assert main(["audio", "convert", str(src), str(dst), "--cut-to-fit"]) == 0
    assert "Cut to 5:27.6 to fit 5.00 MB." in capsys.readouterr().out
    assert dst.stat().st_size <= 5 * 1024 * 1024


def test_convert_bad_input(clips: Path, out_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = clips / "junk.mp3"
    junk.write_bytes(b"\x00\x01garbage" * 100)
    assert main(["audio", "convert", str(junk), str(out_dir / "j.wav")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{junk} is not audio or is damaged (ffmpeg: ")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("value", ["abc", "-3", "1:xx"])
def test_bad_time_is_an_argument_error(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["audio", "convert", "a.mp3", "b.wav", "--start", value])
    assert caught.value.code == 2
    assert (
        "is not a time; give seconds (90) or minutes and seconds (1:30)" in capsys.readouterr().err
    )
