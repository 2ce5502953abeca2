"""Opt-out and opt-in keywords in replies: English, Roman Urdu and Urdu.

A reply opts its sender out only when the *whole* message is a keyword, so
"Stop the bill" or "band hai kya?" never removes anyone, while " Stop. ",
"STOP!!", "ｓｔｏｐ" or "بند کرو۔" do. Before comparing, a text and every keyword
are folded the same way (:func:`fold`): NFKC (full-width and presentation forms
become plain letters), case folding, vowel marks and hamza dropped, Arabic and
Urdu letter forms unified (Arabic yeh/alef maksura/yeh barree -> Farsi yeh,
Arabic kaf -> keheh, every heh -> heh goal, noon ghunna -> noon, so "بهیجو"
typed on an Arabic keyboard equals "بھیجو"), surrounding punctuation, symbols
and emoji trimmed, and all whitespace removed, so "band kar do", "band kardo"
and "bandkardo" are one keyword.

Default opt-out keywords (``DEFAULT_OPT_OUT``):

* English, the carriers' standard set: STOP, STOP ALL, UNSUBSCRIBE, UNSUB,
  CANCEL, END, QUIT, OPT OUT.
* Roman Urdu: BAND ("closed/off", the word Pakistani services use for "turn
  off") alone or with a verb of command (karo, kro, karen, karein, karain,
  kar do, kardo, kar dein, kar dijiye, ...), optionally after SMS / MSG /
  MESSAGE ("sms band karo"); and "don't send" (MAT / NA + BHEJO, BHEJEN,
  BHEJEIN, BHEJAIN, BHEJIYE, BHEJNA), optionally after the same objects.
* Urdu script: بند with the same verbs (کرو، کریں، کر دو، کر دیں، کیجیے، کر دیجیے)
  after nothing or میسج / مسیج / ایس ایم ایس / پیغام, and مت / نہ + بھیجو، بھیجیں، بھیجیے، بھیجنا.

Default opt-in keywords (``DEFAULT_OPT_IN``): START, UNSTOP; SHURU / SHUROO
(+ karo, kro, karen, karein, kar do, kar dein), optionally after SMS / MESSAGE
/ DOBARA ("again"); شروع with the same verbs, optionally after میسج / ایس ایم ایس
/ دوبارہ.

Deliberately *not* keywords, because as a whole reply they usually answer the
question or offer in the message rather than ask to stop all messages:
NO / NAHI / نہیں, "nahi chahiye" / نہیں چاہیے ("I don't want [this offer]"),
BAS ("enough", also the English "bus"), RUKO / رکو ("wait" as often as "stop"),
and for opt-in YES / HAAN / ہاں, CHALO (close to CHALU, "let's go") and
SUBSCRIBE to a single offer. A profile can add any of them (the lists are
parameters; the defaults are only defaults).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from itertools import product
from typing import Literal

__all__ = [
    "DEFAULT_OPT_IN",
    "DEFAULT_OPT_OUT",
    "Classification",
    "KeywordMatcher",
    "classify",
    "fold",
]

Classification = Literal["opt_out", "opt_in"] | None

# Letter forms typed from Arabic keyboards or older encodings, unified; Arabic
# and Urdu digits made ASCII; joiners and kashida dropped.
_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh
        "\u0649": "\u06cc",  # alef maksura
        "\u06d2": "\u06cc",  # yeh barree (final ے)
        "\u0643": "\u06a9",  # Arabic kaf -> keheh
        "\u0647": "\u06c1",  # Arabic heh -> heh goal
        "\u06be": "\u06c1",  # heh doachashmee (the h of bh, ph, ...)
        "\u06d5": "\u06c1",  # ae
        "\u06c0": "\u06c1",  # heh with yeh above
        "\u06ba": "\u0646",  # noon ghunna (often typed as noon)
        "\u0640": None,  # kashida
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        **{chr(0x06F0 + d): str(d) for d in range(10)},
        **{chr(0x0660 + d): str(d) for d in range(10)},
    }
)

# Unicode categories trimmed from both ends: punctuation, symbols (emoji),
# separators, controls and format characters (direction marks).
_TRIM = ("P", "S", "Z", "C")


def fold(text: str) -> str:
    """``text`` in the form keywords are compared in (see the module's docstring)."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = unicodedata.normalize("NFKC", letters).translate(_LETTERS)
    start, end = 0, len(folded)
    while start < end and unicodedata.category(folded[start])[0] in _TRIM:
        start += 1
    while end > start and unicodedata.category(folded[end - 1])[0] in _TRIM:
        end -= 1
    return "".join(folded[start:end].split())


def _combine(*parts: Iterable[str]) -> tuple[str, ...]:
    return tuple(" ".join(p for p in combo if p) for combo in product(*parts))


_OBJECTS = ("", "sms", "msg", "msgs", "message", "messages")
_URDU_OBJECTS = ("", "میسج", "مسیج", "ایس ایم ایس", "پیغام")
_COMMAND = (
    "", "karo", "kro", "kar", "kr", "karen", "karein", "karain", "kren", "krein",
    "kar do", "kr do", "kar dein", "kar den", "kar dain", "kr dein", "kar dijiye", "kar dijye",
)  # fmt: skip
_URDU_COMMAND = ("", "کرو", "کریں", "کر دو", "کر دیں", "کیجیے", "کیجئے", "کر دیجیے", "کر دیجئے")
_SEND = ("bhejo", "bhejen", "bhejein", "bhejain", "bhejiye", "bhejna")
_URDU_SEND = ("بھیجو", "بھیجیں", "بھیجیے", "بھیجئے", "بھیجنا")

#: Whole replies that put their sender on the do-not-contact list.
DEFAULT_OPT_OUT: tuple[str, ...] = (
    *("STOP", "STOP ALL", "UNSUBSCRIBE", "UNSUB", "CANCEL", "END", "QUIT", "OPT OUT"),
    *_combine(_OBJECTS, ("band",), _COMMAND),
    *_combine(_OBJECTS, ("mat", "mt", "na", "nah"), _SEND),
    *_combine(_URDU_OBJECTS, ("بند",), _URDU_COMMAND),
    *_combine(_URDU_OBJECTS, ("مت", "نہ"), _URDU_SEND),
)

#: Whole replies that take their sender off the list again.
DEFAULT_OPT_IN: tuple[str, ...] = (
    "START",
    "UNSTOP",
    *_combine(("", "sms", "message", "dobara", "dubara"), ("shuru", "shuroo"), _COMMAND[:11]),
    *_combine(("", "میسج", "ایس ایم ایس", "دوبارہ"), ("شروع",), _URDU_COMMAND[:5]),
)


class KeywordMatcher:
    """Classifies replies against two keyword lists (folded once, here)."""

    def __init__(
        self, opt_out: Iterable[str] = DEFAULT_OPT_OUT, opt_in: Iterable[str] = DEFAULT_OPT_IN
    ) -> None:
        self.opt_out = frozenset(f for f in map(fold, opt_out) if f)
        self.opt_in = frozenset(f for f in map(fold, opt_in) if f)
        both = self.opt_out & self.opt_in
        if both:
            raise ValueError(
                f"{', '.join(sorted(both))} cannot be both an opt-out and an opt-in keyword."
            )
        self._longest = max(map(len, self.opt_out | self.opt_in), default=0)

    def classify(self, text: str) -> Classification:
        """``"opt_out"``, ``"opt_in"``, or None when the whole reply is no keyword."""
        # A keyword is short: a long text is not one, however it folds.
        if len(text) > 4 * self._longest + 40:
            return None
        key = fold(text)
        if key in self.opt_out:
            return "opt_out"
        if key in self.opt_in:
            return "opt_in"
        return None


@lru_cache(maxsize=8)
def _matcher(opt_out: tuple[str, ...], opt_in: tuple[str, ...]) -> KeywordMatcher:
    return KeywordMatcher(opt_out, opt_in)


def classify(
    text: str,
    opt_out: Iterable[str] = DEFAULT_OPT_OUT,
    opt_in: Iterable[str] = DEFAULT_OPT_IN,
) -> Classification:
    """Whether the whole of ``text`` is an opt-out or an opt-in keyword (else None)."""
    return _matcher(tuple(opt_out), tuple(opt_in)).classify(text)
