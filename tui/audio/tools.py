"""Finding ffmpeg and turning its error output into one readable line."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess

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


@functools.lru_cache(maxsize=8)
def has_soxr(exe: str) -> bool:
    """Whether this ffmpeg was built with libsoxr (``aresample=resampler=soxr``)."""
    try:
        proc = subprocess.run(
            [exe, "-hide_banner", "-version"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return b"--enable-libsoxr" in proc.stdout


#: swresample's options for a long, steep anti-alias filter, for builds without
#: soxr: 256 taps per phase, passband to 95% of the new Nyquist frequency.
LONG_FILTER = "filter_size=256:phase_shift=10:cutoff=0.95"


def resample_filter(exe: str, rate: int | None, *, fill_gaps: bool = False) -> str:
    """ffmpeg's ``aresample`` filter: to ``rate`` (``None`` keeps the source's)
    with a steep anti-alias filter, and the level of a downmix kept.

    soxr (where the build has it) or a long swresample filter: ffmpeg's default
    filter lets a 4.1 kHz tone fold back to 3.9 kHz at about -40 dB; soxr
    leaves nothing measurable there. ``rematrix_maxval=1`` keeps the level of
    a downmix from float sources (without it identical stereo channels come out
    3 dB louder). ``fill_gaps`` puts silence where the decoder gave no samples
    for a stretch of time (AMR's silence frames), so pauses keep their length.
    """
    options = []
    if rate:
        options.append(str(rate))
        options.append("resampler=soxr" if has_soxr(exe) else LONG_FILTER)
    options.append("rematrix_maxval=1.0")
    if fill_gaps:
        options += ["async=1", "min_hard_comp=0.001", "first_pts=0"]
    return "aresample=" + ":".join(options)
