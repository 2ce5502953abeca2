"""Every input format converts to the gateway's WAV with its level and length."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audio.audio_clips import (
    encode,
    float_wav,
    read_gateway_wav,
    rms_dbfs,
    tone_block,
    tone_dbfs,
    tone_wav,
)
from tui.audio import analyze, convert

LEVEL = -20.0  # RMS dBFS of the test tone
SECONDS = 2.0


def _source(kind: str, folder: Path) -> Path:
    """A 2 s 440 Hz tone at -20 dBFS RMS in the format ``kind``."""
    if kind.startswith("wav-int"):
        width = int(kind.removeprefix("wav-int")) // 8
        return tone_wav(folder / f"{kind}.wav", seconds=SECONDS, rate=8000, width=width)
    if kind == "wav-stereo-44k":
        return tone_wav(folder / "stereo.wav", seconds=SECONDS, rate=44100, channels=2)
    if kind.startswith("wav-float"):
        bits = 64 if "64" in kind else 32
        samples = tone_block(440, 16000, LEVEL, SECONDS)
        return float_wav(
            folder / f"{kind}.wav", samples, rate=16000, bits=bits, extensible="ext" in kind
        )
    master = tone_wav(folder / "master.wav", seconds=SECONDS, rate=44100, channels=2)
    codecs = {
        "mp3": ("mp3", ("-c:a", "libmp3lame", "-b:a", "128k")),
        "m4a": ("m4a", ("-c:a", "aac", "-b:a", "128k")),
        "ogg": ("ogg", ("-c:a", "libvorbis")),
        "opus": ("opus", ("-c:a", "libopus", "-b:a", "64k")),
        "flac": ("flac", ("-c:a", "flac")),
    }
    suffix, args = codecs[kind]
    return encode(master, folder / f"tone.{suffix}", *args)


KINDS = {
    # kind: (codec reported, channels, rate, bits, level tolerance dB)
    "wav-int8": ("pcm_u8", 1, 8000, 8, 0.5),
    "wav-int16": ("pcm_s16le", 1, 8000, 16, 0.5),
    "wav-int24": ("pcm_s24le", 1, 8000, 24, 0.5),
    "wav-int32": ("pcm_s32le", 1, 8000, 32, 0.5),
    "wav-float32": ("pcm_f32le", 1, 16000, 32, 0.5),
    "wav-float32-ext": ("pcm_f32le", 1, 16000, 32, 0.5),
    "wav-float64-ext": ("pcm_f64le", 1, 16000, 64, 0.5),
    "wav-stereo-44k": ("pcm_s16le", 2, 44100, 16, 0.5),
    "mp3": ("mp3", 2, 44100, None, 1.0),
    "m4a": ("aac", 2, 44100, None, 1.0),
    "ogg": ("vorbis", 2, 44100, None, 1.0),
    "opus": ("opus", 2, 48000, None, 1.0),
    "flac": ("flac", 2, 44100, 16, 0.5),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_format_analyses_and_converts(kind: str, clips: Path, out_dir: Path) -> None:
    codec, channels, rate, bits, tolerance = KINDS[kind]
    src = _source(kind, clips)

    analysis = analyze(src)
    assert analysis.codec == codec
    assert (analysis.channels, analysis.sample_rate) == (channels, rate)
    assert analysis.bits_per_sample == bits
    assert analysis.duration_s == pytest.approx(SECONDS, abs=0.08)
    assert analysis.rms_dbfs == pytest.approx(LEVEL, abs=tolerance)
    assert analysis.peak_dbfs == pytest.approx(LEVEL + 3.01, abs=tolerance)
    assert analysis.clipped_samples == 0
    assert analysis.fits

    result = convert(src, out_dir / "out.wav")
    pcm = read_gateway_wav(result.path)
    assert result.size_bytes == 44 + len(pcm) == (out_dir / "out.wav").stat().st_size
    assert len(pcm) / 16000 == pytest.approx(SECONDS, abs=0.08)
    assert result.duration_s == pytest.approx(len(pcm) / 16000)
    # Level preserved through decoding, downmix and resampling.
    assert rms_dbfs(pcm[1600:-1600]) == pytest.approx(LEVEL, abs=tolerance)
    assert tone_dbfs(pcm[1600:-1600], 440) == pytest.approx(LEVEL, abs=tolerance)
    assert len(result.source_sha256) == 64


def test_float_wav_is_read_as_float_not_integers(clips: Path, out_dir: Path) -> None:
    """The pydub trap: its own reader takes float samples for integers (about
    -6 dBFS instead of the real level). The real level must survive."""
    quiet = -25.0
    samples = tone_block(1000, 16000, quiet, 1.0)
    src = float_wav(clips / "quiet.wav", samples, rate=16000, extensible=True)
    assert analyze(src).rms_dbfs == pytest.approx(quiet, abs=0.5)
    pcm = read_gateway_wav(convert(src, out_dir / "quiet8k.wav").path)
    assert rms_dbfs(pcm[800:-800]) == pytest.approx(quiet, abs=0.5)


def test_already_ready_wav_comes_out_identical(clips: Path, out_dir: Path) -> None:
    src = tone_wav(clips / "ready.wav", seconds=1.0)
    pcm = read_gateway_wav(convert(src, out_dir / "copy.wav").path)
    assert pcm == src.read_bytes()[44:]
