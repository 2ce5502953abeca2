"""Pausing Python's cyclic garbage collector where it was measured to cost.

The collector walks every tracked object (lists, dicts, instances) again and
again while many are being made, to find reference cycles. Two places make a
great many objects that form no cycles, and pause it:

- The app's start (:func:`pause_start_up` / :func:`end_start_up`). Starting
  ``csms`` creates a few hundred thousand objects that live as long as the app
  (modules, classes, styles, the first screen's widgets and, in the demo, the
  simulator); the collector ran about 200 times over them before the dashboard
  was filled, 55-75 ms of the 600 ms that takes on the demo. At the end of the
  start what exists is frozen (``gc.freeze``: later full collections skip it)
  and the collector is on again.
- Reading a large sheet row by row (:func:`paused`): each row is a new list.
  Measured on the 1,000,000-row CSV preview of ``bench/import_preview.py``:
  5% of its time; 100,000 rows of a personalised send's sheet read in 0.5 s
  with the collector and 0.1 s without.

Pauses nest and may overlap across threads: the collector is back on when the
last one ends. A collector that something else turned off is left off.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_holds = 0
_start_up = False
#: Whether this module turned the collector off (and so turns it on again).
_turned_off = False


def _settle() -> None:
    global _turned_off
    wanted_off = _holds > 0 or _start_up
    if wanted_off and not _turned_off and gc.isenabled():
        gc.disable()
        _turned_off = True
    elif not wanted_off and _turned_off:
        gc.enable()
        _turned_off = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector is off inside (for work that makes many objects and no cycles)."""
    global _holds
    with _lock:
        _holds += 1
        _settle()
    try:
        yield
    finally:
        with _lock:
            _holds -= 1
            _settle()


def pause_start_up() -> None:
    """Turn the collector off until :func:`end_start_up`."""
    global _start_up
    with _lock:
        _start_up = True
        _settle()


def end_start_up() -> None:
    """Freeze the start-up's objects and turn the collector on again (does
    nothing unless :func:`pause_start_up` was called and not ended yet)."""
    global _start_up
    with _lock:
        if not _start_up:
            return
        _start_up = False
        gc.freeze()
        _settle()


def is_paused() -> bool:
    """Whether a pause of this module holds the collector off now."""
    with _lock:
        return _turned_off
