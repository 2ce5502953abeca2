"""``csms`` with no subcommand: start the terminal app."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from tui import collector
from tui.cli import interrupts

if TYPE_CHECKING:
    from tui.app import CsmsApp


def run_app(args: argparse.Namespace) -> int:
    """Load the config, pick the profile and run the app until it quits.

    Returns the exit code: 0 on a clean quit, 2 when the config is unusable.
    """
    # Until the app has connected (see tui/collector.py).
    collector.pause_start_up()
    from tui.config import ConfigError, active_profile_name, config_path, load_config
    from tui.logs import setup_logging

    path = config_path()
    try:
        config = load_config(path)
        profile = active_profile_name(config, getattr(args, "profile", None))
        config.profile(profile)
    except ConfigError as error:
        collector.end_start_up()
        print(f"csms: {error}", file=sys.stderr)
        return 2
    try:
        setup_logging()
    except OSError as error:
        print(f"csms: cannot write the log file ({error}); continuing without it.", file=sys.stderr)

    from tui.app import CsmsApp

    app = CsmsApp(
        config,
        config_path=path,
        profile_name=profile,
        demo=bool(getattr(args, "demo", False)),
    )
    interrupts.end_start_up()
    try:
        return asyncio.run(_run(app))
    finally:
        collector.end_start_up()  # if the app ended before it connected


async def _run(app: CsmsApp) -> int:
    try:
        await app.run_async()
    finally:
        await app.close_engine()
    return app.return_code or 0
