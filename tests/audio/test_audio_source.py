"""One ffmpeg run both describes and decodes a clip: the format it reports and
the samples it gives match a separate probe followed by decoding."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audio.audio_clips import encode, read_gateway_wav, tone_wav
from tui.audio import AudioDecodeError, ConvertOptions, InvalidAudioOptions, convert, probe
from tui.audio.decode import open_pcm
from tui.audio.source import open_source


@pytest.fixture
def mp3(clips: Path) -> Path:
    src = tone_wav(clips / "t.wav", 440, 3.0, rate=44100, channels=2)
    return encode(src, clips / "t.mp3", "-c:a", "libmp3lame")


def test_the_decoding_run_reports_the_same_format_and_samples(mp3: Path) -> None:
    with open_source(mp3, rate=8000, start_s=0.5) as (info, stream):
        folded = b"".join(stream)
    separate = probe(mp3)
    assert info == separate
    with open_pcm(separate, rate=8000, mono=True, start_s=0.5) as stream:
        assert folded == b"".join(stream)
    assert len(folded) / 16000 == pytest.approx(2.5, abs=0.06)


def test_leaving_early_stops_the_decoder(mp3: Path) -> None:
    with open_source(mp3, rate=8000) as (_, stream):
        first = next(iter(stream))
    assert 0 < len(first) <= 64 * 1024


def test_errors_before_decoding_come_from_the_same_run(clips: Path, mp3: Path) -> None:
    text = clips / "notes.mp3"
    text.write_text("not a recording\n" * 50)
    with pytest.raises(AudioDecodeError, match=r"is not audio or is damaged \(ffmpeg: .+\)"):
        with open_source(text, rate=8000):
            pass
    with pytest.raises(InvalidAudioOptions, match="past the end of the clip"):
        convert(mp3, clips / "o.wav", ConvertOptions(start_s=10.0))
    assert not (clips / "o.wav").exists()


def test_an_end_past_the_clip_is_the_clip_end(clips: Path, out_dir: Path) -> None:
    # AAC's padding makes ffmpeg's output length depend on whether -t is at
    # the clip's end or past it: an end past the clip must act like its end.
    src = tone_wav(clips / "t.wav", 440, 2.0, rate=44100)
    m4a = encode(src, clips / "t.m4a", "-c:a", "aac")
    length = probe(m4a).duration_s
    assert length is not None
    past = convert(m4a, out_dir / "past.wav", ConvertOptions(end_s=length + 30))
    at = convert(m4a, out_dir / "at.wav", ConvertOptions(end_s=length))
    assert read_gateway_wav(past.path) == read_gateway_wav(at.path)
