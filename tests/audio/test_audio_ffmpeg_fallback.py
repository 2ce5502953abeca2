"""Without a system ffmpeg the bundled imageio-ffmpeg binary is used; without
any ffmpeg, plain integer WAV still works and everything else says what to
install."""

from __future__ import annotations

from pathlib import Path

import imageio_ffmpeg
import pytest

from tests.audio.audio_clips import encode, read_gateway_wav, rms_dbfs, tone_dbfs, tone_wav
from tui.audio import ConvertOptions, FfmpegMissing, analyze, convert, find_ffmpeg


@pytest.fixture
def no_system_ffmpeg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("IMAGEIO_FFMPEG_EXE", raising=False)


@pytest.fixture
def no_ffmpeg(no_system_ffmpeg: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # imageio-ffmpeg returns this variable first, without checking it.
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(tmp_path / "no-such-ffmpeg"))


def test_system_ffmpeg_is_preferred() -> None:
    found = find_ffmpeg()
    assert found is not None and Path(found).name == "ffmpeg"


@pytest.mark.usefixtures("no_system_ffmpeg")
def test_bundled_ffmpeg_is_used_without_a_system_one(clips: Path, out_dir: Path) -> None:
    bundled = imageio_ffmpeg.get_ffmpeg_exe()
    assert find_ffmpeg() == bundled
    mp3 = clips / "t.mp3"
    src = tone_wav(clips / "t.wav", 1000, 1.0, rate=44100, channels=2)
    encode(src, mp3, "-c:a", "libmp3lame")  # the test helper calls ffmpeg by its full path
    assert analyze(mp3).codec == "mp3"
    options = ConvertOptions(phone_band=True, normalize=True)
    pcm = read_gateway_wav(convert(mp3, out_dir / "t8.wav", options).path)
    assert rms_dbfs(pcm[800:-800]) == pytest.approx(-20, abs=1)


@pytest.mark.usefixtures("no_ffmpeg")
def test_without_any_ffmpeg_other_formats_say_what_to_install(clips: Path, out_dir: Path) -> None:
    assert find_ffmpeg() is None
    mp3 = clips / "t.mp3"
    mp3.write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(2000))
    for action in (lambda: analyze(mp3), lambda: convert(mp3, out_dir / "o.wav")):
        with pytest.raises(FfmpegMissing) as caught:
            action()
        assert caught.value.reason == (
            "Reading MP3 audio needs ffmpeg, which was not found: install ffmpeg (for example "
            "`sudo apt install ffmpeg`) or the Python package imageio-ffmpeg "
            "(`pip install imageio-ffmpeg`)."
        )
    cd = tone_wav(clips / "cd.wav", 440, 1.0, rate=44100)
    with pytest.raises(FfmpegMissing, match="resampling it to 8000 Hz needs ffmpeg"):
        convert(cd, out_dir / "o.wav")
    assert list(out_dir.iterdir()) == []


@pytest.mark.usefixtures("no_ffmpeg")
def test_without_any_ffmpeg_integer_wav_still_works(clips: Path, out_dir: Path) -> None:
    # Analysis of any integer WAV needs no ffmpeg.
    cd = tone_wav(clips / "cd.wav", 440, 1.0, rate=44100, channels=2, width=3, dbfs=-18)
    analysis = analyze(cd)
    assert analysis.rms_dbfs == pytest.approx(-18, abs=0.2)
    # Conversion of 8 kHz WAV (any width, any channels) needs none either.
    for width, channels in ((1, 1), (2, 2), (4, 2)):
        src = tone_wav(clips / f"w{width}{channels}.wav", 440, 1.0, width=width, channels=channels)
        pcm = read_gateway_wav(convert(src, out_dir / f"o{width}{channels}.wav").path)
        assert rms_dbfs(pcm) == pytest.approx(-20, abs=0.5)
    # The telephone band falls back to pydub's gentler filters.
    low = tone_wav(clips / "low.wav", 100, 1.0)
    options = ConvertOptions(phone_band=True)
    pcm = read_gateway_wav(convert(low, out_dir / "low8.wav", options).path)
    assert tone_dbfs(pcm[1600:], 100) < -26
