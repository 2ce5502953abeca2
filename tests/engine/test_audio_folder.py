"""A whole folder converted through the engine: real clips made with ffmpeg,
one already converted (kept), one that is not audio (reported, the others go on)."""

from __future__ import annotations

import wave
from pathlib import Path

from tests.engine.test_audio_upload import make_clip
from tui.audio import ConvertOptions
from tui.audio.recordings import recordings_in
from tui.engine.audio_folder import FolderReport, convert_folder
from tui.engine.audio_upload import AudioUploader
from tui.engine.service import Engine


async def test_every_recording_is_converted_kept_or_reported(
    engine: Engine, tmp_path: Path
) -> None:
    make_clip(tmp_path / "a-welcome.mp3", 1.0)
    make_clip(tmp_path / "b-thanks.wav", 1.0, rate=16000, channels=1)
    (tmp_path / "c-broken.mp3").write_bytes(b"this is not audio at all" * 10)
    make_clip(tmp_path / "d-sorry.ogg", 1.0)
    kept = tmp_path / "d-sorry-8k.wav"
    kept.write_bytes(b"already here")
    sources = recordings_in(tmp_path)
    assert [p.name for p in sources] == [
        "a-welcome.mp3",
        "b-thanks.wav",
        "c-broken.mp3",
        "d-sorry.ogg",
    ]  # the converted copy is not a source

    calls: list[str] = []
    fractions: list[float] = []
    report = await convert_folder(
        AudioUploader(engine),
        sources,
        ConvertOptions(normalize=True),
        on_start=lambda number, count, source: calls.append(f"{number}/{count} {source.name}"),
        on_end=lambda: calls.append("end"),
        on_progress=fractions.append,
    )

    # Each conversion run is bracketed; the kept one runs none.
    started = ["1/4 a-welcome.mp3", "2/4 b-thanks.wav", "3/4 c-broken.mp3"]
    assert calls == [step for source in started for step in (source, "end")]
    assert fractions and max(fractions) == 1.0
    assert [line.split(" -> ")[0] for line in report.done] == ["a-welcome.mp3", "b-thanks.wav"]
    assert report.kept == ["d-sorry-8k.wav"]
    assert len(report.failed) == 1 and report.failed[0].startswith("c-broken.mp3: ")
    assert kept.read_bytes() == b"already here"
    assert not (tmp_path / "c-broken-8k.wav").exists()
    for name in ("a-welcome-8k.wav", "b-thanks-8k.wav"):
        with wave.open(str(tmp_path / name)) as wav:
            assert (wav.getnchannels(), wav.getframerate(), wav.getsampwidth()) == (1, 8000, 2)

    notes = report.notes
    assert notes[0] == "Converted 2 recordings:"
    assert "Kept, already there: d-sorry-8k.wav" in notes
    assert "Not converted (1):" in notes
    assert report.error == "1 recording could not be converted."


def test_a_clean_report_has_no_error_and_says_none_were_converted() -> None:
    report = FolderReport(kept=["x-8k.wav"])
    assert report.error is None
    assert report.notes == ["Converted 0 recordings:", "Kept, already there: x-8k.wav"]
