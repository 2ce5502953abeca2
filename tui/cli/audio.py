"""``csms audio``: check a clip for the gateway, convert it, upload it.

``csms audio check FILE`` exits 0 when the file can be uploaded as it is,
1 when it needs converting and 2 when it is not usable audio.
``csms audio convert IN [OUT]`` (or ``IN... --out-dir DIR``) exits 0 after
writing every output, 1 when a clip is too long for 5 MB and 2 for any other
problem; nothing is written for a file that fails, and no file is replaced
without ``--force`` (the input never is).
``csms audio upload FILE --name N`` converts when needed, uploads and waits
for Ready; ``csms audio status ID`` asks the gateway about a recording.
With ``--json`` every outcome, failures included, is one JSON document.
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.cli import output
from tui.cli.options import add_common, as_json

if TYPE_CHECKING:
    from tui.audio import AudioAnalysis, ConversionResult, ConvertOptions, ProgressCallback
    from tui.engine.service import Engine
    from tui.gateway.codes import AudioStatus

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
    _threshold_option(check)
    check.set_defaults(handler=run_check)

    convert = actions.add_parser(
        "convert",
        help="write gateway-ready WAVs from any audio files",
        description="Convert audio files (WAV, MP3, M4A/AAC, OGG, Opus, FLAC, AMR, video "
        "sound ...) to the WAV the gateway takes. `convert IN OUT` writes OUT; `convert IN` "
        "writes IN's name with -8k.wav next to it; `convert IN... --out-dir DIR` writes each "
        "as NAME-8k.wav in DIR. An existing file is replaced only with --force, the input "
        "never. Exit status: 0 all written, 1 a clip too long for 5 MB, 2 other problem; "
        "nothing is written for a file that fails.",
    )
    convert.add_argument(
        "paths",
        nargs="+",
        metavar="FILE",
        help="INPUT OUTPUT, or INPUT alone (writes NAME-8k.wav next to it), or several "
        "INPUTs with --out-dir",
    )
    convert.add_argument(
        "--out-dir", metavar="DIR", help="write every converted file in this folder"
    )
    convert.add_argument(
        "--force", action="store_true", help="replace output files that already exist"
    )
    convert.add_argument("--json", action="store_true", help="print what was done as JSON")
    _convert_options(convert)
    convert.set_defaults(handler=run_convert)

    upload = actions.add_parser(
        "upload",
        help="upload a recording (converting it first when needed) and wait until Ready",
        description="Upload FILE to the gateway as the recording NAME. A file not already "
        "in the gateway's format (or given conversion options) is converted first. "
        "The command then waits until the gateway has prepared it (Ready), showing the "
        "wait on a terminal. Exit status: 0 uploaded (and Ready), 1 failed or not Ready "
        "in time, 2 refused before anything was sent, 3 outcome unknown.",
    )
    upload.add_argument("file", metavar="FILE", help="audio file of any common format")
    upload.add_argument("--name", required=True, metavar="NAME", help="the recording's name")
    upload.add_argument(
        "--no-wait", action="store_true", help="do not wait for the gateway to make it Ready"
    )
    upload.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="how long to wait for Ready (default 600)",
    )
    _convert_options(upload)
    add_common(upload)
    upload.set_defaults(handler=run_upload)

    status = actions.add_parser(
        "status",
        help="whether a recording on the gateway is Ready",
        description="Ask the gateway for the status of the recording with this file ID "
        "(Not Ready or Ready). Exit status: 0 answered, 1 unknown ID or failure.",
    )
    status.add_argument("file_id", metavar="ID", help="the recording's file ID")
    add_common(status)
    status.set_defaults(handler=run_status)

    existing = actions.add_parser(
        "add",
        help="remember a recording already on the gateway (uploaded from the portal)",
        description="Add a recording uploaded from the portal or another computer by its "
        "file ID (checked with the gateway's audio status) and a name, so calls and "
        "campaigns can use it by that name. Exit status: 0 added, 2 refused (unknown ID, "
        "a name in use).",
    )
    existing.add_argument("file_id", metavar="ID", help="the recording's file ID")
    existing.add_argument("--name", metavar="NAME", help='default: "recording ID"')
    add_common(existing)
    existing.set_defaults(handler=run_add)


def _threshold_option(parser: argparse.ArgumentParser) -> None:
    from tui.audio.units import SILENCE_THRESHOLD_DB

    parser.add_argument(
        "--silence-threshold",
        type=_decibels,
        default=SILENCE_THRESHOLD_DB,
        metavar="DB",
        help="silence is anything this many dB (negative, relative) under the recording's "
        f"loudest 10 ms; -80 to -10 (default {SILENCE_THRESHOLD_DB:g})",
    )


def _convert_options(convert: argparse.ArgumentParser) -> None:
    convert.add_argument(
        "--normalize",
        action="store_true",
        help="bring the loudness to the target RMS level (peaks stay under the ceiling)",
    )
    convert.add_argument(
        "--target-rms",
        type=float,
        metavar="DBFS",
        help="loudness target (default -20); implies --normalize",
    )
    convert.add_argument(
        "--peak-ceiling",
        type=float,
        metavar="DBFS",
        help="highest peak allowed when normalising (default -1); implies --normalize",
    )
    convert.add_argument(
        "--trim-silence", action="store_true", help="remove silence at the start and end"
    )
    _threshold_option(convert)
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


def _seconds(text: str) -> float:
    """``90``, ``1:30`` or ``1:30.5`` as seconds."""
    from tui.audio.units import parse_time

    try:
        return parse_time(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _decibels(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a level; give dB under the loudest moment, such as -50"
        ) from None
    if math.isnan(value) or math.isinf(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a level; give a number such as -50")
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
        analysis = analyze(
            args.file,
            envelope_points=SPARK_WIDTH,
            silence_threshold_db=args.silence_threshold,
        )
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
        clipping = f"{a.clipped_samples:,} samples clipped ({a.clipped_percent:.2f}%)"
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
        f"{a.trailing_silence_s:.2f} s at the end (quieter than {a.silence_dbfs:.1f} dBFS, "
        f"{-a.silence_threshold_db:g} dB under the loudest moment)",
        f"  Waveform  {sparkline(a.envelope)}",
        f"  As WAV    {a.output_bytes:,} bytes of {AUDIO_MAX_BYTES:,} ({fit})",
    ]
    advice = _advice(a)
    if a.ready:
        lines.append("  Gateway   ready to upload as it is")
    else:
        lines.append("  Gateway   not ready to upload:")
        lines += [f"            - {problem}" for problem in a.problems]
        advice.insert(0, f"convert it: {convert_command(shown)}")
    lines += [f"  Advice    {line}" for line in advice]
    return "\n".join(lines)


def convert_command(shown: str) -> str:
    """The command converting ``shown`` to its default output, shell-quoted;
    with --force (and saying so) when that output already exists."""
    from tui.audio.wavout import converted_name

    target = converted_name(Path(shown))
    command = f"csms audio convert {shlex.quote(shown)} {shlex.quote(str(target))}"
    if target.exists():
        command += f" --force (this replaces the {target.name} already there)"
    return command


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


def _options(args: argparse.Namespace) -> ConvertOptions:
    """The conversion options; --target-rms and --peak-ceiling imply --normalize."""
    from tui.audio import ConvertOptions

    defaults = ConvertOptions()
    normalize = args.normalize or args.target_rms is not None or args.peak_ceiling is not None
    return ConvertOptions(
        normalize=normalize,
        target_rms_dbfs=defaults.target_rms_dbfs if args.target_rms is None else args.target_rms,
        peak_ceiling_dbfs=(
            defaults.peak_ceiling_dbfs if args.peak_ceiling is None else args.peak_ceiling
        ),
        trim_silence=args.trim_silence,
        silence_threshold_db=args.silence_threshold,
        phone_band=args.phone_band,
        start_s=args.start,
        end_s=args.end,
        cut_to_fit=args.cut_to_fit,
        replace=getattr(args, "force", False),
    )


def _plan(args: argparse.Namespace) -> list[tuple[Path, Path]] | str:
    """(input, output) pairs, or the sentence saying why the paths don't make sense."""
    from tui.audio.wavout import converted_name

    paths = [Path(p).expanduser() for p in args.paths]
    if args.out_dir is None:
        if len(paths) == 1:
            return [(paths[0], converted_name(paths[0]))]
        if len(paths) == 2:
            return [(paths[0], paths[1])]
        return (
            f"{len(paths)} files were given without --out-dir: give one INPUT and its OUTPUT, "
            "or add --out-dir DIR to convert several files into DIR."
        )
    folder = Path(args.out_dir).expanduser()
    if not folder.is_dir():
        return f"The output folder {folder} does not exist; create it or choose another."
    plan: list[tuple[Path, Path]] = []
    taken: dict[Path, Path] = {}
    for source in paths:
        target = folder / converted_name(source).name
        if target in taken:
            return (
                f"{taken[target]} and {source} would both be written as {target}; "
                "convert one of them separately with its own OUTPUT."
            )
        taken[target] = source
        plan.append((source, target))
    return plan


def run_convert(args: argparse.Namespace) -> int:
    from tui.audio import AudioError, AudioOutputExists, AudioTooLong, convert

    plan = _plan(args)
    if isinstance(plan, str):
        return _fail(plan, EXIT_BAD_INPUT, "refused")
    options = _options(args)
    try:
        options.validate()
    except AudioError as exc:
        return _fail(exc.reason, EXIT_BAD_INPUT, "audio")
    show_progress = sys.stderr.isatty() and not args.json
    done: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    worst = 0
    for source, target in plan:
        label = source.name if len(plan) > 1 else ""
        try:
            result = convert(
                source,
                target,
                options,
                on_progress=_progress_printer(label) if show_progress else None,
            )
        except AudioError as exc:
            if show_progress:
                print(file=sys.stderr)
            reason = exc.reason
            if isinstance(exc, AudioOutputExists):
                reason = (
                    f"{target} already exists; add --force to replace it, or give another name."
                )
            too_long = isinstance(exc, AudioTooLong)
            code = EXIT_TOO_LONG if too_long else EXIT_BAD_INPUT
            worst = max(worst, code)
            kind = "too_long" if too_long else "audio"
            if isinstance(exc, AudioOutputExists):
                kind = "exists"
            failed.append({"input": str(source), "error": reason, "code": kind, "exit": code})
            if not args.json:
                print(reason, file=sys.stderr)
            continue
        if show_progress:
            print(file=sys.stderr)
        done.append(_result_json(source, result))
        if not args.json:
            for note in result.notes:
                print(note)
    if args.json:
        if len(plan) == 1 and failed:
            entry = failed[0]
            return output.report_failure(
                entry["error"], exit_code=entry["exit"], code=entry["code"]
            )
        document: dict[str, Any] = {"converted": done}
        if len(plan) > 1 or failed:
            document["failed"] = failed
        if len(plan) == 1:
            document = done[0]
        print(json.dumps(document, indent=2, ensure_ascii=False))
    elif len(plan) > 1:
        print(f"Converted {len(done)} of {len(plan)} files.", file=sys.stderr)
    return worst


def _result_json(source: Path, result: ConversionResult) -> dict[str, Any]:
    data = asdict(result)
    data["input"] = str(source)
    data["path"] = str(result.path)
    data["notes"] = list(result.notes)
    return data


def _progress_printer(label: str) -> ProgressCallback:
    prefix = f"Converting {label}..." if label else "Converting..."

    def show(fraction: float) -> None:
        print(f"\r{prefix} {fraction:4.0%}", end="", file=sys.stderr, flush=True)

    return show


# upload and status -----------------------------------------------------------------

#: Seconds between two questions to the gateway while waiting for Ready.
READY_POLL_S = 3.0


def run_upload(args: argparse.Namespace) -> int:
    from tui.cli import submits

    args.json = as_json(args)
    args.source = Path(args.file).expanduser()
    return submits.run_command(args, _upload)


async def _upload(engine: Engine, args: argparse.Namespace) -> int:
    import asyncio
    import tempfile

    from tui.audio import AudioError, ConvertOptions, format_duration
    from tui.audio.readiness import gateway_problems
    from tui.audio.wavout import converted_name
    from tui.engine.audio_upload import AudioUploader
    from tui.gateway.errors import OutcomeUnknown

    uploader = AudioUploader(engine)
    name = uploader.check_name(args.name)  # refused (exit 2) when unusable or taken
    source: Path = args.source
    options = _options(args)
    try:
        options.validate()
        problems = await asyncio.to_thread(gateway_problems, source)
    except AudioError as exc:
        return output.report_failure(exc.reason, exit_code=EXIT_BAD_INPUT, code="audio")
    converted: str | None = None
    with tempfile.TemporaryDirectory(prefix="csms-audio-") as folder:
        wav, digest = source, None
        if problems or options != ConvertOptions(replace=options.replace):
            target = Path(folder) / converted_name(source).name
            try:
                result = await uploader.convert(source, target, options)
            except AudioError as exc:
                return output.report_failure(exc.reason, exit_code=EXIT_BAD_INPUT, code="audio")
            wav, digest, converted = result.path, result.source_sha256, result.notes[0]
            if not args.json:
                output.note(f"{converted} ({format_duration(result.duration_s)})")
        try:
            record = await uploader.upload(wav, name, source=source, source_sha256=digest)
        except OutcomeUnknown as error:
            return output.report_failure(
                f"{error} The upload is recorded as an unknown outcome: `csms unknown` lists it;"
                " check the portal before uploading it again.",
                exit_code=output.EXIT_UNKNOWN,
                code="outcome_unknown",
            )
        except AudioError as exc:
            return output.report_failure(exc.reason, exit_code=EXIT_BAD_INPUT, code="audio")
    status = record.status
    if not args.no_wait:
        waited = await _wait_ready(engine, record.id, record.name, args)
        if waited is None:
            return output.report_failure(
                f"The recording {record.name!r} (ID {record.id}) was uploaded but is not Ready"
                f" after {args.timeout:g} s; `csms audio status {record.id}` checks again.",
                exit_code=output.EXIT_FAILED,
                code="not_ready",
                id=record.id,
            )
        status = waited
    document = {
        "id": record.id,
        "name": record.name,
        "status": status.label,
        "ready": status.is_final,
        "converted": converted is not None,
    }
    if args.json:
        print(json.dumps(document, ensure_ascii=False))
    else:
        print(f"{record.id}\t{record.name}\t{status.label}")
    return output.EXIT_OK


async def _wait_ready(
    engine: Engine, file_id: str, name: str, args: argparse.Namespace
) -> AudioStatus | None:
    """Ask the gateway until the file is Ready (its status, recorded in the
    ledger) or ``args.timeout`` passes (``None``)."""
    import asyncio
    from datetime import UTC, datetime

    from tui.gateway.codes import AudioStatus

    loop = asyncio.get_running_loop()
    started = loop.time()
    show = sys.stderr.isatty() and not args.json
    try:
        while True:
            status = await engine.client.audio_status(file_id)
            engine.ledger.audio.update_audio_status(file_id, status, datetime.now(UTC))
            if status is AudioStatus.READY:
                return status
            waited = loop.time() - started
            if waited >= args.timeout:
                return None
            if show:
                print(
                    f"\rWaiting for the gateway to prepare {name!r} (ID {file_id}):"
                    f" {status.label}, {waited:.0f} s",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
            await asyncio.sleep(min(READY_POLL_S, max(0.0, args.timeout - waited)))
    finally:
        if show:
            print(file=sys.stderr)


def run_add(args: argparse.Namespace) -> int:
    from tui.cli import submits

    args.json = as_json(args)
    return submits.run_command(args, _add)


async def _add(engine: Engine, args: argparse.Namespace) -> int:
    from tui.engine.audio_upload import AudioUploader
    from tui.gateway.errors import InvalidInput

    try:
        added = await AudioUploader(engine).add_existing(args.file_id, args.name)
    except InvalidInput as error:
        return output.report_failure(str(error), exit_code=output.EXIT_REFUSED, code="refused")
    if args.json:
        print(json.dumps({"id": added.id, "name": added.name, "status": added.status.label}))
    else:
        print(f"Recording {added.name!r} (file ID {added.id}) added: {added.status.label}.")
    return output.EXIT_OK


def run_status(args: argparse.Namespace) -> int:
    from tui.cli import submits

    args.json = as_json(args)
    return submits.run_command(args, _status)


async def _status(engine: Engine, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from tui.engine.audio_upload import UNKNOWN_FILE_CODES
    from tui.gateway.errors import GatewayError, InvalidInput

    file_id = args.file_id.strip()
    if not file_id.isdigit():
        raise InvalidInput(
            f"{args.file_id!r} is not a file ID; give the number the upload or the portal shows."
        )
    try:
        status = await engine.client.audio_status(file_id)
    except GatewayError as error:
        if error.code not in UNKNOWN_FILE_CODES:
            raise
        return output.report_failure(
            f"The gateway does not know an audio file {file_id} ({error.info.meaning});"
            " check the ID on the portal.",
            exit_code=output.EXIT_FAILED,
            code=error.code,
        )
    known = engine.ledger.audio.audio(file_id)
    if known is not None:
        engine.ledger.audio.update_audio_status(file_id, status, datetime.now(UTC))
    document = {
        "id": file_id,
        "name": None if known is None else known.name,
        "status": status.label,
        "ready": status.is_final,
    }
    if args.json:
        print(json.dumps(document, ensure_ascii=False))
    else:
        shown = "" if known is None else f"\t{known.name}"
        print(f"{file_id}{shown}\t{status.label}")
    return output.EXIT_OK
