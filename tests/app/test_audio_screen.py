"""The Audio screen on the demo engine: pick a real clip, see its analysis and
waveform, convert it, upload it, and see it become Ready as the simulator's
clock moves."""

from __future__ import annotations

import math
import shutil
import subprocess
import wave
from array import array
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Static
from textual.widgets.tree import TreeNode

from tests.app.harness import demo_app, wait_until
from tui.app import CsmsApp
from tui.engine.service import Engine
from tui.gateway.codes import AudioStatus
from tui.screens.audio import AudioFilesTable, AudioScreen
from tui.screens.audio_flow import AudioFlow, AudioTree
from tui.widgets.waveform import Waveform

FFMPEG = shutil.which("ffmpeg") or imageio_ffmpeg.get_ffmpeg_exe()


def make_clip(path: Path, *, rate: int = 44100, channels: int = 2, seconds: float = 2.0) -> Path:
    """A tone with 0.3 s of silence at each end; the format follows the suffix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            FFMPEG, "-v", "error", "-y",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}:sample_rate={rate}",
            "-af", "adelay=delays=300:all=1,apad=pad_dur=0.3",
            "-ac", str(channels), "-ar", str(rate), str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


def make_plain_wav(path: Path, seconds: float = 1.5) -> Path:
    """A 440 Hz tone as the gateway takes it: PCM 16-bit mono 8000 Hz, 44-byte header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    samples = array(
        "h",
        (round(8000 * math.sin(2 * math.pi * 440 * i / 8000)) for i in range(int(8000 * seconds))),
    )
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(samples.tobytes())
    return path


@asynccontextmanager
async def demo_engine_app(
    tmp_path: Path, mode: str, *, size: tuple[int, int] = (140, 50)
) -> AsyncIterator[tuple[CsmsApp, Pilot[Any], Engine]]:
    """The shared demo app (``harness.demo_app``), yielding the engine itself."""
    async with demo_app(tmp_path, mode, size=size) as (app, pilot, _):
        assert app.engine is not None
        yield app, pilot, app.engine


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def table_rows(table: AudioFilesTable) -> dict[str, list[str]]:
    return {
        str(row.key.value): [str(cell) for cell in table.get_row(row.key)]
        for row in table.ordered_rows
    }


def uploads(engine: Engine) -> list[str]:
    return [r.params["name"] for r in engine.simulator.requests if r.page == "audio_upload.jsp"]


async def test_pick_convert_upload_and_see_ready(tmp_path: Path, home: Path) -> None:
    make_clip(home / "greeting.mp3")
    async with demo_engine_app(tmp_path, "audio") as (app, pilot, engine):
        screen = app.screen
        assert isinstance(screen, AudioScreen)
        flow = screen.query_one(AudioFlow)
        tree = screen.query_one(AudioTree)
        assert Path(tree.path) == home

        def clip_node() -> TreeNode[Any] | None:
            return next((n for n in tree.root.children if str(n.label) == "greeting.mp3"), None)

        await wait_until(pilot, lambda: clip_node() is not None, "tree lists the clip")
        node = clip_node()
        assert node is not None
        tree.focus()
        tree.move_cursor(node)
        await pilot.press("enter")
        await wait_until(pilot, lambda: flow.analysis is not None, "analysis")

        analysis = text_of(screen, "#audio-analysis")
        assert "greeting.mp3" in analysis and "MP3, stereo, 44100 Hz" in analysis
        assert "needs converting" in analysis
        heights = screen.query_one(Waveform).heights
        assert len(heights) > 50 and max(heights) > 0.4
        # The silent ends draw as silence.
        assert heights[0] == 0.0 and heights[-1] == 0.0
        assert screen.query_one("#audio-output", Input).value == str(home / "greeting-8k.wav")
        assert screen.query_one("#audio-name", Input).value == "greeting"

        screen.query_one("#opt-trim", Checkbox).value = True
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: flow.converted is not None, "conversion")
        assert (home / "greeting-8k.wav").is_file()
        assert "Trimmed" in text_of(screen, "#audio-notes")
        assert "Converting" not in text_of(screen, "#audio-notes")
        assert not screen.query_one("#audio-cancel").display  # nothing left to cancel
        assert uploads(engine) == []

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: flow.uploaded is not None, "upload")
        assert uploads(engine) == ["greeting"]
        assert flow.uploaded is not None
        file_id = flow.uploaded.id
        table = screen.query_one(AudioFilesTable)
        await wait_until(pilot, lambda: file_id in table_rows(table), "row for the upload")
        assert table_rows(table)[file_id][:3] == ["greeting", file_id, "Not Ready"]
        assert "Not Ready" in text_of(screen, "#audio-notes")

        engine.simulator.clock.advance(31)
        await wait_until(pilot, lambda: table_rows(table)[file_id][2] == "Ready", "Ready")
        assert f"ID {file_id}: Ready." in text_of(screen, "#audio-notes")
        record = engine.ledger.audio.audio(file_id)
        assert record is not None and record.status is AudioStatus.READY

        table.focus()
        table.move_cursor(row=table.get_row_index(file_id))
        await pilot.press("c")
        assert app.clipboard == file_id


async def type_path(pilot: Pilot[Any], field: Input, path: Path) -> None:
    """Put ``path`` in the path field and press Enter there."""
    field.focus()
    field.value = str(path)
    await pilot.press("enter")


#: File trees open on the user's home: a folder of the test's own (conftest.py).
pytestmark = pytest.mark.usefixtures("home")


async def test_a_ready_wav_typed_by_path_is_uploaded_as_it_is(tmp_path: Path) -> None:
    clip = make_plain_wav(tmp_path / "clips" / "ready.wav")
    async with demo_engine_app(tmp_path, "audio") as (app, pilot, engine):
        screen = app.screen
        flow = screen.query_one(AudioFlow)
        await type_path(pilot, screen.query_one("#audio-path", Input), clip)
        await wait_until(pilot, lambda: flow.analysis is not None, "analysis")
        assert "ready to upload as it is" in text_of(screen, "#audio-analysis")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: flow.uploaded is not None, "upload")
        assert uploads(engine) == ["ready"]
        # Nothing was converted: the source itself went up.
        assert not (clip.parent / "ready-8k.wav").exists()
        assert flow.uploaded is not None
        assert flow.uploaded.source_path == str(clip)


async def test_bad_input_is_one_sentence_and_nothing_is_sent(tmp_path: Path) -> None:
    notes = tmp_path / "notes.mp3"
    notes.write_text("not audio at all\n" * 40)
    clip = make_clip(tmp_path / "song.ogg")
    async with demo_engine_app(tmp_path, "audio") as (app, pilot, engine):
        screen = app.screen
        flow = screen.query_one(AudioFlow)
        path = screen.query_one("#audio-path", Input)
        await type_path(pilot, path, notes)
        await wait_until(pilot, lambda: bool(text_of(screen, "#audio-error")), "error")
        error = text_of(screen, "#audio-error")
        assert "notes.mp3" in error and "\n" not in error
        assert flow.analysis is None
        # The failed analysis leaves no "Analysing notes.mp3..." above its error.
        assert "Analysing" not in text_of(screen, "#audio-notes")
        assert not screen.query_one("#audio-notes").display

        # Uploading with nothing chosen says what to do.
        await pilot.press("ctrl+s")
        assert "Choose a recording first" in text_of(screen, "#audio-error")

        await type_path(pilot, path, clip)
        await wait_until(pilot, lambda: flow.analysis is not None, "analysis")
        # A name the demo account already used is refused before any work.
        name = screen.query_one("#audio-name", Input)
        name.value = "welcome MESSAGE"
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = text_of(screen, "#audio-error")
        assert "'Welcome message' was already uploaded" in error
        assert "'welcome MESSAGE 2'" in error
        # A range that is not a time is refused, naming it.
        screen.query_one("#opt-end", Input).value = "1:3x"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "The end '1:3x' is not a time" in text_of(screen, "#audio-error")
        assert flow.converted is None
        assert uploads(engine) == []
        assert not (tmp_path / "song-8k.wav").exists()
