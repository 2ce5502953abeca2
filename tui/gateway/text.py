"""Message text: GSM-7 or UCS-2, and how many SMS segments it takes.

A text made only of GSM 03.38 characters is sent in GSM-7: 160 septets in one
SMS, 153 per part when split. The extension characters ``^ { } \\ [ ~ ] |`` and
``€`` take two septets (an escape and the character), and an escape pair is
never split across parts. Any other character (Urdu, emoji, curly quotes) makes
the whole text UCS-2: 70 UTF-16 code units in one SMS, 67 per part, where an
emoji takes two units and a surrogate pair is never split either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "GSM7_BASIC",
    "GSM7_EXTENSION",
    "TextAnalysis",
    "analyze",
    "needs_unicode",
    "split_parts",
]

#: The GSM 03.38 default alphabet (the escape itself excluded).
GSM7_BASIC: frozenset[str] = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: Characters of the extension table: two septets each (escape + character).
GSM7_EXTENSION: frozenset[str] = frozenset("^{}\\[~]|€")
_GSM7: frozenset[str] = GSM7_BASIC | GSM7_EXTENSION

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True, slots=True)
class TextAnalysis:
    """Encoding, length and segment count of one message text."""

    encoding: Literal["GSM-7", "UCS-2"]
    #: User-perceived length (``len`` of the text).
    characters: int
    #: GSM-7 septets (extension characters count 2) or UTF-16 code units.
    units: int
    #: SMS parts the text takes; 0 for an empty text.
    segments: int
    #: Capacity of one segment for this text: 160/153 (GSM-7) or 70/67 (UCS-2).
    per_segment: int
    #: Units still free in the last segment.
    remaining: int
    #: Distinct characters that force UCS-2, in first-seen order.
    unicode_chars: list[str] = field(default_factory=list)

    @property
    def is_unicode(self) -> bool:
        return self.encoding == "UCS-2"


def needs_unicode(text: str) -> bool:
    """Whether ``text`` holds a character outside GSM-7 (so it must go as UCS-2)."""
    return not _GSM7.issuperset(text)


def _cost(ch: str, unicode: bool) -> int:
    if unicode:
        return 2 if ord(ch) > 0xFFFF else 1
    return 2 if ch in GSM7_EXTENSION else 1


def _pack(text: str, unicode: bool, part: int) -> tuple[int, int]:
    """(parts, units in the last part) when filling ``part``-unit parts in order,
    never splitting a two-unit character across two parts."""
    parts, used = 1, 0
    for ch in text:
        cost = _cost(ch, unicode)
        if used + cost > part:
            parts += 1
            used = 0
        used += cost
    return parts, used


def analyze(text: str) -> TextAnalysis:
    """Encoding, units and segments of ``text``, as the gateway will send it."""
    unicode_chars = [] if _GSM7.issuperset(text) else _unicode_chars(text)
    if unicode_chars:
        encoding: Literal["GSM-7", "UCS-2"] = "UCS-2"
        wide = sum(1 for ch in text if ord(ch) > 0xFFFF)
        units = len(text) + wide
        single, part = UCS2_SINGLE, UCS2_PART
        double = wide
    else:
        encoding = "GSM-7"
        double = sum(text.count(ch) for ch in GSM7_EXTENSION) if text else 0
        units = len(text) + double
        single, part = GSM7_SINGLE, GSM7_PART
    if units <= single:
        segments = 1 if text else 0
        return TextAnalysis(
            encoding, len(text), units, segments, single, single - units, unicode_chars
        )
    if double:
        segments, last = _pack(text, bool(unicode_chars), part)
    else:
        segments = -(-units // part)
        last = units - (segments - 1) * part
    return TextAnalysis(encoding, len(text), units, segments, part, part - last, unicode_chars)


def _unicode_chars(text: str) -> list[str]:
    return [ch for ch in dict.fromkeys(text) if ch not in _GSM7]


def split_parts(text: str) -> list[str]:
    """``text`` cut into the parts it is sent as (as :func:`analyze` counts them)."""
    if not text:
        return []
    unicode = needs_unicode(text)
    single, part = (UCS2_SINGLE, UCS2_PART) if unicode else (GSM7_SINGLE, GSM7_PART)
    if sum(_cost(ch, unicode) for ch in text) <= single:
        return [text]
    parts: list[str] = []
    start, used = 0, 0
    for i, ch in enumerate(text):
        cost = _cost(ch, unicode)
        if used + cost > part:
            parts.append(text[start:i])
            start, used = i, 0
        used += cost
    parts.append(text[start:])
    return parts
