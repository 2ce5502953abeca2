"""The file names a recording may have: every format this machine's ffmpeg reads.

ffmpeg lists its demuxers (``ffmpeg -demuxers``); their names are mostly the
files' extensions (``mov,mp4,m4a,3gp,3g2,mj2``, ``mp3``, ``wav``...). The list is
read once, and completed with the extensions whose demuxer has another name
(``mkv`` is read by ``matroska``, ``wma`` by ``asf``...). Without ffmpeg, the
common audio and video extensions are used.
"""

from __future__ import annotations

import functools
import re
import subprocess

from tui.audio.tools import find_ffmpeg

#: Extensions whose demuxer has another name, and the usual ones without ffmpeg.
COMMON = frozenset(
    (
        ".wav .mp3 .m4a .aac .mp4 .ogg .oga .opus .flac .wma .amr .3gp .webm .aif .aiff"
        " .aifc .mkv .mka .mov .avi .wmv .asf .m4b .m4v .caf .ac3 .mp2 .mpg .mpeg .ts"
        " .flv .au .snd .wv .ape .spx .3g2 .gsm .w64 .voc .mts .m2ts .vob"
    ).split()
)
_DEMUXER = re.compile(r"^\s*D\S*\s+(\S+)", re.MULTILINE)


@functools.cache
def readable_suffixes() -> frozenset[str]:
    """Lower-case extensions, with their dot, of the files ffmpeg can read."""
    exe = find_ffmpeg()
    if exe is None:
        return COMMON
    try:
        done = subprocess.run(
            [exe, "-hide_banner", "-demuxers"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return COMMON
    names = {
        f".{name.lower()}"
        for match in _DEMUXER.finditer(done.stdout)
        for name in match[1].split(",")
        if name.isalnum() and len(name) <= 5
    }
    return frozenset(names | COMMON)
