"""Trimming silence never cuts speech: silence is judged against the
recording's own loudest moment, so a quiet recording keeps all of its words."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audio.audio_clips import (
    extent,
    noise,
    read_gateway_wav,
    rms_dbfs,
    scaled,
    speech_samples,
    write_int_wav,
)
from tui.audio import ConvertOptions, InvalidAudioOptions, analyze, convert

LEAD, TAIL = 1.5, 2.0


@pytest.mark.parametrize("level", [-40.0, -20.0])
def test_trimming_quiet_speech_keeps_all_of_it(level: float, clips: Path, out_dir: Path) -> None:
    speech, rate = speech_samples(clips)
    start, end = extent(speech, rate)
    speech = scaled(speech, level)
    # Room noise 55 dB under the speech before and after it.
    src = write_int_wav(
        clips / "quiet.wav",
        noise(rate, LEAD, level - 55) + speech + noise(rate, TAIL, level - 55, seed=2),
        rate=rate,
    )
    result = convert(src, out_dir / "quiet-8k.wav", ConvertOptions(trim_silence=True))
    pcm = read_gateway_wav(result.path)
    kept = len(pcm) / 16000
    spoken = end - start
    # All of the speech is kept (10 ms windows, and the resampler's few samples
    # of ringing, make up the tolerance) and the padding is gone.
    assert spoken - 0.02 <= kept <= spoken + 0.06
    assert LEAD + start - 0.03 <= result.trimmed_start_s <= LEAD + start + 0.02
    assert TAIL + (len(speech) / rate - end) - 0.05 <= result.trimmed_end_s
    assert result.trimmed_end_s <= TAIL + (len(speech) / rate - end) + 0.02
    assert rms_dbfs(pcm) > level - 3
    # check reports the same silence as the trim removes (so its advice to
    # trim never removes speech either).
    analysis = analyze(src)
    assert analysis.leading_silence_s == pytest.approx(result.trimmed_start_s, abs=0.03)
    assert analysis.trailing_silence_s == pytest.approx(result.trimmed_end_s, abs=0.03)


def test_the_threshold_can_be_chosen(clips: Path, out_dir: Path) -> None:
    """A threshold closer to the loudest moment removes noise at the ends that
    the default keeps (noise only 35 dB under the speech)."""
    speech, rate = speech_samples(clips, "One two three.")
    speech = scaled(speech, -30)
    src = write_int_wav(
        clips / "noisy.wav",
        noise(rate, 1.0, -65) + speech + noise(rate, 1.0, -65, seed=3),
        rate=rate,
    )
    default = convert(src, out_dir / "d.wav", ConvertOptions(trim_silence=True))
    assert default.trimmed_start_s < 0.05  # the noise is within 50 dB: kept
    strict = convert(
        src, out_dir / "s.wav", ConvertOptions(trim_silence=True, silence_threshold_db=-25)
    )
    assert strict.trimmed_start_s >= 0.95 and strict.trimmed_end_s >= 0.95
    assert "25 dB under the loudest moment" in strict.notes[1]


@pytest.mark.parametrize("value", [-5.0, -85.0])
def test_a_threshold_out_of_range_is_refused(value: float, clips: Path, out_dir: Path) -> None:
    src = write_int_wav(clips / "x.wav", noise(8000, 0.5, -20), rate=8000)
    with pytest.raises(InvalidAudioOptions, match=r"silence threshold .* must be between -80"):
        convert(
            src, out_dir / "x8.wav", ConvertOptions(trim_silence=True, silence_threshold_db=value)
        )
    assert list(out_dir.iterdir()) == []
