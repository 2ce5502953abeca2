"""Peak memory of analysing and converting a 30-minute MP3 (the whole stream
is analysed; the conversion trims, filters, normalises and cuts to fit 5 MB),
against the floor of ffmpeg alone converting it plus an idle Python that has
imported csms's audio package, measured in the same run.

Each side runs in a fresh process; peak RSS comes from getrusage
(RUSAGE_SELF for the Python process, RUSAGE_CHILDREN for the largest ffmpeg).

Run: python bench/audio_memory.py   Target: csms total under 120 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audio_convert import ffmpeg_exe, speech_mp3

ROOT = Path(__file__).resolve().parents[1]
TARGET_MB = 120.0

MEASURE = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tui.audio import ConvertOptions, analyze, convert
src, mode, ffmpeg = sys.argv[2], sys.argv[3], sys.argv[4]
start = time.perf_counter()
with tempfile.TemporaryDirectory() as tmp:
    if mode == "csms":
        analysis = analyze(src)
        options = ConvertOptions(cut_to_fit=True, trim_silence=True, normalize=True,
                                 phone_band=True)
        result = convert(src, Path(tmp) / "out.wav", options)
        detail = f"{analysis.duration_s:.0f} s analysed, {result.size_bytes:,} bytes written"
    else:
        import subprocess
        subprocess.run([ffmpeg, "-nostdin", "-y", "-loglevel", "error", "-i", src, "-ac", "1",
                        "-ar", "8000", "-acodec", "pcm_s16le", "-bitexact", "-map_metadata",
                        "-1", str(Path(tmp) / "floor.wav")], check=True)
        detail = "ffmpeg alone, whole file"
kib = 1024
print(json.dumps({
    "self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / kib,
    "children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kib,
    "seconds": time.perf_counter() - start,
    "detail": detail,
}))
"""


def measure(src: Path, mode: str) -> dict[str, float | str]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(ROOT), str(src), mode, ffmpeg_exe()],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float | str] = json.loads(done.stdout)
    return result


def main() -> int:
    src = speech_mp3(30)
    ours, floor = measure(src, "csms"), measure(src, "floor")
    print(f"input: {src.name} ({src.stat().st_size / 1e6:.1f} MB, 30 min, 44.1 kHz stereo MP3)")
    rows = (("csms  ", ours), ("floor ", floor))
    for name, m in rows:
        total = float(m["self_mb"]) + float(m["children_mb"])
        print(
            f"{name} python {float(m['self_mb']):6.1f} MB + largest ffmpeg "
            f"{float(m['children_mb']):6.1f} MB = {total:6.1f} MB peak  "
            f"({float(m['seconds']):.1f} s; {m['detail']})"
        )
    ours_total = float(ours["self_mb"]) + float(ours["children_mb"])
    floor_total = float(floor["self_mb"]) + float(floor["children_mb"])
    verdict = "met" if ours_total < TARGET_MB else "MISSED"
    print(
        f"ratio  {ours_total / floor_total:.2f}x the floor; target < {TARGET_MB:.0f} MB: {verdict}"
    )
    return 0 if ours_total < TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
