"""What an input file is: checks on the path, then its format from the WAV
header or from ``ffmpeg -i`` (no ffprobe needed)."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tui.audio.amr import AmrHeader, read_amr_header
from tui.audio.errors import (
    AudioDecodeError,
    AudioEmpty,
    AudioNotAFile,
    AudioNotFound,
    AudioTruncated,
    AudioUnreadable,
    FfmpegMissing,
)
from tui.audio.riff import WavHeader, read_wav_header
from tui.audio.tools import INSTALL_HINT, ffmpeg_reason, find_ffmpeg
from tui.audio.units import format_duration

PROBE_TIMEOUT_S = 60.0
#: A WAV missing less sound than this is accepted as whole (writers round sizes).
_TRUNCATION_TOLERANCE_S = 0.05

_LAYOUT_CHANNELS = {
    "mono": 1,
    "stereo": 2,
    "downmix": 2,
    "quad": 4,
    "hexagonal": 6,
    "octagonal": 8,
    "hexadecagonal": 16,
}
_INPUT = re.compile(r"^Input #0, (?P<container>.+?), from ", re.M)
_DURATION = re.compile(r"Duration: (?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d(?:\.\d+)?)")
_AUDIO = re.compile(r"^\s*Stream #0:\d+\S*: Audio: (?P<desc>.+)$", re.M)
_RATE = re.compile(r"(\d+) Hz")
#: A picture track, not cover art (``(attached pic)``) nor a still image.
_VIDEO = re.compile(r"^\s*Stream #0:\d+\S*: Video: (?!.*\(attached pic\)).*$", re.M)
_NEXT_STREAM = re.compile(r"^\s*Stream #0:", re.M)
_STREAM_DURATION = re.compile(
    r"^\s*DURATION\s*: (?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d(?:\.\d+)?)", re.M
)
_DOTTED = re.compile(r"^(\d+)\.(\d+)")
_N_CHANNELS = re.compile(r"^(\d+) channels")
_SAMPLE_BITS = {"u8": 8, "s16": 16, "s32": 32, "s64": 64, "flt": 32, "dbl": 64}
_LOSSLESS = ("pcm_", "flac", "alac", "wavpack", "ape", "tta")


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """An input file's format, as far as its header tells."""

    path: Path
    file_bytes: int
    #: ffmpeg's demuxer name, e.g. ``wav``, ``mp3``, ``ogg``, ``mov,mp4,m4a,...``.
    container: str
    #: ffmpeg's codec name, e.g. ``pcm_s16le``, ``pcm_f32le``, ``mp3``, ``aac``.
    codec: str
    channels: int
    sample_rate: int
    #: Bits per sample for PCM and lossless codecs; ``None`` for lossy ones.
    bits_per_sample: int | None
    #: Length from the header; ``None`` when unknown.
    duration_s: float | None
    #: False when ffmpeg only estimated the length from the bitrate.
    duration_exact: bool
    #: Set for RIFF/WAVE files.
    wav: WavHeader | None = None

    @property
    def reads_without_ffmpeg(self) -> bool:
        """Integer PCM WAV is read directly, without ffmpeg."""
        return self.wav is not None and self.wav.is_integer_pcm

    @property
    def format_label(self) -> str:
        """``MP3``, ``AAC (M4A/MP4)``, ``Vorbis (Ogg)``, ``WAV pcm_f32le`` ..."""
        if self.wav is not None:
            return f"WAV {self.codec}"
        codec = _CODEC_NAMES.get(self.codec, self.codec)
        container = self.container.split(",")[0]
        if container in (self.codec, "amr"):
            return codec
        return f"{codec} ({_CONTAINER_NAMES.get(container, container)})"


_CODEC_NAMES = {
    "mp3": "MP3",
    "aac": "AAC",
    "vorbis": "Vorbis",
    "opus": "Opus",
    "flac": "FLAC",
    "alac": "ALAC",
    "amr_nb": "AMR",
    "amr_wb": "AMR-WB",
    "wmav2": "WMA",
}
_CONTAINER_NAMES = {
    "mov": "M4A/MP4",
    "ogg": "Ogg",
    "matroska": "Matroska/WebM",
    "flac": "FLAC",
    "mp3": "MP3",
    "asf": "ASF",
    "amr": "AMR",
}


def check_source_path(path: Path) -> int:
    """The file's size; raises a clear error for a missing, unreadable, empty
    file or a folder."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise AudioNotFound(f"{path} does not exist; check the file name and folder.") from None
    except NotADirectoryError:
        raise AudioNotFound(f"{path} does not exist (a part of the path is a file).") from None
    except PermissionError:
        raise AudioUnreadable(
            f"{path} cannot be read (permission denied); check the file's permissions."
        ) from None
    except OSError as exc:
        raise AudioUnreadable(f"{path} cannot be read ({exc.strerror}).") from None
    if stat.S_ISDIR(st.st_mode):
        raise AudioNotAFile(f"{path} is a folder, not an audio file; choose a file inside it.")
    if not stat.S_ISREG(st.st_mode):
        raise AudioNotAFile(f"{path} is not a regular file; choose an audio file.")
    try:
        with path.open("rb"):
            pass
    except PermissionError:
        raise AudioUnreadable(
            f"{path} cannot be read (permission denied); check the file's permissions."
        ) from None
    except OSError as exc:
        raise AudioUnreadable(f"{path} cannot be read ({exc.strerror}).") from None
    if st.st_size == 0:
        raise AudioEmpty(f"{path} is empty (0 bytes); choose a recording that holds sound.")
    return st.st_size


def probe(path: str | os.PathLike[str]) -> SourceInfo:
    """Check ``path`` and read its format. Raises an ``AudioError`` subclass."""
    p, size, info = probe_header(path)
    if info is not None:
        return info
    return _ffmpeg_info(p, size, ffmpeg_for(p))


def probe_header(path: str | os.PathLike[str]) -> tuple[Path, int, SourceInfo | None]:
    """The checks and format reading that need no ffmpeg: the path, the file's
    size and, for RIFF/WAVE files, their format (``None``: ffmpeg must tell)."""
    p = Path(path).expanduser()
    size = check_source_path(p)
    wav = read_wav_header(p)
    if wav is not None:
        return p, size, _wav_info(p, size, wav)
    amr = read_amr_header(p)
    if amr is not None and amr.frames:
        return p, size, _amr_info(p, size, amr)
    return p, size, None


def _amr_info(path: Path, size: int, amr: AmrHeader) -> SourceInfo:
    return SourceInfo(
        path=path,
        file_bytes=size,
        container="amr",
        codec=amr.codec,
        channels=1,
        sample_rate=amr.sample_rate,
        bits_per_sample=None,
        duration_s=amr.duration_s,
        duration_exact=True,
    )


def ffmpeg_for(path: Path) -> str:
    """The ffmpeg that reads ``path``, or :class:`FfmpegMissing` naming its kind."""
    exe = find_ffmpeg()
    if exe is None:
        raise FfmpegMissing(
            f"Reading {_sniff(path)} needs ffmpeg, which was not found: {INSTALL_HINT}."
        )
    return exe


def _wav_info(path: Path, size: int, wav: WavHeader) -> SourceInfo:
    if wav.data_bytes == 0:
        raise AudioEmpty(f"{path} holds no sound (its WAV data is empty).")
    byte_rate = wav.sample_rate * wav.block_align
    if wav.missing_bytes > _TRUNCATION_TOLERANCE_S * byte_rate:
        announced = (wav.declared_bytes or 0) / byte_rate
        raise AudioTruncated(
            f"{path} is truncated: its header announces {format_duration(announced)} of sound "
            f"but the file holds only {format_duration(wav.duration_s)}; copy or export it again."
        )
    return SourceInfo(
        path=path,
        file_bytes=size,
        container="wav",
        codec=wav.codec,
        channels=wav.channels,
        sample_rate=wav.sample_rate,
        bits_per_sample=wav.bits_per_sample,
        duration_s=wav.duration_s,
        duration_exact=True,
        wav=wav,
    )


def ffmpeg_input(path: Path) -> str:
    """The ``-i`` argument for a local file: the ``file:`` prefix stops ffmpeg
    from reading names like ``http:...`` or ``-`` as protocols or stdin."""
    return f"file:{path.resolve()}"


def _ffmpeg_info(path: Path, size: int, exe: str) -> SourceInfo:
    try:
        proc = subprocess.run(
            [exe, "-hide_banner", "-nostdin", "-i", ffmpeg_input(path)],
            capture_output=True,
            timeout=PROBE_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise AudioDecodeError(f"{path} could not be read: ffmpeg took too long.") from None
    except OSError as exc:
        raise FfmpegMissing(f"ffmpeg at {exe} could not be started ({exc.strerror}).") from None
    return parse_ffmpeg_info(path, size, exe, proc.stderr.decode("utf-8", "replace"))


def parse_ffmpeg_info(path: Path, size: int, exe: str, text: str) -> SourceInfo:
    """The format from what ffmpeg prints about its input (up to its first
    ``Output`` or ``Stream mapping`` line), or the error saying why there is none."""
    head = _INPUT.search(text)
    if head is None:
        reason = ffmpeg_reason(text, str(path.resolve())) or "no details"
        raise AudioDecodeError(
            f"{path} is not audio or is damaged (ffmpeg: {reason}); choose another file."
        )
    container = head["container"]
    stream = _AUDIO.search(text, head.end())
    if stream is None:
        raise AudioDecodeError(
            f"{path} holds no audio (ffmpeg finds only {container.split(',')[0]} data); "
            "choose an audio file."
        )
    codec, rate, channels, bits = _parse_stream(stream["desc"])
    if codec == "none":
        raise FfmpegMissing(
            f"The ffmpeg at {exe} cannot decode the audio in {path}: install a full ffmpeg "
            "build (for example `sudo apt install ffmpeg`)."
        )
    duration = _DURATION.search(text, head.end())
    seconds = None
    if duration is not None:
        seconds = int(duration["h"]) * 3600 + int(duration["m"]) * 60 + float(duration["s"])
    exact = "estimating duration from bitrate" not in text.lower()
    if _VIDEO.search(text, head.end()) is not None:
        # The container's length is its longest stream's: a video track may
        # run on after the sound ends, so the sound's own length is needed.
        seconds = _stream_duration(text, stream) or audio_stream_duration(exe, path)
        exact = seconds is not None
    return SourceInfo(
        path=path,
        file_bytes=size,
        container=container,
        codec=codec,
        channels=channels,
        sample_rate=rate,
        bits_per_sample=bits,
        duration_s=seconds,
        duration_exact=exact,
    )


def _stream_duration(text: str, stream: re.Match[str]) -> float | None:
    """The ``DURATION`` tag in the audio stream's metadata (Matroska/WebM)."""
    following = _NEXT_STREAM.search(text, stream.end())
    block = text[stream.end() : following.start() if following else len(text)]
    tag = _STREAM_DURATION.search(block)
    if tag is None:
        return None
    return int(tag["h"]) * 3600 + int(tag["m"]) * 60 + float(tag["s"])


def audio_stream_duration(exe: str, path: Path) -> float | None:
    """The first audio stream's length from ffprobe (installed next to ffmpeg
    by every system package; not by imageio-ffmpeg), or ``None``."""
    sibling = Path(exe).with_name("ffprobe")
    ffprobe = str(sibling) if sibling.is_file() else shutil.which("ffprobe")
    if ffprobe is None:
        return None
    try:
        proc = subprocess.run(
            [ffprobe, "-v", "error", "-select_streams", "a:0", "-show_entries",
             "stream=duration", "-of", "csv=p=0", ffmpeg_input(path)],
            capture_output=True, timeout=PROBE_TIMEOUT_S, check=False, text=True,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    try:
        value = float(proc.stdout.strip().splitlines()[0])
    except (ValueError, IndexError):
        return None
    return value if value > 0 else None


def _parse_stream(desc: str) -> tuple[str, int, int, int | None]:
    """``mp3 (mp3float), 44100 Hz, stereo, fltp, 128 kb/s`` -> codec, rate,
    channels, bits (bits only for PCM and lossless codecs)."""
    fields = [f.strip() for f in desc.split(", ")]
    codec = fields[0].split(" ")[0]
    rate = channels = 0
    bits: int | None = None
    for i, field in enumerate(fields):
        match = _RATE.fullmatch(field)
        if match is None:
            continue
        rate = int(match[1])
        if i + 1 < len(fields):
            channels = _layout_channels(fields[i + 1])
        if i + 2 < len(fields):
            bits = _sample_bits(fields[i + 2])
        break
    if not codec.startswith(_LOSSLESS):
        bits = None
    return codec, rate, channels, bits


def _layout_channels(layout: str) -> int:
    if layout in _LAYOUT_CHANNELS:
        return _LAYOUT_CHANNELS[layout]
    base = layout.split("(")[0]
    if base in _LAYOUT_CHANNELS:
        return _LAYOUT_CHANNELS[base]
    for pattern in (_N_CHANNELS, _DOTTED):
        match = pattern.match(layout)
        if match is not None:
            return sum(int(g) for g in match.groups())
    return 0


def _sample_bits(sample_format: str) -> int | None:
    bits = re.search(r"\((\d+) bit\)", sample_format)
    if bits is not None:
        return int(bits[1])
    return _SAMPLE_BITS.get(sample_format.split(" ")[0].rstrip("p"))


def _sniff(path: Path) -> str:
    """A name for the file's kind from its first bytes, for messages."""
    with path.open("rb") as f:
        head = f.read(12)
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "MP3 audio"
    if head.startswith(b"OggS"):
        return "Ogg audio"
    if head.startswith(b"#!AMR"):
        return "AMR audio"
    if head.startswith(b"fLaC"):
        return "FLAC audio"
    if head[4:8] == b"ftyp":
        return "M4A/MP4 audio"
    if head.startswith((b"RF64", b"RIFX")):
        return "this kind of WAV"
    return "this file (it is not a plain WAV)"
