"""GSM-7 / UCS-2 detection and segment counting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.gateway.text import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    analyze,
    needs_unicode,
    split_parts,
)

GSM_ALPHABET = "".join(sorted(GSM7_BASIC | GSM7_EXTENSION))


def test_alphabet_tables() -> None:
    # 128 positions of the default table, one of them the escape.
    assert len(GSM7_BASIC) == 127
    assert GSM7_EXTENSION == frozenset("^{}\\[~]|€")
    assert not GSM7_BASIC & GSM7_EXTENSION
    assert {"\n", "\r", "@", "£", "é", "Δ", "ß", "¿", "à"} <= GSM7_BASIC
    assert not {"`", "\t", "ç", "’", "“"} & GSM7_BASIC


def test_empty_text() -> None:
    a = analyze("")
    assert (a.encoding, a.characters, a.units, a.segments) == ("GSM-7", 0, 0, 0)
    assert (a.per_segment, a.remaining, a.unicode_chars) == (160, 160, [])
    assert not a.is_unicode


@pytest.mark.parametrize(
    ("text", "units", "segments", "per_segment", "remaining"),
    [
        ("Hello", 5, 1, 160, 155),
        ("a" * 160, 160, 1, 160, 0),
        ("a" * 161, 161, 2, 153, 145),
        ("a" * 306, 306, 2, 153, 0),
        ("a" * 307, 307, 3, 153, 152),
        ("line one\nline two\r\n", 19, 1, 160, 141),
        ("€" * 80, 160, 1, 160, 0),
        # 76 euros fill 152 units; the 77th cannot be split, so part two begins.
        ("€" * 81, 162, 2, 153, 143),
        # The escape pair would straddle the boundary: it moves to part two.
        ("a" * 152 + "{" + "a" * 151, 305, 2, 153, 0),
        ("a" * 152 + "{" + "a" * 152, 306, 3, 153, 152),
    ],
)
def test_gsm7_counts(
    text: str, units: int, segments: int, per_segment: int, remaining: int
) -> None:
    a = analyze(text)
    assert a.encoding == "GSM-7"
    assert (a.units, a.segments, a.per_segment, a.remaining) == (
        units,
        segments,
        per_segment,
        remaining,
    )
    assert a.characters == len(text)


@pytest.mark.parametrize(
    ("text", "units", "segments", "per_segment", "remaining"),
    [
        ("سلام", 4, 1, 70, 66),
        ("ا" * 70, 70, 1, 70, 0),
        ("ا" * 71, 71, 2, 67, 63),
        ("😀", 2, 1, 70, 68),
        ("😀" * 35, 70, 1, 70, 0),
        # 1 + 33 emoji = 67 units; the remaining two emoji make part two.
        ("a" + "😀" * 35, 71, 2, 67, 63),
        # A surrogate pair is not split: 66 units, then the emoji opens part two.
        ("ا" * 66 + "😀" + "ا" * 3, 71, 2, 67, 62),
    ],
)
def test_ucs2_counts(
    text: str, units: int, segments: int, per_segment: int, remaining: int
) -> None:
    a = analyze(text)
    assert a.encoding == "UCS-2" and a.is_unicode
    assert (a.units, a.segments, a.per_segment, a.remaining) == (
        units,
        segments,
        per_segment,
        remaining,
    )


def test_unicode_chars_are_distinct_in_first_seen_order() -> None:
    a = analyze("Don’t “quote” me – سلام سلام")
    assert a.unicode_chars == ["’", "“", "”", "–", "س", "ل", "ا", "م"]
    assert a.characters == len("Don’t “quote” me – سلام سلام")


def test_needs_unicode() -> None:
    assert not needs_unicode("")
    assert not needs_unicode("Price: 100€ {net} [ok] ~ | ^ \\ @£$¥")
    assert needs_unicode("tab\there")
    assert needs_unicode("آپ کا شکریہ")
    assert needs_unicode("café ç")  # only capital Ç is in GSM-7


def _independent_units(text: str) -> int:
    if needs_unicode(text):
        return len(text.encode("utf-16-le")) // 2
    return len(text) + sum(1 for ch in text if ch in GSM7_EXTENSION)


def _cost(ch: str, unicode: bool) -> int:
    return len(ch.encode("utf-16-le")) // 2 if unicode else 2 if ch in GSM7_EXTENSION else 1


texts = st.text(alphabet=GSM_ALPHABET, max_size=700) | st.text(max_size=300)


@given(texts)
def test_segments_are_consistent(text: str) -> None:
    a = analyze(text)
    unicode = a.is_unicode
    assert unicode == needs_unicode(text)
    assert a.units == _independent_units(text)
    assert a.characters == len(text)
    single = 70 if unicode else 160
    if not text:
        assert a.segments == 0
        return
    assert a.units <= a.segments * a.per_segment
    assert 0 <= a.remaining < a.per_segment or (a.segments == 1 and a.remaining == single - a.units)
    if a.segments == 1:
        assert a.per_segment == single and a.units <= single
        return
    # Several parts: one part could not have held it, and the parts are real.
    assert a.units > single
    assert a.per_segment == (67 if unicode else 153)
    parts = split_parts(text)
    assert "".join(parts) == text
    assert len(parts) == a.segments
    sizes = [sum(_cost(ch, unicode) for ch in part) for part in parts]
    assert all(size <= a.per_segment for size in sizes)
    assert a.remaining == a.per_segment - sizes[-1]
    # Each part is full: its next character would not have fitted. Filling parts
    # in order this way uses the fewest parts, so one fewer segment cannot fit.
    for part, size, following in zip(parts, sizes, parts[1:], strict=False):
        assert part
        assert size + _cost(following[0], unicode) > a.per_segment


def test_split_parts_of_short_and_empty_text() -> None:
    assert split_parts("") == []
    assert split_parts("hello") == ["hello"]
    assert split_parts("a" * 161) == ["a" * 153, "a" * 8]
