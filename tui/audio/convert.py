"""Converting any clip to the WAV the gateway takes: PCM s16le, mono, 8000 Hz,
a plain 44-byte header, at most 5 MB."""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

from tui.audio._compat import AudioSegment, high_pass_filter, low_pass_filter
from tui.audio.analysis import check_complete, silent_reason
from tui.audio.collect import PcmCollector
from tui.audio.errors import AudioEmpty, AudioSilent, AudioTooLong, InvalidAudioOptions
from tui.audio.meter import LevelMeter
from tui.audio.options import ConversionResult, ConvertOptions
from tui.audio.probe import SourceInfo
from tui.audio.progress import Progress, ProgressCallback
from tui.audio.source import clipped_end, open_source
from tui.audio.units import (
    BYTES_PER_SECOND,
    OUTPUT_RATE,
    SILENT_PEAK_DBFS,
    format_bytes,
    format_duration,
    max_duration_s,
    max_samples,
    to_dbfs,
)
from tui.audio.wavout import check_destination, write_wav

_HASH_CHUNK = 1024 * 1024


def convert(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    options: ConvertOptions | None = None,
    on_progress: ProgressCallback | None = None,
) -> ConversionResult:
    """Convert ``src`` to a gateway-ready WAV at ``dst``.

    Raises an ``AudioError`` subclass (and writes nothing) for bad input, bad
    options, a clip too long for the size limit without ``cut_to_fit``, or an
    output that cannot be written.
    """
    opts = options or ConvertOptions()
    opts.validate()
    out = Path(dst).expanduser()
    check_destination(out, Path(src).expanduser(), replace=opts.replace)
    silence_dbfs: float | None = None
    if opts.trim_silence:
        # Silence is judged against the clip's own loudest moment, which is
        # known only once all of it is read: a first pass measures it.
        silence_dbfs = _silence_level(src, opts, _part(on_progress, 0.0, 0.5))
        on_progress = _part(on_progress, 0.5, 0.5)
    with open_source(
        src,
        rate=OUTPUT_RATE,
        start_s=opts.start_s or 0.0,
        end_s=opts.end_s,
        phone_band=opts.phone_band,
    ) as (info, stream):
        # The format is known before any sample is read: refuse a bad range
        # or a clip too long here, and the decoder is stopped unused.
        start, length = _range(info, opts)
        limit_s = max_duration_s(opts.max_bytes)
        planned = length if length is not None else _remaining(info, start)
        if (
            planned is not None
            and info.duration_exact
            and planned > limit_s + 0.01
            and not (opts.cut_to_fit or opts.trim_silence)
        ):
            raise _too_long(info, planned, opts, trimmed=False)

        collector = PcmCollector(
            max_samples(opts.max_bytes) * 2,
            trim=opts.trim_silence,
            threshold_dbfs=-math.inf if silence_dbfs is None else silence_dbfs,
        )
        progress = Progress(on_progress, (planned or 0.0) * BYTES_PER_SECOND)
        for chunk in stream:
            progress.add(len(chunk))
            if not collector.feed(chunk):
                break
        band_filtered = stream.band_filtered
    if collector.overflow and not opts.cut_to_fit:
        raise _too_long(info, planned, opts, trimmed=opts.trim_silence)
    pcm = collector.finish()
    if not collector.overflow and planned is not None:
        check_complete(info, collector.raw_s, planned)
    if not pcm:
        if collector.raw_bytes and opts.trim_silence:
            raise AudioSilent(silent_reason(info.path, -math.inf))
        raise AudioEmpty(f"{info.path} holds no sound in the chosen range.")

    segment = AudioSegment(data=pcm, sample_width=2, frame_rate=OUTPUT_RATE, channels=1)
    if opts.phone_band and not band_filtered:
        segment = low_pass_filter(high_pass_filter(segment, 300), 3400)
    peak = to_dbfs(segment.max)
    if peak < SILENT_PEAK_DBFS:
        raise AudioSilent(silent_reason(info.path, peak))
    gain = 0.0
    if opts.normalize:
        rms = to_dbfs(segment.rms)
        gain = min(opts.target_rms_dbfs - rms, opts.peak_ceiling_dbfs - peak)
        segment = segment.apply_gain(gain)

    source_sha256 = _sha256(info.path)
    write_wav(segment, out)
    progress.done()
    return _result(out, segment, info, opts, collector, source_sha256, gain, silence_dbfs)


def _silence_level(
    src: str | os.PathLike[str], opts: ConvertOptions, on_progress: ProgressCallback | None
) -> float:
    """The level (dBFS) below which a 10 ms window of the part to convert is
    silence: ``opts.silence_threshold_db`` below its loudest window."""
    with open_source(
        src,
        rate=OUTPUT_RATE,
        start_s=opts.start_s or 0.0,
        end_s=opts.end_s,
        phone_band=opts.phone_band,
    ) as (info, stream):
        start, length = _range(info, opts)
        planned = length if length is not None else _remaining(info, start)
        meter = LevelMeter(1, OUTPUT_RATE, silence_threshold_db=opts.silence_threshold_db)
        progress = Progress(on_progress, (planned or 0.0) * BYTES_PER_SECOND)
        for chunk in stream:
            meter.feed(chunk)
            progress.add(len(chunk))
    meter.finish()
    return meter.silence_threshold_dbfs


def _part(
    on_progress: ProgressCallback | None, offset: float, share: float
) -> ProgressCallback | None:
    """Progress of one pass as a share of the whole conversion's."""
    if on_progress is None:
        return None
    report = on_progress
    return lambda fraction: report(offset + share * fraction)


def _range(info: SourceInfo, opts: ConvertOptions) -> tuple[float, float | None]:
    """Start and length (``None``: to the end) of the part to convert."""
    start = opts.start_s or 0.0
    duration = info.duration_s
    if duration is not None and info.duration_exact and start >= duration:
        raise InvalidAudioOptions(
            f"The start ({format_duration(start)}) is past the end of the clip "
            f"({format_duration(duration)}); choose an earlier start."
        )
    if opts.end_s is None:
        return start, None
    return start, clipped_end(info, opts.end_s) - start


def _remaining(info: SourceInfo, start: float) -> float | None:
    if info.duration_s is None:
        return None
    return max(0.0, info.duration_s - start)


def _too_long(
    info: SourceInfo, planned: float | None, opts: ConvertOptions, *, trimmed: bool
) -> AudioTooLong:
    limit_s = max_duration_s(opts.max_bytes)
    limit = format_duration(limit_s)
    if trimmed:
        length = f"lasts more than {limit} even without its silence"
    elif planned is not None and planned > limit_s:
        length = f"lasts {format_duration(planned)}"
    else:
        length = f"lasts more than {limit}"
    return AudioTooLong(
        f"{info.path} {length}; at most {limit} fits in the gateway's "
        f"{format_bytes(opts.max_bytes)} limit: choose a start and end, or cut it to fit.",
        max_duration_s=limit_s,
        duration_s=planned,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_HASH_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _result(
    out: Path,
    segment: AudioSegment,
    info: SourceInfo,
    opts: ConvertOptions,
    collector: PcmCollector,
    source_sha256: str,
    gain: float,
    silence_dbfs: float | None,
) -> ConversionResult:
    size = out.stat().st_size
    duration = len(segment.raw_data) / BYTES_PER_SECOND
    peak, rms = to_dbfs(segment.max), to_dbfs(segment.rms)
    notes = [
        f"Converted {info.format_label} ({_channels(info.channels)}, {info.sample_rate} Hz) "
        "to WAV PCM 16-bit mono 8000 Hz."
    ]
    if opts.start_s or opts.end_s is not None:
        end = "the end" if opts.end_s is None else format_duration(opts.end_s)
        notes.append(f"Kept the part from {format_duration(opts.start_s or 0.0)} to {end}.")
    if opts.trim_silence:
        level = (
            ""
            if silence_dbfs is None or math.isinf(silence_dbfs)
            else (
                f" (quieter than {silence_dbfs:.1f} dBFS, {-opts.silence_threshold_db:g} dB"
                " under the loudest moment)"
            )
        )
        notes.append(
            f"Trimmed {collector.leading_s:.2f} s of silence at the start and "
            f"{collector.trailing_s:.2f} s at the end{level}."
        )
    if opts.phone_band:
        notes.append("Filtered to the telephone band, 300-3400 Hz.")
    if collector.overflow:
        notes.append(f"Cut to {format_duration(duration)} to fit {format_bytes(opts.max_bytes)}.")
    if opts.normalize:
        limited = opts.peak_ceiling_dbfs - peak < 0.05 and rms < opts.target_rms_dbfs - 0.05
        reached = " (held back by the peak ceiling)" if limited else ""
        notes.append(
            f"Normalised by {gain:+.1f} dB to RMS {rms:.1f} dBFS{reached}, peak {peak:.1f} dBFS."
        )
    notes.append(f"Wrote {out}: {format_duration(duration)}, {size:,} bytes.")
    return ConversionResult(
        path=out,
        size_bytes=size,
        duration_s=duration,
        source_sha256=source_sha256,
        sha256=_sha256(out),
        peak_dbfs=peak,
        rms_dbfs=rms,
        gain_db=gain,
        trimmed_start_s=collector.leading_s,
        trimmed_end_s=collector.trailing_s,
        silence_dbfs=None if silence_dbfs is None or math.isinf(silence_dbfs) else silence_dbfs,
        was_cut=collector.overflow,
        phone_band=opts.phone_band,
        notes=tuple(notes),
    )


def _channels(count: int) -> str:
    return {1: "mono", 2: "stereo"}.get(count, f"{count} channels")
