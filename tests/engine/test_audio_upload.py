"""Audio upload through the engine: real clips made with ffmpeg, converted,
uploaded to the simulator, recorded in a real ledger and followed to Ready."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import wave
from pathlib import Path

import imageio_ffmpeg
import pytest

from tui.audio import AudioError, ConvertOptions
from tui.engine import events
from tui.engine.audio_upload import AudioUploader
from tui.engine.service import Engine
from tui.gateway.codes import AudioStatus
from tui.gateway.errors import InvalidInput, OutcomeUnknown
from tui.simulator import Simulator

FFMPEG = shutil.which("ffmpeg") or imageio_ffmpeg.get_ffmpeg_exe()


def make_clip(path: Path, seconds: float = 2.0, *, rate: int = 44100, channels: int = 2) -> Path:
    """A tone with a little silence at both ends, in the format ``path``'s suffix says."""
    subprocess.run(
        [
            FFMPEG, "-v", "error", "-y",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}:sample_rate={rate}",
            "-af", "adelay=delays=300:all=1,apad=pad_dur=0.3", "-ac", str(channels), str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


class Recorder:
    """Every engine event published while it runs."""

    def __init__(self, engine: Engine) -> None:
        self.events: list[events.Event] = []
        self._subscription = engine.subscribe()
        self._task = asyncio.create_task(self._collect())

    async def _collect(self) -> None:
        async for event in self._subscription:
            self.events.append(event)

    async def stop(self) -> None:
        await asyncio.sleep(0)
        self._subscription.close()
        await self._task


def audio_uploads(sim: Simulator) -> list[str]:
    return [r.params.get("name", "") for r in sim.requests if r.page == "audio_upload.jsp"]


async def test_mp3_is_analysed_converted_uploaded_and_followed_to_ready(
    engine: Engine, simulator: Simulator, tmp_path: Path
) -> None:
    source = make_clip(tmp_path / "welcome.mp3")
    uploader = AudioUploader(engine)
    recorder = Recorder(engine)

    analysis = await uploader.analyze(source)
    assert not analysis.ready
    assert {p.code for p in analysis.problems} >= {606, 611}
    assert 2.3 < analysis.duration_s < 2.8
    assert analysis.fits

    fractions: list[float] = []
    result = await uploader.convert(
        source,
        options=ConvertOptions(trim_silence=True, normalize=True),
        on_progress=fractions.append,
    )
    assert result.path == tmp_path / "welcome-8k.wav"
    assert fractions and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    with wave.open(str(result.path)) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getsampwidth()) == (1, 8000, 2)
    # Trimming took the silence off both ends.
    assert result.trimmed_start_s + result.trimmed_end_s > 0.25
    assert result.duration_s < analysis.duration_s - 0.25
    await asyncio.sleep(0)
    progress = [e for e in recorder.events if isinstance(e, events.Progress)]
    assert progress and progress[-1].done == 100
    assert progress[-1].job == "audio-convert:welcome.mp3"

    record = await uploader.upload(
        result.path, "Welcome", source=source, source_sha256=result.source_sha256
    )
    assert audio_uploads(simulator) == ["Welcome"]
    assert record.status is AudioStatus.NOT_READY
    assert record.source_path == str(source)
    assert record.size == result.size_bytes
    assert record.duration == pytest.approx(result.duration_s, abs=0.01)
    assert uploader.previous_uploads(result.source_sha256) == [record]

    await engine.start()
    waiting = asyncio.create_task(uploader.wait_ready(record.id))
    await asyncio.sleep(0)
    assert not waiting.done()
    simulator.clock.advance(31)
    async with asyncio.timeout(5):
        ready = await waiting
    assert ready.status is AudioStatus.READY
    assert engine.ledger.audio.audio(record.id) == ready
    await recorder.stop()
    seen = [
        (e.item_id, e.status, e.final)
        for e in recorder.events
        if isinstance(e, events.StatusChanged) and e.kind == "audio"
    ]
    assert (record.id, "Ready", True) in seen
    submitted = [e for e in recorder.events if isinstance(e, events.Submitted)]
    assert [e.ids for e in submitted] == [[("Welcome", record.id)]]


async def test_names_are_unique_ignoring_case(
    engine: Engine, simulator: Simulator, tmp_path: Path
) -> None:
    uploader = AudioUploader(engine)
    wav = (await uploader.convert(make_clip(tmp_path / "a.wav"))).path
    await uploader.upload(wav, "  Eid   greeting ")
    assert engine.ledger.audio.audio_by_name("Eid greeting") is not None
    before = len(simulator.requests)
    with pytest.raises(InvalidInput, match="'Eid greeting' was already uploaded") as caught:
        await uploader.upload(wav, "EID GREETING")
    assert "'EID GREETING 2'" in str(caught.value)
    assert uploader.suggest_name("Eid greeting") == "Eid greeting 2"
    for bad, reason in (("", "empty"), ("x" * 101, "at most 100"), ("a<b>", "plain name")):
        with pytest.raises(InvalidInput, match=reason):
            uploader.check_name(bad)
    assert len(simulator.requests) == before


async def test_a_file_the_gateway_would_refuse_is_not_sent(
    engine: Engine, simulator: Simulator, tmp_path: Path
) -> None:
    uploader = AudioUploader(engine)
    stereo = make_clip(tmp_path / "stereo.wav", rate=44100, channels=2)
    with pytest.raises(InvalidInput, match=r"cannot be uploaded as it is.*convert it first"):
        await uploader.upload(stereo, "Stereo")
    assert audio_uploads(simulator) == []
    assert engine.ledger.audio.audio_files() == []


async def test_conversion_never_replaces_its_source(engine: Engine, tmp_path: Path) -> None:
    uploader = AudioUploader(engine)
    source = make_clip(tmp_path / "same.wav", rate=8000, channels=1)
    with pytest.raises(InvalidInput, match="would replace the source"):
        await uploader.convert(source, source)


async def test_not_audio_gets_one_sentence(engine: Engine, tmp_path: Path) -> None:
    notes = tmp_path / "notes.mp3"
    notes.write_text("these are not sounds\n" * 50)
    with pytest.raises(AudioError) as caught:
        await AudioUploader(engine).analyze(notes)
    reason = caught.value.reason
    assert "notes.mp3" in reason and "\n" not in reason and "Traceback" not in reason


async def test_lost_answer_is_recorded_as_unknown_outcome(
    engine: Engine, simulator: Simulator, tmp_path: Path
) -> None:
    uploader = AudioUploader(engine)
    wav = (await uploader.convert(make_clip(tmp_path / "b.mp3"))).path
    simulator.faults.add("audio_upload", "drop", count=1)
    with pytest.raises(OutcomeUnknown):
        await uploader.upload(wav, "Maybe")
    unknown = engine.ledger.unknown.unknown_submits()
    assert len(unknown) == 1
    assert unknown[0].kind == "audio" and "Maybe" in unknown[0].summary
    assert engine.ledger.audio.audio_files() == []
    # It did reach the gateway: the same name is now refused there (603), and
    # the refusal says what to do about it.
    with pytest.raises(InvalidInput) as caught:
        await uploader.upload(wav, "Maybe")
    explained = str(caught.value)
    assert "error 603" in explained
    assert f"csms unknown settle {unknown[0].id} --file-id ID" in explained
    assert engine.ledger.audio.audio_files() == []

    # Settled with the file ID the portal shows: checked, remembered, usable.
    [file_id] = [f.id for f in simulator.state.audio.values() if f.name == "Maybe"]
    with pytest.raises(InvalidInput, match="does not know an audio file 999999"):
        await engine.unknown.settle_upload(unknown[0].id, "999999")
    settled = await engine.unknown.settle_upload(unknown[0].id, file_id)
    assert f"'Maybe' recorded with file ID {file_id}" in settled.effect
    [stored] = engine.ledger.audio.audio_files()
    assert (stored.id, stored.name) == (file_id, "Maybe")
    assert engine.ledger.unknown.unknown_submits() == []
    assert await uploader.resolve("Maybe") == file_id
