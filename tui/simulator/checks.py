"""Parameter checks shared by the commands, each failing with the document's code."""

from __future__ import annotations

import re
from datetime import datetime

from tui.gateway.codes import MAX_RETRIES
from tui.simulator.clock import TZ
from tui.simulator.model import AudioFile, SubscriberList
from tui.simulator.replies import ApiError
from tui.simulator.state import Ctx

MSISDN = re.compile(r"923\d{9}")
MSISDN_LIST = re.compile(r"923\d{9}(?:,923\d{9})*")
_NAME_MAX = 100
_BAD_NAME = re.compile(r"[\x00-\x1f<>\"\\]")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d%H:%M:%S", "%Y-%m-%d %H:%M")
_DAILY = re.compile(r"(\d{1,2}):(\d{1,2})")


def flag(value: str | None) -> bool:
    return value is not None and value.strip().lower() in {"true", "1", "yes"}


def recipients(ctx: Ctx, *, invalid: int = 201, limit: bool = True) -> list[str]:
    """The ``to`` list in order: 101 when absent, ``invalid`` if any number is
    malformed, 305 past the recipients-per-request limit."""
    raw = ctx.need("to", 101)
    if MSISDN_LIST.fullmatch(raw):  # the common case, checked in one pass
        numbers = raw.split(",")
        valid = True
    else:
        numbers = [n.strip() for n in raw.split(",") if n.strip()]
        valid = all(MSISDN.fullmatch(n) for n in numbers)
    if not numbers:
        raise ApiError(101)
    cap = ctx.config.max_recipients
    if limit and cap is not None and len(numbers) > cap:
        raise ApiError(305)
    if not valid:
        raise ApiError(invalid)
    return numbers


def retries(ctx: Ctx) -> int:
    value = ctx.get("max_retries")
    if value is None:
        return 0
    if not value.isdigit() or int(value) > MAX_RETRIES:
        raise ApiError(702)
    return int(value)


def mask(ctx: Ctx, allowed: list[str], code: int) -> str | None:
    """The mask asked for (or the default one); ``code`` if it is not the account's."""
    value = ctx.get("mask")
    if value is None:
        return allowed[0] if allowed else None
    if value not in allowed:
        raise ApiError(code)
    return value


def audio_file(ctx: Ctx, file_id: str | None, *, unknown: int, not_ready: int) -> AudioFile:
    audio = ctx.state.audio.get(file_id or "")
    if audio is None or audio.login != ctx.account.login:
        raise ApiError(unknown)
    if not audio.ready(ctx.now):
        raise ApiError(not_ready)
    return audio


def optional_audio(ctx: Ctx, name: str, code: int) -> str | None:
    """An optional audio ID parameter: absent is fine, unknown or not ready is ``code``."""
    value = ctx.get(name)
    if value is not None:
        audio_file(ctx, value, unknown=code, not_ready=code)
    return value


def lists(ctx: Ctx, code: int = 503) -> list[SubscriberList]:
    raw = ctx.need("group_ids", code)
    ids = [i.strip() for i in raw.split(",") if i.strip()]
    if not ids:
        raise ApiError(code)
    found: list[SubscriberList] = []
    for list_id in ids:
        item = ctx.state.lists.get(list_id)
        if item is None or item.login != ctx.account.login:
            raise ApiError(code)
        found.append(item)
    return found


def members(found: list[SubscriberList]) -> list[str]:
    """Members of several lists, each number once, in order."""
    seen: dict[str, None] = {}
    for item in found:
        seen.update(item.members)
    return list(seen)


def name_ok(name: str) -> bool:
    return len(name) <= _NAME_MAX and not _BAD_NAME.search(name)


def parse_datetime(text: str) -> float | None:
    """``YYYY-MM-DD HH:MM:SS`` (also without the space, as the document writes it)."""
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=TZ).timestamp()
        except ValueError:
            continue
    return None


def parse_daily(text: str) -> int | None:
    """``HH:MM`` as minutes after midnight."""
    match = _DAILY.fullmatch(text)
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return hours * 60 + minutes


def positive_int(text: str | None, low: int, high: int) -> int | None:
    if text is None or not text.isdigit():
        return None
    value = int(text)
    return value if low <= value <= high else None
