"""Checks of a profile: what no run can use (:func:`limit_problems`, also run when
the file is read) and what this account cannot use (:func:`validate_profile`).

Each problem is one sentence naming the key's Settings label and its TOML key;
bounds, choices and patterns come from the schema (``tui/config/schema.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.config.schema import PROFILE_KEYS, WEEKDAYS, Profile
from tui.gateway.codes import DEFAULT_BASE_URL
from tui.gateway.errors import InvalidInput
from tui.gateway.numbers import NumberError, normalize
from tui.gateway.validate import message_text

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a profile: the key at fault and a sentence."""

    key: str
    text: str


def _named(key: str) -> str:
    return f"{PROFILE_KEYS[key].label} ({key})"


def key_problem(key: str, value: object) -> str | None:
    """The sentence for a value of ``key`` outside its declared bounds, choices
    or pattern (types are the reader's and the form's job), or None."""
    spec = PROFILE_KEYS[key]
    if value is None:
        return None
    phrase = spec.bound_problem(value)
    if phrase is not None:
        return f"{_named(key)} {phrase}."
    if spec.pattern and isinstance(value, str) and not re.fullmatch(spec.pattern, value):
        like = f"; write it like {spec.example}" if spec.example else ""
        return f"{_named(key)} is {value!r}, not {spec.pattern_words}{like}."
    if spec.choices and isinstance(value, list):
        wrong = [item for item in value if item.lower()[:3] not in spec.choices]
        if wrong or not value:
            return (
                f"{_named(key)} must name days as {', '.join(spec.choices)} (at least one),"
                f" not {', '.join(value) or 'none'}."
            )
    return None


def _url_problems(profile: Profile) -> list[str]:
    parts = urlsplit(profile.base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [
            f"The gateway address {profile.base_url!r} is not an http(s) URL; "
            f"use one like {DEFAULT_BASE_URL}."
        ]
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 0 < port < 65536:
        return [
            f"The gateway address {profile.base_url!r} has an invalid port; ports are"
            " 1 to 65535 (the gateway's is 27677)."
        ]
    return []


def profile_problems(profile: Profile) -> list[Problem]:
    """Every value of ``profile`` no run can use, with the key at fault."""
    found = [Problem("base_url", text) for text in _url_problems(profile)]
    for key in PROFILE_KEYS:
        text = key_problem(key, getattr(profile, key))
        if text is not None:
            found.append(Problem(key, text))
    if not any(p.key in ("poll_initial", "poll_max") for p in found):
        if profile.poll_max < profile.poll_initial:
            found.append(
                Problem(
                    "poll_max",
                    "The longest poll interval (poll_max) must be at least the first one"
                    " (poll_initial).",
                )
            )
    found.extend(_keyword_problems(profile))
    return found


def limit_problems(profile: Profile) -> list[str]:
    """Problems with the gateway address and the other settings: values that no
    run can use (checked when the file is read), one sentence each."""
    return [problem.text for problem in profile_problems(profile)]


def _keyword_problems(profile: Profile) -> list[Problem]:
    from tui.gateway.keywords import DEFAULT_OPT_IN, DEFAULT_OPT_OUT, KeywordMatcher, fold

    problems: list[Problem] = []
    for key in ("optout_keywords", "optin_keywords"):
        words = getattr(profile, key)
        if words is not None and not [w for w in words if fold(w)]:
            problems.append(
                Problem(
                    key,
                    f"{key} holds no keyword; list at least one, or leave it out for the"
                    " built-in ones.",
                )
            )
    try:
        KeywordMatcher(
            profile.optout_keywords or DEFAULT_OPT_OUT, profile.optin_keywords or DEFAULT_OPT_IN
        )
    except ValueError as error:
        problems.append(
            Problem("optout_keywords", f"{error} Remove it from optout_keywords or optin_keywords.")
        )
    text = profile.optout_confirmation
    if text.strip():
        try:
            message_text(text)
        except InvalidInput as error:
            problems.append(Problem("optout_confirmation", f"optout_confirmation: {error}"))
    return problems


def validate_profile(profile: Profile) -> list[str]:
    """Problems with ``profile``, one sentence each (empty if it is usable)."""
    problems = limit_problems(profile)
    login = profile.msisdn.strip()
    if login and re.fullmatch(r"[\d\s+\-().]+", login):
        try:
            normalize(login)
        except NumberError as error:
            problems.append(
                f"The account number {login!r} is not a Pakistani mobile number ({error}); "
                "give it as 923XXXXXXXXX, or give the sub-user name."
            )
    try:
        ZoneInfo(profile.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            f"The time zone {profile.timezone!r} is unknown; use a name like Asia/Karachi."
        )
    if profile.default_mask is not None and profile.masks:
        if profile.default_mask not in profile.masks:
            problems.append(
                f"The default mask {profile.default_mask!r} is not in the profile's masks; "
                "add it to the list or choose another."
            )
    if profile.ca_bundle is not None and not Path(profile.ca_bundle).expanduser().is_file():
        problems.append(
            f"The CA bundle {profile.ca_bundle!r} does not exist; give the path of a PEM file."
        )
    return problems


def tls_warning(profile: Profile) -> str | None:
    """A warning sentence when the connection to the gateway is not protected."""
    if not profile.verify_tls:
        return (
            f"TLS certificate checks are off for profile {profile.name!r}: anyone between "
            "you and the gateway could read your password and messages. Turn them back "
            "on, or name the gateway's CA bundle in Settings."
        )
    parts = urlsplit(profile.base_url)
    if parts.scheme == "http" and (parts.hostname or "") not in _LOOPBACK:
        return (
            f"Profile {profile.name!r} talks to the gateway over plain http: your password "
            "and messages travel unencrypted. Use an https:// address."
        )
    return None


__all__ = [
    "WEEKDAYS",
    "Problem",
    "key_problem",
    "limit_problems",
    "profile_problems",
    "tls_warning",
    "validate_profile",
]
