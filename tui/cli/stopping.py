"""Stopping a command cleanly on Ctrl+C or SIGTERM.

The first signal asks the work to stop after the request on its way, so its
answer is recorded and nothing is left of unknown outcome; a second one stops
at once (the request on its way then shows as unknown on the next run).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Iterator

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def graceful_stop(what: str = "the batch on its way") -> Iterator[asyncio.Event]:
    """An event set by the first Ctrl+C or SIGTERM while the block runs."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def first(signum: int) -> None:
        stop.set()
        how = "Ctrl+C" if signum == signal.SIGINT else "the stop signal"
        print(f"\nStopping after {what} ({how} again to stop at once)…", file=sys.stderr)
        for each in STOP_SIGNALS:
            loop.remove_signal_handler(each)

    installed: list[int] = []
    for each in STOP_SIGNALS:
        try:
            loop.add_signal_handler(each, first, each)
            installed.append(each)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # no signal handlers here (Windows, not the main thread)
    try:
        yield stop
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
