"""Times on screen are shown in the profile's time zone (Asia/Karachi by
default), whatever zone the server running csms is set to."""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_zone: tzinfo | None = None
#: Counts the changes of zone, so a screen shown again knows its times are stale.
_generation = 0


def set_zone(name: str) -> None:
    """Show times in zone ``name`` from now on (the machine's zone if unknown)."""
    global _zone, _generation
    try:
        zone: tzinfo | None = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    if zone != _zone:
        _zone = zone
        _generation += 1


def zone_generation() -> int:
    """How many times the display zone has changed (see :func:`set_zone`)."""
    return _generation


def local(at: datetime) -> datetime:
    """``at`` in the display zone."""
    return at.astimezone(_zone)


def credit_sentence(credit: float, at: datetime | None) -> str:
    """The account's credit in a question, saying it is the gateway's figure and
    when the gateway gave it (it changes with every send since)."""
    when = f" at {local(at):%H:%M:%S}" if at is not None else ""
    return f"Credit {credit:,.2f}, as the gateway reported it{when}."
