"""Pakistani mobile numbers: normalising what people paste to ``923XXXXXXXXX``.

The gateway takes destination numbers in international form without a plus:
``92`` (Pakistan), ``3`` (mobile) and nine more digits. People paste them in
every shape: ``0300-1234567``, ``+92 300 1234567``, ``0092 300 1234567``,
``(0300) 123.4567``, with full-width or Arabic-Indic digits, one per line or
several on a line. :func:`normalize` turns one into the gateway's form or says
exactly what is wrong; :func:`parse_recipients` does that for a whole pasted
text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "LANDLINE_REASON",
    "NumberError",
    "ParsedRecipients",
    "dedupe",
    "describe_invalid",
    "is_landline",
    "normalize",
    "parse_recipients",
]


class NumberError(ValueError):
    """A token that is not a Pakistani mobile number. ``str()`` is the reason."""

    def __init__(self, raw: str, reason: str) -> None:
        super().__init__(reason)
        self.raw = raw
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


# Characters -------------------------------------------------------------------

# Separators people type or paste inside a number; all of them are dropped.
_SEPARATORS = (
    " -.()[]"
    "\u00a0\u2007\u202f\u3000"  # no-break, figure, narrow no-break, ideographic spaces
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a"  # typographic spaces
    "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"  # direction marks from RTL text
    "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"  # dashes and minus signs
    "\uff0e\u00b7\u2024\uff08\uff09\uff3b\uff3d"  # full-width dot and brackets
    "\t\r\n\v\f"
)
_CLEAN: dict[int, str | None] = dict.fromkeys(map(ord, _SEPARATORS))
for _zero in (0xFF10, 0x0660, 0x06F0):  # full-width, Arabic-Indic, Extended Arabic-Indic
    for _i in range(10):
        _CLEAN[_zero + _i] = str(_i)
_CLEAN[0xFF0B] = "+"  # full-width plus

# Already in gateway form, or a plain national/international form (no separators).
# Both patterns are ASCII-only on purpose: ``\d`` would accept any script's digits.
_PLAIN = re.compile(r"(?:\+92|0092|92|0)?(3[0-9]{9})")
# The same with blanks around it, as chunks of a list often have.
_PLAIN_PADDED = re.compile(r"[ \t\r\n]*(?:\+92|0092|92|0)?(3[0-9]{9})[ \t\r\n]*")
# After separators are dropped: the same, plus ``+92 (0)300 ...``.
_CLEANED = re.compile(r"(?:(?:\+|00)?920?|0)?(3[0-9]{9})")
_CLEANED_BYTES = re.compile(_CLEANED.pattern.encode())
_ASCII_SEPARATORS = "".join(ch for ch in _SEPARATORS if ch.isascii()).encode()

# Country calling codes of one or two digits (ITU E.164 zones); the rest have three.
_TWO_DIGIT_CODES = frozenset(
    "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 "
    "60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98".split()
)


def _country_code(digits: str) -> str:
    """The calling code at the start of ``digits`` (international, without ``+``/``00``)."""
    if digits[:1] in ("1", "7"):
        return digits[:1]
    if digits[:2] in _TWO_DIGIT_CODES:
        return digits[:2]
    return digits[:3]


# Normalising --------------------------------------------------------------------


_LETTER = re.compile(r"[^\W\d_]").search


# A Pakistani landline once separators are dropped: 0 or 92 (with + or 00), an
# area code that does not start with 3 (21 Karachi, 42 Lahore, 51 Islamabad,
# 991 Mansehra, ...) and the subscriber's digits: 9 or 10 digits in all after
# the country code. A bare 9-10 digit number is one whose leading 0 was lost.
_LANDLINE = re.compile(r"(?:(?:\+|00)?92|0)?[24-9][0-9]{8,9}").fullmatch
_LANDLINE_DROP = str.maketrans("", "", " -.()/\u00a0")
#: Read after the value: "'021-1234567' is a landline; ...".
LANDLINE_REASON = "is a landline; the gateway sends to mobiles only"


def is_landline(text: str) -> bool:
    """Whether ``text`` (as typed, separators allowed) is a Pakistani landline."""
    return _LANDLINE(text.strip().translate(_LANDLINE_DROP)) is not None


def describe_invalid(raw: str, reason: str) -> str:
    """``'0300123': too short (7 digits)``, or ``'021-1234567' is a landline; ...``
    for a reason that reads after the value."""
    return f"{raw!r} {reason}" if reason.startswith("is ") else f"{raw!r}: {reason}"


def _digits(n: int) -> str:
    return "1 digit" if n == 1 else f"{n} digits"


def _diagnose(raw: str, cleaned: str) -> tuple[str | None, str]:
    """Slow path: ``cleaned`` is ``raw`` with separators dropped.

    Returns ``(number, "")`` when valid, else ``(None, reason)``.
    """
    if not cleaned.isascii():
        # Digits of any other script (Devanagari, Bengali, ...) count as digits.
        cleaned = "".join(
            str(d) if (d := unicodedata.decimal(ch, None)) is not None else ch for ch in cleaned
        )
    if not cleaned:
        return None, "empty" if not raw.strip() else "has no digits"
    if _LETTER(cleaned) is not None:
        return None, "contains letters"
    plus = cleaned.startswith("+")
    digits = cleaned[1:] if plus else cleaned
    if not digits:
        return None, "has no digits"
    if "+" in digits:
        return None, "has a '+' that is not at the start"
    if not (digits.isascii() and digits.isdigit()):
        odd = next(ch for ch in digits if ch not in "0123456789")
        return None, f"contains {odd!r}, which is not part of a phone number"
    if _LANDLINE(cleaned) is not None:
        return None, LANDLINE_REASON
    total = len(digits)
    rest = digits
    international = False
    if digits.startswith("00"):
        rest, international = digits[2:], True
    elif plus and not digits.startswith("0"):
        international = True
    if international:
        if not rest:
            return None, f"too short ({_digits(total)})"
        if not rest.startswith("92"):
            if len(rest) < 3 and "92".startswith(rest):
                return None, f"too short ({_digits(total)})"
            return None, f"not a Pakistani number (country code +{_country_code(rest)})"
        national = rest[2:]
        if national.startswith("0"):  # +92 (0)300 ...
            national = national[1:]
    elif digits.startswith("92") and total >= 11:
        national = digits[2:]
        if national.startswith("0"):
            national = national[1:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = digits
    if len(national) < 10:
        return None, f"too short ({_digits(total)})"
    if len(national) > 10:
        return None, f"too long ({_digits(total)})"
    if national[0] != "3":
        return None, "not a mobile number (must start with 3 after the country code)"
    return "92" + national, ""


def _check(raw: str) -> tuple[str | None, str]:
    """``(number, "")`` or ``(None, reason)``, without raising (used in loops)."""
    m = _PLAIN.fullmatch(raw)
    if m is not None:
        return "92" + m[1], ""
    return _check_unplain(raw)


def _check_unplain(raw: str) -> tuple[str | None, str]:
    """:func:`_check` for a token already known not to match ``_PLAIN``."""
    if raw.isascii():
        # Measured: deleting separators from bytes is about twice as fast as
        # str.translate, which looks every character up in a dict.
        packed = raw.encode().translate(None, _ASCII_SEPARATORS)
        mb = _CLEANED_BYTES.fullmatch(packed)
        if mb is not None:
            return "92" + mb[1].decode(), ""
        cleaned = packed.decode()
    else:
        cleaned = raw.translate(_CLEAN)
        m = _CLEANED.fullmatch(cleaned)
        if m is not None:
            return "92" + m[1], ""
    return _diagnose(raw, cleaned)


def normalize(raw: str) -> str:
    """``raw`` as ``923XXXXXXXXX``, or :class:`NumberError` saying what is wrong."""
    number, reason = _check(raw)
    if number is None:
        raise NumberError(raw, reason)
    return number


def dedupe(numbers: Iterable[str]) -> list[str]:
    """``numbers`` without repeats, first-seen order kept."""
    return list(dict.fromkeys(numbers))


# Reading a pasted list ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedRecipients:
    """What :func:`parse_recipients` read: every token lands in exactly one list."""

    valid: list[str]
    duplicates: list[str]
    invalid: list[tuple[str, str]]

    @property
    def total(self) -> int:
        """Tokens read."""
        return len(self.valid) + len(self.duplicates) + len(self.invalid)


_CHUNK_SPLIT = re.compile(r"[,;\n\r\t|\u060c\u061b\uff0c\uff1b]")  # also Arabic/full-width , ;
_PIECE = re.compile(r"\S+")
_SPACE = re.compile(r"\s").search
_DIGIT = re.compile(r"\d")  # any script's decimal digits, as normalize accepts them
# Every valid number's digits hold a ``3`` and nine more digits in a row.
_MOBILE_RUN = re.compile(r"3[0-9]{9}").search

# The longest number with inner spaces: ``0092 (0)300 123 4567`` has 15 digits.
_MAX_DIGITS = 15
_MAX_PIECES = 8
# A group of fragments that has this many digits is taken as one (wrong) number.
_MIN_DIGITS = 10
# Longer chunks are not tried as one number before being split.
_MAX_TOKEN = 40


def _split_chunk(chunk: str) -> list[tuple[str, str | None, str]]:
    """Tokens of a chunk whose pieces are separated by whitespace.

    Pieces are grouped greedily: from each position, the longest run of pieces
    (at most 15 digits) that forms a valid number is one token. Where no valid
    number starts, fragments are joined until a valid number starts or the run
    holds enough digits for a number, so ``0300 123 456`` is one (too short)
    token rather than three. A valid number can never be extended by a following
    piece into another valid number, so this never merges two good numbers.
    Returns ``(raw, number or None, reason)`` per token.
    """
    spans = [m.span() for m in _PIECE.finditer(chunk)]
    piece_digits = [_DIGIT.findall(chunk, a, b) for a, b in spans]
    counts = [len(d) for d in piece_digits]
    n = len(spans)
    memo: dict[int, tuple[int, str] | None] = {}
    digits_text = "".join("".join(d) for d in piece_digits)
    if not digits_text.isascii():
        digits_text = "".join(str(unicodedata.decimal(ch)) for ch in digits_text)
    if _MOBILE_RUN(digits_text) is None:
        # No run of pieces can be valid: skip the search (same result, faster).
        memo = dict.fromkeys(range(n))

    def valid_from(i: int) -> tuple[int, str] | None:
        """(end index, number) of the longest valid group starting at piece i."""
        if i in memo:
            return memo[i]
        best: tuple[int, str] | None = None
        digits = 0
        for j in range(i, min(n, i + _MAX_PIECES)):
            digits += counts[j]
            if digits > _MAX_DIGITS:
                break
            if digits >= _MIN_DIGITS:
                number, _ = _check(chunk[spans[i][0] : spans[j][1]])
                if number is not None:
                    best = (j + 1, number)
        memo[i] = best
        return best

    tokens: list[tuple[str, str | None, str]] = []
    i = 0
    while i < n:
        found = valid_from(i)
        if found is not None:
            end, number = found
            tokens.append((chunk[spans[i][0] : spans[end - 1][1]], number, ""))
            i = end
            continue
        end, digits = i + 1, counts[i]
        while (
            end < n
            and digits < _MIN_DIGITS
            and end - i < _MAX_PIECES
            and digits + counts[end] <= _MAX_DIGITS
            and valid_from(end) is None
        ):
            digits += counts[end]
            end += 1
        raw = chunk[spans[i][0] : spans[end - 1][1]]
        checked, reason = _check(raw)
        tokens.append((raw, checked, reason))
        i = end
    return tokens


def parse_recipients(text: str) -> ParsedRecipients:
    """Read every number in ``text``.

    Numbers are separated by commas, semicolons, newlines, tabs, pipes, or
    spaces; a number written with inner spaces (``+92 300 1234567``) stays one.
    """
    valid: list[str] = []
    duplicates: list[str] = []
    invalid: list[tuple[str, str]] = []
    seen: set[str] = set()
    plain = _PLAIN_PADDED.fullmatch
    packed_match = _CLEANED_BYTES.fullmatch
    separators = _ASCII_SEPARATORS
    for chunk in _CHUNK_SPLIT.split(text):
        m = plain(chunk)
        if m is None:
            chunk = chunk.strip()
            if not chunk:
                continue
            number: str | None = None
            if len(chunk) <= _MAX_TOKEN:
                # Most pasted numbers end here; the bytes path of _check_unplain
                # is inlined because this loop is the hot spot of large imports.
                if chunk.isascii():
                    mb = packed_match(chunk.encode().translate(None, separators))
                    if mb is not None:
                        number = "92" + mb[1].decode()
                else:
                    number = _check_unplain(chunk)[0]
            if number is None:
                if _SPACE(chunk) is None:
                    invalid.append((chunk, _check_unplain(chunk)[1]))
                    continue
                for raw, found, reason in _split_chunk(chunk):
                    if found is None:
                        invalid.append((raw, reason))
                    elif found in seen:
                        duplicates.append(found)
                    else:
                        seen.add(found)
                        valid.append(found)
                continue
        else:
            number = "92" + m[1]
        if number in seen:
            duplicates.append(number)
        else:
            seen.add(number)
            valid.append(number)
    return ParsedRecipients(valid=valid, duplicates=duplicates, invalid=invalid)


_FRAGMENT = re.compile(r"[+\d][\d\s\-.()]*")


def number_fragment(text: str) -> str | None:
    """The digits of a typed part of a number as stored (``92XXXXXXXXXX``), for
    searching: ``0300 111`` and ``+92 300-111`` give ``300111``. None when
    ``text`` is not (part of) a number, or has fewer than three digits."""
    text = text.strip()
    if not _FRAGMENT.fullmatch(text):
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    for prefix in ("0092", "92", "0"):
        if digits.startswith(prefix) and len(digits) > len(prefix):
            digits = digits[len(prefix) :]
            break
    return digits if len(digits) >= 3 else None
