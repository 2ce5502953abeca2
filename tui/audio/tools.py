"""Finding ffmpeg and turning its error output into one readable line."""

from __future__ import annotations

import os
import re
import shutil

from tui.audio.errors import FfmpegMissing

INSTALL_HINT = (
    "install ffmpeg (for example `sudo apt install ffmpeg`) "
    "or the Python package imageio-ffmpeg (`pip install imageio-ffmpeg`)"
)

# Lines ffmpeg prints that never explain a failure.
_NOISE = (
    "at least one output file must be specified",
    "conversion failed!",
    "exiting normally",
    "error opening output file",
    "error opening output files",
)
_CONTEXT_PREFIX = re.compile(r"^\[[^\]]*@ 0x[0-9a-f]+\]\s*")


def find_ffmpeg() -> str | None:
    """The ffmpeg to use: the system's, else the binary of imageio-ffmpeg."""
    system = shutil.which("ffmpeg")
    if system:
        return system
    try:
        import imageio_ffmpeg

        exe: str = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError, OSError):
        return None
    if not exe:
        return None
    # IMAGEIO_FFMPEG_EXE is returned by imageio-ffmpeg without any check.
    if not os.path.isabs(exe):
        return shutil.which(exe)
    return exe if os.access(exe, os.X_OK) else None


def require_ffmpeg(what: str) -> str:
    """ffmpeg's path, or :class:`FfmpegMissing` naming what needed it."""
    exe = find_ffmpeg()
    if exe is None:
        raise FfmpegMissing(f"Reading {what} needs ffmpeg, which was not found: {INSTALL_HINT}.")
    return exe


def ffmpeg_reason(stderr: str, path: str | None = None) -> str:
    """ffmpeg's last line that says why it failed, without banner, path or
    ``[decoder @ 0x...]`` prefixes; empty when there is none."""
    for raw in reversed(stderr.splitlines()):
        line = raw.strip()
        if not line or line.lower().startswith(_NOISE):
            continue
        line = _CONTEXT_PREFIX.sub("", line)
        if path:
            for prefix in (f"file:{path}: ", f"{path}: "):
                if line.startswith(prefix):
                    line = line[len(prefix) :]
        line = line.rstrip(".")
        return line[:200]
    return ""
