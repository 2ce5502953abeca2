"""``csms survey``: keypress surveys with real per-key results, from scripts and cron."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tui.cli import output, sending_hours
from tui.cli.engine_session import CliError, cli_engine, run_cli
from tui.cli.options import add_common, as_json, unless_it_exists
from tui.cli.stopping import graceful_stop
from tui.engine.audio_upload import AudioUploader
from tui.engine.service import Engine, plural
from tui.engine.surveys import SurveyRun, Surveys
from tui.gateway.errors import InvalidInput
from tui.ledger.surveys import Survey, SurveyTally

DESCRIPTION = """\
A survey calls each number with a feedback call: it plays --audio, asks for a key
(1..--options), then plays --valid-audio or --invalid-audio. Every call is
tracked to its final status and key, so `csms survey status` gives real results
per key (a voice feedback campaign's status gives totals only). Each number is
called once: a run stopped or killed half-way resumes with `csms survey resume`
and never calls anyone twice (a call whose answer was lost is an unknown outcome
to settle with `csms unknown`)."""


def register(subparsers: Any) -> None:
    survey = subparsers.add_parser(
        "survey",
        help="keypress surveys with per-key results: start, resume, status, export",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(survey)
    survey.set_defaults(handler=lambda args: run_cli(_list(args)))
    actions = survey.add_subparsers(dest="survey_command", metavar="ACTION")

    start = actions.add_parser("start", help="create a survey and call everyone")
    start.add_argument("name", metavar="NAME")
    start.add_argument("--list", dest="list_name", metavar="LIST", help="a list csms knows")
    start.add_argument("--to", action="append", default=[], metavar="NUMBERS")
    start.add_argument("--audio", required=True, metavar="ID_OR_NAME", help="the question")
    start.add_argument("--options", required=True, type=int, metavar="N", help="keys 1..N")
    start.add_argument("--valid-audio", required=True, metavar="ID_OR_NAME")
    start.add_argument("--invalid-audio", required=True, metavar="ID_OR_NAME")
    start.add_argument("--retries", type=int, default=0, metavar="N", help="0-2")
    start.add_argument("--mask", metavar="M")
    start.add_argument("--yes", action="store_true", help="start calling (else: review only)")
    sending_hours.add_options(start)
    add_common(start)
    start.set_defaults(handler=lambda args: run_cli(_start(args)))

    resume = actions.add_parser("resume", help="call the numbers a stopped run left")
    resume.add_argument("survey", metavar="NAME_OR_ID")
    sending_hours.add_options(resume)
    add_common(resume)
    resume.set_defaults(handler=lambda args: run_cli(_resume(args)))

    status = actions.add_parser("status", help="results so far, per key")
    status.add_argument("survey", metavar="NAME_OR_ID")
    add_common(status)
    status.set_defaults(handler=lambda args: run_cli(_status(args)))

    export = actions.add_parser("export", help="each number's result to a CSV file")
    export.add_argument("survey", metavar="NAME_OR_ID")
    export.add_argument("file", type=Path, metavar="FILE.csv")
    export.add_argument("--force", action="store_true", help="replace an existing file")
    add_common(export)
    export.set_defaults(handler=_export_command)


def _tally_dict(tally: SurveyTally) -> dict[str, Any]:
    answered = tally.answered
    return {
        "keys": tally.keys,
        "key_percent": {
            key: round(100 * count / answered, 1) if answered else 0.0
            for key, count in tally.keys.items()
        },
        "answered": answered,
        "answered_no_key": tally.answered_no_key,
        "busy": tally.busy,
        "no_answer": tally.no_answer,
        "not_responding": tally.not_responding,
        "in_progress": tally.in_progress,
        "waiting": tally.waiting,
        "unknown": tally.unknown,
        "failed": tally.failed,
        "total": tally.total,
    }


def _survey_dict(survey: Survey, tally: SurveyTally) -> dict[str, Any]:
    return {
        "id": survey.id,
        "name": survey.name,
        "source": survey.source,
        "audio": survey.file_id,
        "valid_options": survey.valid_options,
        "valid_audio": survey.valid_file_id,
        "invalid_audio": survey.invalid_file_id,
        "retries": survey.max_retries,
        "journal": survey.rows,
        "results": _tally_dict(tally),
    }


async def _list(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        surveys = Surveys(engine)
        items = [_survey_dict(s, surveys.tally(s.id)) for s in engine.ledger.surveys.surveys()]
    if as_json(args):
        print(json.dumps(items, ensure_ascii=False))
    elif not items:
        print("No surveys yet; start one with `csms survey start NAME --list L ...`.")
    for item in [] if as_json(args) else items:
        results = item["results"]
        print(
            f"{item['id']}\t{item['name']}\t{results['answered']} answered of"
            f" {results['total']}\t{results['waiting']} waiting"
        )
    return 0


async def _start(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        surveys = Surveys(engine)
        numbers, source = surveys.recipients(list_name=args.list_name, numbers=args.to)
        recordings = AudioUploader(engine)
        files = [
            await recordings.resolve(value)
            for value in (args.audio, args.valid_audio, args.invalid_audio)
        ]
        if engine.ledger.surveys.survey_by_name(args.name) is not None:
            raise CliError(f"A survey named {args.name!r} exists; `csms survey resume` it.")
        named = []
        for file_id in files:
            audio = engine.ledger.audio.audio(file_id)
            named.append(f"{audio.name!r} (ID {file_id})" if audio else f"ID {file_id}")
        review = (
            f"Survey {args.name!r}: call {plural(len(numbers), 'number')} from {source};"
            f" play {named[0]}, keys 1-{args.options}, then {named[1]} (valid) or"
            f" {named[2]} (invalid); {args.retries} retries."
        )
        if not args.yes:
            if as_json(args):
                print(json.dumps({"review": review, "started": False}, ensure_ascii=False))
            else:
                print(review)
                print("Nobody was called; run again with --yes to start.")
            return 0

        def create() -> Survey:
            return surveys.create(
                args.name,
                numbers,
                source=source,
                file_id=files[0],
                valid_options=args.options,
                valid_file_id=files[1],
                invalid_file_id=files[2],
                max_retries=args.retries,
                mask=args.mask,
            )

        held = sending_hours.gate(
            engine, args, lambda: engine.holds.hold_job("survey", create().id)
        )
        if held is not None:
            return held
        return await _run(engine, surveys, create(), args)


async def _resume(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        surveys = Surveys(engine)
        try:
            survey = surveys.find(args.survey)
        except InvalidInput as error:
            raise CliError(str(error)) from None
        held = sending_hours.gate(engine, args, lambda: engine.holds.hold_job("survey", survey.id))
        if held is not None:
            return held
        return await _run(engine, surveys, survey, args)


async def _run(engine: Engine, surveys: Surveys, survey: Survey, args: argparse.Namespace) -> int:
    # Rows an earlier run left "sending" become unknown: they are never called again.
    engine.ledger.recover_interrupted()
    show = sys.stderr.isatty() and not as_json(args)

    def progress(current: Survey) -> None:
        if show:
            placed = current.rows.get("sent", 0)
            line = f"\r\x1b[KCalling: {placed:,} of {current.total:,} placed"
            print(line, end="", file=sys.stderr, flush=True)

    with graceful_stop("the calls on their way are recorded") as cancel:
        run = await surveys.run(survey.id, cancel=cancel, on_progress=progress)
    if show:
        print(file=sys.stderr)
    return _report(run, surveys.tally(survey.id), as_json(args))


def _report(run: SurveyRun, tally: SurveyTally, as_json: bool) -> int:
    survey = run.survey
    code = output.EXIT_OK
    if tally.unknown:
        code = output.EXIT_UNKNOWN
    elif run.stopped or run.cancelled or tally.failed:
        code = output.EXIT_FAILED
    if as_json:
        document = _survey_dict(survey, tally)
        document.update(stopped=run.stopped, cancelled=run.cancelled, exit=code)
        print(json.dumps(document, ensure_ascii=False))
        return code
    placed = survey.rows.get("sent", 0)
    print(f"Survey {survey.name!r} (ID {survey.id}): {placed:,} of {survey.total:,} calls placed.")
    if run.stopped:
        print(f"csms: stopped: {run.stopped}", file=sys.stderr)
    if run.cancelled:
        print("Stopped on request; `csms survey resume` calls the rest.", file=sys.stderr)
    if tally.unknown:
        print(
            f"csms: {plural(tally.unknown, 'call')} of unknown outcome (they may have been"
            " placed): `csms unknown` lists them; they are never called again by themselves.",
            file=sys.stderr,
        )
    return code


async def _status(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        surveys = Surveys(engine)
        try:
            survey = surveys.find(args.survey)
        except InvalidInput as error:
            raise CliError(str(error)) from None
        await engine.tracker.run_round()  # ask the gateway about calls not final yet
        tally = surveys.tally(survey.id)
        survey = engine.ledger.surveys.survey(survey.id)
    if as_json(args):
        print(json.dumps(_survey_dict(survey, tally), ensure_ascii=False))
        return 0
    answered = tally.answered
    print(f"Survey {survey.name!r} (ID {survey.id}), {survey.total:,} numbers:")
    for key in [str(k) for k in range(1, survey.valid_options + 1)]:
        count = tally.keys.get(key, 0)
        share = 100 * count / answered if answered else 0.0
        bar = "#" * round(share / 2.5)
        print(f"  key {key}  {count:>7,}  {share:5.1f}%  {bar}")
    print(f"  answered without a valid key {tally.answered_no_key:,}")
    print(
        f"  busy {tally.busy:,}, no answer {tally.no_answer:,},"
        f" not responding {tally.not_responding:,}"
    )
    print(
        f"  in progress {tally.in_progress:,}, not called yet {tally.waiting:,},"
        f" unknown {tally.unknown:,}, refused {tally.failed:,}"
    )
    print("  (keys and statuses from the gateway's call status; percentages of answered calls)")
    return 0


def _export_command(args: argparse.Namespace) -> int:
    target: Path = args.file.expanduser()
    return unless_it_exists(target, args.force, lambda: run_cli(_export(args, target)))


async def _export(args: argparse.Namespace, target: Path) -> int:
    async with cli_engine(args) as engine:
        surveys = Surveys(engine)
        try:
            survey = surveys.find(args.survey)
        except InvalidInput as error:
            raise CliError(str(error)) from None
        rows = await surveys.export(survey.id, target, engine.profile.timezone)
    if as_json(args):
        print(json.dumps({"file": str(target), "rows": rows}))
    else:
        print(f"Wrote {plural(rows, 'number')} of {survey.name!r} to {target}.", file=sys.stderr)
    return 0
