"""Level measurement: full-scale counting, clipping, silence and envelope."""

from __future__ import annotations

from array import array
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.audio.audio_clips import silence, tone_block, tone_wav, write_int_wav
from tui.audio import analyze
from tui.audio.meter import LevelMeter, count_full_scale

samples_strategy = st.lists(
    st.one_of(
        st.sampled_from([32767, -32768, 32512, -32513, 32766, -32767, 255, -256, 0, 127, -128]),
        st.integers(-32768, 32767),
    ),
    max_size=400,
)


@given(samples_strategy)
def test_count_full_scale_matches_a_plain_count(values: list[int]) -> None:
    pcm = array("h", values).tobytes()
    assert count_full_scale(pcm) == sum(1 for v in values if v in (32767, -32768))


def test_clipping_is_counted(clips: Path) -> None:
    # A sine driven 6 dB past full scale: about a third of its samples clip.
    loud = tone_block(250, 8000, 3.0, 1.0)
    clipped = array("d", (max(-1.0, min(1.0, s)) for s in loud))
    src = write_int_wav(clips / "clipped.wav", clipped, rate=8000)
    expected = sum(1 for v in array("h", src.read_bytes()[44:]) if v in (32767, -32768))
    analysis = analyze(src)
    assert analysis.clipped_samples == expected > 1000
    assert analysis.clipped_percent == pytest.approx(100 * expected / 8000)
    assert analysis.peak_dbfs == pytest.approx(0.0, abs=0.01)


def test_silence_and_envelope(clips: Path) -> None:
    samples = silence(16000, 1.0) + tone_block(440, 16000, -10, 2.0) + silence(16000, 0.5)
    src = write_int_wav(clips / "padded.wav", samples, rate=16000, channels=2)
    analysis = analyze(src, envelope_points=70)
    assert analysis.leading_silence_s == pytest.approx(1.0, abs=0.011)
    assert analysis.trailing_silence_s == pytest.approx(0.5, abs=0.011)
    assert analysis.duration_s == pytest.approx(3.5)
    env = analysis.envelope
    assert len(env) == 70
    assert max(env[:19]) == 0.0 and max(env[-9:]) == 0.0
    assert min(env[21:59]) == pytest.approx(10 ** (-10 / 20), rel=0.01)
    assert analysis.total_samples == 2 * 56000


def test_envelope_memory_is_bounded_for_long_streams() -> None:
    meter = LevelMeter(1, 8000)
    second = array("h", [1000, -1000] * 4000).tobytes()
    for _ in range(3 * 3600):  # three hours
        meter.feed(second)
    meter.finish()
    assert len(meter._envelope) < 1 << 16
    assert meter.duration_s == pytest.approx(3 * 3600)
    assert meter.envelope(120) == pytest.approx([1000 / 32768] * 120)


def test_short_clips_give_a_short_envelope(clips: Path) -> None:
    src = tone_wav(clips / "blip.wav", 440, 0.05)
    assert len(analyze(src, envelope_points=120).envelope) == 5
