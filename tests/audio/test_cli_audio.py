"""``csms audio check`` and ``csms audio convert``, run in-process."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from tests.audio.audio_clips import encode, lavfi_wav, read_gateway_wav, rms_dbfs, tone_wav
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
    assert f"convert it: csms audio convert {src} {clips / 'a-8k.wav'}" in out


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


# Overwriting, the advice, batches, options and JSON ------------------------------------


def test_convert_never_replaces_its_input(clips: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tone_wav(clips / "a.wav", 440, 1.0, rate=22050)
    before = src.read_bytes()
    for extra in ([], ["--force"]):
        assert main(["audio", "convert", str(src), str(src), *extra]) == 2
        err = capsys.readouterr().err
        assert err == (
            f"{src} is the file being converted and is never replaced; choose another "
            "output name, such as a-8k.wav.\n"
        )
    assert src.read_bytes() == before
    assert sorted(p.name for p in clips.iterdir()) == ["a.wav"]


def test_convert_replaces_an_existing_output_only_with_force(
    clips: Path, out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tone_wav(clips / "a.wav", 440, 1.0, rate=22050)
    dst = out_dir / "old.wav"
    dst.write_bytes(b"keep me")
    assert main(["audio", "convert", str(src), str(dst)]) == 2
    assert capsys.readouterr().err == (
        f"{dst} already exists; add --force to replace it, or give another name.\n"
    )
    assert dst.read_bytes() == b"keep me"
    assert main(["audio", "convert", str(src), str(dst), "--force"]) == 0
    read_gateway_wav(dst)


def test_check_advice_matches_the_default_output_and_is_quoted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "my recordings"
    folder.mkdir()
    src = tone_wav(folder / "it's here.wav", 440, 1.0, rate=22050)
    assert main(["audio", "check", str(src)]) == 1
    out = capsys.readouterr().out
    target = folder / "it's here-8k.wav"
    expected = f"csms audio convert {shlex.quote(str(src))} {shlex.quote(str(target))}"
    assert f"convert it: {expected}\n" in out
    # Following the advice works, and writes exactly that file.
    argv = shlex.split(expected)[1:]
    assert main(argv) == 0
    assert (folder / "it's here-8k.wav").is_file()
    capsys.readouterr()
    # Now that it exists, the advice says it would be replaced.
    assert main(["audio", "check", str(src)]) == 1
    assert f"{expected} --force (this replaces the it's here-8k.wav already there)" in (
        capsys.readouterr().out
    )


def test_convert_one_input_writes_the_default_name(
    clips: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = encode(
        tone_wav(clips / "b.wav", 440, 1.0, rate=44100), clips / "b.mp3", "-c:a", "libmp3lame"
    )
    assert main(["audio", "convert", str(src)]) == 0
    read_gateway_wav(clips / "b-8k.wav")
    assert f"Wrote {clips / 'b-8k.wav'}" in capsys.readouterr().out


def test_convert_several_files_into_a_folder(
    clips: Path, out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = tone_wav(clips / "one.wav", 440, 1.0, rate=22050)
    two = encode(
        tone_wav(clips / "t.wav", 660, 2.0, rate=44100), clips / "two.mp3", "-c:a", "libmp3lame"
    )
    junk = clips / "junk.ogg"
    junk.write_bytes(b"not audio" * 50)
    both = ["audio", "convert", str(one), str(two), "--out-dir", str(out_dir)]
    assert (
        main(
            ["audio", "convert", str(one), str(two), str(junk), "--out-dir", str(out_dir), "--json"]
        )
        == 2
    )
    data = json.loads(capsys.readouterr().out)
    assert [Path(d["path"]).name for d in data["converted"]] == ["one-8k.wav", "two-8k.wav"]
    assert [f["input"] for f in data["failed"]] == [str(junk)]
    assert data["failed"][0]["error"].startswith(f"{junk} is not audio or is damaged")
    assert sorted(p.name for p in out_dir.iterdir()) == ["one-8k.wav", "two-8k.wav"]
    assert read_gateway_wav(out_dir / "two-8k.wav")
    # Again: both outputs exist now, so nothing is replaced without --force.
    assert main(both) == 2
    err = capsys.readouterr().err
    assert err.count("already exists; add --force") == 2
    assert main([*both, "--force"]) == 0


def test_several_inputs_need_an_output_folder(
    clips: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audio", "convert", "a.wav", "b.wav", "c.wav"]) == 2
    assert "3 files were given without --out-dir" in capsys.readouterr().err
    assert main(["audio", "convert", "x/a.wav", "y/a.mp3", "--out-dir", str(clips)]) == 2
    assert "would both be written as" in capsys.readouterr().err


@pytest.mark.parametrize("flag", [["--target-rms", "-16"], ["--peak-ceiling", "-3"]])
def test_level_options_imply_normalize(
    flag: list[str], clips: Path, out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tone_wav(clips / "q.wav", 440, 1.0, dbfs=-40)
    assert main(["audio", "convert", str(src), str(out_dir / "q8.wav"), *flag]) == 0
    notes = capsys.readouterr().out
    assert "Normalised by +" in notes
    assert rms_dbfs(read_gateway_wav(out_dir / "q8.wav")) > -30


@pytest.mark.parametrize("value", ["1:60", "0:75", "1:60:00"])
def test_seconds_of_60_or_more_are_refused(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["audio", "convert", "a.mp3", "b.wav", "--end", value])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert f"'{value}' is not a time: after a colon, minutes and seconds go up to 59" in err


def test_silence_threshold_option(
    clips: Path, out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tone_wav(clips / "p.wav", 440, 1.0, dbfs=-30, lead=1.0, tail=1.0)
    assert main(["audio", "check", str(src), "--silence-threshold", "-30"]) == 0
    assert "1.00 s at the start, 1.00 s at the end (quieter than" in capsys.readouterr().out
    argv = ["audio", "convert", str(src), str(out_dir / "p8.wav"), "--trim-silence"]
    assert main([*argv, "--silence-threshold", "-30"]) == 0
    assert "30 dB under the loudest moment" in capsys.readouterr().out
    assert main([*argv, "--silence-threshold", "-5", "--force"]) == 2
    assert "must be between -80 and -10 dB" in capsys.readouterr().err


def test_json_failures_are_json(
    clips: Path, out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audio", "check", "--json", str(clips / "none.wav")]) == 2
    assert json.loads(capsys.readouterr().out)["code"] == "audio"
    junk = clips / "junk.mp3"
    junk.write_bytes(b"junk" * 100)
    assert main(["audio", "convert", str(junk), str(out_dir / "j.wav"), "--json"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["exit"] == 2 and "is not audio or is damaged" in data["error"]
    with pytest.raises(SystemExit):
        main(["audio", "check", "--json", "a.wav", "--silence-threshold", "loud"])
    assert json.loads(capsys.readouterr().out)["code"] == "usage"
