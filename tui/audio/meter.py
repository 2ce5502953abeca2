"""Streaming level measurement: peak, RMS, clipping, leading and trailing
silence and a coarse envelope, in one pass and bounded memory."""

from __future__ import annotations

import math
from array import array

from tui.audio._compat import audioop
from tui.audio.units import FULL_SCALE, SILENCE_THRESHOLD_DBFS, WINDOW_S, from_dbfs, to_dbfs

#: Envelope windows kept before neighbouring ones are merged (memory bound).
_ENVELOPE_LIMIT = 1 << 15

# Byte codes that mark the two full-scale s16le samples when the low and the
# high bytes of each sample are translated and added (see count_full_scale).
_HIGH = bytearray(256)
_HIGH[0x7F], _HIGH[0x80] = 1, 4
_LOW = bytearray(256)
_LOW[0xFF], _LOW[0x00] = 2, 8
_POSITIVE_FULL, _NEGATIVE_FULL = 1 + 2, 4 + 8


def count_full_scale(pcm: bytes) -> int:
    """How many s16le samples in ``pcm`` are 32767 or -32768.

    Done with byte translation so it runs at C speed: a Python loop over the
    samples of a long clipped recording takes seconds.
    """
    high = pcm[1::2].translate(_HIGH)
    low = pcm[0::2].translate(_LOW)
    codes = audioop.add(high, low, 1)
    return codes.count(_POSITIVE_FULL) + codes.count(_NEGATIVE_FULL)


class LevelMeter:
    """Feed s16le frames of ``channels`` at ``rate``; read the figures after
    :meth:`finish`."""

    def __init__(
        self, channels: int, rate: int, *, silence_threshold_dbfs: float = SILENCE_THRESHOLD_DBFS
    ) -> None:
        self.channels = channels
        self.rate = rate
        self.frames = 0
        self.peak = 0
        self.clipped = 0
        self._window_frames = max(1, round(rate * WINDOW_S))
        self._window_bytes = self._window_frames * channels * 2
        self._loud_ms = from_dbfs(silence_threshold_dbfs) ** 2
        self._carry = b""
        self._windows = 0
        self._sum_squares = 0.0
        self._first_loud_frame: int | None = None
        self._loud_end_frame = 0
        self._envelope = array("d")
        self._group = 1
        self._group_sum = 0.0
        self._group_n = 0

    def feed(self, pcm: bytes) -> None:
        if not pcm:
            return
        self.peak = max(self.peak, audioop.max(pcm, 2))
        if self.peak >= FULL_SCALE - 1:
            self.clipped += count_full_scale(pcm)
        buf = self._carry + pcm if self._carry else pcm
        step = self._window_bytes
        whole = len(buf) - len(buf) % step
        view = memoryview(buf)
        for offset in range(0, whole, step):
            self._window(view[offset : offset + step], self._window_frames)
        self._carry = bytes(view[whole:])

    def finish(self) -> None:
        if self._carry:
            self._window(self._carry, len(self._carry) // (2 * self.channels))
            self._carry = b""
        if self._group_n:
            self._envelope.append(self._group_sum / self._group_n)
            self._group_n = 0

    def _window(self, pcm: bytes | memoryview, frames: int) -> None:
        mean_square = float(audioop.rms(pcm, 2)) ** 2
        self._sum_squares += mean_square * frames
        if mean_square >= self._loud_ms:
            if self._first_loud_frame is None:
                self._first_loud_frame = self.frames
            self._loud_end_frame = self.frames + frames
        self.frames += frames
        self._group_sum += mean_square
        self._group_n += 1
        if self._group_n == self._group:
            self._envelope.append(self._group_sum / self._group)
            self._group_sum, self._group_n = 0.0, 0
            if len(self._envelope) >= 2 * _ENVELOPE_LIMIT:
                env = self._envelope
                self._envelope = array(
                    "d", ((env[i] + env[i + 1]) / 2 for i in range(0, len(env), 2))
                )
                self._group *= 2

    # Results ------------------------------------------------------------------

    @property
    def duration_s(self) -> float:
        return self.frames / self.rate

    @property
    def peak_dbfs(self) -> float:
        return to_dbfs(self.peak)

    @property
    def rms_dbfs(self) -> float:
        if not self.frames:
            return -math.inf
        return to_dbfs(math.sqrt(self._sum_squares / self.frames))

    @property
    def leading_silence_s(self) -> float:
        first = self.frames if self._first_loud_frame is None else self._first_loud_frame
        return first / self.rate

    @property
    def trailing_silence_s(self) -> float:
        if self._first_loud_frame is None:
            return 0.0
        return (self.frames - self._loud_end_frame) / self.rate

    def envelope(self, points: int) -> tuple[float, ...]:
        """RMS level per slice of the clip, as a fraction of full scale (0..1),
        in ``points`` slices (fewer for very short clips)."""
        env = self._envelope
        count = len(env)
        if count == 0 or points < 1:
            return ()
        points = min(points, count)
        values = []
        for i in range(points):
            lo = i * count // points
            hi = max(lo + 1, (i + 1) * count // points)
            mean = sum(env[lo:hi]) / (hi - lo)
            values.append(min(1.0, math.sqrt(mean) / FULL_SCALE))
        return tuple(values)
