"""Taking passwords and session IDs out of text before it is logged or shown.

A :class:`Redactor` removes two things: values that follow a secret's name
(``password=...``, ``session_id=...``, ``"password": "..."``,
``<password>...</password>``), and any literal value registered with
:meth:`Redactor.add_secret` (the password in use, each session ID the gateway
hands out), wherever it appears, also URL-encoded.

The gateway client takes one from its caller (the app passes the one its log
uses, ``tui.logs.REDACTOR``), so what the client learns is secret is also
taken out of the log; by itself it uses a private one.
"""

from __future__ import annotations

import re
import threading
from urllib.parse import quote, quote_plus

__all__ = ["MASK", "Redactor"]

MASK = "***"

_NAMES = r"password|passwd|pwd|j?session_?id|session|auth_?token|token|secret"
# name=value (query strings, form bodies, keyword reprs), name: value (JSON, dict
# reprs, headers), with the value bare, or in single or double quotes.
_NAMED = re.compile(
    rf"""(?ix)
    (?P<key>["']?\b(?:{_NAMES})\b["']?\s*[:=]\s*)
    (?:
        "(?:[^"\\]|\\.)*"
      | '(?:[^'\\]|\\.)*'
      | [^\s&"'<>,;)}}\]]+
    )
    """
)
_ELEMENT = re.compile(rf"(?is)<(?P<tag>{_NAMES})>.*?</(?P=tag)>")


def _mask_named(match: re.Match[str]) -> str:
    key = match["key"]
    value = match.group(0)[len(key) :]
    quote_char = value[0] if value[:1] in ("'", '"') else ""
    return f"{key}{quote_char}{MASK}{quote_char}"


class Redactor:
    """The secrets known so far, and the rule that masks them (thread-safe)."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def redact(self, text: str) -> str:
        """``text`` with every known secret replaced by ``***``."""
        pattern = self._pattern
        if pattern is not None:
            text = pattern.sub(MASK, text)
        text = _NAMED.sub(_mask_named, text)
        return _ELEMENT.sub(lambda m: f"<{m['tag']}>{MASK}</{m['tag']}>", text)

    def add_secret(self, value: str) -> None:
        """Remember ``value`` (a password, a session ID) so it is redacted everywhere."""
        if not value or value in self._secrets:
            return
        with self._lock:
            self._secrets.add(value)
            forms = {v for s in self._secrets for v in (s, quote(s, safe=""), quote_plus(s))}
            parts = []
            for form in sorted(forms, key=len, reverse=True):
                escaped = re.escape(form)
                # A very short secret is only matched as a whole word, or every
                # occurrence of a common letter would vanish from the log.
                parts.append(escaped if len(form) >= 6 else rf"(?<!\w){escaped}(?!\w)")
            self._pattern = re.compile("|".join(parts))

    def forget(self) -> None:
        """Clear the remembered secrets (for tests)."""
        with self._lock:
            self._secrets.clear()
            self._pattern = None
