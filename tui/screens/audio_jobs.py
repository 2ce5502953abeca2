"""The work behind the audio form: analyse a recording, convert it (or every
recording in a folder) and upload it, one job at a time, with the busy state
and the feedback each job shows.

:class:`AudioJobs` is the base of :class:`~tui.screens.audio_flow.AudioFlow`,
which composes the parts these jobs fill in (:class:`RecordingPreview`,
:class:`ConvertOptionsForm`, :class:`AudioProgress`, the output and name
fields, the buttons) and decides, from keys and buttons, which job to start.
Decoding runs in a thread inside the engine (``AudioUploader``), so the form
stays responsive; Esc cancels the job under way and nothing is written.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual import work
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Input

from tui.audio import AudioAnalysis, AudioError, ConversionResult, ConvertOptions
from tui.audio.recordings import replaces_other_file
from tui.audio.units import SILENCE_THRESHOLD_DB
from tui.engine.audio_folder import convert_folder
from tui.engine.audio_upload import AudioUploader
from tui.engine.jobs import Job
from tui.gateway.errors import CsmsError
from tui.ledger import AudioFile, LedgerError
from tui.screens.base import engine_of, has_engine
from tui.screens.file_choice import replace_question
from tui.widgets.audio_progress import AudioProgress
from tui.widgets.convert_options import ConvertOptionsForm
from tui.widgets.recording_preview import RecordingPreview

WAVEFORM_POINTS = 120
#: The workers' group: one job at a time, and Esc cancels it.
GROUP = "audio-flow"

#: Source, options and output of one conversion.
Plan = tuple[Path, ConvertOptions, Path]


class AudioJobs(Vertical):
    """The recording chosen, its conversion and upload, and the jobs making them."""

    # Handlers are ``on_audio_flow_uploaded``: the form is what the screens know.
    class Uploaded(Message, namespace="audio_flow"):
        """A recording was uploaded (it is not Ready yet)."""

        def __init__(self, file: AudioFile) -> None:
            super().__init__()
            self.file = file

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source: Path | None = None
        self.analysis: AudioAnalysis | None = None
        self.converted: ConversionResult | None = None
        self._converted_for: Plan | None = None
        self.uploaded: AudioFile | None = None
        self.busy = False

    @property
    def uploader(self) -> AudioUploader:
        return engine_of(self).audio

    @property
    def _feedback(self) -> AudioProgress:
        return self.query_one(AudioProgress)

    @property
    def _form(self) -> ConvertOptionsForm:
        return self.query_one(ConvertOptionsForm)

    def action_cancel(self) -> None:
        """Stop the analysis or conversion under way (nothing is written). An
        upload on its way cannot be called back: it is left to finish."""
        if not self.busy:
            return
        upload = self.uploader.current_upload()
        if upload is not None and upload.running:
            self.notify(
                "The recording is on its way to the gateway and cannot be called back; "
                "its outcome shows here when it ends.",
                severity="warning",
            )
            return
        self.workers.cancel_group(self, GROUP)
        self._set_busy(False)
        self._feedback.show_notes([])
        self.notify("Cancelled; nothing was written.")

    # -- analysing --------------------------------------------------------------

    @work(exclusive=True, group=GROUP, exit_on_error=False)
    async def _analyse(self, path: Path, *, keep_options: bool = False) -> None:
        # A new recording starts from the defaults.
        threshold = self._form.threshold_db() if keep_options else SILENCE_THRESHOLD_DB
        preview = self.query_one(RecordingPreview)
        self._set_busy(True, f"Analysing {path.name}…")
        try:
            analysis = await self.uploader.analyze(
                path,
                envelope_points=WAVEFORM_POINTS,
                on_progress=self._feedback.progress,
                silence_threshold_db=threshold,
            )
        except (AudioError, CsmsError) as error:
            # Nothing of the file before stays to be mistaken for this one's.
            self.source = self.analysis = self.uploaded = None
            self.converted = self._converted_for = None
            preview.clear()
            self.query_one("#audio-output", Input).value = ""
            self.query_one("#audio-name", Input).value = ""
            self._feedback.show_notes([])
            self._fail(str(error))
            return
        finally:
            self._set_busy(False)
        self.source, self.analysis = path, analysis
        # The last upload's status is about another file from now on.
        self.converted = self._converted_for = self.uploaded = None
        if not keep_options:
            self._form.reset()
        preview.show(analysis)
        self.query_one("#audio-output", Input).value = str(self.uploader.default_output(path))
        self.query_one("#audio-name", Input).value = self.uploader.suggest_name(path.stem)
        self._feedback.show_notes([])
        self._feedback.show_error(None)

    # -- converting -------------------------------------------------------------

    @work(exclusive=True, group=GROUP, exit_on_error=False)
    async def _convert_folder(self, sources: list[Path], options: ConvertOptions) -> None:
        def started(number: int, count: int, source: Path) -> None:
            self._set_busy(True, f"Converting {number} of {count}: {source.name}…")

        report = await convert_folder(
            self.uploader,
            sources,
            options,
            on_start=started,
            on_end=lambda: self._set_busy(False),
            on_progress=self._feedback.progress,
        )
        self._feedback.show_notes(report.notes)
        self._feedback.show_error(report.error)
        self._feedback.reveal_notes()

    @work(exclusive=True, group=GROUP, exit_on_error=False)
    async def _convert_only(self, plan: Plan) -> None:
        await self._convert(plan)

    async def _convert(self, plan: Plan) -> ConversionResult | None:
        source, options, output = plan
        if not options.replace and await asyncio.to_thread(replaces_other_file, source, output):
            # The source itself is never replaced: the conversion refuses it.
            app: Any = self.app  # an App[object]: its push_screen_wait wants Screen[object]
            if not await app.push_screen_wait(replace_question(output, "the converted recording")):
                self._fail(f"{output.name} was kept; change the output name to convert.")
                return None
            options = replace(options, replace=True)
        self._set_busy(True, f"Converting {source.name}…")
        try:
            result = await self.uploader.convert(
                source, output, options, on_progress=self._feedback.progress
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
        self._feedback.show_notes(notes)
        self._feedback.show_error(None)
        self._feedback.reveal_notes()
        return result

    # -- uploading --------------------------------------------------------------

    @work(exclusive=True, group=GROUP, exit_on_error=False)
    async def _upload(self, plan: Plan, name: str) -> None:
        """Upload the recording as it is when the gateway takes it and nothing
        is asked of it, else its conversion (made now unless already made)."""
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
        try:
            job = self.uploader.start_upload(wav, name, source=source, source_sha256=sha)
        except (AudioError, CsmsError, LedgerError) as error:
            self._fail(str(error))
            return
        await self._follow_upload(job)

    def attach_upload(self) -> None:
        """Show the engine's upload of a recording, if one runs or ended untold
        (it was started on a form that has gone since)."""
        job = self.uploader.current_upload() if has_engine(self) else None
        if job is not None and (job.running or not job.told):
            self._rejoin_upload(job)

    @work(exclusive=True, group=GROUP, exit_on_error=False)
    async def _rejoin_upload(self, job: Job[AudioFile]) -> None:
        await self._follow_upload(job)

    async def _follow_upload(self, job: Job[AudioFile]) -> None:
        """Wait for the engine's upload (it goes on if this form goes), then say how it went."""
        self._set_busy(True, f"{job.title}…")
        try:
            await job.wait()
        finally:
            self._set_busy(False)
        if not job.take_outcome():
            return
        record = job.result
        if record is None:
            self._fail(job.error or f"{job.title} stopped.")
            return
        self.uploaded = record
        self._feedback.show_upload(record, record.status.label)
        self._feedback.show_error(None)  # an earlier refusal no longer applies
        self.notify(f"Uploaded {record.name!r} (ID {record.id}); waiting until it is Ready.")
        self.post_message(self.Uploaded(record))

    def audio_status_changed(self, file_id: str, status: str) -> None:
        """The tracker saw a new status for an uploaded file."""
        if self.uploaded is not None and self.uploaded.id == file_id:
            self._feedback.show_upload(self.uploaded, status)

    # -- feedback ---------------------------------------------------------------

    def _set_busy(self, busy: bool, doing: str = "") -> None:
        self.busy = busy
        self._feedback.running(busy, doing)
        for button in self.query(Button):
            button.disabled = busy and button.id != "audio-cancel"
        self.query_one("#audio-cancel").display = busy

    def _fail(self, message: str, *, focus: str | None = None) -> None:
        self._feedback.show_error(message)
        self.notify(message, severity="error", timeout=8)
        if focus:
            self.query_one(focus).focus()
