"""Times on screen are shown in the profile's time zone (Asia/Karachi by
default), whatever zone the server running csms is set to."""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_zone: tzinfo | None = None


def set_zone(name: str) -> None:
    """Show times in zone ``name`` from now on (the machine's zone if unknown)."""
    global _zone
    try:
        _zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        _zone = None


def local(at: datetime) -> datetime:
    """``at`` in the display zone."""
    return at.astimezone(_zone)
