"""Audio for calls: analyse a clip, convert it, upload it under a unique name,
and follow it until the gateway says it is Ready.

Analysis and conversion decode audio, which takes real time: they run in a
thread (``asyncio.to_thread``) so the app stays responsive, and report their
progress on the event loop (engine ``Progress`` events and an optional
callback). The upload is one multipart request; the status tracker then polls
the file until it is Ready and announces that as a ``StatusChanged`` event
(kind ``"audio"``).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tui.audio import (
    AudioAnalysis,
    AudioError,
    ConversionResult,
    ConvertOptions,
    SourceInfo,
    analyze,
    convert,
    probe,
)
from tui.audio.readiness import problems_of
from tui.audio.units import SILENCE_THRESHOLD_DB
from tui.engine import events
from tui.engine.jobs import Job, JobKind
from tui.gateway import codes
from tui.gateway.codes import AudioStatus
from tui.gateway.errors import GatewayError, InvalidInput
from tui.ledger import AudioFile

if TYPE_CHECKING:
    from tui.engine.service import Engine

#: Converted files go here (inside the profile's data folder) when the
#: source's folder cannot be written to.
AUDIO_SUBDIR = "audio"
#: Appended to the source's name for the converted WAV.
CONVERTED_SUFFIX = "-8k"
NAME_MAX = 100
_BAD_NAME = re.compile(r"[\x00-\x1f<>\"\\]")
_HASH_CHUNK = 1024 * 1024

#: Called on the event loop with the fraction done (0..1).
FractionCallback = Callable[[float], None]


#: The gateway's error for an audio file name already in use.
NAME_EXISTS = 603


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_HASH_CHUNK):
            digest.update(block)
    return digest.hexdigest()


#: The kind of the engine's job (``engine.jobs``) that uploads a recording.
JOB_KIND: JobKind = "audio-upload"

#: Audio status errors meaning "no such file" (appendix E).
UNKNOWN_FILE_CODES = frozenset({700, 701, 712})


class AudioUploader:
    """Convert and upload audio files for one engine (see the module's doc)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def data_dir(self) -> Path:
        return self.engine.ledger.path.parent

    # Analysis and conversion ---------------------------------------------------------

    async def analyze(
        self,
        path: str | os.PathLike[str],
        *,
        envelope_points: int = 120,
        on_progress: FractionCallback | None = None,
        silence_threshold_db: float = SILENCE_THRESHOLD_DB,
    ) -> AudioAnalysis:
        """Measure ``path`` (raises an ``AudioError`` with one sentence for bad input);
        silence is what lies ``silence_threshold_db`` under the loudest moment."""
        name = os.fspath(path).replace("\\", "/").rsplit("/", 1)[-1]
        report = self._reporter(f"audio-analyze:{name}", "Analysing", on_progress)

        def run() -> AudioAnalysis:
            source = Path(path).expanduser()
            return analyze(
                source,
                envelope_points=envelope_points,
                on_progress=report,
                silence_threshold_db=silence_threshold_db,
            )

        return await asyncio.to_thread(run)

    def default_output(self, source: str | os.PathLike[str]) -> Path:
        """``<name>-8k.wav`` next to the source, or in the data folder when the
        source's folder is not writable."""
        src = Path(source).expanduser()
        name = f"{src.stem}{CONVERTED_SUFFIX}.wav"
        if os.access(src.parent, os.W_OK):
            return src.parent / name
        return self.data_dir / AUDIO_SUBDIR / name

    async def convert(
        self,
        source: str | os.PathLike[str],
        output: str | os.PathLike[str] | None = None,
        options: ConvertOptions | None = None,
        *,
        on_progress: FractionCallback | None = None,
    ) -> ConversionResult:
        """Write the gateway-ready WAV of ``source`` (default: :meth:`default_output`).

        Raises an ``AudioError`` (nothing written) for bad input or options, and
        ``InvalidInput`` when the output would replace the source.
        """
        src, dst = await asyncio.to_thread(self._paths, source, output)
        report = self._reporter(f"audio-convert:{src.name}", "Converting", on_progress)
        return await asyncio.to_thread(convert, src, dst, options, report)

    def _paths(
        self, source: str | os.PathLike[str], output: str | os.PathLike[str] | None
    ) -> tuple[Path, Path]:
        src = Path(source).expanduser()
        dst = Path(output).expanduser() if output is not None else self.default_output(src)
        if dst.exists() and src.exists() and dst.resolve() == src.resolve():
            raise InvalidInput(
                f"The converted file would replace the source {src}; choose another output name."
            )
        if dst.parent == self.data_dir / AUDIO_SUBDIR:
            dst.parent.mkdir(parents=True, exist_ok=True)
        return src, dst

    def _reporter(
        self, job: str, detail: str, on_progress: FractionCallback | None
    ) -> Callable[[float], None]:
        """A progress callback safe to call from the worker thread: each report
        is handed to the event loop, published and passed to ``on_progress``."""
        loop = asyncio.get_running_loop()
        bus = self.engine.bus

        def on_loop(fraction: float) -> None:
            bus.publish(
                events.Progress(
                    at=self.engine.now(),
                    job=job,
                    done=round(fraction * 100),
                    total=100,
                    detail=detail,
                )
            )
            if on_progress is not None:
                on_progress(fraction)

        def report(fraction: float) -> None:
            loop.call_soon_threadsafe(on_loop, fraction)

        return report

    # Names ------------------------------------------------------------------------------

    def check_name(self, name: str) -> str:
        """The recording name, cleaned; raises ``InvalidInput`` when it is empty,
        unusable, or already used by an upload in the ledger."""
        cleaned = " ".join(name.split())
        if not cleaned:
            raise InvalidInput("The recording name is empty; give the recording a name.")
        if len(cleaned) > NAME_MAX:
            raise InvalidInput(
                f"The recording name is {len(cleaned)} characters; use at most {NAME_MAX}."
            )
        if _BAD_NAME.search(cleaned):
            raise InvalidInput(
                'The recording name contains < > " \\ or control characters; use a plain name.'
            )
        taken = self.name_taken(cleaned)
        if taken is not None:
            raise InvalidInput(
                f"A recording named {taken.name!r} was already uploaded (ID {taken.id}); "
                f"choose another name, for example {self.suggest_name(cleaned)!r}."
            )
        return cleaned

    def name_taken(self, name: str) -> AudioFile | None:
        """The upload already using ``name`` (the gateway ignores case), if any."""
        ledger = self.engine.ledger
        exact = ledger.audio.audio_by_name(name)
        if exact is not None:
            return exact
        folded = name.casefold()
        return next((f for f in ledger.audio.audio_files() if f.name.casefold() == folded), None)

    def suggest_name(self, base: str) -> str:
        """``base``, or ``base 2``, ``base 3``... whichever is not used yet."""
        stem = " ".join(base.split())[: NAME_MAX - 4] or "Recording"
        if self.name_taken(stem) is None:
            return stem
        number = 2
        while self.name_taken(f"{stem} {number}") is not None:
            number += 1
        return f"{stem} {number}"

    def previous_uploads(self, source_sha256: str) -> list[AudioFile]:
        """Uploads made earlier from the same source file."""
        return self.engine.ledger.audio.audio_by_sha256(source_sha256)

    # Upload -----------------------------------------------------------------------------

    async def upload(
        self,
        wav: str | os.PathLike[str],
        name: str,
        *,
        source: str | os.PathLike[str] | None = None,
        source_sha256: str | None = None,
    ) -> AudioFile:
        """Upload the gateway-ready ``wav`` as ``name``, remember it, and start
        watching it until Ready.

        Raises ``InvalidInput`` (nothing sent) for a bad or used name or a file
        the gateway would refuse, ``AudioError`` for an unreadable file, and the
        client's errors for a refused upload. An upload whose answer was lost is
        recorded as an unknown outcome before its error is raised again.
        """
        clean_name = self.check_name(name)
        upload = await asyncio.to_thread(_read_upload, wav, source, source_sha256)
        path, info, data, digest, source_path = upload
        summary = f"upload of the recording {clean_name!r} ({path.name})"
        ledger = self.engine.ledger
        at = self.engine.now()

        def record(new_id: str) -> None:
            ledger.audio.add_audio(
                new_id,
                clean_name,
                at,
                source_path=source_path,
                source_sha256=digest,
                size=len(data),
                duration=info.duration_s,
                status=AudioStatus.NOT_READY,
            )

        try:
            file_id = await self.engine.journal.journalled(
                "audio",
                codes.AUDIO_UPLOAD.page,
                summary,
                [clean_name],
                lambda: self.engine.client.upload_audio(clean_name, data, path.name),
                record,
            )
        except GatewayError as error:
            if error.code != NAME_EXISTS:
                raise
            raise InvalidInput(self._name_exists(clean_name)) from None
        self.engine.tracker.watch("audio", file_id)
        self.engine.bus.publish(
            events.Submitted(at=at, kind="audio", ids=[(clean_name, file_id)], summary=summary)
        )
        stored = ledger.audio.audio(file_id)
        assert stored is not None
        return stored

    def start_upload(
        self,
        wav: str | os.PathLike[str],
        name: str,
        *,
        source: str | os.PathLike[str] | None = None,
        source_sha256: str | None = None,
    ) -> Job[AudioFile]:
        """``upload`` as a job of the engine: once the request is out it cannot
        be called back, so it finishes (and is recorded) whatever happens to the
        screen that started it; ``current_upload`` finds it again."""
        if self.engine.jobs.running(JOB_KIND):
            raise InvalidInput("A recording is being uploaded; wait for it to finish.")

        async def work(cancel: asyncio.Event, progress: Callable[..., None]) -> AudioFile:
            return await self.upload(wav, name, source=source, source_sha256=source_sha256)

        return self.engine.jobs.start(JOB_KIND, f"Uploading {name!r}", work, expected=(AudioError,))

    def current_upload(self) -> Job[AudioFile] | None:
        """The upload running now, else the last one that ended (None: none yet)."""
        return self.engine.jobs.latest(JOB_KIND)

    def _name_exists(self, name: str) -> str:
        """Error 603 explained, with what to do about it."""
        lost = [
            entry
            for entry in self.engine.ledger.unknown.unknown_submits()
            if entry.kind == "audio" and name in entry.targets
        ]
        if lost:
            return (
                f"The gateway already has a recording named {name!r} (error 603), most"
                f" likely from the earlier upload whose answer was lost (unknown outcome"
                f" {lost[0].id}). Find its file ID on the portal and settle it with"
                f" `csms unknown settle {lost[0].id} --file-id ID` (or in Activity); it can"
                " then be used without uploading again."
            )
        return (
            f"The gateway already has a recording named {name!r} (error 603), uploaded from"
            " the portal or another computer. Choose another name, or add that recording"
            ' by its file ID (Audio screen, "Add by ID") to use it.'
        )

    async def resolve(self, value: str) -> str:
        """The file ID of a recording named by the name csms knows it by, or by its
        ID; an ID csms does not know yet is checked with the gateway and added."""
        clean = value.strip()
        known = self.engine.ledger.audio.audio_by_name(clean)
        if known is not None:
            return known.id
        if self.engine.ledger.audio.audio(clean) is not None:
            return clean
        if not clean.isdigit():
            raise InvalidInput(
                f"No recording named {value!r} is known and it is not a file ID; upload it"
                " first, or give the ID the portal shows."
            )
        return (await self.add_existing(clean)).id

    async def add_existing(self, file_id: str, name: str | None = None) -> AudioFile:
        """Remember a recording already on the gateway (uploaded from the portal or
        another computer), after checking its ID with the gateway's audio status.

        Its name defaults to ``recording <ID>``; the gateway's own name for it is
        not available through the API.
        """
        clean_id = file_id.strip()
        known = self.engine.ledger.audio.audio(clean_id)
        if known is not None:
            return known
        clean_name = self.check_name(name or f"recording {clean_id}")
        try:
            status = await self.engine.client.audio_status(clean_id)
        except GatewayError as error:
            if error.code not in UNKNOWN_FILE_CODES:
                raise
            raise InvalidInput(
                f"The gateway does not know an audio file {clean_id} ({error.info.meaning});"
                " check the ID on the portal."
            ) from None
        self.engine.ledger.audio.add_audio(clean_id, clean_name, self.engine.now(), status=status)
        if status is not AudioStatus.READY:
            self.engine.tracker.watch("audio", clean_id)
        stored = self.engine.ledger.audio.audio(clean_id)
        assert stored is not None
        return stored

    async def wait_ready(self, file_id: str) -> AudioFile:
        """Wait until the tracker has seen ``file_id`` Ready; returns its record.

        Bound the wait with ``asyncio.timeout`` if needed.
        """
        ledger = self.engine.ledger
        subscription = self.engine.subscribe()
        try:
            while True:
                record = ledger.audio.audio(file_id)
                if record is None:
                    raise InvalidInput(f"Audio file {file_id} is not in the ledger.")
                if record.status is AudioStatus.READY:
                    return record
                if await subscription.get() is None:
                    raise InvalidInput("The engine stopped before the audio file was ready.")
        finally:
            subscription.close()


def _read_upload(
    wav: str | os.PathLike[str],
    source: str | os.PathLike[str] | None,
    source_sha256: str | None,
) -> tuple[Path, SourceInfo, bytes, str, str]:
    """Read the file to upload, refusing one the gateway would reject.

    Returns its path, header, bytes, the source's digest and the source's path.
    """
    path = Path(wav).expanduser()
    info = probe(path)
    problems = problems_of(info)
    if problems:
        reasons = "; ".join(p.text for p in problems)
        raise InvalidInput(
            f"{path.name} cannot be uploaded as it is ({reasons}); convert it first."
        )
    data = path.read_bytes()
    origin = Path(source).expanduser() if source is not None else path
    digest = source_sha256 or (sha256_of(origin) if origin.is_file() else sha256_of(path))
    return path, info, data, digest, str(origin)
