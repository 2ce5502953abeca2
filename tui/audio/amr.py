"""AMR storage files (RFC 4867, section 5): their length from the frame count.

ffmpeg's AMR decoders give no samples for the silence frames (SID and NO_DATA)
a recorder writes during pauses, and the container's length is only estimated
from the bitrate. Each frame, of any kind, lasts 20 ms: counting them gives the
recording's true length, and the decoder's gaps are filled with silence (see
:func:`tui.audio.decode.timeline_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FRAME_S = 0.02
_MAGIC_NB = b"#!AMR\n"
_MAGIC_WB = b"#!AMR-WB\n"
#: Payload bytes after the one-byte header, by frame type (0-15).
_NB_SIZES = (12, 13, 15, 17, 19, 20, 26, 31, 5, 6, 5, 5, 0, 0, 0, 0)
_WB_SIZES = (17, 23, 32, 36, 40, 46, 50, 58, 60, 5, 0, 0, 0, 0, 0, 0)
#: AMR files are small (12.2 kb/s); anything beyond this is not read whole.
_MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class AmrHeader:
    codec: str
    sample_rate: int
    frames: int

    @property
    def duration_s(self) -> float:
        return self.frames * FRAME_S


def read_amr_header(path: Path) -> AmrHeader | None:
    """The codec, rate and frame count of a single-channel AMR storage file;
    ``None`` for anything else (ffmpeg then reads it)."""
    with path.open("rb") as f:
        head = f.read(len(_MAGIC_WB))
        if head.startswith(_MAGIC_NB):
            codec, rate, sizes, offset = "amr_nb", 8000, _NB_SIZES, len(_MAGIC_NB)
        elif head == _MAGIC_WB:
            codec, rate, sizes, offset = "amr_wb", 16000, _WB_SIZES, len(_MAGIC_WB)
        else:
            return None
        f.seek(offset)
        data = f.read(_MAX_BYTES)
    frames = 0
    i, end = 0, len(data)
    while i < end:
        size = 1 + sizes[(data[i] >> 3) & 0x0F]
        if i + size > end:
            break  # a cut-off last frame
        frames += 1
        i += size
    return AmrHeader(codec, rate, frames)
