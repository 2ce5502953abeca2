"""The gateway's audio format and the arithmetic of its size limit."""

from __future__ import annotations

import math

from tui.gateway.codes import AUDIO_MAX_BYTES, AUDIO_SAMPLE_RATE

#: What the gateway takes: PCM signed 16-bit little-endian, mono, 8000 Hz.
OUTPUT_RATE = AUDIO_SAMPLE_RATE
OUTPUT_CHANNELS = 1
OUTPUT_WIDTH = 2
#: A plain WAV header (RIFF, fmt and data chunk headers), nothing else.
WAV_HEADER_BYTES = 44
BYTES_PER_SECOND = OUTPUT_RATE * OUTPUT_CHANNELS * OUTPUT_WIDTH
#: Windows of 10 ms for silence detection and level envelopes.
WINDOW_S = 0.01
#: Levels are in dBFS relative to a full-scale square wave (pydub's convention).
FULL_SCALE = 32768
#: A 10 ms window counts as silence when its level is this many dB below the
#: loudest 10 ms window of the recording (so quiet recordings keep their quiet
#: speech: a fixed level would cut words off a -40 dBFS recording).
SILENCE_THRESHOLD_DB = -50.0
#: The range a silence threshold may be chosen in (dB below the loudest window).
SILENCE_THRESHOLD_RANGE = (-80.0, -10.0)
#: A clip whose peak stays below this is treated as silent.
SILENT_PEAK_DBFS = -60.0


def max_samples(max_bytes: int = AUDIO_MAX_BYTES) -> int:
    """How many 8 kHz samples fit in ``max_bytes`` with the WAV header."""
    return max(0, (max_bytes - WAV_HEADER_BYTES) // OUTPUT_WIDTH)


def max_duration_s(max_bytes: int = AUDIO_MAX_BYTES) -> float:
    """The longest clip that fits in ``max_bytes`` (about 327.7 s for 5 MB)."""
    return max_samples(max_bytes) / OUTPUT_RATE


def wav_bytes(duration_s: float) -> int:
    """The size of the gateway-ready WAV of a clip lasting ``duration_s``."""
    return WAV_HEADER_BYTES + OUTPUT_WIDTH * round(duration_s * OUTPUT_RATE)


def to_dbfs(amplitude: float) -> float:
    """Amplitude (0..32768) as dBFS; silence is ``-inf``."""
    if amplitude <= 0:
        return -math.inf
    return 20.0 * math.log10(amplitude / FULL_SCALE)


def from_dbfs(dbfs: float) -> float:
    return FULL_SCALE * 10.0 ** (dbfs / 20.0)


def format_duration(seconds: float) -> str:
    """``327.68`` as ``5:27.7``; under a minute as ``12.3 s``."""
    if seconds < 59.95:
        return f"{seconds:.1f} s"
    tenths = math.floor(seconds * 10)
    minutes, rest = divmod(tenths, 600)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{rest // 10:02d}.{rest % 10}"
    return f"{minutes}:{rest // 10:02d}.{rest % 10}"


def format_bytes(size: int) -> str:
    """Sizes in MB as the gateway counts them (1 MB = 1,048,576 bytes)."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.2f} MB"


def parse_time(text: str) -> float:
    """``90``, ``1:30``, ``1:30.5`` or ``1:02:03`` as seconds; ValueError (one
    sentence saying what to write) for anything else, including minutes or
    seconds of 60 or more after a colon."""
    cleaned = text.strip()
    hint = "give seconds (90) or minutes and seconds (1:30)"
    try:
        parts = [float(part) for part in cleaned.split(":")]
    except ValueError:
        raise ValueError(f"{cleaned!r} is not a time; {hint}.") from None
    if len(parts) > 3 or any(p < 0 or math.isnan(p) or math.isinf(p) for p in parts):
        raise ValueError(f"{cleaned!r} is not a time; {hint}.")
    for part in parts[1:]:
        if part >= 60:
            raise ValueError(
                f"{cleaned!r} is not a time: after a colon, minutes and seconds go up to 59 "
                f"({part:g} was given); write {_carried(parts)} instead."
            )
    value = 0.0
    for part in parts:
        value = value * 60 + part
    return value


def _carried(parts: list[float]) -> str:
    total = 0.0
    for part in parts:
        total = total * 60 + part
    minutes, seconds = divmod(total, 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours:g}:{minutes:02g}:{seconds:02g}"
    return f"{minutes:g}:{seconds:02g}"
