"""Every kind of bad input gets its own one-line reason, and nothing is written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.audio.audio_clips import encode, lavfi_wav, tone_wav
from tui.audio import (
    AudioDecodeError,
    AudioEmpty,
    AudioError,
    AudioNotAFile,
    AudioNotFound,
    AudioSilent,
    AudioTruncated,
    AudioUnreadable,
    analyze,
    check_gateway_ready,
    convert,
)

MAIN = Path(__file__).resolve().parents[2]


def _empty(folder: Path) -> Path:
    path = folder / "empty.wav"
    path.touch()
    return path


def _corrupt_mp3(folder: Path) -> Path:
    path = folder / "corrupt.mp3"
    path.write_bytes(bytes(range(256)) * 64)
    return path


def _text(folder: Path) -> Path:
    path = folder / "notes.wav"
    path.write_text("These are meeting notes, not a recording.\n" * 20)
    return path


def _image(folder: Path) -> Path:
    path = folder / "picture.m4a"
    png = folder / "p.png"
    lavfi_png = ("-f", "lavfi", "-i", "color=c=red:s=32x32", "-frames:v", "1", str(png))
    subprocess.run(["ffmpeg", "-nostdin", "-y", "-loglevel", "error", *lavfi_png], check=True)
    path.write_bytes(png.read_bytes())
    return path


def _truncated_mp3(folder: Path) -> Path:
    full = encode(tone_wav(folder / "t.wav", 440, 6.0), folder / "full.mp3", "-c:a", "libmp3lame")
    path = folder / "cut.mp3"
    path.write_bytes(full.read_bytes()[: full.stat().st_size // 3])
    return path


def _truncated_wav(folder: Path) -> Path:
    full = tone_wav(folder / "full.wav", 440, 4.0)
    path = folder / "cut.wav"
    path.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    return path


def _broken_wav_header(folder: Path) -> Path:
    path = folder / "header.wav"
    path.write_bytes(b"RIFF\x24\x00\x00\x00WAVEjunk\x04\x00\x00\x00abcd")
    return path


def _header_only_wav(folder: Path) -> Path:
    path = folder / "nosound.wav"
    path.write_bytes(tone_wav(folder / "x.wav", 440, 0.1).read_bytes()[:44])
    path.write_bytes(path.read_bytes()[:40] + b"\x00\x00\x00\x00")
    return path


def _digital_silence(folder: Path) -> Path:
    return lavfi_wav(folder / "zeros.wav", "anullsrc=r=8000:cl=mono", extra=("-t", "2"))


def _faint(folder: Path) -> Path:
    return tone_wav(folder / "faint.wav", 440, 1.0, dbfs=-75.0)


def _directory(folder: Path) -> Path:
    path = folder / "recordings.wav"
    path.mkdir()
    return path


def _missing(folder: Path) -> Path:
    return folder / "nowhere.wav"


CASES: dict[str, tuple[Callable[[Path], Path], type[AudioError], str]] = {
    "empty": (_empty, AudioEmpty, r"is empty \(0 bytes\)"),
    "corrupt": (_corrupt_mp3, AudioDecodeError, "is not audio or is damaged"),
    "text": (_text, AudioDecodeError, "is not audio or is damaged"),
    "image": (_image, AudioDecodeError, "holds no audio"),
    "truncated mp3": (_truncated_mp3, AudioTruncated, "is truncated"),
    "truncated wav": (_truncated_wav, AudioTruncated, r"announces 4\.0 s .* only 2\.0 s"),
    "broken wav": (_broken_wav_header, AudioDecodeError, "damaged WAV file"),
    "no sound": (_header_only_wav, AudioEmpty, "holds no sound"),
    "silence": (_digital_silence, AudioSilent, r"is silent \(no sound at all\)"),
    "faint": (_faint, AudioSilent, r"is silent \(peak -7\d\.\d dBFS\)"),
    "directory": (_directory, AudioNotAFile, "is a folder"),
    "missing": (_missing, AudioNotFound, "does not exist"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_has_one_clear_reason(case: str, clips: Path, out_dir: Path) -> None:
    make, error, message = CASES[case]
    src = make(clips)
    for action in (lambda: analyze(src), lambda: convert(src, out_dir / "out.wav")):
        with pytest.raises(error, match=message) as caught:
            action()
        reason = caught.value.reason
        assert str(caught.value) == reason
        assert "\n" not in reason and str(src) in reason
        assert "ffmpeg version" not in reason and "configuration:" not in reason
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("case", ["empty", "corrupt", "directory", "missing", "broken wav"])
def test_gateway_check_raises_for_unusable_files(case: str, clips: Path) -> None:
    make, error, message = CASES[case]
    with pytest.raises(error, match=message):
        check_gateway_ready(make(clips))


def test_unreadable_file(clips: Path, out_dir: Path) -> None:
    src = tone_wav(clips / "private.wav", 440, 1.0)
    src.chmod(0)
    if os.geteuid() != 0:
        with pytest.raises(AudioUnreadable, match="permission denied"):
            analyze(src)
        with pytest.raises(AudioUnreadable):
            convert(src, out_dir / "x.wav")
        return
    # root reads anything: run the command again without the capabilities
    # that let root bypass file permissions.
    setpriv = shutil.which("setpriv")
    assert setpriv, "running as root needs setpriv (util-linux) for this test"
    code = (
        "import argparse, sys; from tui.cli import audio; p = argparse.ArgumentParser(); "
        "audio.register(p.add_subparsers()); a = p.parse_args(sys.argv[1:]); "
        "sys.exit(a.handler(a))"
    )
    cmd = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", sys.executable, "-c", code]
    cmd += ["audio", "convert", str(src), str(out_dir / "x.wav")]
    env = {**os.environ, "PYTHONPATH": str(MAIN)}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        f"{src} cannot be read (permission denied); check the file's permissions."
    )
    assert list(out_dir.iterdir()) == []
