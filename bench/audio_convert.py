"""Time to convert a 5-minute MP3 with csms's pipeline (default options)
against ffmpeg alone doing the bare conversion (the floor), in the same run.

Also measures the resampler's transition band: a -6 dBFS 4.1 kHz tone (44.1 kHz source)
converted to 8 kHz must not fold back to 3.9 kHz (target: below -80 dBFS).

Run: python bench/audio_convert.py   Targets: ratio <= 1.5, alias < -80 dBFS.
"""

from __future__ import annotations

import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from array import array
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tui.audio import ConvertOptions, analyze, convert

TEXT = (
    "Dear customer, thank you for calling Telenor. Your monthly bill of one thousand "
    "two hundred and fifty rupees is due on the fifteenth. To pay now, press one. "
    "To hear this message again, press two. For any other query, please stay on the "
    "line and one of our representatives will assist you shortly. "
)


def ffmpeg_exe() -> str:
    exe = shutil.which("ffmpeg")
    if exe is None:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    return exe


def speech_mp3(minutes: int) -> Path:
    """A 44.1 kHz stereo 128 kb/s MP3 of ``minutes`` of looped speech."""
    folder = Path(tempfile.gettempdir()) / "csms-bench-audio"
    folder.mkdir(exist_ok=True)
    mp3 = folder / f"speech-{minutes}min.mp3"
    if mp3.exists():
        return mp3
    speech = folder / "speech.wav"
    espeak = shutil.which("espeak-ng")
    if espeak:
        subprocess.run([espeak, "-w", str(speech), TEXT], check=True)
        source = ["-stream_loop", "-1", "-i", str(speech)]
    else:  # speech-like: a pitch glide with a syllable-rate envelope
        source = ["-f", "lavfi", "-i", "aevalsrc='0.4*sin(2*PI*(180+40*sin(2*PI*0.5*t))*t)"
                  "*(0.6+0.4*sin(2*PI*4*t))':s=22050"]  # fmt: skip
    print(f"Making a {minutes}-minute speech MP3 in {folder} (once)...", file=sys.stderr)
    part = mp3.with_suffix(".part.mp3")
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error", *source, "-t", str(minutes * 60),
         "-ar", "44100", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k", str(part)],
        check=True,
    )  # fmt: skip
    part.replace(mp3)
    return mp3


ROUNDS = 7
TARGET = 1.5
ALIAS_TARGET_DBFS = -80.0


def tone_level(pcm: bytes, freq: float, rate: int = 8000) -> float:
    """RMS level (dBFS) of the ``freq`` component of s16le ``pcm`` (Goertzel)."""
    samples = array("h", pcm)
    n = len(samples)
    w = 2 * math.pi * round(n * freq / rate) / n
    coeff = 2 * math.cos(w)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coeff * s1 - s2, s1
    power = max(0.0, s1 * s1 + s2 * s2 - coeff * s1 * s2)
    rms = 2 * math.sqrt(power) / n / math.sqrt(2)
    return 20 * math.log10(rms / 32768) if rms > 0 else -math.inf


def alias_level(folder: Path) -> float:
    """The level at 3.9 kHz after converting a -6 dBFS 4.1 kHz tone at 44.1 kHz."""
    rate, seconds = 44100, 2.0
    amplitude = 10 ** (-6 / 20) * math.sqrt(2) * 32767
    tone = array(
        "h",
        (
            round(amplitude * math.sin(2 * math.pi * 4100 * i / rate))
            for i in range(int(rate * seconds))
        ),
    )
    src = folder / "tone-4100.wav"
    with wave.open(str(src), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(tone.tobytes())
    out = convert(src, folder / "tone-4100-8k.wav").path
    pcm = out.read_bytes()[44:]
    edge = 800 * 2  # leave out the filter's start and end
    return tone_level(pcm[edge:-edge], 3900)


def floor(src: Path, dst: Path) -> None:
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error", "-i", str(src), "-ac", "1",
         "-ar", "8000", "-acodec", "pcm_s16le", "-bitexact", "-map_metadata", "-1", str(dst)],
        check=True,
    )  # fmt: skip


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> int:
    src = speech_mp3(5)
    with tempfile.TemporaryDirectory() as tmp:
        out_floor, out_ours = Path(tmp) / "floor.wav", Path(tmp) / "ours.wav"
        floor(src, out_floor)  # warm the file cache and both code paths
        convert(src, out_ours, ConvertOptions(replace=True))
        floors, ours = [], []
        for _ in range(ROUNDS):  # alternate so load changes hit both alike
            floors.append(timed(lambda: floor(src, out_floor)))
            ours.append(timed(lambda: convert(src, out_ours, ConvertOptions(replace=True))))
        analysis = timed(lambda: analyze(src))
        sizes = out_floor.stat().st_size, out_ours.stat().st_size
        alias = alias_level(Path(tmp))
    f, o = statistics.median(floors), statistics.median(ours)
    ratio = o / f
    # Other work on a shared machine only ever adds time: best-of-N is the
    # steadier figure, the median shows the spread.
    best = min(ours) / min(floors)
    print(f"input: {src.name} ({src.stat().st_size / 1e6:.1f} MB, 5 min, 44.1 kHz stereo MP3)")
    for name, times in (
        ("floor  ffmpeg alone       ", floors),
        ("csms   convert(), defaults", ours),
    ):
        listed = ", ".join(f"{t:.3f}" for t in times)
        print(
            f"{name}  best {min(times):.3f} s  median {statistics.median(times):.3f} s  ({listed})"
        )
    print(
        f"ratio  best {best:.2f}x, median {ratio:.2f}x  "
        f"(target <= {TARGET}x on best: {'met' if best <= TARGET else 'MISSED'})"
    )
    print(f"output sizes: floor {sizes[0]:,} bytes, csms {sizes[1]:,} bytes")
    print(f"for reference, analyze() of the same file: {analysis:.3f} s")
    alias_met = alias < ALIAS_TARGET_DBFS
    shown = "no measurable level" if math.isinf(alias) else f"{alias:.1f} dBFS"
    print(
        f"alias  a -6 dBFS 4.1 kHz tone comes back at 3.9 kHz at {shown} "
        f"(target < {ALIAS_TARGET_DBFS:g} dBFS: {'met' if alias_met else 'MISSED'})"
    )
    return 0 if best <= TARGET and alias_met else 1


if __name__ == "__main__":
    raise SystemExit(main())
