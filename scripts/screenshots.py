"""Write SVG screenshots of the app's screens, taken from the demo, for the README.

    python scripts/screenshots.py [--out assets/screenshots] [--size 120x36]

Runs ``csms --demo`` headless (its own temporary data and config, nothing of
the user's is read or written), lets the demo log in, poll and fetch its inbox,
then opens each screen and saves ``<mode>.svg`` (plus ``help.svg``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PATIENCE = 30.0  # seconds before giving up on the demo
EXAMPLE_RECIPIENTS = "0300-1234567, +92 321 7654321\n0333 1112223"
EXAMPLE_MESSAGE = "Assalam o Alaikum! Your order #1042 is ready for pickup today after 3 pm."


async def wait_for(pilot: Any, condition: Any, what: str) -> None:
    for _ in range(int(PATIENCE / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise SystemExit(f"gave up waiting for {what}")


def dress(screen: Any) -> None:
    """Example input on Quick send, so its live counters show something."""
    from textual.widgets import TextArea

    areas = list(screen.query(TextArea))
    if len(areas) >= 2:
        areas[0].load_text(EXAMPLE_RECIPIENTS)
        areas[1].load_text(EXAMPLE_MESSAGE)


async def take(out: Path, size: tuple[int, int], scratch: Path) -> list[Path]:
    from tui.app import CsmsApp
    from tui.config import Config
    from tui.screens.help import HelpScreen

    written: list[Path] = []
    app = CsmsApp(Config(), config_path=scratch / "config.toml", demo=True)
    async with app.run_test(size=size) as pilot:
        await wait_for(
            pilot,
            lambda: (
                app.engine is not None
                and app.shell_status.credit is not None
                and app.engine.status.last_poll is not None
            ),
            "the demo to log in and poll",
        )
        await pilot.pause(1.0)
        for entry in app.available_screens:
            app.open_screen(entry.mode)
            await wait_for(pilot, lambda e=entry: app.current_mode == e.mode, entry.title)
            if entry.mode == "quick_send":
                dress(app.screen)
            await pilot.pause(0.5)
            app.screen.set_focus(None)
            await pilot.pause()
            path = out / f"{entry.mode}.svg"
            path.write_text(app.export_screenshot(title=f"csms: {entry.title}"), encoding="utf-8")
            written.append(path)
        app.open_screen("dashboard")
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        await pilot.pause(0.3)
        path = out / "help.svg"
        path.write_text(app.export_screenshot(title="csms: help"), encoding="utf-8")
        written.append(path)
        await app.action_quit()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "assets" / "screenshots")
    parser.add_argument("--size", default="120x36", help="terminal size, WIDTHxHEIGHT")
    args = parser.parse_args()
    width, _, height = args.size.partition("x")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        # The demo keeps its data under the XDG directories: point them away
        # from the user's own.
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
            os.environ[name] = str(Path(tmp) / name.lower())
        written = asyncio.run(take(args.out, (int(width), int(height)), Path(tmp)))
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
