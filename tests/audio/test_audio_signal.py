"""What the conversion does to the sound: anti-aliasing, silence trimming,
normalisation, the telephone band and ranges."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tests.audio.audio_clips import (
    encode,
    lavfi_wav,
    middle,
    peak_dbfs,
    read_gateway_wav,
    rms_dbfs,
    silence,
    tone_block,
    tone_dbfs,
    tone_wav,
    write_int_wav,
)
from tui.audio import AudioSilent, ConvertOptions, InvalidAudioOptions, convert


def test_6khz_tone_does_not_fold_to_2khz(clips: Path, out_dir: Path) -> None:
    """A 6 kHz tone at 44.1 kHz would alias to 2 kHz in a naive 8 kHz
    resampling; the anti-alias filter must remove it."""
    loud = tone_wav(clips / "6k.wav", 6000, 1.0, rate=44100, dbfs=-6.0)
    pcm = middle(read_gateway_wav(convert(loud, out_dir / "6k8.wav").path))
    assert tone_dbfs(pcm, 2000) < -60
    assert rms_dbfs(pcm) < -60
    # The same path keeps an in-band tone: the check above can fail.
    inband = tone_wav(clips / "2k.wav", 2000, 1.0, rate=44100, dbfs=-6.0)
    pcm = middle(read_gateway_wav(convert(inband, out_dir / "2k8.wav").path))
    assert tone_dbfs(pcm, 2000) == pytest.approx(-6.0, abs=0.5)


def test_trim_silence_removes_padding(clips: Path, out_dir: Path) -> None:
    src = tone_wav(clips / "padded.wav", 440, 2.0, rate=16000, lead=1.0, tail=1.5)
    result = convert(src, out_dir / "trimmed.wav", ConvertOptions(trim_silence=True))
    pcm = read_gateway_wav(result.path)
    assert len(pcm) / 16000 == pytest.approx(2.0, abs=0.03)
    assert result.trimmed_start_s == pytest.approx(1.0, abs=0.02)
    assert result.trimmed_end_s == pytest.approx(1.5, abs=0.02)
    # Sound right at both ends (the end keeps the resampler's few ms of ringing).
    assert rms_dbfs(pcm[:160]) > -30 and rms_dbfs(pcm[-480:]) > -30
    # Silence in the middle stays.
    gap = (
        tone_block(440, 8000, -20, 0.5)
        + silence(8000, 1.0)
        + tone_block(440, 8000, -20, 0.5)
        + silence(8000, 0.7)
    )
    src = write_int_wav(clips / "gap.wav", silence(8000, 0.3) + gap, rate=8000)
    pcm = read_gateway_wav(
        convert(src, out_dir / "gap8.wav", ConvertOptions(trim_silence=True)).path
    )
    assert len(pcm) / 16000 == pytest.approx(2.0, abs=0.02)


def test_trim_silence_keeps_a_faint_clip_whole(clips: Path, out_dir: Path) -> None:
    """Silence is judged against the clip's own level: a faint tone is sound."""
    src = tone_wav(clips / "faint.wav", 440, 1.0, dbfs=-56.0, lead=0.5, tail=0.5)
    result = convert(src, out_dir / "faint8.wav", ConvertOptions(trim_silence=True))
    assert result.duration_s == pytest.approx(1.0, abs=0.02)
    assert result.silence_dbfs is not None and result.silence_dbfs < -90


def test_trim_silence_of_a_silent_clip_is_refused(clips: Path, out_dir: Path) -> None:
    src = write_int_wav(clips / "zero.wav", silence(8000, 1.0), rate=8000)
    with pytest.raises(AudioSilent, match="is silent"):
        convert(src, out_dir / "zero8.wav", ConvertOptions(trim_silence=True))
    assert not (out_dir / "zero8.wav").exists()


@pytest.mark.parametrize("level", [-38.0, -12.0])
def test_normalize_reaches_the_rms_target(level: float, clips: Path, out_dir: Path) -> None:
    src = tone_wav(clips / "tone.wav", 440, 2.0, dbfs=level)
    result = convert(src, out_dir / "norm.wav", ConvertOptions(normalize=True))
    pcm = read_gateway_wav(result.path)
    assert rms_dbfs(pcm) == pytest.approx(-20.0, abs=1.0)
    assert peak_dbfs(pcm) <= -1.0
    assert result.gain_db == pytest.approx(-20.0 - level, abs=1.0)


def test_normalize_never_passes_the_peak_ceiling(clips: Path, out_dir: Path) -> None:
    """A quiet tone with a loud click: reaching -20 dBFS RMS would push the
    click past the ceiling, so the gain stops at the ceiling."""
    samples = tone_block(440, 8000, -40.0, 2.0)
    samples[8000] = 0.9  # a click near full scale
    src = write_int_wav(clips / "click.wav", samples, rate=8000)
    options = ConvertOptions(normalize=True, peak_ceiling_dbfs=-1.0)
    result = convert(src, out_dir / "click8.wav", options)
    pcm = read_gateway_wav(result.path)
    assert peak_dbfs(pcm) == pytest.approx(-1.0, abs=0.1)
    assert rms_dbfs(pcm) < -25
    assert any("peak ceiling" in note for note in result.notes)


@pytest.mark.parametrize(
    ("freq", "kept"),
    [(100, False), (1000, True), (3800, False)],
)
def test_phone_band(freq: int, kept: bool, clips: Path, out_dir: Path) -> None:
    src = tone_wav(clips / f"t{freq}.wav", freq, 1.0, rate=44100, dbfs=-20.0)
    plain = middle(read_gateway_wav(convert(src, out_dir / "plain.wav").path))
    banded = read_gateway_wav(
        convert(src, out_dir / "band.wav", ConvertOptions(phone_band=True)).path
    )
    drop = tone_dbfs(plain, freq) - tone_dbfs(middle(banded), freq)
    if kept:
        assert drop == pytest.approx(0.0, abs=1.0)
    else:
        assert drop > 20


def test_range_keeps_the_chosen_part(clips: Path, out_dir: Path) -> None:
    # 0-1 s: 500 Hz, 1-2 s: 1500 Hz, 2-3 s: 500 Hz
    samples = (
        tone_block(500, 8000, -20, 1.0)
        + tone_block(1500, 8000, -20, 1.0)
        + tone_block(500, 8000, -20, 1.0)
    )
    src = write_int_wav(clips / "abc.wav", samples, rate=8000)
    mp3 = out_dir.parent / "abc.mp3"
    encode(src, mp3, "-c:a", "libmp3lame", "-b:a", "128k")
    for source in (src, mp3):
        options = ConvertOptions(start_s=1.0, end_s=2.0)
        pcm = read_gateway_wav(
            convert(source, out_dir / f"mid-{source.suffix[1:]}.wav", options).path
        )
        assert len(pcm) / 16000 == pytest.approx(1.0, abs=0.01)
        inner = middle(pcm, skip_s=0.05)
        assert tone_dbfs(inner, 1500) == pytest.approx(-20, abs=1.0)
        assert tone_dbfs(inner, 500) < -40


def test_range_past_the_end_is_refused(clips: Path, out_dir: Path) -> None:
    src = tone_wav(clips / "short.wav", 440, 2.0)
    with pytest.raises(InvalidAudioOptions, match=r"past the end of the clip \(2.0 s\)"):
        convert(src, out_dir / "x.wav", ConvertOptions(start_s=5.0))
    with pytest.raises(InvalidAudioOptions, match="must come after the start"):
        convert(src, out_dir / "x.wav", ConvertOptions(start_s=1.0, end_s=0.5))
    assert not (out_dir / "x.wav").exists()


def test_long_clip_with_silence_fits_after_trimming(clips: Path, out_dir: Path) -> None:
    """330 s in all but only 320 s of sound: refused as it is, accepted when
    trimmed (the decision is made while streaming)."""
    src = lavfi_wav(
        clips / "padded-long.wav",
        "aevalsrc='if(between(t,5,325),0.3*sin(2*PI*440*t),0)':s=8000:d=330",
    )
    result = convert(src, out_dir / "long.wav", ConvertOptions(trim_silence=True))
    assert result.duration_s == pytest.approx(320.0, abs=0.05)
    assert not result.was_cut
    assert math.isclose(result.trimmed_start_s, 5.0, abs_tol=0.02)
