"""The recordings the pickers offer: every format this machine's ffmpeg reads."""

from __future__ import annotations

from tui.audio.formats import COMMON, readable_suffixes


def test_ffmpeg_s_own_formats_are_offered_beyond_the_common_list() -> None:
    suffixes = readable_suffixes()
    assert COMMON <= suffixes
    # Read by ffmpeg, named by its demuxers, not in the short list.
    assert {".dts", ".xwma", ".wve"} & suffixes
    assert ".csv" not in suffixes and ".py" not in suffixes
