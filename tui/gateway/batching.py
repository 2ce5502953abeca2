"""Splitting long recipient lists so every request's URL stays within a limit.

The gateway takes recipients as one comma-separated query parameter, and
gateways, proxies and servers refuse URLs past a few thousand characters. The
lengths here are those of the URL httpx actually sends (percent-encoded), and
each finished chunk is checked against a URL built the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import httpx

from tui.gateway.errors import InvalidInput

#: Room kept for the session ID, whose length is unknown before logging in
#: and may change when the session is renewed.
SESSION_ID_RESERVE = 128
SEPARATOR = ","


#: What httpx makes of the separator in a query value (``%2C``).
_ENCODED_SEPARATOR = len(str(httpx.QueryParams({"k": SEPARATOR}))) - 2


def encoded_length(value: str) -> int:
    """Characters ``value`` takes as a query parameter value."""
    if value.isascii():
        if value.isalnum():
            return len(value)
        # Digits joined by commas (a batch of numbers): counted, as building
        # the URL with httpx took a third of a millisecond per 4 kB batch.
        separators = value.count(SEPARATOR)
        if separators and value.replace(SEPARATOR, "").isdigit():
            return len(value) + separators * (_ENCODED_SEPARATOR - 1)
    return len(str(httpx.QueryParams({"k": value}))) - 2


def url_length(base_url: str, path: str, params: Mapping[str, str]) -> int:
    """Length of the full URL of a GET request with these parameters."""
    return len(str(httpx.URL(base_url.rstrip("/") + path, params=dict(params))))


def url_length_with(
    base_url: str, path: str, params: Mapping[str, str], key: str, value: str
) -> int:
    """``url_length`` with ``params`` plus ``key=value``, where the URL without
    the value is built once per set of other parameters and the value's length
    is counted (``encoded_length``): the same figure, much cheaper for long
    lists of numbers."""
    fixed = _fixed_length(base_url, path, tuple({**params, key: ""}.items()))
    return fixed + encoded_length(value)


@lru_cache(maxsize=64)
def _fixed_length(base_url: str, path: str, params: tuple[tuple[str, str], ...]) -> int:
    return url_length(base_url, path, dict(params))


def with_session_reserve(params: Mapping[str, str], session_id: str | None) -> dict[str, str]:
    """``params`` plus a stand-in session ID at least as long as the real one."""
    placeholder = "x" * max(SESSION_ID_RESERVE, len(session_id or ""))
    return {**params, "session_id": placeholder}


class UrlTooLong(InvalidInput):
    """Even one item does not fit the URL limit with the other parameters."""


def split_by_url(
    base_url: str,
    path: str,
    params: Mapping[str, str],
    key: str,
    items: Sequence[str],
    limit: int,
) -> list[list[str]]:
    """Split ``items`` (joined by commas into ``key``) into chunks whose URL,
    with ``params``, is at most ``limit`` characters. Order is kept."""
    if not items:
        return []
    fixed = url_length(base_url, path, {**params, key: ""})
    budget = limit - fixed
    separator = encoded_length(SEPARATOR)
    chunks: list[list[str]] = []
    current: list[str] = []
    used = longest_used = 0
    longest = current
    for item in items:
        size = encoded_length(item)
        if size > budget:
            raise UrlTooLong(
                f"The request would be {fixed + size} characters long, over the limit of "
                f"{limit}; shorten the text or raise url_limit in the profile."
            )
        cost = size + (separator if current else 0)
        if current and used + cost > budget:
            chunks.append(current)
            if used > longest_used:
                longest, longest_used = current, used
            current, used = [], 0
            cost = size
        current.append(item)
        used += cost
    chunks.append(current)
    if used > longest_used:
        longest = current
    # The estimate above must match what httpx builds. A chunk's URL grows with
    # its estimated length, so checking the longest chunk checks them all: building every
    # chunk's URL took a fifth of the CPU of a 100,000-number import, in a thread
    # that then held the interpreter away from the interface.
    length = url_length(base_url, path, {**params, key: SEPARATOR.join(longest)})
    assert length <= limit, (length, limit)
    return chunks
