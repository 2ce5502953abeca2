"""``csms audio``: check a clip for the gateway and convert it.

``csms audio check FILE`` exits 0 when the file can be uploaded as it is,
1 when it needs converting and 2 when it is not usable audio.
``csms audio convert IN OUT`` exits 0 after writing OUT, 1 when the clip is too
long for 5 MB (nothing written) and 2 for any other problem (nothing written).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.cli import output

if TYPE_CHECKING:
    from tui.audio import AudioAnalysis

EXIT_READY, EXIT_NOT_READY, EXIT_BAD_INPUT = 0, 1, 2
EXIT_TOO_LONG = 1
SPARK_CHARS = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 60


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "audio",
        help="check and convert recordings for voice calls",
        description="Check a recording for the gateway (WAV, PCM 16-bit, mono, 8000 Hz, "
        "at most 5 MB) and convert any audio file to that format.",
    )
    actions = parser.add_subparsers(dest="audio_command", metavar="ACTION", required=True)

    check = actions.add_parser(
        "check",
        help="analyse a recording and say whether the gateway would take it",
        description="Print the recording's format, length, levels, clipping, silence and "
        "converted size, and whether it can be uploaded as it is. Exit status: 0 ready, "
        "1 not ready (convert it first), 2 not usable audio.",
    )
    check.add_argument("file", metavar="FILE", help="audio file of any common format")
    check.add_argument("--json", action="store_true", help="print the analysis as JSON")
    check.set_defaults(handler=run_check)

    convert = actions.add_parser(
        "convert",
        help="write a gateway-ready WAV from any audio file",
        description="Convert INPUT (WAV, MP3, M4A/AAC, OGG, Opus, FLAC, ...) to a WAV the "
        "gateway takes. Exit status: 0 written, 1 too long for 5 MB, 2 other problem; "
        "nothing is written on failure.",
    )
    convert.add_argument("input", metavar="INPUT", help="audio file to convert")
    convert.add_argument("output", metavar="OUTPUT", help="WAV file to write (ends in .wav)")
    convert.add_argument(
        "--normalize",
        action="store_true",
        help="bring the loudness to the target RMS level (peaks stay under the ceiling)",
    )
    convert.add_argument(
        "--target-rms",
        type=float,
        default=-20.0,
        metavar="DBFS",
        help="loudness target for --normalize (default -20)",
    )
    convert.add_argument(
        "--peak-ceiling",
        type=float,
        default=-1.0,
        metavar="DBFS",
        help="highest peak allowed by --normalize (default -1)",
    )
    convert.add_argument(
        "--trim-silence", action="store_true", help="remove silence at the start and end"
    )
    convert.add_argument(
        "--phone-band", action="store_true", help="keep only the telephone band, 300-3400 Hz"
    )
    convert.add_argument(
        "--start", type=_seconds, metavar="TIME", help="start here (seconds, or M:SS)"
    )
    convert.add_argument("--end", type=_seconds, metavar="TIME", help="end here (seconds, or M:SS)")
    convert.add_argument(
        "--cut-to-fit",
        action="store_true",
        help="cut a clip too long for 5 MB (about 5:27) instead of refusing it",
    )
    convert.set_defaults(handler=run_convert)


def _seconds(text: str) -> float:
    """``90``, ``1:30`` or ``1:30.5`` as seconds."""
    try:
        parts = [float(p) for p in text.strip().split(":")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time; give seconds (90) or minutes and seconds (1:30)"
        ) from None
    if len(parts) > 3 or any(p < 0 or math.isnan(p) or math.isinf(p) for p in parts):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time; give seconds (90) or minutes and seconds (1:30)"
        )
    value = 0.0
    for part in parts:
        value = value * 60 + part
    return value


# check ---------------------------------------------------------------------------


def _fail(reason: str, exit_code: int, code: str) -> int:
    """The audio code's own sentence on standard error, or a JSON object with --json."""
    if output.json_mode():
        return output.report_failure(reason, exit_code=exit_code, code=code)
    print(reason, file=sys.stderr)
    return exit_code


def run_check(args: argparse.Namespace) -> int:
    from tui.audio import AudioError, analyze

    try:
        analysis = analyze(args.file, envelope_points=SPARK_WIDTH)
    except AudioError as exc:
        return _fail(exc.reason, EXIT_BAD_INPUT, "audio")
    if args.json:
        print(json.dumps(_as_json(analysis), indent=2))
    else:
        print(_describe(analysis, args.file))
    return EXIT_READY if analysis.ready else EXIT_NOT_READY


def _describe(a: AudioAnalysis, shown: str) -> str:
    from tui.audio import format_bytes, format_duration
    from tui.gateway.codes import AUDIO_MAX_BYTES

    bits = f", {a.bits_per_sample}-bit" if a.bits_per_sample else ""
    channels = {1: "mono", 2: "stereo"}.get(a.channels, f"{a.channels} channels")
    clipping = "none"
    if a.clipped_samples:
        clipping = f"{a.clipped_samples:,} samples at full scale ({a.clipped_percent:.2f}%)"
    fit = (
        f"fits; at most {format_duration(a.max_duration_s)}"
        if a.fits
        else f"too big: at most {format_duration(a.max_duration_s)} fits"
    )
    lines = [
        shown,
        f"  Format    {a.format_label}, {channels}, {a.sample_rate} Hz{bits}, "
        f"{format_bytes(a.file_bytes)}",
        f"  Length    {format_duration(a.duration_s)}",
        f"  Level     peak {a.peak_dbfs:.1f} dBFS, RMS {a.rms_dbfs:.1f} dBFS",
        f"  Clipping  {clipping}",
        f"  Silence   {a.leading_silence_s:.2f} s at the start, "
        f"{a.trailing_silence_s:.2f} s at the end",
        f"  Waveform  {sparkline(a.envelope)}",
        f"  As WAV    {a.output_bytes:,} bytes of {AUDIO_MAX_BYTES:,} ({fit})",
    ]
    advice = _advice(a)
    if a.ready:
        lines.append("  Gateway   ready to upload as it is")
    else:
        lines.append("  Gateway   not ready to upload:")
        lines += [f"            - {problem}" for problem in a.problems]
        advice.insert(0, f"convert it: csms audio convert {shown} {_suggest_output(shown)}")
    lines += [f"  Advice    {line}" for line in advice]
    return "\n".join(lines)


def _advice(a: AudioAnalysis) -> list[str]:
    advice = []
    if not a.fits:
        advice.append("add --cut-to-fit, or --start/--end, when converting")
    if a.rms_dbfs < -30:
        advice.append("it is quiet; add --normalize when converting")
    if a.clipped_percent >= 0.01:
        advice.append("it is clipped (distorted); record it again at a lower level if you can")
    if a.leading_silence_s + a.trailing_silence_s >= 1.0:
        advice.append("add --trim-silence to remove the silence at the ends")
    return advice


def _suggest_output(shown: str) -> str:
    path = Path(shown)
    if path.suffix.lower() == ".wav":
        return str(path.with_name(f"{path.stem}-8k.wav"))
    return str(path.with_suffix(".wav"))


def sparkline(values: tuple[float, ...]) -> str:
    """Levels (0..1 of full scale) as block characters on a -60..0 dB scale."""
    top = len(SPARK_CHARS) - 1
    chars = []
    for value in values:
        db = 20 * math.log10(value) if value > 0 else -math.inf
        step = round(top * (db + 60) / 60) if db > -60 else 0
        chars.append(SPARK_CHARS[min(top, max(0, step))])
    return "".join(chars)


def _as_json(a: AudioAnalysis) -> dict[str, Any]:
    data = asdict(a)
    data["path"] = str(a.path)
    data["problems"] = [{"code": p.code, "text": p.text} for p in a.problems]
    data.update(
        clipped_percent=a.clipped_percent,
        output_bytes=a.output_bytes,
        fits=a.fits,
        max_duration_s=a.max_duration_s,
        ready=a.ready,
    )
    return {k: (None if isinstance(v, float) and math.isinf(v) else v) for k, v in data.items()}


# convert -------------------------------------------------------------------------


def run_convert(args: argparse.Namespace) -> int:
    from tui.audio import AudioError, AudioTooLong, ConvertOptions, convert

    options = ConvertOptions(
        normalize=args.normalize,
        target_rms_dbfs=args.target_rms,
        peak_ceiling_dbfs=args.peak_ceiling,
        trim_silence=args.trim_silence,
        phone_band=args.phone_band,
        start_s=args.start,
        end_s=args.end,
        cut_to_fit=args.cut_to_fit,
    )
    show_progress = sys.stderr.isatty()
    try:
        result = convert(
            args.input, args.output, options, on_progress=_print_progress if show_progress else None
        )
    except AudioError as exc:
        if show_progress:
            print(file=sys.stderr)
        too_long = isinstance(exc, AudioTooLong)
        return _fail(
            exc.reason,
            EXIT_TOO_LONG if too_long else EXIT_BAD_INPUT,
            "too_long" if too_long else "audio",
        )
    if show_progress:
        print(file=sys.stderr)
    for note in result.notes:
        print(note)
    return 0


def _print_progress(fraction: float) -> None:
    print(f"\rConverting... {fraction:4.0%}", end="", file=sys.stderr, flush=True)
