"""Errors of the audio pipeline. Each carries one sentence (``reason``) saying
what is wrong and what to do; nothing is written when one is raised."""

from __future__ import annotations


class AudioError(Exception):
    """Base of everything the audio pipeline raises."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


class AudioFileError(AudioError):
    """The input path cannot be used: missing, a folder, unreadable or empty."""


class AudioNotFound(AudioFileError):
    pass


class AudioNotAFile(AudioFileError):
    pass


class AudioUnreadable(AudioFileError):
    pass


class AudioEmpty(AudioFileError):
    """The file has no bytes, or a valid header and no sound."""


class AudioDecodeError(AudioError):
    """The file is not audio, is damaged, or could not be decoded."""


class AudioTruncated(AudioDecodeError):
    """The file ends before the length its header announces."""


class AudioSilent(AudioError):
    """The clip holds no audible sound (or none is left after trimming)."""


class AudioTooLong(AudioError):
    """The result would exceed the gateway's size limit."""

    def __init__(self, reason: str, *, max_duration_s: float, duration_s: float | None) -> None:
        super().__init__(reason)
        self.max_duration_s = max_duration_s
        self.duration_s = duration_s


class FfmpegMissing(AudioError):
    """ffmpeg (or a decoder it lacks) is needed for this file."""


class InvalidAudioOptions(AudioError):
    """Conversion options that cannot be applied (bad range, level targets...)."""


class AudioWriteError(AudioError):
    """The output file cannot be written."""


class AudioOutputExists(AudioWriteError):
    """The output file exists and replacing it was not allowed."""

    def __init__(self, reason: str, *, path: str) -> None:
        super().__init__(reason)
        self.path = path
