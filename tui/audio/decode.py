"""Streams of PCM s16le samples from any input.

ffmpeg decodes, downmixes and resamples (with its anti-alias filter) and writes
raw samples to a pipe, so memory stays flat however long the input is. Integer
PCM WAV that needs no resampling is read directly and needs no ffmpeg.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO

from tui.audio._compat import AudioSegment, audioop
from tui.audio.errors import AudioDecodeError, FfmpegMissing
from tui.audio.probe import SourceInfo, ffmpeg_input
from tui.audio.tools import ffmpeg_reason, find_ffmpeg, require_ffmpeg, resample_filter

CHUNK_BYTES = 64 * 1024
#: Codecs whose decoder gives no samples for silence frames (discontinuous
#: transmission): their timeline is rebuilt from the frame count.
GAPPY_CODECS = frozenset({"amr_nb", "amr_wb"})
SEEK_PREROLL_S = 1.0


def _butterworth4(kind: str, freq: int) -> str:
    # Two biquads with these Q values make a 4th-order Butterworth section:
    # -3 dB at ``freq``, flat passband, 24 dB per octave beyond it.
    return ",".join(f"{kind}=f={freq}:width_type=q:width={q}" for q in (0.5412, 1.3066))


#: The telephone band, 300-3400 Hz.
PHONE_BAND_FILTER = _butterworth4("highpass", 300) + "," + _butterworth4("lowpass", 3400)


class PcmStream:
    """Chunks of interleaved s16le frames (iterate once), with their format."""

    def __init__(
        self, chunks: Iterator[bytes], *, channels: int, rate: int, band_filtered: bool
    ) -> None:
        self._chunks = chunks
        self.channels = channels
        self.rate = rate
        #: Whether the telephone band filter was already applied.
        self.band_filtered = band_filtered

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks


@contextmanager
def open_pcm(
    info: SourceInfo,
    *,
    rate: int | None,
    mono: bool,
    start_s: float = 0.0,
    duration_s: float | None = None,
    phone_band: bool = False,
) -> Iterator[PcmStream]:
    """Decode ``info.path`` to s16le: at ``rate`` (``None`` keeps the source's),
    mono or with the source's channels, from ``start_s`` for at most
    ``duration_s``, optionally through the telephone band filter.

    Leaving the block early stops the decoder; decoding errors are raised at
    the end of iteration.
    """
    wav = info.wav
    direct = wav is not None and wav.is_integer_pcm and rate in (None, wav.sample_rate)
    if direct and phone_band and find_ffmpeg() is not None:
        direct = False  # ffmpeg's filter is steeper than pydub's
    if direct:
        with info.path.open("rb") as f:
            yield PcmStream(
                _wav_chunks(f, info, mono=mono, start_s=start_s, duration_s=duration_s),
                channels=1 if mono else info.channels,
                rate=info.sample_rate,
                band_filtered=False,
            )
        return
    exe = require_ffmpeg(_what(info, rate))
    channels = 1 if mono or info.channels < 1 else info.channels
    out_rate = rate or info.sample_rate or 48000  # 0: ffmpeg named no rate
    cmd = ffmpeg_command(
        exe,
        info.path,
        rate=rate,
        out_rate=out_rate,
        channels=channels,
        mono=mono,
        start_s=start_s,
        duration_s=duration_s,
        phone_band=phone_band,
        timeline_s=timeline_of(info, start_s, duration_s),
    )
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors
            )
        except OSError as exc:
            raise FfmpegMissing(f"ffmpeg at {exe} could not be started ({exc.strerror}).") from None
        try:
            assert proc.stdout is not None
            yield PcmStream(
                pipe_chunks(proc, proc.stdout, lambda: _read_all(errors), info, channels),
                channels=channels,
                rate=out_rate,
                band_filtered=phone_band,
            )
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.stdout.close()  # type: ignore[union-attr]
            proc.wait()


def ffmpeg_command(
    exe: str,
    path: Path,
    *,
    rate: int | None,
    out_rate: int,
    channels: int,
    mono: bool,
    start_s: float = 0.0,
    duration_s: float | None = None,
    phone_band: bool = False,
    log: tuple[str, ...] = ("-loglevel", "error"),
    timeline_s: float | None = None,
) -> list[str]:
    """The ffmpeg command writing ``path`` as raw s16le to its stdout: at
    ``rate`` (``None`` keeps the source's), with ``channels`` (``mono``
    downmixes), from ``start_s`` for at most ``duration_s``. ``timeline_s``
    (for codecs whose decoder skips silence, AMR) is the length the output
    must have: gaps in the decoded timestamps are filled with silence and the
    end is padded to it."""
    cmd = [exe, "-nostdin", "-hide_banner", *log]
    # Seek fast to just before the start, then let ffmpeg decode the last
    # stretch and drop it: a lossy decoder starting cold at the seek point
    # gives some 40 ms of silence (MP3) instead of the sound there.
    preroll = min(start_s, SEEK_PREROLL_S)
    if start_s - preroll > 0:
        cmd += ["-ss", f"{start_s - preroll:.6f}"]
    cmd += ["-i", ffmpeg_input(path)]
    if preroll > 0:
        cmd += ["-ss", f"{preroll:.6f}"]
    if duration_s is not None:
        cmd += ["-t", f"{duration_s:.6f}"]
    elif timeline_s is not None:
        cmd += ["-t", f"{timeline_s:.6f}"]
    cmd += ["-map", "0:a:0", "-vn", "-sn", "-dn"]
    # aresample does both the resampling (with its anti-alias filter) and the
    # downmix (see resample_filter).
    filters = [resample_filter(exe, rate, fill_gaps=timeline_s is not None)]
    if mono:
        filters.append("aformat=channel_layouts=mono")
    if phone_band:
        filters.append(PHONE_BAND_FILTER)
    if timeline_s is not None:
        # Silence the decoder never produced at the end (AMR's trailing
        # silence frames) is padded back; -t below stops it at that length.
        # The filters see the preroll too; -ss after -i drops it from the output.
        filters.append(f"apad=whole_dur={timeline_s + preroll:.6f}")
    cmd += ["-af", ",".join(filters)]
    cmd += ["-ac", str(channels), "-ar", str(out_rate), "-c:a", "pcm_s16le", "-f", "s16le"]
    cmd.append("pipe:1")
    return cmd


def timeline_of(info: SourceInfo, start_s: float, duration_s: float | None) -> float | None:
    """The length the decoded part of an AMR clip must have (its frames, silence
    frames included, last 20 ms each); ``None`` for every other codec."""
    if info.codec not in GAPPY_CODECS or info.duration_s is None or not info.duration_exact:
        return None
    remaining = max(0.0, info.duration_s - start_s)
    return remaining if duration_s is None else min(duration_s, remaining)


def _read_all(errors: BinaryIO) -> str:
    errors.seek(0)
    return errors.read().decode("utf-8", "replace")


def _what(info: SourceInfo, rate: int | None) -> str:
    if info.wav is not None and info.wav.is_integer_pcm and rate is not None:
        return f"{info.sample_rate} Hz WAV and resampling it to {rate} Hz"
    if info.wav is not None:
        return f"{info.codec} WAV"
    return f"{info.format_label} audio"


def pipe_chunks(
    proc: subprocess.Popen[bytes],
    out: IO[bytes],
    error_text: Callable[[], str],
    info: SourceInfo,
    channels: int,
) -> Iterator[bytes]:
    """Whole frames from ffmpeg's ``out``; once it ends, a clear error if
    ffmpeg failed (``error_text`` gives what it printed at error level)."""
    frame = 2 * channels
    size = CHUNK_BYTES - CHUNK_BYTES % frame
    while chunk := out.read(size):
        if len(chunk) % frame:
            chunk = chunk[: len(chunk) - len(chunk) % frame]
        if chunk:
            yield chunk
    code = proc.wait()
    if code != 0:
        reason = ffmpeg_reason(error_text(), str(info.path.resolve())) or f"ffmpeg exit code {code}"
        lowered = reason.lower()
        if ("decoder" in lowered and "not found" in lowered) or "no decoder" in lowered:
            raise FfmpegMissing(
                f"The ffmpeg in use cannot decode {info.format_label} audio ({reason}): install "
                "a full ffmpeg build (for example `sudo apt install ffmpeg`)."
            )
        raise AudioDecodeError(f"{info.path} could not be decoded (ffmpeg: {reason}).")


def _wav_chunks(
    f: BinaryIO, info: SourceInfo, *, mono: bool, start_s: float, duration_s: float | None
) -> Iterator[bytes]:
    wav = info.wav
    assert wav is not None
    align, width = wav.block_align, wav.sample_width
    first = min(wav.frames, round(start_s * wav.sample_rate))
    last = wav.frames
    if duration_s is not None:
        last = min(last, first + round(duration_s * wav.sample_rate))
    remaining = (last - first) * align
    f.seek(wav.data_offset + first * align)
    size = max(align, CHUNK_BYTES - CHUNK_BYTES % align)
    while remaining > 0:
        chunk = f.read(min(size, remaining))
        chunk = chunk[: len(chunk) - len(chunk) % align]
        if not chunk:
            break
        remaining -= len(chunk)
        yield _to_s16(chunk, width, info.channels, mono)


def _to_s16(chunk: bytes, width: int, channels: int, mono: bool) -> bytes:
    if width == 1:
        chunk = audioop.bias(chunk, 1, -128)  # WAV stores 8-bit samples unsigned
    if width != 2:
        chunk = audioop.lin2lin(chunk, width, 2)
    if not mono or channels == 1:
        return chunk
    if channels == 2:
        return audioop.tomono(chunk, 2, 0.5, 0.5)
    segment = AudioSegment(data=chunk, sample_width=2, frame_rate=8000, channels=channels)
    return bytes(segment.set_channels(1).raw_data)
