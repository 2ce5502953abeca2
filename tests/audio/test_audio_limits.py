"""The 5 MB limit: refusal with the maximum stated, cutting on request, and
the output file itself (plain header, atomic write, progress)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.audio.audio_clips import encode, lavfi_wav, read_gateway_wav, tone_wav
from tui.audio import (
    AudioTooLong,
    AudioWriteError,
    ConvertOptions,
    analyze,
    convert,
    max_duration_s,
)
from tui.gateway.codes import AUDIO_MAX_BYTES

MAX_S = (AUDIO_MAX_BYTES - 44) // 2 / 8000  # 327.6775 s


@pytest.fixture
def long_wav(clips: Path) -> Path:
    return lavfi_wav(clips / "long.wav", "sine=frequency=440:sample_rate=8000:duration=330")


def test_max_duration_is_5_mb_of_8khz_16bit() -> None:
    assert max_duration_s() == pytest.approx(MAX_S)
    assert 327 < MAX_S < 328


def test_analysis_states_size_and_fit(long_wav: Path) -> None:
    analysis = analyze(long_wav)
    assert analysis.duration_s == pytest.approx(330.0, abs=0.01)
    assert analysis.output_bytes == 44 + 330 * 16000
    assert not analysis.fits
    assert analysis.max_duration_s == pytest.approx(MAX_S)
    assert [p.code for p in analysis.problems] == [605]


def test_too_long_is_refused_with_the_maximum(long_wav: Path, out_dir: Path) -> None:
    with pytest.raises(AudioTooLong) as caught:
        convert(long_wav, out_dir / "long8k.wav")
    assert "5:30.0" in caught.value.reason and "at most 5:27.6 fits" in caught.value.reason
    assert caught.value.max_duration_s == pytest.approx(MAX_S)
    assert not (out_dir / "long8k.wav").exists()


def test_too_long_is_cut_when_asked(long_wav: Path, out_dir: Path) -> None:
    result = convert(long_wav, out_dir / "cut.wav", ConvertOptions(cut_to_fit=True))
    pcm = read_gateway_wav(result.path)
    assert result.was_cut
    assert result.size_bytes == 44 + len(pcm) <= AUDIO_MAX_BYTES
    assert len(pcm) == 2 * int(MAX_S * 8000)
    assert result.duration_s == pytest.approx(MAX_S)
    assert pcm == long_wav.read_bytes()[44 : 44 + len(pcm)]


def test_too_long_mp3_is_refused_and_cut(clips: Path, out_dir: Path, long_wav: Path) -> None:
    mp3 = encode(long_wav, clips / "long.mp3", "-c:a", "libmp3lame", "-b:a", "32k")
    with pytest.raises(AudioTooLong, match=r"at most 5:27\.6 fits"):
        convert(mp3, out_dir / "m.wav")
    result = convert(mp3, out_dir / "m.wav", ConvertOptions(cut_to_fit=True, trim_silence=True))
    assert result.was_cut and result.size_bytes <= AUDIO_MAX_BYTES
    assert result.duration_s == pytest.approx(MAX_S, abs=0.01)


def test_a_range_inside_a_long_clip_fits(long_wav: Path, out_dir: Path) -> None:
    options = ConvertOptions(start_s=100.0, end_s=400.0)
    result = convert(long_wav, out_dir / "part.wav", options)
    assert result.duration_s == pytest.approx(230.0, abs=0.01)
    assert not result.was_cut


def test_progress_is_reported_up_to_one(long_wav: Path, out_dir: Path) -> None:
    seen: list[float] = []
    convert(long_wav, out_dir / "p.wav", ConvertOptions(cut_to_fit=True), on_progress=seen.append)
    assert len(seen) > 10
    assert seen == sorted(seen) and seen[-1] == 1.0 and 0 < seen[0] < 0.1
    seen.clear()
    analyze(long_wav, on_progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 10


def test_a_failing_progress_callback_leaves_nothing(long_wav: Path, out_dir: Path) -> None:
    def cancel(fraction: float) -> None:
        if fraction > 0.3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        convert(long_wav, out_dir / "c.wav", ConvertOptions(cut_to_fit=True), on_progress=cancel)
    assert list(out_dir.iterdir()) == []


def test_failure_keeps_an_existing_output(long_wav: Path, out_dir: Path) -> None:
    target = out_dir / "keep.wav"
    target.write_bytes(b"previous")
    with pytest.raises(AudioTooLong):
        convert(long_wav, target, ConvertOptions(replace=True))
    assert target.read_bytes() == b"previous"


def test_output_replaces_atomically(clips: Path, out_dir: Path) -> None:
    src = tone_wav(clips / "a.wav", 440, 1.0, rate=22050, channels=2)
    target = out_dir / "a8.wav"
    target.write_bytes(b"old")
    result = convert(src, target, ConvertOptions(replace=True))
    read_gateway_wav(target)
    assert result.sha256 != result.source_sha256
    assert sorted(p.name for p in out_dir.iterdir()) == ["a8.wav"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("out.mp3", "must end in .wav"),
        ("missing/out.wav", "does not exist"),
        ("adir.wav", "is a folder"),
    ],
)
def test_bad_outputs_are_refused_before_work(
    name: str, message: str, clips: Path, out_dir: Path
) -> None:
    (out_dir / "adir.wav").mkdir()
    src = tone_wav(clips / "b.wav", 440, 0.5)
    with pytest.raises(AudioWriteError, match=message):
        convert(src, out_dir / name)
    assert sorted(os.listdir(out_dir)) == ["adir.wav"]
