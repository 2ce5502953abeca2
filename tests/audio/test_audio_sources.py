"""Sources whose timing or level is easy to misread: videos whose picture
outlasts their sound, AMR recordings with silence frames, the resampler's
transition band, and clipping after lossy encoding."""

from __future__ import annotations

import math
from array import array
from pathlib import Path

import pytest

from tests.audio.audio_clips import (
    SOX,
    SYSTEM_FFMPEG,
    encode,
    ffmpeg,
    middle,
    read_gateway_wav,
    scaled,
    silence,
    speech_samples,
    tone_dbfs,
    tone_wav,
    write_int_wav,
)
from tui.audio import ConvertOptions, analyze, convert, probe
from tui.audio.amr import FRAME_S

# -- 2. a video track longer than the sound -------------------------------------------


@pytest.mark.parametrize(
    ("container", "codecs"), [("mp4", ("mpeg4", "aac")), ("webm", ("libvpx", "libopus"))]
)
def test_video_longer_than_its_sound_is_not_truncated(
    container: str, codecs: tuple[str, str], clips: Path, out_dir: Path
) -> None:
    video = clips / f"clip.{container}"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=duration=6:size=160x120:rate=10",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3",
        "-c:v", codecs[0], "-c:a", codecs[1], str(video),
    )  # fmt: skip
    info = probe(video)
    assert info.duration_s == pytest.approx(3.0, abs=0.05)
    assert analyze(video).duration_s == pytest.approx(3.0, abs=0.05)
    result = convert(video, out_dir / "clip-8k.wav")
    assert result.duration_s == pytest.approx(3.0, abs=0.05)


def test_a_cut_off_video_sound_is_still_truncated(clips: Path, out_dir: Path) -> None:
    """The audio stream's own length is compared, so a real cut still shows."""
    video = clips / "cut.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=duration=20:size=160x120:rate=10",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=20",
        "-c:v", "mpeg4", "-c:a", "aac", "-movflags", "+faststart", str(video),
    )  # fmt: skip
    data = video.read_bytes()
    video.write_bytes(data[: len(data) // 3])
    with pytest.raises(Exception, match=r"truncated|damaged|could not be decoded"):
        convert(video, out_dir / "cut-8k.wav")
    assert list(out_dir.iterdir()) == []


# -- 4. AMR keeps its pauses ------------------------------------------------------------


def _amr_from(wav: Path, amr: Path) -> Path:
    """An AMR-NB file of ``wav``: with ffmpeg when its build has an AMR encoder,
    else with sox (libopencore-amrnb, which writes silence frames in pauses)."""
    import subprocess

    if SYSTEM_FFMPEG and _ffmpeg_encodes_amr():
        ffmpeg("-i", str(wav), "-ar", "8000", "-ac", "1", "-c:a", "libopencore_amrnb",
               "-dtx", "1", "-b:a", "12.2k", str(amr))  # fmt: skip
        return amr
    if (
        SOX is None
        or subprocess.run([SOX, "-h"], capture_output=True, text=True).stdout.find("amr-nb") < 0
    ):
        pytest.skip("neither ffmpeg nor sox here can encode AMR-NB (no AMR encoder built in)")
    subprocess.run([SOX, str(wav), "-t", "amr-nb", str(amr)], check=True, capture_output=True)
    return amr


def _ffmpeg_encodes_amr() -> bool:
    import subprocess

    assert SYSTEM_FFMPEG is not None
    out = subprocess.run(
        [SYSTEM_FFMPEG, "-hide_banner", "-encoders"], capture_output=True, text=True
    )
    return "libopencore_amrnb" in out.stdout


def test_amr_keeps_its_timing(clips: Path, out_dir: Path) -> None:
    speech, rate = speech_samples(clips, "Welcome. Please hold.")
    speech = scaled(speech, -20)
    # Speech, a 2 s pause, speech again, 1.5 s of silence at the end.
    source = silence(rate, 0.5) + speech + silence(rate, 2.0) + speech + silence(rate, 1.5)
    wav = write_int_wav(clips / "prompt.wav", source, rate=rate)
    amr = _amr_from(wav, clips / "prompt.amr")
    source_s = len(source) / rate
    info = probe(amr)
    assert info.format_label == "AMR" and info.duration_exact
    assert info.duration_s == pytest.approx(source_s, abs=FRAME_S + 0.001)
    result = convert(amr, out_dir / "prompt-8k.wav")
    pcm = read_gateway_wav(result.path)
    assert abs(len(pcm) / 16000 - source_s) <= 0.05
    assert abs(analyze(amr).duration_s - source_s) <= 0.05
    # The second sentence starts where it did in the source (the pause kept).
    second = (0.5 + len(speech) / rate + 2.0) * 8000
    levels = [_rms(pcm, i) for i in range(0, len(pcm) // 2 - 80, 80)]
    loud = [i * 80 for i, level in enumerate(levels) if level > 100]
    onset = next(i for i in loud if i > second - 0.5 * 8000)
    assert abs(onset - second) / 8000 <= 0.05
    # A range of an AMR file is timed the same way.
    part = convert(amr, out_dir / "part.wav", ConvertOptions(start_s=1.0))
    assert part.duration_s == pytest.approx(source_s - 1.0, abs=0.05)


def _rms(pcm: bytes, start: int) -> float:
    window = array("h", pcm[2 * start : 2 * (start + 80)])
    return math.sqrt(sum(v * v for v in window) / max(1, len(window)))


# -- 5. the transition band ----------------------------------------------------------------


@pytest.mark.parametrize("rate", [44100, 16000])
def test_a_4100_hz_tone_does_not_fold_to_3900_hz(rate: int, clips: Path, out_dir: Path) -> None:
    src = tone_wav(clips / "t.wav", 4100, 2.0, rate=rate, dbfs=-3.0)
    pcm = middle(read_gateway_wav(convert(src, out_dir / "t-8k.wav").path))
    assert tone_dbfs(pcm, 3900) < -80
    # The passband is untouched: a 3.3 kHz tone keeps its level.
    inband = tone_wav(clips / "p.wav", 3300, 2.0, rate=rate, dbfs=-3.0)
    pcm = middle(read_gateway_wav(convert(inband, out_dir / "p-8k.wav").path))
    assert tone_dbfs(pcm, 3300) == pytest.approx(-3.0, abs=0.5)


# -- 6. clipping after lossy encoding ------------------------------------------------------


def _clipped_speech(clips: Path, gain_db: float) -> Path:
    speech, rate = speech_samples(clips)
    loud = scaled(speech, -20 + gain_db)
    hard = array("d", (max(-1.0, min(32767 / 32768, v)) for v in loud))
    return write_int_wav(clips / "clipped.wav", hard, rate=rate)


@pytest.mark.parametrize(
    ("codec", "ext"),
    [(("libmp3lame", "-b:a", "128k"), "mp3"), (("aac", "-b:a", "128k"), "m4a"),
     (("libvorbis", "-q:a", "5"), "ogg")],
)  # fmt: skip
def test_clipping_reads_alike_as_wav_and_lossy(
    codec: tuple[str, ...], ext: str, clips: Path
) -> None:
    wav = _clipped_speech(clips, 14.0)
    lossy = encode(wav, clips / f"clipped.{ext}", "-c:a", *codec)
    as_wav, as_lossy = analyze(wav).clipped_percent, analyze(lossy).clipped_percent
    assert as_wav > 1.0
    assert 0.5 * as_wav <= as_lossy <= 1.5 * as_wav


def test_a_clean_loud_recording_is_not_called_clipped(clips: Path) -> None:
    speech, rate = speech_samples(clips)
    peak = max(abs(v) for v in speech)
    near = array("d", (v * 10 ** (-0.3 / 20) / peak for v in speech))  # peak -0.3 dBFS
    wav = write_int_wav(clips / "clean.wav", near, rate=rate)
    mp3 = encode(wav, clips / "clean.mp3", "-c:a", "libmp3lame", "-b:a", "128k")
    for path in (wav, mp3):
        assert analyze(path).clipped_percent < 0.01
