"""The audio form on the demo engine at 80x24: the waveform on an absolute dB
scale with its marks, options that start afresh for each file, asking before
replacing a file, the result in view, and cancelling a long analysis."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, Input, Static

from tests.app.harness import demo_app, wait_until
from tests.audio.audio_clips import tone_wav
from tui.audio.units import parse_time
from tui.screens.audio_flow import AudioFlow, parse_seconds
from tui.screens.confirm import ConfirmScreen
from tui.widgets.waveform import Waveform, clock, time_axis


def text_of(widget: Any) -> str:
    return str(widget.content) if isinstance(widget, Static) else str(widget.render())


async def pick(pilot: Any, flow: AudioFlow, path: Path) -> None:
    flow.analysis = None
    field = flow.query_one("#audio-path", Input)
    field.focus()
    field.value = str(path)
    await pilot.press("enter")
    await wait_until(pilot, lambda: flow.analysis is not None, "analysis")


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def test_time_labels_are_m_ss() -> None:
    assert clock(75.4) == "1:15" and clock(3723) == "1:02:03"
    assert time_axis(90, 40).split() == ["0:00", "0:45", "1:30"]
    assert parse_seconds("1:15") == 75
    with pytest.raises(ValueError, match="go up to 59"):
        parse_seconds("1:75")
    assert parse_time("0:59.5") == 59.5


async def test_waveform_options_replacing_and_the_result_at_80x24(tmp_path: Path) -> None:
    loud = tone_wav(tmp_path / "loud.wav", 440, 3.0, rate=16000, dbfs=-10, lead=1.0, tail=1.0)
    quiet = tone_wav(tmp_path / "quiet.wav", 440, 3.0, rate=16000, dbfs=-40, lead=1.0)
    async with demo_app(tmp_path, "audio", size=(80, 24)) as (app, pilot, _):
        flow = app.screen.query_one(AudioFlow)
        wave = flow.query_one(Waveform)
        await pick(pilot, flow, loud)
        loud_top = max(wave.heights)
        # Marks: the trim points at 1 s and 4 s of 5 s.
        width = wave.size.width - 2
        marks = wave.marks(width)
        assert marks.count("|") == 2
        assert abs(marks.index("|") - width // 5) <= 1
        flow.query_one("#opt-trim", Checkbox).value = True
        flow.query_one("#opt-start", Input).value = "0:00.5"
        flow.query_one("#opt-threshold", Input).value = "-30"
        await pilot.pause()
        assert "[" in wave.marks(width)

        await pick(pilot, flow, quiet)
        # Absolute scale: 30 dB quieter draws half as high (-60..0 dBFS).
        assert max(wave.heights) == pytest.approx(loud_top - 0.5, abs=0.05)
        # The options of the previous file are gone.
        assert flow.query_one("#opt-trim", Checkbox).value is False
        assert flow.query_one("#opt-start", Input).value == ""
        assert flow.query_one("#opt-threshold", Input).value == ""

        target = tmp_path / "quiet-8k.wav"
        assert flow.query_one("#audio-output", Input).value == str(target)
        target.write_bytes(b"earlier")
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "question")
        await pilot.press("escape")  # keep the file
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "closed")
        await pilot.pause()
        assert target.read_bytes() == b"earlier" and flow.converted is None
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "question")
        app.screen.query_one("#confirm").press()
        await wait_until(pilot, lambda: flow.converted is not None, "conversion")
        assert target.read_bytes()[:4] == b"RIFF"
        # The result is on screen without scrolling.
        notes = flow.query_one("#audio-notes", Static)
        await pilot.pause()
        region = notes.region
        assert region.height > 0 and 0 <= region.y < 24


async def test_a_long_analysis_can_be_cancelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clip = tone_wav(tmp_path / "c.wav", 440, 1.0)
    started = asyncio.Event()

    async def slow(self: Any, path: Any, **kwargs: Any) -> Any:
        started.set()
        await asyncio.sleep(60)

    monkeypatch.setattr("tui.engine.audio_upload.AudioUploader.analyze", slow)
    async with demo_app(tmp_path, "audio", size=(80, 24)) as (app, pilot, _):
        flow = app.screen.query_one(AudioFlow)
        field = flow.query_one("#audio-path", Input)
        field.focus()
        field.value = str(clip)
        await pilot.press("enter")
        await wait_until(pilot, lambda: flow.busy, "busy")
        assert flow.query_one("#audio-cancel").display
        await pilot.press("escape")
        await wait_until(pilot, lambda: not flow.busy, "cancelled")
        assert flow.analysis is None
        assert not flow.query_one("#audio-cancel").display
