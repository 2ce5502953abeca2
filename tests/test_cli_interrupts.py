"""Ctrl+C while a command starts: a Ctrl+C landing in importlib's own code
(where Python would print and drop it) is delivered again just after."""

from __future__ import annotations

import signal
import sys
import time
from types import FrameType

import pytest

from tui.cli import interrupts


def frame_in(filename: str) -> FrameType:
    """A real frame whose code comes from ``filename``."""
    code = compile("import sys\nframe = sys._getframe()", filename, "exec")
    scope: dict[str, object] = {}
    exec(code, scope)
    frame = scope["frame"]
    assert isinstance(frame, FrameType)
    return frame


def test_a_ctrl_c_in_ordinary_code_interrupts_at_once() -> None:
    with pytest.raises(KeyboardInterrupt):
        interrupts.interrupt(signal.SIGINT, frame_in("/somewhere/tui/engine/service.py"))
    with pytest.raises(KeyboardInterrupt):
        interrupts.interrupt(signal.SIGINT, sys._getframe())


def test_a_ctrl_c_in_the_import_machinery_is_delivered_again_outside_it() -> None:
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        interrupts.guard_start_up()
        assert signal.getsignal(signal.SIGINT) is interrupts.interrupt
        # Landing in importlib's lock callback: not raised there (it would be dropped) ...
        interrupts.interrupt(signal.SIGINT, frame_in("<frozen importlib._bootstrap>"))
        # ... but delivered again a moment later, where it interrupts.
        with pytest.raises(KeyboardInterrupt):
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                time.sleep(0.001)
        interrupts.end_start_up()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)
