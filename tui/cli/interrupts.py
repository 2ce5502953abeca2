"""Ctrl+C while a command starts: never lost, never a traceback.

Python raises ``KeyboardInterrupt`` wherever the main thread is. Inside the
callback importlib runs when a module's import lock is freed, it is not raised
but printed ("Exception ignored in ... Traceback") and dropped, so a Ctrl+C
pressed while modules load could vanish and the command go on. Until the
command's event loop starts (it has signal handlers of its own, ``stopping.py``),
a Ctrl+C that lands in the import machinery is delivered again a moment later,
outside it.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

#: Seconds before a Ctrl+C that landed in the import machinery is delivered again.
REDELIVERY = 0.01


def guard_start_up() -> None:
    """From now until ``end_start_up``, a Ctrl+C is never dropped by an import."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, interrupt)


def end_start_up() -> None:
    """Python's own Ctrl+C again (an event loop then installs its own handling)."""
    if signal.getsignal(signal.SIGINT) is interrupt:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def interrupt(signum: int, frame: FrameType | None) -> None:
    """Raise ``KeyboardInterrupt``, unless the main thread is in importlib's own
    code, where it would be dropped: then deliver the signal again shortly."""
    if frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
        timer = threading.Timer(REDELIVERY, signal.raise_signal, (signal.SIGINT,))
        timer.daemon = True
        timer.start()
        return
    raise KeyboardInterrupt
