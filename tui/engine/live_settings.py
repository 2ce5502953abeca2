"""A profile's settings saved while the engine runs: which apply at once.

The engine reads most settings when it uses them (the time zone, the sending
hours, masks, prices, keywords, the inbox's interval), so a change saved in
Settings applies from the next use. Those the connection and the background
loops were built with (the gateway's address and account, TLS, timeouts, the
rate limit, polling and concurrency) keep their values until the engine is
opened again; the caller says so.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tui.config import Profile

if TYPE_CHECKING:
    from tui.engine.service import Engine

#: Settings the session and loops were built with, with their labels.
ON_NEXT_CONNECTION = {
    "base_url": "gateway address",
    "msisdn": "account",
    "verify_tls": "TLS verification",
    "ca_bundle": "CA bundle",
    "timeout": "timeout",
    "rate_limit": "rate limit",
    "url_limit": "URL limit",
    "keepalive_idle": "keep-alive",
    "poll_initial": "polling",
    "poll_max": "polling",
    "poll_backoff": "polling",
    "concurrency": "concurrency",
}
#: Kept from the session's profile whatever the form says.
_KEPT = ("name", "password", "save_password", *ON_NEXT_CONNECTION)


def apply_settings(engine: Engine, profile: Profile) -> list[str]:
    """Use ``profile``'s settings from now on, but for those of the connection;
    returns the labels of those that changed and wait for the next one."""
    current = engine.profile
    waiting = dict.fromkeys(
        label
        for name, label in ON_NEXT_CONNECTION.items()
        if getattr(profile, name) != getattr(current, name)
    )
    engine.profile = replace(profile, **{name: getattr(current, name) for name in _KEPT})
    if engine.profile.auto_fetch != current.auto_fetch:
        engine.set_auto_fetch(engine.profile.auto_fetch)
    if (profile.optout_keywords, profile.optin_keywords) != (
        current.optout_keywords,
        current.optin_keywords,
    ):
        engine.optouts.use_keywords(engine.profile)
    return list(waiting)
