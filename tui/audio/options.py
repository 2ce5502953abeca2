"""Conversion options and the result of a conversion."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tui.audio.errors import InvalidAudioOptions
from tui.audio.units import SILENCE_THRESHOLD_DB, SILENCE_THRESHOLD_RANGE, WAV_HEADER_BYTES
from tui.gateway.codes import AUDIO_MAX_BYTES


@dataclass(frozen=True, slots=True)
class ConvertOptions:
    #: Bring the loudness (RMS) to ``target_rms_dbfs``, never letting the peak
    #: exceed ``peak_ceiling_dbfs``.
    normalize: bool = False
    target_rms_dbfs: float = -20.0
    peak_ceiling_dbfs: float = -1.0
    #: Remove leading and trailing stretches whose level is more than
    #: ``silence_threshold_db`` dB (negative) below the loudest 10 ms of the clip.
    trim_silence: bool = False
    silence_threshold_db: float = SILENCE_THRESHOLD_DB
    #: Keep only the telephone band, 300-3400 Hz.
    phone_band: bool = False
    #: Keep only this range of the source, in seconds.
    start_s: float | None = None
    end_s: float | None = None
    #: Cut a clip too long for ``max_bytes`` instead of refusing it.
    cut_to_fit: bool = False
    max_bytes: int = AUDIO_MAX_BYTES
    #: Replace an existing output file (never the input itself).
    replace: bool = False

    def validate(self) -> None:
        """Raise :class:`InvalidAudioOptions` for values that make no sense."""
        if self.start_s is not None and self.start_s < 0:
            raise InvalidAudioOptions(f"The start ({self.start_s:g} s) must be 0 or more.")
        if self.end_s is not None and self.end_s <= (self.start_s or 0.0):
            raise InvalidAudioOptions(
                f"The end ({self.end_s:g} s) must come after the start ({self.start_s or 0.0:g} s)."
            )
        if not -60.0 <= self.target_rms_dbfs <= -3.0:
            raise InvalidAudioOptions(
                f"The loudness target ({self.target_rms_dbfs:g} dBFS) must be between "
                "-60 and -3 dBFS; -20 suits speech."
            )
        if not -30.0 <= self.peak_ceiling_dbfs <= 0.0:
            raise InvalidAudioOptions(
                f"The peak ceiling ({self.peak_ceiling_dbfs:g} dBFS) must be between "
                "-30 and 0 dBFS."
            )
        low, high = SILENCE_THRESHOLD_RANGE
        if not low <= self.silence_threshold_db <= high:
            raise InvalidAudioOptions(
                f"The silence threshold ({self.silence_threshold_db:g} dB) must be between "
                f"{low:g} and {high:g} dB (below the loudest moment of the recording); "
                f"{SILENCE_THRESHOLD_DB:g} suits speech."
            )
        if self.max_bytes <= WAV_HEADER_BYTES:
            raise InvalidAudioOptions(f"The size limit ({self.max_bytes} bytes) is too small.")


@dataclass(frozen=True, slots=True)
class ConversionResult:
    path: Path
    size_bytes: int
    duration_s: float
    #: SHA-256 (hex) of the source file and of the written WAV.
    source_sha256: str
    sha256: str
    peak_dbfs: float
    rms_dbfs: float
    #: Gain applied by normalisation (0 when not asked).
    gain_db: float
    trimmed_start_s: float
    trimmed_end_s: float
    #: The level (dBFS) below which the trimmed ends counted as silence
    #: (``None`` when not trimming).
    silence_dbfs: float | None
    #: Whether the clip was cut to fit the size limit.
    was_cut: bool
    phone_band: bool
    #: What was done, one sentence each, for display.
    notes: tuple[str, ...]
