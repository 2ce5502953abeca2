"""The audio form: pick a recording (file tree or typed path), see its
analysis and waveform, choose how to convert it, convert it to the gateway's
WAV with a progress bar, and upload it under a unique name.

Decoding runs in a thread inside the engine (``AudioUploader``), so the form
stays responsive. The Audio screen shows the form above its table of uploads;
the voice campaign wizard opens it in a dialog.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, DirectoryTree, Input, Label, ProgressBar, Static

from tui.audio import (
    AudioAnalysis,
    AudioError,
    ConversionResult,
    ConvertOptions,
    format_bytes,
    format_duration,
)
from tui.audio.formats import readable_suffixes
from tui.audio.units import SILENCE_THRESHOLD_DB, parse_time
from tui.audio.wavout import CONVERTED_SUFFIX
from tui.engine.audio_upload import AudioUploader
from tui.gateway.codes import AUDIO_MAX_BYTES
from tui.gateway.errors import CsmsError
from tui.ledger import AudioFile, LedgerError
from tui.screens.base import engine_of
from tui.screens.confirm import ConfirmScreen
from tui.widgets.tick import Tick
from tui.widgets.waveform import Waveform
from tui.wording import plural

AUDIO_EXTENSIONS = frozenset(
    ".wav .mp3 .m4a .aac .mp4 .ogg .oga .opus .flac .wma .amr .3gp .webm .aif .aiff".split()
)
WAVEFORM_POINTS = 120


def parse_seconds(text: str) -> float | None:
    """``90``, ``1:30`` or ``1:30.5`` as seconds; None when blank; ValueError
    (one sentence) otherwise, seconds of 60 or more after a colon included."""
    cleaned = text.strip()
    if not cleaned:
        return None
    return parse_time(cleaned)


def parse_threshold(text: str) -> float:
    """The silence threshold field: dB under the loudest moment (blank: default)."""
    cleaned = text.strip().removesuffix("dB").strip()
    if not cleaned:
        return SILENCE_THRESHOLD_DB
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(
            f"The silence threshold {text.strip()!r} is not a level; give dB under the "
            f"loudest moment, such as {SILENCE_THRESHOLD_DB:g}."
        ) from None
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"The silence threshold {text.strip()!r} is not a level.")
    # "20" and "-20" both mean 20 dB under the loudest moment.
    return -abs(value)


def describe(a: AudioAnalysis) -> str:
    """The analysis as the form shows it, one fact per line."""
    channels = {1: "mono", 2: "stereo"}.get(a.channels, f"{a.channels} channels")
    bits = f", {a.bits_per_sample}-bit" if a.bits_per_sample else ""
    clipping = "none"
    if a.clipped_samples:
        clipping = f"{a.clipped_samples:,} samples clipped ({a.clipped_percent:.2f}%)"
    fit = "fits" if a.fits else f"too long: at most {format_duration(a.max_duration_s)} fits"
    lines = [
        f"{a.path.name}",
        f"Format    {a.format_label}, {channels}, {a.sample_rate} Hz{bits}, "
        f"{format_bytes(a.file_bytes)}",
        f"Length    {format_duration(a.duration_s)}",
        f"Level     peak {a.peak_dbfs:.1f} dBFS, RMS {a.rms_dbfs:.1f} dBFS",
        f"Clipping  {clipping}",
        f"Silence   {a.leading_silence_s:.2f} s at the start, "
        f"{a.trailing_silence_s:.2f} s at the end (| on the waveform)",
        f"As WAV    {a.output_bytes:,} of {AUDIO_MAX_BYTES:,} bytes ({fit})",
    ]
    if a.ready:
        lines.append("Gateway   ready to upload as it is")
    else:
        lines.append("Gateway   needs converting: " + "; ".join(p.text for p in a.problems))
    advice = []
    if not a.fits:
        advice.append("tick Cut to fit, or give a start and end")
    if a.rms_dbfs < -30:
        advice.append("it is quiet: tick Normalise")
    if a.leading_silence_s + a.trailing_silence_s >= 1.0:
        advice.append("tick Trim silence")
    if a.clipped_percent >= 0.01:
        advice.append("it is clipped: record it again at a lower level if you can")
    if advice:
        lines.append("Advice    " + "; ".join(advice))
    return "\n".join(lines)


def _replaceable(source: Path, output: Path) -> bool:
    """An existing output that is not the source (that one is refused outright)."""
    return output.exists() and output.resolve() != source.resolve()


def recordings_in(folder: Path) -> list[Path]:
    """The recordings directly in ``folder`` (not converted copies), by name."""
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file()
        and not path.name.startswith(".")
        and path.suffix.lower() in AUDIO_EXTENSIONS
        and not path.stem.endswith(CONVERTED_SUFFIX)
    )


class AudioTree(DirectoryTree):
    """Folders and the files ffmpeg can read (no hidden entries); the tree reads
    folders in a worker thread, where ffmpeg's list is asked for once."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        readable = readable_suffixes()
        return [
            path
            for path in paths
            if not path.name.startswith(".") and (path.is_dir() or path.suffix.lower() in readable)
        ]


class AudioFlow(Vertical):
    """Pick, analyse, convert and upload one recording."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "convert", "Convert", id="audio.convert"),
        Binding("ctrl+s", "upload", "Upload", id="audio.upload"),
        Binding("escape", "cancel", "Cancel", id="audio.cancel", show=False),
    ]

    class Uploaded(Message):
        """A recording was uploaded (it is not Ready yet)."""

        def __init__(self, file: AudioFile) -> None:
            super().__init__()
            self.file = file

    def __init__(self, root: Path | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.root = root if root is not None else Path.home()
        self.source: Path | None = None
        self.analysis: AudioAnalysis | None = None
        self.converted: ConversionResult | None = None
        self._converted_for: tuple[Path, ConvertOptions, Path] | None = None
        self.uploaded: AudioFile | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="audio-pick"):
            with Vertical(id="audio-browser"):
                yield Input(
                    placeholder="Path of an audio file (Enter analyses it)", id="audio-path"
                )
                yield AudioTree(self.root, id="audio-tree")
            with VerticalScroll(id="audio-detail"):
                yield Static("Choose a recording: any common format.", id="audio-analysis")
                yield Waveform(id="audio-waveform")
                with Horizontal(classes="audio-row"):
                    yield Tick("Normalise", id="opt-normalize")
                    yield Tick("Trim silence", id="opt-trim")
                    yield Tick("Phone band", id="opt-band")
                    yield Tick("Cut to fit", id="opt-fit")
                with Horizontal(classes="audio-row"):
                    yield Input(placeholder="From (s or M:SS)", id="opt-start")
                    yield Input(placeholder="To (s or M:SS)", id="opt-end")
                    yield Input(
                        placeholder=f"Silence: dB under loudest ({SILENCE_THRESHOLD_DB:g})",
                        id="opt-threshold",
                    )
                yield Label("Save the converted WAV as", classes="field-label")
                yield Input(placeholder="<name>-8k.wav next to the source", id="audio-output")
                yield Label("Upload as (a unique name)", classes="field-label")
                yield Input(placeholder="Recording name", id="audio-name")
                with Horizontal(classes="audio-row", id="audio-buttons"):
                    yield Button("Convert (Ctrl+T)", id="audio-convert")
                    yield Button("Upload (Ctrl+S)", variant="primary", id="audio-upload")
                    yield Button("Cancel (Esc)", variant="error", id="audio-cancel")
                yield ProgressBar(total=100, show_eta=False, id="audio-progress")
                yield Static("", id="audio-notes", markup=False)
                yield Static("", id="audio-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Waveform).display = False
        self.query_one("#audio-progress").display = False
        self.query_one("#audio-cancel").display = False
        self._show_error(None)

    def action_cancel(self) -> None:
        """Stop the analysis or conversion under way (nothing is written)."""
        if not self.busy:
            return
        self.workers.cancel_group(self, "audio-flow")
        self._set_busy(False)
        self._show_notes([])
        self.notify("Cancelled; nothing was written.")

    def _reset_options(self) -> None:
        """Options belong to one recording: a new pick starts from the defaults."""
        for box in self.query(".audio-row Checkbox").results(Checkbox):
            box.value = False
        for selector in ("#opt-start", "#opt-end", "#opt-threshold"):
            self.query_one(selector, Input).value = ""

    @on(Input.Changed, "#opt-start")
    @on(Input.Changed, "#opt-end")
    def _range_typed(self, event: Input.Changed) -> None:
        def value(selector: str) -> float | None:
            try:
                return parse_seconds(self.query_one(selector, Input).value)
            except ValueError:
                return None

        self.query_one(Waveform).set_range(value("#opt-start"), value("#opt-end"))

    @property
    def uploader(self) -> AudioUploader:
        return AudioUploader(engine_of(self))

    # -- picking --------------------------------------------------------------

    @on(DirectoryTree.FileSelected, "#audio-tree")
    def _file_picked(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.query_one("#audio-path", Input).value = str(event.path)
        self.pick(event.path)

    @on(Input.Submitted, "#audio-path")
    def _path_typed(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.pick(Path(event.value.strip()))

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

    # -- a whole folder ---------------------------------------------------------

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

    @work(exclusive=True, group="audio-flow", exit_on_error=False)
    async def _convert_folder(self, sources: list[Path], options: ConvertOptions) -> None:
        done: list[str] = []
        kept: list[str] = []
        failed: list[str] = []
        for number, source in enumerate(sources, 1):
            output = self.uploader.default_output(source)
            if await asyncio.to_thread(output.exists):
                kept.append(output.name)
                continue
            self._set_busy(True, f"Converting {number} of {len(sources)}: {source.name}…")
            try:
                result = await self.uploader.convert(
                    source, output, options, on_progress=self._progress
                )
            except (AudioError, CsmsError) as error:
                failed.append(f"{source.name}: {error}")
                continue
            finally:
                self._set_busy(False)
            done.append(f"{source.name} -> {result.path.name} ({result.duration_s:.1f} s)")
        notes = [f"Converted {plural(len(done), 'recording')}:", *done]
        if kept:
            notes.append(f"Kept, already there: {', '.join(kept)}")
        if failed:
            notes.append(f"Not converted ({len(failed)}):")
            notes += failed
        self._show_notes(notes)
        self._show_error(
            f"{plural(len(failed), 'recording')} could not be converted." if failed else None
        )
        self.query_one("#audio-notes").scroll_visible(animate=False)

    @on(Input.Submitted, "#opt-threshold")
    def _threshold_entered(self, event: Input.Submitted) -> None:
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

    @work(exclusive=True, group="audio-flow", exit_on_error=False)
    async def _analyse(self, path: Path, *, keep_options: bool = False) -> None:
        try:
            threshold = parse_threshold(self.query_one("#opt-threshold", Input).value)
        except ValueError:
            threshold = SILENCE_THRESHOLD_DB
        if not keep_options:
            threshold = SILENCE_THRESHOLD_DB  # a new recording starts from the defaults
        self._set_busy(True, f"Analysing {path.name}…")
        try:
            analysis = await self.uploader.analyze(
                path,
                envelope_points=WAVEFORM_POINTS,
                on_progress=self._progress,
                silence_threshold_db=threshold,
            )
        except (AudioError, CsmsError) as error:
            self.source = self.analysis = None
            self.query_one("#audio-analysis", Static).update("No recording chosen.")
            self.query_one(Waveform).clear()
            self._fail(str(error))
            return
        finally:
            self._set_busy(False)
        self.source, self.analysis = path, analysis
        self.converted = self._converted_for = None
        if not keep_options:
            self._reset_options()
        self.query_one("#audio-analysis", Static).update(describe(analysis))
        self.query_one(Waveform).show(
            analysis.envelope,
            analysis.duration_s,
            trim=(analysis.leading_silence_s, analysis.trailing_silence_s),
            clipped=analysis.clipped_percent >= 0.01,
        )
        self.query_one("#audio-output", Input).value = str(self.uploader.default_output(path))
        self.query_one("#audio-name", Input).value = self.uploader.suggest_name(path.stem)
        self._show_notes([])
        self._show_error(None)

    # -- converting -------------------------------------------------------------

    def options(self) -> ConvertOptions:
        """The options ticked and typed; ValueError names a bad time."""

        def seconds(selector: str, what: str) -> float | None:
            value = self.query_one(selector, Input).value
            try:
                return parse_seconds(value)
            except ValueError as error:
                raise ValueError(f"The {what} {error}") from None

        return ConvertOptions(
            silence_threshold_db=parse_threshold(self.query_one("#opt-threshold", Input).value),
            normalize=self.query_one("#opt-normalize", Checkbox).value,
            trim_silence=self.query_one("#opt-trim", Checkbox).value,
            phone_band=self.query_one("#opt-band", Checkbox).value,
            cut_to_fit=self.query_one("#opt-fit", Checkbox).value,
            start_s=seconds("#opt-start", "start"),
            end_s=seconds("#opt-end", "end"),
        )

    def _plan(self) -> tuple[Path, ConvertOptions, Path] | None:
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

    @work(exclusive=True, group="audio-flow", exit_on_error=False)
    async def _convert_only(self, plan: tuple[Path, ConvertOptions, Path]) -> None:
        await self._convert(plan)

    async def _convert(self, plan: tuple[Path, ConvertOptions, Path]) -> ConversionResult | None:
        source, options, output = plan
        if not options.replace and await asyncio.to_thread(_replaceable, source, output):
            if not await self._replace_ok(output):
                self._fail(f"{output.name} was kept; change the output name to convert.")
                return None
            options = replace(options, replace=True)
        self._set_busy(True, f"Converting {source.name}…")
        try:
            result = await self.uploader.convert(
                source, output, options, on_progress=self._progress
            )
        except (AudioError, CsmsError) as error:
            self._fail(str(error))
            return None
        finally:
            self._set_busy(False)
        self.converted, self._converted_for = result, plan
        notes = list(result.notes)
        for earlier in self.uploader.previous_uploads(result.source_sha256):
            notes.append(
                f"This source was uploaded before as {earlier.name!r} (ID {earlier.id}, "
                f"{earlier.status.label})."
            )
        self._show_notes(notes)
        self._show_error(None)
        self.query_one("#audio-notes").scroll_visible(animate=False)
        return result

    async def _replace_ok(self, output: Path) -> bool:
        """Ask before replacing an existing file (the source itself is never
        replaced: the conversion refuses it with its own sentence)."""
        question = f"{output} already exists. Replace it with the converted recording?"
        confirm = ConfirmScreen(
            question, title="Replace the file?", confirm_label="Replace", danger=True
        )
        app: Any = self.app  # an App[object]: its push_screen_wait wants Screen[object]
        return bool(await app.push_screen_wait(confirm))

    # -- uploading --------------------------------------------------------------

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

    @work(exclusive=True, group="audio-flow", exit_on_error=False)
    async def _upload(self, plan: tuple[Path, ConvertOptions, Path], name: str) -> None:
        source, options, _ = plan
        assert self.analysis is not None
        as_is = self.analysis.ready and options == ConvertOptions()
        sha: str | None = None
        if as_is:
            wav = source
        elif self.converted is not None and self._converted_for == plan:
            wav, sha = self.converted.path, self.converted.source_sha256
        else:
            result = await self._convert(plan)
            if result is None:
                return
            wav, sha = result.path, result.source_sha256
        self._set_busy(True, f"Uploading {name!r}…")
        try:
            record = await self.uploader.upload(wav, name, source=source, source_sha256=sha)
        except (AudioError, CsmsError, LedgerError) as error:
            self._fail(str(error))
            return
        finally:
            self._set_busy(False)
        self.uploaded = record
        self._show_upload_state(record.status.label)
        self.notify(f"Uploaded {record.name!r} (ID {record.id}); waiting until it is Ready.")
        self.post_message(self.Uploaded(record))

    def audio_status_changed(self, file_id: str, status: str) -> None:
        """The tracker saw a new status for an uploaded file."""
        if self.uploaded is not None and self.uploaded.id == file_id:
            self._show_upload_state(status)

    def _show_upload_state(self, status: str) -> None:
        assert self.uploaded is not None
        waiting = "" if status == "Ready" else " (the gateway is preparing it; this updates itself)"
        notes = [f"Uploaded as {self.uploaded.name!r}, ID {self.uploaded.id}: {status}{waiting}."]
        self._show_notes(notes)

    # -- feedback ---------------------------------------------------------------

    def _progress(self, fraction: float) -> None:
        self.query_one("#audio-progress", ProgressBar).update(progress=fraction * 100)

    def _set_busy(self, busy: bool, doing: str = "") -> None:
        self.busy = busy
        bar = self.query_one("#audio-progress", ProgressBar)
        bar.update(progress=0)
        bar.display = busy
        for button in self.query(Button):
            button.disabled = busy and button.id != "audio-cancel"
        self.query_one("#audio-cancel").display = busy
        if busy:
            self._show_notes([doing])

    def _show_notes(self, notes: list[str]) -> None:
        widget = self.query_one("#audio-notes", Static)
        widget.update("\n".join(notes))
        widget.display = bool(notes)

    def _show_error(self, message: str | None) -> None:
        widget = self.query_one("#audio-error", Static)
        widget.update(message or "")
        widget.display = bool(message)

    def _fail(self, message: str, *, focus: str | None = None) -> None:
        self._show_error(message)
        self.notify(message, severity="error", timeout=8)
        if focus:
            self.query_one(focus).focus()

    @on(Button.Pressed, "#audio-convert")
    def _convert_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_convert()

    @on(Button.Pressed, "#audio-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    @on(Button.Pressed, "#audio-upload")
    def _upload_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_upload()
