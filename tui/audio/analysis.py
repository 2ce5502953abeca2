"""Analysis of a clip before conversion: format, length, levels, clipping,
silence, the size of the converted WAV, and whether it is gateway-ready."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from tui.audio.decode import open_pcm
from tui.audio.errors import AudioEmpty, AudioSilent, AudioTruncated
from tui.audio.meter import LevelMeter
from tui.audio.options import ConvertOptions
from tui.audio.probe import SourceInfo, probe
from tui.audio.progress import Progress, ProgressCallback
from tui.audio.readiness import GatewayProblem, problems_of
from tui.audio.units import (
    SILENCE_THRESHOLD_DB,
    SILENT_PEAK_DBFS,
    format_duration,
    max_duration_s,
    wav_bytes,
)
from tui.gateway.codes import AUDIO_MAX_BYTES

DEFAULT_ENVELOPE_POINTS = 120


@dataclass(frozen=True, slots=True)
class AudioAnalysis:
    path: Path
    file_bytes: int
    container: str
    codec: str
    #: ``MP3``, ``AAC (M4A/MP4)``, ``WAV pcm_f32le`` ...
    format_label: str
    channels: int
    sample_rate: int
    bits_per_sample: int | None
    duration_s: float
    peak_dbfs: float
    rms_dbfs: float
    #: Samples (of all channels) in runs of 3 or more at or above -1 dBFS
    #: (clipping, also after lossy encoding), and how many samples in all.
    clipped_samples: int
    total_samples: int
    #: Silence at the ends: 10 ms windows more than ``silence_threshold_db``
    #: under the loudest one, i.e. quieter than ``silence_dbfs``.
    leading_silence_s: float
    trailing_silence_s: float
    silence_threshold_db: float
    silence_dbfs: float
    #: RMS level per slice of the clip as a fraction of full scale (0..1).
    envelope: tuple[float, ...]
    #: What the gateway would reject in the file as it is.
    problems: tuple[GatewayProblem, ...]

    @property
    def clipped_percent(self) -> float:
        return 100.0 * self.clipped_samples / self.total_samples if self.total_samples else 0.0

    @property
    def output_bytes(self) -> int:
        """The size of the gateway-ready WAV of the whole clip."""
        return wav_bytes(self.duration_s)

    @property
    def fits(self) -> bool:
        return self.output_bytes <= AUDIO_MAX_BYTES

    @property
    def max_duration_s(self) -> float:
        """The longest clip that fits the gateway's 5 MB."""
        return max_duration_s()

    @property
    def ready(self) -> bool:
        """The file can be uploaded as it is."""
        return not self.problems


def analyze(
    path: str | os.PathLike[str],
    *,
    envelope_points: int = DEFAULT_ENVELOPE_POINTS,
    on_progress: ProgressCallback | None = None,
    silence_threshold_db: float = SILENCE_THRESHOLD_DB,
) -> AudioAnalysis:
    """Decode ``path`` once (streaming) and measure it.

    Raises an ``AudioError`` subclass for a missing, unreadable, empty,
    damaged, truncated or silent file, or when ffmpeg is needed and missing.
    """
    ConvertOptions(silence_threshold_db=silence_threshold_db).validate()
    info = probe(path)
    with open_pcm(info, rate=None, mono=False) as stream:
        meter = LevelMeter(stream.channels, stream.rate, silence_threshold_db=silence_threshold_db)
        expected = (info.duration_s or 0.0) * stream.rate * stream.channels * 2
        progress = Progress(on_progress, expected)
        for chunk in stream:
            meter.feed(chunk)
            progress.add(len(chunk))
    meter.finish()
    if meter.frames == 0:
        raise AudioEmpty(f"{info.path} holds no sound (nothing could be decoded from it).")
    check_complete(info, meter.duration_s)
    if meter.peak_dbfs < SILENT_PEAK_DBFS:
        raise AudioSilent(silent_reason(info.path, meter.peak_dbfs))
    progress.done()
    return AudioAnalysis(
        path=info.path,
        file_bytes=info.file_bytes,
        container=info.container,
        codec=info.codec,
        format_label=info.format_label,
        channels=info.channels or stream.channels,
        sample_rate=info.sample_rate or stream.rate,
        bits_per_sample=info.bits_per_sample,
        duration_s=meter.duration_s,
        peak_dbfs=meter.peak_dbfs,
        rms_dbfs=meter.rms_dbfs,
        clipped_samples=meter.clipped,
        total_samples=meter.frames * stream.channels,
        leading_silence_s=meter.leading_silence_s,
        trailing_silence_s=meter.trailing_silence_s,
        silence_threshold_db=silence_threshold_db,
        silence_dbfs=meter.silence_threshold_dbfs,
        envelope=meter.envelope(envelope_points),
        problems=tuple(problems_of(info)),
    )


def silent_reason(path: Path, peak_dbfs: float) -> str:
    level = "no sound at all" if math.isinf(peak_dbfs) else f"peak {peak_dbfs:.1f} dBFS"
    return f"{path} is silent ({level}); choose a recording with sound."


def check_complete(info: SourceInfo, decoded_s: float, expected_s: float | None = None) -> None:
    """Raise :class:`AudioTruncated` when far less sound was decoded than the
    header announces (a cut-off download, for instance)."""
    if not info.duration_exact or info.duration_s is None:
        return
    expected = info.duration_s if expected_s is None else expected_s
    if decoded_s < expected - max(0.5, 0.02 * expected):
        raise AudioTruncated(
            f"{info.path} is truncated: its header announces {format_duration(expected)} "
            f"of sound but only {format_duration(decoded_s)} could be decoded; "
            "copy or export it again."
        )
