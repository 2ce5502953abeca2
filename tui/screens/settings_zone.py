"""A new time zone for the profile in use applies at once: times on every
screen (``display_time``; screens not on show redraw when shown), and the
engine's schedules and sending hours."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from textual.app import App

from tui.app_services import shell_app
from tui.screens.base import EngineScreen
from tui.screens.display_time import set_zone

log = logging.getLogger(__name__)


def apply_time_zone(app: App[Any], zone: str) -> None:
    """Show times in ``zone`` from now on, and redraw every screen showing times."""
    set_zone(zone)
    shell = shell_app(app)
    engine = None if shell is None else shell.engine
    if engine is not None and engine.profile.timezone != zone:
        engine.profile = replace(engine.profile, timezone=zone)
    # The screens on show redraw now; the others when shown again (their zone
    # is stale: EngineScreen.on_screen_resume).
    for screen in app.screen_stack:
        if isinstance(screen, EngineScreen) and screen.is_mounted:
            screen.zone_changed()
