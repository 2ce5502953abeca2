"""The key bar fits an 80-column terminal: compact, without the palette's key,
so every main screen's own keys and Help are on screen; wider terminals get
the full bar."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tests.app.harness import demo_app, wait_until
from tui.registry import SCREENS


def keys_shown(footer: Footer) -> list[str]:
    return [key.key for key in footer.query(FooterKey)]


async def test_every_main_screens_keys_fit_80_columns(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "dashboard", size=(80, 24)) as (app, pilot, _sim):
        for entry in SCREENS:
            await pilot.press(entry.fkey)
            await wait_until(pilot, lambda mode=entry.mode: app.current_mode == mode, entry.mode)
            await pilot.pause(0.1)
            footer = app.screen.query_one(Footer)
            assert footer.compact, entry.mode
            shown = keys_shown(footer)
            assert "ctrl+p" not in shown and "f1" in shown, (entry.mode, shown)
            assert footer.virtual_size.width <= footer.size.width, (entry.mode, shown)


async def test_a_wide_terminal_gets_the_full_bar_with_the_palette(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "lists", size=(120, 40)) as (app, pilot, _sim):
        footer = app.screen.query_one(Footer)
        await wait_until(pilot, lambda: "ctrl+p" in keys_shown(footer), "the palette key")
        assert not footer.compact
        # Resume and Close are for an unfinished import; the demo has none.
        assert "r" not in keys_shown(footer) and "x" not in keys_shown(footer)
