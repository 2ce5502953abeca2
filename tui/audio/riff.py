"""Reading a WAV file's header.

Hand-written on purpose: Python 3.11's ``wave`` module refuses
WAVE_FORMAT_EXTENSIBLE and cannot tell float WAV from integer WAV (pydub's own
reader then decodes float samples as integers without a word). Knowing the real
format decides whether a WAV can be read without ffmpeg and whether it is what
the gateway takes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tui.audio.errors import AudioDecodeError

WAVE_FORMAT_PCM = 0x0001
WAVE_FORMAT_IEEE_FLOAT = 0x0003
WAVE_FORMAT_ALAW = 0x0006
WAVE_FORMAT_MULAW = 0x0007
WAVE_FORMAT_EXTENSIBLE = 0xFFFE

_UNKNOWN_SIZES = (0, 0xFFFFFFFF)


@dataclass(frozen=True, slots=True)
class WavHeader:
    #: The sample format; for WAVE_FORMAT_EXTENSIBLE, its sub-format.
    format_tag: int
    extensible: bool
    channels: int
    sample_rate: int
    bits_per_sample: int
    block_align: int
    #: Where the sound starts (44 in a plain WAV).
    data_offset: int
    #: Bytes of sound present in the file.
    data_bytes: int
    #: Bytes of sound the header announces (None when it leaves the size open).
    declared_bytes: int | None
    #: Chunk identifiers in file order.
    chunks: tuple[str, ...]

    @property
    def is_integer_pcm(self) -> bool:
        return (
            self.format_tag == WAVE_FORMAT_PCM
            and self.bits_per_sample in (8, 16, 24, 32)
            and self.block_align == self.channels * self.bits_per_sample // 8
        )

    @property
    def sample_width(self) -> int:
        return self.bits_per_sample // 8

    @property
    def frames(self) -> int:
        return self.data_bytes // self.block_align if self.block_align else 0

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate

    @property
    def missing_bytes(self) -> int:
        if self.declared_bytes is None:
            return 0
        return max(0, self.declared_bytes - self.data_bytes)

    @property
    def codec(self) -> str:
        """ffmpeg's name for the sample format, e.g. ``pcm_s16le``."""
        bits = self.bits_per_sample
        if self.format_tag == WAVE_FORMAT_PCM:
            return "pcm_u8" if bits == 8 else f"pcm_s{bits}le"
        if self.format_tag == WAVE_FORMAT_IEEE_FLOAT:
            return f"pcm_f{bits}le"
        if self.format_tag == WAVE_FORMAT_ALAW:
            return "pcm_alaw"
        if self.format_tag == WAVE_FORMAT_MULAW:
            return "pcm_mulaw"
        return f"wav format 0x{self.format_tag:04x}"

    @property
    def is_plain(self) -> bool:
        """A bare 44-byte header: ``fmt `` then ``data``, nothing else."""
        return (
            not self.extensible
            and self.data_offset == 44
            and self.chunks == ("fmt ", "data")
            and self.declared_bytes is not None
        )


def read_wav_header(path: Path) -> WavHeader | None:
    """The header of a RIFF/WAVE file; ``None`` when the file is not one."""
    with path.open("rb") as f:
        magic = f.read(12)
        if len(magic) < 12 or magic[:4] != b"RIFF" or magic[8:12] != b"WAVE":
            return None
        size = path.stat().st_size
        return _read_chunks(f, size, str(path))


def _read_chunks(f: BinaryIO, file_size: int, name: str) -> WavHeader:
    fmt: bytes | None = None
    data_offset = data_bytes = 0
    declared: int | None = None
    chunks: list[str] = []
    pos = 12
    while pos + 8 <= file_size:
        f.seek(pos)
        head = f.read(8)
        if len(head) < 8:
            break
        chunk_id = head[:4].decode("latin-1")
        (chunk_size,) = struct.unpack("<I", head[4:])
        chunks.append(chunk_id)
        body = pos + 8
        if chunk_id == "fmt ":
            fmt = f.read(min(chunk_size, 64))
        elif chunk_id == "data":
            data_offset = body
            present = file_size - body
            if chunk_size in _UNKNOWN_SIZES:
                data_bytes, declared = present, None
                break
            data_bytes, declared = min(chunk_size, present), chunk_size
        pos = body + chunk_size + (chunk_size & 1)
    if fmt is None or len(fmt) < 16:
        raise AudioDecodeError(f"{name} is a damaged WAV file (its format header is missing).")
    if "data" not in chunks:
        raise AudioDecodeError(f"{name} is a damaged WAV file (it has no sound data chunk).")
    tag, channels, rate, _byte_rate, block_align, bits = struct.unpack("<HHIIHH", fmt[:16])
    extensible = tag == WAVE_FORMAT_EXTENSIBLE
    if extensible:
        if len(fmt) < 26:
            raise AudioDecodeError(f"{name} is a damaged WAV file (its format header is cut).")
        (tag,) = struct.unpack("<H", fmt[24:26])
    if channels < 1 or rate < 1 or bits < 1 or block_align < 1:
        raise AudioDecodeError(
            f"{name} is a damaged WAV file ({channels} channels, {rate} Hz, {bits} bits)."
        )
    return WavHeader(
        format_tag=tag,
        extensible=extensible,
        channels=channels,
        sample_rate=rate,
        bits_per_sample=bits,
        block_align=block_align,
        data_offset=data_offset,
        data_bytes=data_bytes - data_bytes % block_align,
        declared_bytes=declared,
        chunks=tuple(chunks),
    )
