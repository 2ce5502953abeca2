"""Streaming level measurement: peak, RMS, clipping, leading and trailing
silence and a coarse envelope, in one pass and bounded memory."""

from __future__ import annotations

import math
import re
from array import array

from tui.audio._compat import audioop
from tui.audio.units import FULL_SCALE, SILENCE_THRESHOLD_DB, WINDOW_S, to_dbfs

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


#: Clipping is counted as runs of at least CLIP_RUN consecutive samples (of one
#: channel) at or above CLIP_LEVEL (-1.0 dBFS): a lossy encoder turns the flat
#: tops of a clipped waveform into ripples just under full scale, so counting
#: only samples at exactly full scale reports almost none in an MP3 of a clipped
#: recording. A clean recording peaking at -0.3 dBFS counts under 0.01 %.
CLIP_LEVEL = 0x7200  # 29184 of 32768, -1.0 dBFS; compared through the high byte
CLIP_RUN = 3
# High bytes (s16le) of samples at or above +29184 or at or below -29185.
_NEAR_FULL = bytes(1 if (0x72 <= b <= 0x7F or 0x80 <= b <= 0x8D) else 0 for b in range(256))
_RUN = re.compile(rb"\x01{%d,}" % CLIP_RUN)


class ClipCounter:
    """Counts the samples in runs of near-full-scale samples, per channel, across
    the chunks of a stream (C speed: byte translation and a regular expression)."""

    def __init__(self, channels: int) -> None:
        self.channels = channels
        self.count = 0
        self._open = [0] * channels  # the run each channel's last chunk ended in

    def feed(self, pcm: bytes) -> None:
        step = 2 * self.channels
        for channel in range(self.channels):
            flags = pcm[2 * channel + 1 :: step].translate(_NEAR_FULL)
            self.count += self._runs(channel, flags)

    def finish(self) -> None:
        for channel, run in enumerate(self._open):
            if run >= CLIP_RUN:
                self.count += run
            self._open[channel] = 0

    def _runs(self, channel: int, flags: bytes) -> int:
        body = flags.rstrip(b"\x01")
        tail = len(flags) - len(body)
        carried = self._open[channel]
        if not body:
            self._open[channel] = carried + tail
            return 0
        lead = len(body) - len(body.lstrip(b"\x01"))
        found = carried + lead if carried + lead >= CLIP_RUN else 0
        found += sum(len(run) for run in _RUN.findall(body, lead))
        self._open[channel] = tail
        return found


class LevelMeter:
    """Feed s16le frames of ``channels`` at ``rate``; read the figures after
    :meth:`finish`."""

    def __init__(
        self, channels: int, rate: int, *, silence_threshold_db: float = SILENCE_THRESHOLD_DB
    ) -> None:
        self.channels = channels
        self.rate = rate
        self.frames = 0
        self.peak = 0
        self._clips = ClipCounter(channels)
        self._window_frames = max(1, round(rate * WINDOW_S))
        self._window_bytes = self._window_frames * channels * 2
        self.silence_threshold_db = silence_threshold_db
        self._carry = b""
        self._sum_squares = 0.0
        # Mean square of every 10 ms window: silence is judged against the
        # loudest one once the whole clip is known (8 bytes per window).
        self._levels = array("d")
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
        if self.peak >= CLIP_LEVEL:
            self._clips.feed(pcm)
        buf = self._carry + pcm if self._carry else pcm
        step = self._window_bytes
        whole = len(buf) - len(buf) % step
        view = memoryview(buf)
        for offset in range(0, whole, step):
            self._window(view[offset : offset + step], self._window_frames)
        self._carry = bytes(view[whole:])

    @property
    def clipped(self) -> int:
        """Samples in runs of near-full-scale samples (see ``CLIP_LEVEL``)."""
        return self._clips.count

    def finish(self) -> None:
        self._clips.finish()
        if self._carry:
            self._window(self._carry, len(self._carry) // (2 * self.channels))
            self._carry = b""
        if self._group_n:
            self._envelope.append(self._group_sum / self._group_n)
            self._group_n = 0
        self._find_sound()

    def _find_sound(self) -> None:
        levels = self._levels
        if not levels or self.loudest_ms <= 0:
            self._first_loud_frame = None
            return
        threshold = self.loudest_ms * 10.0 ** (self.silence_threshold_db / 10.0)
        first = next(i for i, ms in enumerate(levels) if ms >= threshold)
        last = next(i for i in range(len(levels) - 1, -1, -1) if levels[i] >= threshold)
        self._first_loud_frame = first * self._window_frames
        self._loud_end_frame = min(self.frames, (last + 1) * self._window_frames)

    def _window(self, pcm: bytes | memoryview, frames: int) -> None:
        mean_square = float(audioop.rms(pcm, 2)) ** 2
        self._sum_squares += mean_square * frames
        self._levels.append(mean_square)
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
    def loudest_ms(self) -> float:
        """Mean square of the loudest 10 ms window."""
        return max(self._levels, default=0.0)

    @property
    def loudest_dbfs(self) -> float:
        """Level of the loudest 10 ms window (RMS, dBFS)."""
        return to_dbfs(math.sqrt(self.loudest_ms))

    @property
    def silence_threshold_dbfs(self) -> float:
        """The level below which a window counted as silence (after :meth:`finish`)."""
        return self.loudest_dbfs + self.silence_threshold_db

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
