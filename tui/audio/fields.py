"""What the audio form's typed fields mean: a time (From, To) and the silence
threshold, each read as the converter wants it, or one sentence on what to write."""

from __future__ import annotations

import math

from tui.audio.units import SILENCE_THRESHOLD_DB, parse_time


def parse_seconds(text: str) -> float | None:
    """``90``, ``1:30`` or ``1:30.5`` as seconds; None when blank; ValueError
    (one sentence) otherwise, seconds of 60 or more after a colon included."""
    cleaned = text.strip()
    if not cleaned:
        return None
    return parse_time(cleaned)


def parse_threshold(text: str) -> float:
    """The silence threshold field: dB under the loudest moment (blank: default)."""
    cleaned = text.strip().removesuffix("dB").strip()
    if not cleaned:
        return SILENCE_THRESHOLD_DB
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(
            f"The silence threshold {text.strip()!r} is not a level; give dB under the "
            f"loudest moment, such as {SILENCE_THRESHOLD_DB:g}."
        ) from None
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"The silence threshold {text.strip()!r} is not a level.")
    # "20" and "-20" both mean 20 dB under the loudest moment.
    return -abs(value)
