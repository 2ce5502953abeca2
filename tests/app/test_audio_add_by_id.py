"""A recording uploaded from the portal is added on the Audio screen by its file ID."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tests.app.harness import demo_app, wait_until
from tests.test_cli_call import ready_audio
from tui.screens.audio import AudioFilesTable, AudioScreen


async def test_a_recording_is_added_by_its_file_id(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "audio", size=(80, 24)) as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, AudioScreen)
        ready_audio(sim, "777", "Portal greeting")
        screen.query_one("#add-file-id", Input).value = "778"  # not on the gateway
        await pilot.click("#add-file")
        await pilot.pause(0.5)
        assert app.engine.ledger.audio.audio("778") is None

        screen.query_one("#add-file-id", Input).value = "777"
        screen.query_one("#add-file-name", Input).value = "Greeting"
        screen.query_one("#add-file-name", Input).focus()
        await pilot.press("enter")
        table = screen.query_one(AudioFilesTable)
        await wait_until(pilot, lambda: "777" in table.rows, "the new row")
        assert [str(c) for c in table.get_row("777")][:3] == ["Greeting", "777", "Ready"]
        assert screen.query_one("#add-file-id", Input).value == ""
