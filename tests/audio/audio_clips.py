"""Clips made for the audio tests: tones written with wave/array/math, other
formats encoded from them with ffmpeg, and measurements of the results."""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
import warnings
import wave
from array import array
from pathlib import Path

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

import imageio_ffmpeg

SYSTEM_FFMPEG = shutil.which("ffmpeg")
BUNDLED_FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
FULL = 32768.0


def tone_block(freq: float, rate: int, dbfs: float, seconds: float) -> array[float]:
    """A sine of RMS level ``dbfs`` (re full-scale square) as floats in -1..1."""
    amplitude = 10 ** (dbfs / 20) * math.sqrt(2)
    count = round(seconds * rate)
    if float(freq).is_integer() and freq > 0:
        period = rate // math.gcd(rate, int(freq))
        block = array(
            "d", (amplitude * math.sin(2 * math.pi * freq * i / rate) for i in range(period))
        )
        reps, rest = divmod(count, period)
        return block * reps + block[:rest]
    return array("d", (amplitude * math.sin(2 * math.pi * freq * i / rate) for i in range(count)))


def silence(rate: int, seconds: float) -> array[float]:
    return array("d", bytes(8 * round(rate * seconds)))


def to_int_pcm(samples: array[float], width: int, channels: int = 1) -> bytes:
    """Little-endian integer PCM (8-bit unsigned, as WAV stores it)."""
    top = 2**31  # made at 32 bits, then narrowed by audioop
    ints = array("i", (max(-top, min(top - 1, round(s * top))) for s in samples))
    data = ints.tobytes()
    if width != 4:
        data = audioop.lin2lin(data, 4, width)
    if width == 1:
        data = audioop.bias(data, 1, 128)
    if channels == 2:
        data = audioop.tostereo(data, width, 1, 1)
    return data


def write_int_wav(
    path: Path, samples: array[float], *, rate: int, width: int = 2, channels: int = 1
) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(to_int_pcm(samples, width, channels))
    return path


def tone_wav(
    path: Path,
    freq: float = 440.0,
    seconds: float = 2.0,
    *,
    rate: int = 8000,
    dbfs: float = -20.0,
    width: int = 2,
    channels: int = 1,
    lead: float = 0.0,
    tail: float = 0.0,
) -> Path:
    samples = silence(rate, lead) + tone_block(freq, rate, dbfs, seconds) + silence(rate, tail)
    return write_int_wav(path, samples, rate=rate, width=width, channels=channels)


def float_wav(
    path: Path,
    samples: array[float],
    *,
    rate: int,
    bits: int = 32,
    extensible: bool = False,
) -> Path:
    """A mono IEEE-float WAV, with a plain (format 3) or an EXTENSIBLE header."""
    data = array("f" if bits == 32 else "d", samples).tobytes()
    block = bits // 8
    if extensible:
        guid = struct.pack("<H", 3) + b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        fmt = struct.pack("<HHIIHHHHI", 0xFFFE, 1, rate, rate * block, block, bits, 22, bits, 4)
        fmt += guid
    else:
        fmt = struct.pack("<HHIIHHH", 3, 1, rate, rate * block, block, bits, 0)
    fact = struct.pack("<I", len(samples))
    body = (
        b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"fact"
        + struct.pack("<I", 4)
        + fact
        + b"data"
        + struct.pack("<I", len(data))
        + data
    )
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def ffmpeg(*args: str, exe: str | None = None) -> None:
    """Run ffmpeg (the system's, else the bundled one) quietly."""
    subprocess.run(
        [exe or SYSTEM_FFMPEG or BUNDLED_FFMPEG, "-nostdin", "-y", "-loglevel", "error", *args],
        check=True,
        capture_output=True,
    )


def has_encoder(name: str, exe: str | None) -> bool:
    if exe is None:
        return False
    out = subprocess.run([exe, "-hide_banner", "-encoders"], capture_output=True, text=True)
    return any(line.split()[1:2] == [name] for line in out.stdout.splitlines() if line.strip())


def encode(src: Path, dst: Path, *codec: str) -> Path:
    """Encode ``src`` with ``codec`` arguments, using whichever ffmpeg here has
    the encoder (the system's first, else the bundled one)."""
    wanted = codec[codec.index("-c:a") + 1] if "-c:a" in codec else None
    exe = SYSTEM_FFMPEG
    if wanted and not has_encoder(wanted, exe):
        exe = BUNDLED_FFMPEG
        assert has_encoder(wanted, exe), f"no ffmpeg here can encode {wanted}"
    ffmpeg("-i", str(src), *codec, str(dst), exe=exe)
    return dst


def lavfi_wav(path: Path, source: str, *, rate: int = 8000, extra: tuple[str, ...] = ()) -> Path:
    """A plain 16-bit WAV from an ffmpeg lavfi source (fast for long clips)."""
    ffmpeg(
        "-f", "lavfi", "-i", source, *extra, "-ar", str(rate), "-c:a", "pcm_s16le",
        "-bitexact", "-map_metadata", "-1", str(path),
    )  # fmt: skip
    return path


# Measurements ---------------------------------------------------------------------


def read_gateway_wav(path: Path) -> bytes:
    """Check that ``path`` is a plain 44-byte-header mono 16-bit 8 kHz WAV and
    return its samples."""
    raw = path.read_bytes()
    assert raw[:4] == b"RIFF" and raw[8:16] == b"WAVEfmt "
    assert raw[36:40] == b"data", "header is not the plain 44-byte one"
    (data_size,) = struct.unpack("<I", raw[40:44])
    assert len(raw) == 44 + data_size
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 8000)
        assert w.getcomptype() == "NONE"
        frames = w.readframes(w.getnframes())
    assert frames == raw[44:]
    return frames


def rms_dbfs(pcm: bytes) -> float:
    rms = audioop.rms(pcm, 2)
    return 20 * math.log10(rms / FULL) if rms else -math.inf


def peak_dbfs(pcm: bytes) -> float:
    peak = audioop.max(pcm, 2)
    return 20 * math.log10(peak / FULL) if peak else -math.inf


def tone_dbfs(pcm: bytes, freq: float, rate: int = 8000) -> float:
    """RMS level (dBFS) of the ``freq`` component (Goertzel)."""
    samples = array("h", pcm)
    n = len(samples)
    k = round(n * freq / rate)
    w = 2 * math.pi * k / n
    coeff = 2 * math.cos(w)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coeff * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    amplitude = 2 * math.sqrt(max(power, 0.0)) / n
    rms = amplitude / math.sqrt(2)
    return 20 * math.log10(rms / FULL) if rms > 0 else -math.inf


def middle(pcm: bytes, rate: int = 8000, skip_s: float = 0.1) -> bytes:
    """The clip without its first and last ``skip_s`` (filter edges)."""
    skip = round(rate * skip_s) * 2
    return pcm[skip : len(pcm) - skip]


# Speech ---------------------------------------------------------------------------

ESPEAK = shutil.which("espeak-ng")
SOX = shutil.which("sox")
SPEECH_TEXT = (
    "Thank you for calling. Your bill of one thousand rupees is due on the fifteenth. "
    "To pay now, press one. To hear this again, press two."
)


def speech_samples(folder: Path, text: str = SPEECH_TEXT) -> tuple[array[float], int]:
    """espeak-ng's speech of ``text`` as floats in -1..1, and its rate."""
    assert ESPEAK is not None, "espeak-ng is needed for the speech tests"
    raw = folder / "espeak.wav"
    subprocess.run([ESPEAK, "-w", str(raw), text], check=True, capture_output=True)
    with wave.open(str(raw), "rb") as w:
        rate = w.getframerate()
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        ints = array("h", w.readframes(w.getnframes()))
    raw.unlink()
    return array("d", (v / FULL for v in ints)), rate


def extent(samples: array[float], rate: int, fraction: float = 0.01) -> tuple[float, float]:
    """Start and end (s) of the part reaching ``fraction`` of the clip's peak."""
    peak = max(abs(v) for v in samples)
    loud = [i for i, v in enumerate(samples) if abs(v) >= fraction * peak]
    return loud[0] / rate, (loud[-1] + 1) / rate


def scaled(samples: array[float], rms_dbfs_wanted: float) -> array[float]:
    """``samples`` brought to an RMS level (dBFS, re full-scale square)."""
    rms = math.sqrt(sum(v * v for v in samples) / len(samples))
    gain = 10 ** (rms_dbfs_wanted / 20) / rms
    return array("d", (v * gain for v in samples))


def noise(rate: int, seconds: float, dbfs: float, seed: int = 1) -> array[float]:
    """White noise at an RMS level (dBFS), the same for the same seed."""
    import random

    rng = random.Random(seed)
    sigma = 10 ** (dbfs / 20)
    return array("d", (rng.gauss(0.0, sigma) for _ in range(round(rate * seconds))))
