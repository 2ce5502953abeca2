"""The profile's time zone and the gateway's "now", as every feature reads them."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tui.gateway.validate import GATEWAY_TZ

if TYPE_CHECKING:
    from tui.engine.service import Engine


def profile_zone(engine: Engine) -> tzinfo:
    """The profile's time zone (Pakistan time if it cannot be found)."""
    try:
        return ZoneInfo(engine.profile.timezone)
    except (KeyError, ValueError):
        return GATEWAY_TZ


def gateway_now(engine: Engine) -> datetime:
    """The gateway's current time (see ``Engine.gateway_now``)."""
    return engine.gateway_now()
