"""The audio form: pick a recording (file tree or typed path), see its
analysis and waveform, choose how to convert it, convert it to the gateway's
WAV with a progress bar, and upload it under a unique name.

The form is one widget per part: :class:`AudioBrowser` (the path and the
tree), :class:`RecordingPreview` (analysis and waveform),
:class:`ConvertOptionsForm` (ticks, range, threshold), the output and name
fields with the buttons, and :class:`AudioProgress` (bar, notes, error). Here
keys, buttons and choices start the jobs of :class:`AudioJobs` (analyse,
convert a file or a folder, upload). The Audio screen shows the form above its
table of uploads; the voice campaign wizard opens it in a dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label

from tui.audio import AudioError, ConvertOptions
from tui.audio.fields import parse_seconds, parse_threshold
from tui.audio.recordings import recordings_in
from tui.gateway.errors import CsmsError
from tui.screens.audio_jobs import AudioJobs, Plan
from tui.screens.confirm import ConfirmScreen
from tui.widgets.audio_browser import AudioBrowser, AudioTree
from tui.widgets.audio_progress import AudioProgress
from tui.widgets.convert_options import ConvertOptionsForm
from tui.widgets.recording_preview import RecordingPreview
from tui.wording import plural


class AudioFlow(AudioJobs):
    """Pick, analyse, convert and upload one recording."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "convert", "Convert", id="audio.convert"),
        Binding("ctrl+s", "upload", "Upload", id="audio.upload"),
        Binding("escape", "cancel", "Cancel", id="audio.cancel", show=False),
    ]

    def __init__(self, root: Path | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.root = root if root is not None else Path.home()

    def compose(self) -> ComposeResult:
        with Horizontal(id="audio-pick"):
            yield AudioBrowser(self.root, id="audio-browser")
            with VerticalScroll(id="audio-detail"):
                yield RecordingPreview()
                yield ConvertOptionsForm()
                with Horizontal(classes="audio-field"):
                    yield Label("Save WAV as", classes="field-label")
                    yield Input(
                        placeholder="<name>-8k.wav by the source",
                        id="audio-output",
                        compact=True,
                    )
                with Horizontal(classes="audio-field"):
                    yield Label("Upload as", classes="field-label")
                    yield Input(placeholder="a unique name", id="audio-name", compact=True)
                yield AudioProgress()
        # Outside the scrolling part: the buttons stay in view at any size.
        with Horizontal(classes="audio-row", id="audio-buttons"):
            yield Button("Convert (Ctrl+T)", id="audio-convert", compact=True)
            yield Button("Upload (Ctrl+S)", variant="primary", id="audio-upload", compact=True)
            yield Button("Cancel (Esc)", variant="error", id="audio-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#audio-cancel").display = False
        self.attach_upload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Esc cancels a job under way; otherwise it goes on (the dialog closes).
        return self.busy if action == "cancel" else True

    def options(self) -> ConvertOptions:
        """The options ticked and typed; ValueError names a bad time."""
        return self._form.options()

    # -- choosing ---------------------------------------------------------------

    def on_audio_browser_chosen(self, event: AudioBrowser.Chosen) -> None:
        event.stop()
        self.pick(event.path)

    def pick(self, path: Path) -> None:
        """Analyse ``path`` and propose where to save it and what to call it; a
        folder typed here converts every recording in it (asked first)."""
        if self.busy:
            self.notify("Wait for the current job to finish.", severity="warning")
            return
        path = path.expanduser()
        if path.is_dir():
            self._ask_folder(path)
            return
        self._analyse(path)

    def _ask_folder(self, folder: Path) -> None:
        try:
            options = self.options()
            options.validate()
        except (ValueError, AudioError) as error:
            self._fail(str(error))
            return
        sources = recordings_in(folder)
        if not sources:
            self._fail(f"{folder} holds no recording csms can read; choose another folder.")
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._convert_folder(sources, options)

        many = plural(len(sources), "recording")
        self.app.push_screen(
            ConfirmScreen(
                f"Convert the {many} in {folder} with the options set? Each is saved as"
                " NAME-8k.wav beside it; a file already there is kept (nothing is replaced).",
                title="Convert a folder",
                confirm_label="Convert",
            ),
            confirmed,
        )

    def on_convert_options_form_range_changed(self, event: ConvertOptionsForm.RangeChanged) -> None:
        self.query_one(RecordingPreview).set_range(event.start_s, event.end_s)

    def on_convert_options_form_threshold_entered(
        self, event: ConvertOptionsForm.ThresholdEntered
    ) -> None:
        """A new silence threshold: measure again, so the trim marks and the
        advice follow it (the options typed are kept)."""
        event.stop()
        if self.source is None or self.busy:
            return
        try:
            ConvertOptions(silence_threshold_db=parse_threshold(event.value)).validate()
        except (ValueError, AudioError) as error:
            self._fail(str(error), focus="#opt-threshold")
            return
        self._analyse(self.source, keep_options=True)

    # -- converting and uploading -------------------------------------------------

    def _plan(self) -> Plan | None:
        """Source, options and output of the conversion, or None after saying why not."""
        if self.source is None or self.analysis is None:
            self._fail("Choose a recording first: pick it in the tree or type its path.")
            return None
        try:
            options = self.options()
            options.validate()
        except (ValueError, AudioError) as error:
            self._fail(str(error))
            return None
        typed = self.query_one("#audio-output", Input).value.strip()
        output = Path(typed).expanduser() if typed else self.uploader.default_output(self.source)
        return self.source, options, output

    def action_convert(self) -> None:
        if self.busy:
            self.notify("Wait for the current job to finish.", severity="warning")
            return
        plan = self._plan()
        if plan is not None:
            self._convert_only(plan)

    def action_upload(self) -> None:
        if self.busy:
            self.notify("Wait for the current job to finish.", severity="warning")
            return
        plan = self._plan()
        if plan is None:
            return
        try:
            name = self.uploader.check_name(self.query_one("#audio-name", Input).value)
        except CsmsError as error:
            self._fail(str(error), focus="#audio-name")
            return
        self._upload(plan, name)

    @on(Button.Pressed, "#audio-buttons Button")
    def _button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "audio-convert": self.action_convert,
            "audio-upload": self.action_upload,
            "audio-cancel": self.action_cancel,
        }
        actions[event.button.id or ""]()


__all__ = ["AudioFlow", "AudioTree", "parse_seconds", "parse_threshold"]
