"""A voice campaign as entered, checked and ready to create, and the tally
of keys pressed in feedback calls.

:class:`VoiceDraft` is what the wizard collects (typed fields as text),
:class:`Problem` one thing wrong with it, :class:`VoicePlan` the checked
campaign with everything the review shows and the ledger remembers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, tzinfo
from typing import Any, Literal

from tui.gateway import codes, text, validate
from tui.gateway.codes import DynamicDigits, DynamicLanguage, DynamicVoice

VoiceKind = Literal["broadcast", "feedback", "dynamic"]
KINDS: tuple[VoiceKind, ...] = ("broadcast", "feedback", "dynamic")
KIND_LABELS: dict[str, str] = {
    "broadcast": "Broadcast",
    "feedback": "Feedback (DTMF survey)",
    "dynamic": "Dynamic (text-to-speech of digits)",
}
#: Without an end date the gateway runs a campaign for two days (section 16).
DEFAULT_LENGTH = timedelta(days=2)
DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")
SHOWN_DATE_FORMAT = "%Y-%m-%d %H:%M"
_DAILY = re.compile(r"(\d{1,2}):(\d{2})")


@dataclass(frozen=True, slots=True)
class VoiceDraft:
    """What the wizard collected. Dates are ``YYYY-MM-DD HH:MM`` in the
    profile's time zone and daily times ``HH:MM``; blank means the default."""

    kind: VoiceKind
    name: str = ""
    list_ids: tuple[str, ...] = ()
    file_id: str | None = None
    text: str = ""
    max_retries: int = 0
    start: str = ""
    end: str = ""
    daily_start: str = ""
    daily_end: str = ""
    valid_options: str = ""
    valid_file_id: str | None = None
    invalid_file_id: str | None = None
    language: DynamicLanguage | None = None
    digits: DynamicDigits | None = None
    voice: DynamicVoice | None = None
    ending_file_id: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a draft: the field (a :class:`VoiceDraft` attribute)
    and one sentence saying what is wrong and what to do."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class VoicePlan:
    """A checked campaign, ready to create."""

    kind: VoiceKind
    name: str
    list_ids: tuple[str, ...]
    #: Distinct numbers across the lists; None while not counted yet.
    recipients: int | None
    file_id: str
    text: str | None
    max_retries: int
    start: datetime
    #: False when the campaign starts as soon as it is approved ("now").
    start_given: bool
    end: datetime
    daily_start: time | None
    daily_end: time | None
    valid_options: int | None = None
    valid_file_id: str | None = None
    invalid_file_id: str | None = None
    language: DynamicLanguage | None = None
    digits: DynamicDigits | None = None
    voice: DynamicVoice | None = None
    ending_file_id: str | None = None
    #: Names of the audio files and lists, for the review.
    audio_names: dict[str, str] = field(default_factory=dict)
    list_names: dict[str, str] = field(default_factory=dict)

    def params(self) -> dict[str, Any]:
        """Every parameter, as remembered in the ledger."""
        params: dict[str, Any] = {
            "list_ids": list(self.list_ids),
            "recipients": self.recipients,
            "file_id": self.file_id,
            "text": self.text or "",
            "max_retries": self.max_retries,
            "start": self.start.isoformat(),
            "start_given": self.start_given,
            "end": self.end.isoformat(),
            "daily_start": daily_text(self.daily_start),
            "daily_end": daily_text(self.daily_end),
        }
        if self.kind == "feedback":
            params.update(
                valid_options=self.valid_options,
                valid_file_id=self.valid_file_id,
                invalid_file_id=self.invalid_file_id,
            )
        elif self.kind == "dynamic":
            assert self.language and self.digits and self.voice
            params.update(
                language=int(self.language),
                digits=int(self.digits),
                voice=int(self.voice),
                ending_file_id=self.ending_file_id,
            )
        return params

    def review(self) -> list[tuple[str, str]]:
        """(label, value) lines saying exactly what will be created."""

        def clip(file_id: str | None) -> str:
            if not file_id:
                return "none"
            return f"{self.audio_names.get(file_id, file_id)} (ID {file_id})"

        start = (
            self.start.strftime(SHOWN_DATE_FORMAT)
            if self.start_given
            else f"as soon as approved (about {self.start:%Y-%m-%d %H:%M})"
        )
        window = "all day"
        if self.daily_start or self.daily_end:
            window = f"{daily_text(self.daily_start) or '00:00'} to "
            window += daily_text(self.daily_end) or "23:59"
        lists = ", ".join(f"{self.list_names.get(i, i)} (ID {i})" for i in self.list_ids)
        lines = [
            ("Type", KIND_LABELS[self.kind]),
            ("Name", self.name),
            ("Lists", f"{lists} ({recipients_text(self.recipients)})"),
            ("Audio", clip(self.file_id)),
        ]
        if self.kind == "feedback":
            lines += [
                ("Valid options", f"{self.valid_options} (keys 1-{self.valid_options})"),
                ("After a valid key", clip(self.valid_file_id)),
                ("After an invalid key", clip(self.invalid_file_id)),
            ]
        elif self.kind == "dynamic":
            assert self.language and self.digits and self.voice
            lines += [
                ("Language", self.language.name.title()),
                ("Digits read as", "money" if self.digits is DynamicDigits.MONEY else "numbers"),
                ("Voice", self.voice.name.title()),
                ("Ending clip", clip(self.ending_file_id)),
            ]
        sms = self.text or "none"
        lines += [
            ("Fallback SMS", sms),
            ("Retries", str(self.max_retries)),
            ("Start", start),
            ("End", self.end.strftime(SHOWN_DATE_FORMAT)),
            ("Daily window", window),
        ]
        return lines

    def same_review_as(self, shown: VoicePlan) -> bool:
        """Whether this plan creates what the review of ``shown`` says. A start
        "as soon as approved" moves with the clock, and so does an end left to
        its default (two days later): that alone is not a change."""
        mine, theirs = dict(self.review()), dict(shown.review())
        if not self.start_given and not shown.start_given:
            del mine["Start"], theirs["Start"]
            if self.end - self.start == DEFAULT_LENGTH == shown.end - shown.start:
                del mine["End"], theirs["End"]
        return mine == theirs


def recipients_text(recipients: int | None) -> str:
    """How many numbers the lists hold, or that they are still being counted."""
    if recipients is None:
        return "counting the numbers…"
    return f"{recipients} numbers in all"


def parse_date_time(value: str, zone: tzinfo) -> datetime | None:
    """``YYYY-MM-DD HH:MM[:SS]`` in ``zone``; None when blank; ValueError when malformed."""
    cleaned = " ".join(value.split())
    if not cleaned:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    raise ValueError(cleaned)


def parse_daily(value: str) -> time | None:
    """``HH:MM``; None when blank; ValueError when malformed or out of range."""
    cleaned = value.strip()
    if not cleaned:
        return None
    match = _DAILY.fullmatch(cleaned)
    if match is None:
        raise ValueError(cleaned)
    return time(int(match.group(1)), int(match.group(2)))


def daily_text(value: time | None) -> str:
    return "" if value is None else value.strftime(codes.DAILY_TIME_FORMAT)


def sms_units(body: str) -> tuple[int, int]:
    """(units used, units allowed) of a fallback SMS."""
    analysis = text.analyze(body)
    limit = validate.VOICE_SMS_MAX_UCS2_UNITS if analysis.is_unicode else codes.VOICE_SMS_MAX_UNITS
    return analysis.units, limit
