"""What the audio form reads and shows, without the form: the threshold field,
the recordings of a folder, the output check and the analysis text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.audio.audio_clips import tone_wav
from tui.audio import analyze
from tui.audio.fields import parse_seconds, parse_threshold
from tui.audio.recordings import recordings_in, replaces_other_file
from tui.audio.summary import advice_for, describe
from tui.audio.units import SILENCE_THRESHOLD_DB


def test_threshold_reads_db_under_the_loudest_moment() -> None:
    assert parse_threshold("") == SILENCE_THRESHOLD_DB
    assert parse_threshold(" 30 dB") == -30.0
    assert parse_threshold("-30") == -30.0
    with pytest.raises(ValueError, match="'loud' is not a level; give dB under"):
        parse_threshold("loud")
    with pytest.raises(ValueError, match="'nan' is not a level"):
        parse_threshold("nan")
    assert parse_seconds("  ") is None
    assert parse_seconds("1:30.5") == 90.5


def test_a_folder_lists_its_recordings_not_converted_copies_or_hidden_files(
    tmp_path: Path,
) -> None:
    for name in ("b.MP3", "a.wav", "a-8k.wav", ".hidden.wav", "notes.txt", "c.opus"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub.wav").mkdir()
    assert [p.name for p in recordings_in(tmp_path)] == ["a.wav", "b.MP3", "c.opus"]


def test_only_another_existing_file_counts_as_replaced(tmp_path: Path) -> None:
    source = tmp_path / "a.wav"
    source.write_bytes(b"x")
    output = tmp_path / "a-8k.wav"
    assert not replaces_other_file(source, output)
    output.write_bytes(b"y")
    assert replaces_other_file(source, output)
    # The source itself (by another name) is refused by the conversion, not asked about.
    link = tmp_path / "link.wav"
    os.symlink(source, link)
    assert not replaces_other_file(source, link)


def test_the_analysis_text_gives_the_facts_and_the_advice(tmp_path: Path) -> None:
    quiet = tone_wav(tmp_path / "quiet.wav", 440, 2.0, rate=16000, dbfs=-40, lead=1.0, tail=0.5)
    analysis = analyze(quiet)
    text = describe(analysis)
    lines = text.splitlines()
    assert lines[0] == "quiet.wav"
    assert lines[1].startswith("Format    ") and "16000 Hz" in lines[1]
    assert "Gateway   needs converting: " in text
    assert advice_for(analysis) == ["it is quiet: tick Normalise", "tick Trim silence"]
    assert lines[-1] == "Advice    it is quiet: tick Normalise; tick Trim silence"

    ready = tone_wav(tmp_path / "ready.wav", 440, 1.0, rate=8000, dbfs=-12)
    plain = describe(analyze(ready))
    assert "Gateway   ready to upload as it is" in plain
    assert "Advice" not in plain
