"""Text folding for the inbox search index, and safe FTS5 queries from user input.

The same fold is applied to what is indexed and to what is searched, so a
query matches however the text was typed: Arabic-keyboard letters match their
Urdu forms (ي/ی, ك/ک, ه/ہ), vowel marks and kashida are ignored, presentation
forms and full-width characters are unified (NFKC), and case does not matter.
"""

from __future__ import annotations

import re
import unicodedata

# Letters typed from Arabic keyboards or older encodings, mapped to the Urdu
# letters most Urdu text uses; Urdu digits mapped to ASCII.
_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Farsi/Urdu yeh
        "\u0649": "\u06cc",  # alef maksura -> yeh
        "\u0643": "\u06a9",  # Arabic kaf -> keheh
        "\u0647": "\u06c1",  # Arabic heh -> heh goal
        "\u06d5": "\u06c1",  # ae -> heh goal
        "\u0640": None,  # kashida (tatweel), only stretches a word
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        **{chr(0x06F0 + d): str(d) for d in range(10)},
        **{chr(0x0660 + d): str(d) for d in range(10)},
    }
)

_WORD = re.compile(r"\w+")

#: Longest search query read; the rest is ignored (keeps the FTS query bounded).
MAX_QUERY_TERMS = 16


def fold(text: str) -> str:
    """Text in the form the search index stores and compares."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", stripped).translate(_LETTERS)


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression for what the user typed, or None if it has no words.

    Every word becomes a quoted prefix phrase (``"word"*``) and all must match.
    Words are runs of letters and digits only, so quotes, ``*``, parentheses,
    ``AND``/``OR``/``NOT``/``NEAR`` and column filters in the input are plain
    text, never query syntax.
    """
    words = _WORD.findall(fold(query).replace("_", " "))[:MAX_QUERY_TERMS]
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)
