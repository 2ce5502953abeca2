"""Checks made before anything is sent, and the formats parameters go out in.

Each check raises ``InvalidInput`` (``InvalidNumbers`` for recipients) with
one sentence saying what is wrong and what to do; nothing has been sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from zoneinfo import ZoneInfo

from tui.gateway import numbers, text
from tui.gateway.codes import (
    AUDIO_MAX_BYTES,
    DAILY_TIME_FORMAT,
    DATETIME_FORMAT,
    MAX_RETRIES,
    VOICE_SMS_MAX_UNITS,
    Operator,
)
from tui.gateway.errors import InvalidInput, InvalidNumbers

GATEWAY_TZ = ZoneInfo("Asia/Karachi")
#: A UCS-2 voice SMS must also fit one SMS.
VOICE_SMS_MAX_UCS2_UNITS = 70
MAX_DTMF_OPTIONS = 9


def recipients(to: Sequence[str] | str, *, command: str | None = None) -> list[str]:
    """Normalised, de-duplicated recipients; every bad one named at once."""
    if isinstance(to, str):
        parsed = numbers.parse_recipients(to)
        valid, invalid = parsed.valid, list(parsed.invalid)
    else:
        valid, invalid = [], []
        for raw in to:
            try:
                valid.append(numbers.normalize(raw))
            except numbers.NumberError as exc:
                invalid.append((raw, exc.reason))
    if invalid:
        raise InvalidNumbers(invalid, command=command)
    valid = numbers.dedupe(valid)
    if not valid:
        raise InvalidInput("No recipients were given; add at least one number.", command=command)
    return valid


def message_text(value: str, *, what: str = "message text", command: str | None = None) -> str:
    """The text to send: not empty, Windows line ends made plain, and no control
    character (a NUL and the like are refused, with their position, never sent)."""
    if not value or not value.strip():
        raise InvalidInput(f"The {what} is empty; write the message first.", command=command)
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    for position, character in enumerate(text, start=1):
        code = ord(character)
        if character in "\n\t":
            continue
        if code < 0x20 or 0x7F <= code < 0xA0:
            raise InvalidInput(
                f"The {what} holds a control character (U+{code:04X}) at character"
                f" {position}; remove it (it often comes from copying out of another"
                " program) and send again. Nothing was sent.",
                command=command,
            )
        if 0xD800 <= code < 0xE000:
            raise InvalidInput(
                f"The {what} is not valid text at character {position} (a byte that is not"
                " UTF-8); save or paste it as UTF-8 and send again. Nothing was sent.",
                command=command,
            )
    return text


def name(value: str, *, what: str, command: str | None = None) -> str:
    cleaned = value.strip() if value else ""
    if not cleaned:
        raise InvalidInput(f"The {what} is empty; give it a name.", command=command)
    return cleaned


def identifier(value: str, *, what: str, command: str | None = None) -> str:
    cleaned = str(value).strip() if value is not None else ""
    if not cleaned:
        raise InvalidInput(f"The {what} is missing; choose one.", command=command)
    return cleaned


def identifiers(values: Sequence[str], *, what: str, command: str | None = None) -> str:
    """Comma-joined IDs (list IDs of a campaign), at least one."""
    if isinstance(values, str):
        values = [values]
    cleaned = [identifier(v, what=what, command=command) for v in values]
    if not cleaned:
        raise InvalidInput(f"No {what} was given; choose at least one.", command=command)
    return ",".join(cleaned)


def retries(value: int, *, command: str | None = None) -> str:
    if not isinstance(value, int) or not 0 <= value <= MAX_RETRIES:
        raise InvalidInput(
            f"Max retries must be 0, 1 or {MAX_RETRIES}, not {value!r}.", command=command
        )
    return str(value)


def dtmf_options(value: int, *, command: str | None = None) -> str:
    if not isinstance(value, int) or not 0 <= value <= MAX_DTMF_OPTIONS:
        raise InvalidInput(
            f"Valid options must be a number from 0 to {MAX_DTMF_OPTIONS}, not {value!r}.",
            command=command,
        )
    return str(value)


def operator(value: int | None, *, command: str | None = None) -> str | None:
    if value is None:
        return None
    try:
        return str(int(Operator(value)))
    except (ValueError, TypeError):
        choices = ", ".join(f"{int(op)} {op.label}" for op in Operator)
        raise InvalidInput(
            f"Operator {value!r} is unknown; use {choices}.", command=command
        ) from None


def mask(value: str | None) -> str | None:
    cleaned = value.strip() if value else ""
    return cleaned or None


def unicode_flag(body: str, unicode: bool | None, *, command: str | None = None) -> bool:
    """Whether to send ``unicode=true``: automatic unless the caller decides."""
    needed = text.needs_unicode(body)
    if unicode is False and needed:
        shown = "".join(text.analyze(body).unicode_chars[:5])
        raise InvalidInput(
            f"The text has characters outside GSM-7 ({shown!r}); send it as Unicode.",
            command=command,
        )
    return needed if unicode is None else unicode


def voice_sms_text(body: str | None, *, command: str | None = None) -> str | None:
    """The optional SMS of a voice campaign: at most one SMS long."""
    if body is None or not body.strip():
        return None
    analysis = text.analyze(body)
    limit = VOICE_SMS_MAX_UCS2_UNITS if analysis.is_unicode else VOICE_SMS_MAX_UNITS
    if analysis.units > limit:
        raise InvalidInput(
            f"The fallback SMS is {analysis.units} {analysis.encoding} units long; "
            f"a voice campaign allows {limit}. Shorten it.",
            command=command,
        )
    return body


def schedule_time(when: datetime) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in Pakistan time (naive times are taken as such)."""
    if when.tzinfo is not None:
        when = when.astimezone(GATEWAY_TZ)
    return when.strftime(DATETIME_FORMAT)


def date_range(
    start: datetime | None, end: datetime | None, *, command: str | None = None
) -> tuple[str | None, str | None]:
    if start is not None and end is not None:
        aware = (start.tzinfo is not None, end.tzinfo is not None)
        if aware[0] != aware[1]:
            start, end = _as_gateway_time(start), _as_gateway_time(end)
        if end <= start:
            raise InvalidInput(
                "The campaign's end must be after its start; choose a later end.",
                command=command,
            )
    return (
        schedule_time(start) if start is not None else None,
        schedule_time(end) if end is not None else None,
    )


def _as_gateway_time(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=GATEWAY_TZ)
    return value.astimezone(GATEWAY_TZ)


def daily_time(value: time | None) -> str | None:
    return None if value is None else value.strftime(DAILY_TIME_FORMAT)


def audio(name_: str, data: bytes, filename: str, *, command: str | None = None) -> str:
    cleaned = name(name_, what="recording name", command=command)
    if not data:
        raise InvalidInput("The audio file is empty; choose a WAV file.", command=command)
    if len(data) > AUDIO_MAX_BYTES:
        raise InvalidInput(
            f"The audio file is {len(data):,} bytes; the gateway takes at most "
            f"{AUDIO_MAX_BYTES:,} (5 MB). Shorten it (csms audio convert).",
            command=command,
        )
    if not filename.lower().endswith(".wav"):
        raise InvalidInput(
            f"The gateway takes .wav files, not {filename!r}; convert it first.",
            command=command,
        )
    return cleaned
