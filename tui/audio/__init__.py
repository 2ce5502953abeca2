"""The audio pipeline: analysis of any clip and conversion to the WAV the
gateway takes (PCM s16le, mono, 8000 Hz, plain 44-byte header, at most 5 MB).

ffmpeg (the system's, or imageio-ffmpeg's) decodes and resamples as a stream;
pydub holds and processes the 8 kHz result. No Textual here.
"""

from __future__ import annotations

from tui.audio.analysis import DEFAULT_ENVELOPE_POINTS, AudioAnalysis, analyze
from tui.audio.convert import convert
from tui.audio.errors import (
    AudioDecodeError,
    AudioEmpty,
    AudioError,
    AudioFileError,
    AudioNotAFile,
    AudioNotFound,
    AudioOutputExists,
    AudioSilent,
    AudioTooLong,
    AudioTruncated,
    AudioUnreadable,
    AudioWriteError,
    FfmpegMissing,
    InvalidAudioOptions,
)
from tui.audio.options import ConversionResult, ConvertOptions
from tui.audio.probe import SourceInfo, probe
from tui.audio.progress import ProgressCallback
from tui.audio.readiness import GatewayProblem, check_gateway_ready, gateway_problems
from tui.audio.tools import find_ffmpeg
from tui.audio.units import format_bytes, format_duration, max_duration_s, wav_bytes

__all__ = [
    "DEFAULT_ENVELOPE_POINTS",
    "AudioAnalysis",
    "AudioDecodeError",
    "AudioEmpty",
    "AudioError",
    "AudioFileError",
    "AudioNotAFile",
    "AudioNotFound",
    "AudioOutputExists",
    "AudioSilent",
    "AudioTooLong",
    "AudioTruncated",
    "AudioUnreadable",
    "AudioWriteError",
    "ConversionResult",
    "ConvertOptions",
    "FfmpegMissing",
    "GatewayProblem",
    "InvalidAudioOptions",
    "ProgressCallback",
    "SourceInfo",
    "analyze",
    "check_gateway_ready",
    "convert",
    "find_ffmpeg",
    "format_bytes",
    "format_duration",
    "gateway_problems",
    "max_duration_s",
    "probe",
    "wav_bytes",
]
