"""A new time zone for the profile in use applies at once: times on every
screen (``display_time``), and the engine's schedules and sending hours."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from textual.app import App
from textual.screen import Screen

from tui.screens.base import EngineScreen
from tui.screens.display_time import set_zone

log = logging.getLogger(__name__)


def _screens(app: App[Any]) -> Iterator[Screen[Any]]:
    # Every mode's stack (Textual keeps them by mode), and the current one.
    stacks: dict[str, list[Screen[Any]]] = getattr(app, "_screen_stacks", {})
    seen: set[int] = set()
    for stack in [*stacks.values(), app.screen_stack]:
        for screen in stack:
            if id(screen) not in seen:
                seen.add(id(screen))
                yield screen


def apply_time_zone(app: App[Any], zone: str) -> None:
    """Show times in ``zone`` from now on, and redraw every screen showing times."""
    set_zone(zone)
    engine = getattr(app, "engine", None)
    if engine is not None and engine.profile.timezone != zone:
        engine.profile = replace(engine.profile, timezone=zone)
    for screen in _screens(app):
        if isinstance(screen, EngineScreen) and screen.is_mounted:
            try:
                screen.catch_up()
            except Exception:  # one screen that cannot reload must not stop the others
                log.exception("%s could not redraw its times", type(screen).__name__)
