"""Sending hours: nobody is messaged at 23:00 by mistake.

The profile sets the hours (``send_from``..``send_until``, in its time zone,
09:00-21:00 Pakistan time by default) and days (``send_days``) when sends may
go out. A send outside them asks first: send anyway, or hold it until the
window opens (a held send is kept in the ledger and goes out then, see
``engine/holds.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.config import WEEKDAYS, Profile


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True, slots=True)
class SendingHours:
    opens: time
    closes: time
    days: frozenset[int]
    zone: tzinfo

    @classmethod
    def of(cls, profile: Profile) -> SendingHours:
        try:
            zone: tzinfo = ZoneInfo(profile.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("Asia/Karachi")
        days = frozenset(WEEKDAYS.index(d.lower()[:3]) for d in profile.send_days)
        return cls(_clock(profile.send_from), _clock(profile.send_until), days, zone)

    def allows(self, at: datetime) -> bool:
        local = at.astimezone(self.zone)
        if local.weekday() not in self.days:
            return False
        now = local.time()
        if self.opens <= self.closes:
            return self.opens <= now < self.closes
        return now >= self.opens or now < self.closes  # a window across midnight

    def next_open(self, at: datetime) -> datetime:
        """The next moment the window is open (``at`` itself when it is)."""
        local = at.astimezone(self.zone)
        if self.allows(local):
            return local
        for days_ahead in range(8):
            day = (local + timedelta(days=days_ahead)).date()
            candidate = datetime.combine(day, self.opens, tzinfo=self.zone)
            if candidate > local and self.allows(candidate):
                return candidate
        return local  # no day is allowed at all: the profile check refuses that

    def sentence(self, at: datetime) -> str:
        """``It is 23:10 in Asia/Karachi, outside the sending hours 09:00-21:00 ...``."""
        local = at.astimezone(self.zone)
        opens = self.next_open(local)
        name = getattr(self.zone, "key", str(self.zone))
        when = (
            opens.strftime("%H:%M")
            if opens.date() == local.date()
            else (opens.strftime("%a %H:%M"))
        )
        return (
            f"It is {local:%H:%M} ({local:%a}) in {name}, outside the sending hours"
            f" {self.opens:%H:%M}-{self.closes:%H:%M}; the window opens at {when}."
        )

    def schedule_warning(
        self, starts: datetime, daily: tuple[time | None, time | None] = (None, None)
    ) -> str | None:
        """What a campaign's review says when it would send outside the hours: it
        starts outside them, or its daily window reaches beyond them (None: fine)."""
        if not self.allows(starts):
            return f"It starts outside the sending hours: {self.sentence(starts)}"
        first, last = daily
        if first is None and last is None:
            return None
        first, last = first or time(0, 0), last or time(23, 59)
        inside = self.opens <= first and last <= self.closes if self.opens <= self.closes else True
        if inside:
            return None
        return (
            f"Its daily window {first:%H:%M}-{last:%H:%M} reaches outside the sending hours"
            f" {self.opens:%H:%M}-{self.closes:%H:%M}."
        )
