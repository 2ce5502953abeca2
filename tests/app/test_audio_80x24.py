"""The audio form at 80x24, on the Audio screen and in the voice wizard's
dialog: the Convert and Upload buttons stay on screen (and a click on them
works) with a long analysis above them, the option labels read whole, and the
dialog has its own keys: Esc closes it and is listed, the wizard's are not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Label

from tests.app.harness import wait_until
from tests.app.test_audio_screen import demo_engine_app, make_clip
from tests.app.test_voice_screens import fill_basics, ids, open_wizard
from tui.screens.audio import AudioFlowModal, AudioScreen
from tui.screens.audio_flow import AudioFlow
from tui.screens.voice_campaigns import VoiceCampaignsScreen

SMALL = (80, 24)


#: File trees open on the user's home: a folder of the test's own (conftest.py).
pytestmark = pytest.mark.usefixtures("home")


def on_screen(screen: Screen[Any], widget: Widget) -> bool:
    """The whole widget is drawn, not scrolled away or cut by its container."""
    shown = widget.region
    return (
        bool(shown)
        and shown.size == widget.outer_size
        and Region(0, 0, *screen.size).contains_region(shown)
    )


def assert_form_fits(screen: Screen[Any]) -> None:
    for selector in ("#audio-convert", "#audio-upload"):
        assert on_screen(screen, screen.query_one(selector, Widget)), selector


async def labels_read_whole(pilot: Any, screen: Screen[Any]) -> None:
    """Each option label is drawn at its full width once scrolled to."""
    for label in screen.query(".opt-label").results(Label):
        label.scroll_visible(animate=False)
        await pilot.pause()
        text = str(label.content)
        assert on_screen(screen, label), text
        assert label.content_region.width >= len(text), text


async def test_audio_screen_keeps_its_buttons_and_labels_at_80x24(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "greeting.mp3")
    async with demo_engine_app(tmp_path, "audio", size=SMALL) as (app, pilot, engine):
        screen = app.screen
        assert isinstance(screen, AudioScreen)
        flow = screen.query_one(AudioFlow)
        assert_form_fits(screen)
        screen.query_one("#audio-path", Input).value = str(clip)
        screen.query_one("#audio-path", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: flow.analysis is not None, "analysis")
        await pilot.pause()
        assert_form_fits(screen)
        await labels_read_whole(pilot, screen)
        await pilot.click("#audio-convert")
        await wait_until(pilot, lambda: flow.converted is not None, "converted by a click")
        assert (tmp_path / "greeting-8k.wav").is_file()
        await pilot.click("#audio-upload")
        await wait_until(pilot, lambda: flow.uploaded is not None, "uploaded by a click")
        assert engine.ledger.audio.audio_by_name("greeting") is not None


async def test_audio_dialog_has_its_own_keys_and_buttons_at_80x24(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "question.m4a")
    async with demo_engine_app(tmp_path, "voice_campaigns", size=SMALL) as (app, pilot, engine):
        screen = app.screen
        assert isinstance(screen, VoiceCampaignsScreen)
        wizard = await open_wizard(pilot, screen)
        await fill_basics(pilot, wizard, "Small terminal", ids(engine)["Staff"])
        assert wizard.step == "audio"

        async def open_dialog() -> AudioFlowModal:
            await pilot.click("#wiz-add-audio")
            await wait_until(pilot, lambda: isinstance(app.screen, AudioFlowModal), "dialog")
            modal = app.screen
            assert isinstance(modal, AudioFlowModal)
            await wait_until(pilot, lambda: app.focused is modal.query_one("#audio-path"), "path")
            return modal

        modal = await open_dialog()
        assert modal.query_one(Footer).display
        listed = {key for key, active in modal.active_bindings.items() if active.binding.show}
        assert {"escape", "ctrl+t", "ctrl+s"} <= listed
        assert "ctrl+n" not in listed  # the wizard's Next does not work here
        assert modal.active_bindings["escape"].binding.description == "Close"
        await pilot.press("ctrl+n")
        assert app.screen is modal and wizard.step == "audio"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "Esc closed the dialog")

        modal = await open_dialog()
        flow = modal.query_one(AudioFlow)
        modal.query_one("#audio-path", Input).value = str(clip)
        await pilot.press("enter")
        await wait_until(pilot, lambda: flow.analysis is not None, "analysis")
        await pilot.pause()
        assert_form_fits(modal)
        await labels_read_whole(pilot, modal)
        await pilot.click("#audio-upload")
        await wait_until(pilot, lambda: app.screen is screen, "dialog closed after upload")
        new = engine.ledger.audio.audio_by_name("question")
        assert new is not None


async def test_a_quoted_path_or_one_under_home_is_analysed(tmp_path: Path, home: Path) -> None:
    """A path pasted with quotes (as a file manager copies it), or with ~, is
    read as the path field everywhere reads it: not "does not exist"."""
    clip = make_clip(home / "my clip.mp3")
    async with demo_engine_app(tmp_path, "audio", size=SMALL) as (app, pilot, _engine):
        screen = app.screen
        flow = screen.query_one(AudioFlow)
        field = screen.query_one("#audio-path", Input)
        for typed in (f"'{clip}'", "~/my clip.mp3"):
            flow.analysis = None
            field.value = typed
            field.focus()
            await pilot.press("enter")
            await wait_until(pilot, lambda: flow.analysis is not None, f"analysis of {typed}")


async def test_the_notes_and_fields_are_about_the_file_on_show(tmp_path: Path, home: Path) -> None:
    """An upload's status that comes in after another file was analysed is not
    shown above that file; a file that cannot be read leaves no name or output
    path of the one before."""
    from tests.app.test_audio_screen import table_rows, text_of
    from tui.screens.audio import AudioFilesTable

    first = make_clip(home / "speech.mp3")
    second = make_clip(home / "padded.mp3")
    (home / "notes.mp3").write_text("not a recording", encoding="utf-8")
    async with demo_engine_app(tmp_path, "audio", size=SMALL) as (app, pilot, engine):
        screen = app.screen
        flow = screen.query_one(AudioFlow)
        field = screen.query_one("#audio-path", Input)

        async def analyse(path: Path) -> None:
            flow.analysis = None
            field.value = str(path)
            field.focus()
            await pilot.press("enter")

        await analyse(first)
        await wait_until(pilot, lambda: flow.analysis is not None, "the first analysis")
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: flow.converted is not None, "conversion")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: flow.uploaded is not None, "upload")
        assert flow.uploaded is not None
        file_id = flow.uploaded.id
        await analyse(second)
        await wait_until(pilot, lambda: flow.analysis is not None, "the second analysis")
        table = screen.query_one(AudioFilesTable)
        engine.simulator.clock.advance(31)  # the first file becomes Ready meanwhile
        await wait_until(pilot, lambda: table_rows(table)[file_id][2] == "Ready", "Ready")
        await pilot.pause(0.2)
        assert "Uploaded as 'speech'" not in text_of(screen, "#audio-notes")

        await analyse(home / "notes.mp3")
        await wait_until(pilot, lambda: screen.query_one("#audio-error").display, "the error")
        assert screen.query_one("#audio-name", Input).value == ""
        assert screen.query_one("#audio-output", Input).value == ""
