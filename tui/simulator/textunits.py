"""How the gateway counts an SMS: GSM-7 or UCS-2 units and segments.

The simulator needs this to charge credit per segment and to enforce the voice
campaign SMS limit (error 512); it may import nothing of the project but
``gateway.codes``, so it carries its own small copy of the GSM-7 alphabet.
"""

from __future__ import annotations

import math

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def _char_units(text: str, unicode: bool) -> list[int]:
    if unicode:
        return [2 if ord(c) > 0xFFFF else 1 for c in text]
    return [2 if c in GSM7_EXTENSION else 1 for c in text]


def units(text: str, unicode: bool) -> int:
    """GSM-7 septets (extension characters count two) or UTF-16 code units."""
    return sum(_char_units(text, unicode))


def segments(text: str, unicode: bool) -> int:
    """Parts the text is sent in; a two-unit character is never split across parts."""
    sizes = _char_units(text, unicode)
    total = sum(sizes)
    single, part = (UCS2_SINGLE, UCS2_PART) if unicode else (GSM7_SINGLE, GSM7_PART)
    if total == 0:
        return 0
    if total <= single:
        return 1
    if all(s == 1 for s in sizes):
        return math.ceil(total / part)
    count, used = 1, 0
    for size in sizes:
        if used + size > part:
            count += 1
            used = 0
        used += size
    return count
