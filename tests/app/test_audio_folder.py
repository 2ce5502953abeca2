"""The Audio screen converts a whole folder: every recording, nothing replaced."""

from __future__ import annotations

import wave
from pathlib import Path

from textual.widgets import Input, Static

from tests.app.harness import demo_app, wait_until
from tests.app.test_audio_screen import make_clip
from tui.screens.audio import AudioScreen
from tui.screens.confirm import ConfirmScreen


async def test_a_folder_is_converted_and_nothing_is_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "recordings"
    make_clip(folder / "welcome.mp3")
    make_clip(folder / "thanks.wav", rate=16000, channels=1)
    make_clip(folder / "sorry.ogg")
    (folder / "notes.txt").write_text("not audio")
    kept = folder / "sorry-8k.wav"
    kept.write_bytes(b"already here")
    async with demo_app(tmp_path, "audio", size=(120, 40)) as (app, pilot, _sim):
        screen = app.screen
        assert isinstance(screen, AudioScreen)
        path = screen.query_one("#audio-path", Input)
        path.value = str(folder)
        path.focus()
        await pilot.press("enter")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.question.startswith(f"Convert the 3 recordings in {folder}")
        await pilot.press("enter")
        made = [folder / "welcome-8k.wav", folder / "thanks-8k.wav"]
        await wait_until(pilot, lambda: all(p.exists() for p in made), "the conversions")
        await wait_until(
            pilot,
            lambda: (
                "Converted 2 recordings" in str(screen.query_one("#audio-notes", Static).content)
            ),
        )
        report = str(screen.query_one("#audio-notes", Static).content)
        assert "Kept, already there: sorry-8k.wav" in report
        assert kept.read_bytes() == b"already here"
        for output in made:
            with wave.open(str(output)) as wav:
                assert (wav.getnchannels(), wav.getframerate(), wav.getsampwidth()) == (1, 8000, 2)
