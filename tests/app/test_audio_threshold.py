"""The silence threshold typed on the Audio screen is what the analysis (its trim
marks and advice) and the conversion use; a new recording starts from the default."""

from __future__ import annotations

import subprocess
from pathlib import Path

from textual.widgets import Input

from tests.app.harness import demo_app, wait_until
from tests.app.test_audio_screen import FFMPEG
from tui.screens.audio import AudioScreen
from tui.screens.audio_flow import AudioFlow


def fading_tone(path: Path) -> Path:
    """1 s at full level, then 1 s 30 dB quieter, then 1 s of silence."""
    subprocess.run(
        [
            FFMPEG, "-v", "error", "-y",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=1:sample_rate=8000",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=1:sample_rate=8000",
            "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono:d=1",
            "-filter_complex",
            "[1:a]volume=-30dB[q];[0:a][q][2:a]concat=n=3:v=0:a=1",
            "-ac", "1", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


async def test_the_threshold_moves_the_trim_and_resets_per_file(tmp_path: Path) -> None:
    source = fading_tone(tmp_path / "fade.wav")
    other = fading_tone(tmp_path / "other.wav")
    async with demo_app(tmp_path, "audio", size=(120, 40)) as (app, pilot, _sim):
        screen = app.screen
        assert isinstance(screen, AudioScreen)
        flow = screen.query_one(AudioFlow)
        flow.pick(source)
        await wait_until(pilot, lambda: flow.analysis is not None, "the analysis")
        assert flow.analysis is not None
        default_trail = flow.analysis.trailing_silence_s
        assert 0.9 < default_trail < 1.2  # the quiet second is sound at 50 dB under

        field = screen.query_one("#opt-threshold", Input)
        field.value = "20"  # the quiet second is 30 dB under: silence now
        field.focus()
        first = flow.analysis
        await pilot.press("enter")
        await wait_until(pilot, lambda: flow.analysis is not first, "the second analysis")
        assert flow.analysis is not None and flow.analysis.trailing_silence_s > 1.8
        assert field.value == "20"  # kept for this recording

        flow.pick(other)
        await wait_until(pilot, lambda: flow.source == other, "the new recording")
        assert field.value == ""  # a new recording starts from the default
        assert flow.analysis is not None and flow.analysis.trailing_silence_s < 1.2
