"""Counts in sentences: ``1 message``, ``3 messages``, ``1,200 numbers``; never
``message(s)``. Used by every layer, so it imports nothing of the app."""

from __future__ import annotations


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun`` agreeing (``many`` for an irregular plural)."""
    return f"{count:,} {noun if count == 1 else (many or noun + 's')}"


def sentence(text: str) -> str:
    """``text`` ending as a sentence: a full stop added unless it ends with one
    (or with ``?``, ``!``, ``…``, or the same in Urdu)."""
    stripped = text.rstrip()
    ended = stripped.rstrip(")\"'").endswith((".", "?", "!", "…", "۔", "؟"))
    return stripped if ended else stripped + "."


def and_list(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
