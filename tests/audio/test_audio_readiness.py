"""What the gateway would reject (errors 605-611), read from the file header."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audio.audio_clips import encode, ffmpeg, float_wav, lavfi_wav, tone_block, tone_wav
from tui.audio import analyze, check_gateway_ready, convert, gateway_problems


def _codes(path: Path) -> list[int]:
    return [p.code for p in gateway_problems(path)]


def test_plain_gateway_wav_is_ready(clips: Path, out_dir: Path) -> None:
    ready = tone_wav(clips / "ready.wav", 440, 1.0)
    assert check_gateway_ready(ready) == []
    assert analyze(ready).ready
    converted = convert(
        tone_wav(clips / "cd.wav", 440, 1.0, rate=44100, channels=2), out_dir / "c.wav"
    )
    assert check_gateway_ready(converted.path) == []


def test_each_problem_maps_to_its_code(clips: Path) -> None:
    assert _codes(tone_wav(clips / "stereo.wav", channels=2)) == [607]
    assert _codes(tone_wav(clips / "cd.wav", rate=44100)) == [608]
    assert _codes(tone_wav(clips / "eight.wav", width=1)) == [609]
    assert _codes(tone_wav(clips / "all.wav", rate=16000, width=3, channels=2)) == [607, 608, 609]
    floats = float_wav(clips / "f.wav", tone_block(440, 8000, -20, 0.5), rate=8000)
    assert _codes(floats) == [606, 609]
    named = tone_wav(clips / "ready.wav")
    assert [p.code for p in gateway_problems(named, filename="ready.mp3")] == [611]


def test_extra_chunks_are_reported(clips: Path) -> None:
    """ffmpeg adds a LIST chunk unless told -bitexact -map_metadata -1; some
    gateways take only the plain 44-byte header."""
    src = tone_wav(clips / "src.wav")
    listed = clips / "listed.wav"
    ffmpeg("-i", str(src), "-c:a", "pcm_s16le", str(listed))
    problems = check_gateway_ready(listed)
    assert len(problems) == 1
    assert "plain 44-byte header" in problems[0] and "LIST" in problems[0]
    assert problems[0].endswith("(gateway error 606)")


def test_other_formats_and_size(clips: Path) -> None:
    mp3 = encode(tone_wav(clips / "m.wav"), clips / "m.mp3", "-c:a", "libmp3lame")
    problems = check_gateway_ready(mp3)
    assert [p.code for p in gateway_problems(mp3)] == [611, 606]
    assert "It is MP3, not WAV" in problems[1]
    big = lavfi_wav(clips / "big.wav", "sine=frequency=300:sample_rate=8000:duration=330")
    assert _codes(big) == [605]
    assert "over the gateway's 5.00 MB limit" in check_gateway_ready(big)[0]


@pytest.mark.parametrize("suffix", [".WAV", ".wav"])
def test_extension_case_does_not_matter(suffix: str, clips: Path) -> None:
    assert _codes(tone_wav(clips / f"upper{suffix}")) == []
