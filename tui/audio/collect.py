"""Gathering the converted samples: up to the size cap, optionally without
leading and trailing silence, decided while streaming so that memory is
bounded by the cap whatever the input's length."""

from __future__ import annotations

import math

from tui.audio._compat import audioop
from tui.audio.units import BYTES_PER_SECOND, OUTPUT_RATE, WINDOW_S, from_dbfs

_WINDOW_BYTES = round(OUTPUT_RATE * WINDOW_S) * 2


class PcmCollector:
    """Collects s16le mono samples. :meth:`feed` returns False once the cap is
    reached (``overflow`` is then True and the kept samples fill the cap)."""

    def __init__(self, cap_bytes: int, *, trim: bool, threshold_dbfs: float) -> None:
        self.cap_bytes = cap_bytes - cap_bytes % 2
        self.trim = trim
        self.overflow = False
        #: Bytes fed, before trimming.
        self.raw_bytes = 0
        self.leading_bytes = 0
        self.trailing_bytes = 0
        self._out = bytearray()
        # ``-inf`` (a silent clip's level): every window counts as sound.
        self._threshold = 0.0 if math.isinf(threshold_dbfs) else from_dbfs(threshold_dbfs)
        self._started = not trim
        self._carry = b""
        # Quiet windows after the last loud one: written only if sound follows.
        # Stored up to the room left under the cap; beyond that only counted.
        self._pending = bytearray()
        self._pending_total = 0

    def feed(self, pcm: bytes) -> bool:
        self.raw_bytes += len(pcm)
        if self.overflow:
            return False
        if not self.trim:
            return self._append(pcm)
        buf = self._carry + pcm if self._carry else pcm
        whole = len(buf) - len(buf) % _WINDOW_BYTES
        view = memoryview(buf)
        for offset in range(0, whole, _WINDOW_BYTES):
            if not self._window(view[offset : offset + _WINDOW_BYTES]):
                return False
        self._carry = bytes(view[whole:])
        return True

    def finish(self) -> bytes:
        """The kept samples; trailing silence is dropped when trimming."""
        if self._carry and not self.overflow:
            self._window(memoryview(self._carry))
        self._carry = b""
        if not self.overflow:
            self.trailing_bytes = self._pending_total
        return bytes(self._out)

    @property
    def leading_s(self) -> float:
        return self.leading_bytes / BYTES_PER_SECOND

    @property
    def trailing_s(self) -> float:
        return self.trailing_bytes / BYTES_PER_SECOND

    @property
    def raw_s(self) -> float:
        return self.raw_bytes / BYTES_PER_SECOND

    def _window(self, window: memoryview) -> bool:
        loud = audioop.rms(window, 2) >= self._threshold
        if not self._started:
            if not loud:
                self.leading_bytes += len(window)
                return True
            self._started = True
        if not loud:
            room = self.cap_bytes - len(self._out) - len(self._pending)
            if room > 0:
                self._pending += window[:room]
            self._pending_total += len(window)
            return True
        if self._pending_total:
            overflowing = len(self._out) + self._pending_total > self.cap_bytes
            self._out += self._pending
            self._pending.clear()
            self._pending_total = 0
            if overflowing:
                self.overflow = True
                return False
        return self._append(window)

    def _append(self, pcm: bytes | memoryview) -> bool:
        room = self.cap_bytes - len(self._out)
        if len(pcm) > room:
            self._out += pcm[:room]
            self.overflow = True
            return False
        self._out += pcm
        return True
