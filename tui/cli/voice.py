"""``csms voice``: voice broadcast, feedback and text-to-speech campaigns from scripts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tui.cli import output
from tui.cli.engine_session import CliError, cli_engine, run_cli
from tui.cli.options import add_common, as_json, list_ids, unless_it_exists
from tui.engine.audio_upload import AudioUploader
from tui.engine.service import Engine, plural
from tui.engine.sms_campaigns import profile_zone
from tui.engine.voice_campaigns import VoiceCampaigns
from tui.engine.voice_plan import VoiceDraft
from tui.gateway.codes import DynamicDigits, DynamicLanguage, DynamicVoice
from tui.ledger import VoiceCampaign

CREATE_HELP = """\
Create a voice campaign to subscriber lists csms knows. Without --yes it prints
exactly what would be created and creates nothing. Recordings are named by file
ID or by the name csms knows them by. Times are local (the profile's zone) as
YYYY-MM-DD HH:MM; --daily-start/--daily-end (HH:MM) limit the hours calls are
made each day.

  broadcast  plays --audio to everyone
  feedback   plays --audio and asks for a key: --options N (keys 1..N),
             --valid-audio after a valid key, --invalid-audio after another
  dynamic    plays --audio, then reads out digits in --language with --voice,
             as --digits (money or numbers), then --ending-audio. The API
             document does not say where the digits read out come from, nor
             how to give each subscriber their own amount: csms does not
             imply that it can."""


def register(subparsers: Any) -> None:
    voice = subparsers.add_parser(
        "voice",
        help="voice campaigns: list, create, status, export",
        description="Without an action, lists the voice campaigns csms knows.",
    )
    add_common(voice)
    voice.set_defaults(handler=lambda args: run_cli(_list(args)))
    actions = voice.add_subparsers(dest="voice_command", metavar="ACTION")

    create = actions.add_parser(
        "create",
        help="review, then create, a voice campaign",
        description=CREATE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    create.add_argument("name", metavar="NAME")
    create.add_argument(
        "--type", dest="kind", choices=("broadcast", "feedback", "dynamic"), default="broadcast"
    )
    create.add_argument("--list", dest="lists", action="append", required=True, metavar="LIST")
    create.add_argument("--audio", required=True, metavar="ID_OR_NAME")
    create.add_argument("--sms", default="", metavar="TEXT", help="SMS for those not reached")
    create.add_argument("--retries", default=0, type=int, metavar="N", help="0-2")
    create.add_argument("--start", default="", metavar="WHEN", help="default: when approved")
    create.add_argument("--end", default="", metavar="WHEN")
    create.add_argument("--daily-start", default="", metavar="HH:MM")
    create.add_argument("--daily-end", default="", metavar="HH:MM")
    create.add_argument("--options", default="", metavar="N")
    create.add_argument("--valid-audio", metavar="ID_OR_NAME")
    create.add_argument("--invalid-audio", metavar="ID_OR_NAME")
    create.add_argument("--language", choices=("english", "urdu"))
    create.add_argument("--digits", choices=("money", "numbers"))
    create.add_argument("--voice", choices=("male", "female"))
    create.add_argument("--ending-audio", metavar="ID_OR_NAME")
    create.add_argument("--yes", action="store_true", help="create it after the review")
    add_common(create)
    create.set_defaults(handler=lambda args: run_cli(_create(args)))

    status = actions.add_parser("status", help="ask the gateway how a campaign is doing")
    status.add_argument("campaign", metavar="NAME_OR_ID")
    add_common(status)
    status.set_defaults(handler=lambda args: run_cli(_status(args)))

    export = actions.add_parser("export", help="write its recorded statuses to a CSV file")
    export.add_argument("campaign", metavar="NAME_OR_ID")
    export.add_argument("file", type=Path, metavar="FILE.csv")
    export.add_argument("--force", action="store_true", help="replace an existing file")
    add_common(export)
    export.set_defaults(handler=_export_command)


def _find(engine: Engine, wanted: str) -> VoiceCampaign:
    clean = wanted.strip()
    found = engine.ledger.voice.voice_campaign(clean) or next(
        (c for c in engine.ledger.voice.voice_campaigns() if c.name.casefold() == clean.casefold()),
        None,
    )
    if found is None:
        raise CliError(f"No voice campaign {wanted!r} is known; `csms voice` lists them.")
    return found


async def _audio(engine: Engine, value: str | None) -> str | None:
    return None if value is None else await AudioUploader(engine).resolve(value)


def _summary(engine: Engine, item: VoiceCampaign) -> dict[str, Any]:
    latest = engine.ledger.voice.voice_latest(item.id)
    document: dict[str, Any] = {
        "id": item.id,
        "name": item.name,
        "type": item.kind,
        "settings": item.params,
        "status": item.last_status.label if item.last_status else None,
        "final": item.final,
    }
    if latest is not None:
        # The gateway's voice campaign status carries totals only, no per-key figures.
        document["gateway_figures"] = {
            "at": latest.at.isoformat(),
            "call_attempts": latest.call_attempts,
            "answered": latest.answered,
            "not_answered": latest.not_answered,
            "not_responding": latest.not_responding,
            "busy": latest.busy,
            "cost": latest.cost,
        }
    return document


async def _list(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        items = [_summary(engine, item) for item in engine.ledger.voice.voice_campaigns()]
    if as_json(args):
        print(json.dumps(items, ensure_ascii=False))
        return 0
    if not items:
        print("No voice campaigns yet; create one with `csms voice create`.")
    for item in items:
        print(f"{item['id']}\t{item['name']}\t{item['type']}\t{item['status'] or 'not checked'}")
    return 0


async def _create(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        draft = VoiceDraft(
            kind=args.kind,
            name=args.name,
            list_ids=list_ids(engine, args.lists),
            file_id=await _audio(engine, args.audio),
            text=args.sms,
            max_retries=args.retries,
            start=args.start,
            end=args.end,
            daily_start=args.daily_start,
            daily_end=args.daily_end,
            valid_options=args.options,
            valid_file_id=await _audio(engine, args.valid_audio),
            invalid_file_id=await _audio(engine, args.invalid_audio),
            language=DynamicLanguage[args.language.upper()] if args.language else None,
            digits=DynamicDigits[args.digits.upper()] if args.digits else None,
            voice=DynamicVoice[args.voice.upper()] if args.voice else None,
            ending_file_id=await _audio(engine, args.ending_audio),
        )
        campaigns = VoiceCampaigns(engine)
        plan, problems = campaigns.check(draft)
        if plan is None:
            text = "; ".join(f"{p.field}: {p.message}" for p in problems)
            return output.report_failure(
                f"The campaign cannot be created as given: {text}",
                exit_code=output.EXIT_REFUSED,
                code="refused",
                problems=[{"field": p.field, "message": p.message} for p in problems],
            )
        review = plan.review()
        late = engine.holds.hours.schedule_warning(plan.start, (plan.daily_start, plan.daily_end))
        if late:
            review.append(("Warning", late))
        if not args.yes:
            if as_json(args):
                print(json.dumps({"review": dict(review), "created": False}, ensure_ascii=False))
            else:
                width = max(len(label) for label, _ in review)
                for label, value in review:
                    print(f"{label:<{width}}  {value}")
                print("Nothing was created; run again with --yes to create it.")
            return 0
        created = await campaigns.create(plan)
        document = _summary(engine, created)
    if as_json(args):
        print(json.dumps({**document, "created": True}, ensure_ascii=False))
    else:
        print(f"Created {created.kind} voice campaign {created.name!r} (ID {created.id}).")
    return 0


async def _status(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        found = _find(engine, args.campaign)
        await engine.tracker.poll_now("voice_campaign", found.id)
        document = _summary(engine, _find(engine, found.id))
    if as_json(args):
        print(json.dumps(document, ensure_ascii=False))
        return 0
    print(f"{document['name']} (ID {document['id']}, {document['type']}): {document['status']}")
    figures = document.get("gateway_figures")
    if figures:
        print(
            f"  from the gateway: {plural(figures['call_attempts'], 'call attempt')},"
            f" {figures['answered']} answered, {figures['not_answered']} not answered,"
            f" {figures['not_responding']} not responding, {figures['busy']} busy,"
            f" cost {figures['cost']}"
        )
    if found.kind == "feedback":
        print(
            "  keys pressed: the gateway's campaign status gives no per-key figures;"
            " for results per key, run a survey (feedback calls) instead."
        )
    for key, value in found.params.items():
        print(f"  {key}: {value}")
    return 0


def _export_command(args: argparse.Namespace) -> int:
    target: Path = args.file.expanduser()
    return unless_it_exists(target, args.force, lambda: run_cli(_export(args, target)))


async def _export(args: argparse.Namespace, target: Path) -> int:
    async with cli_engine(args) as engine:
        found = _find(engine, args.campaign)
        rows = engine.ledger.export_voice_csv(found.id, target, profile_zone(engine))
    if as_json(args):
        print(json.dumps({"file": str(target), "rows": rows}))
    else:
        print(f"Wrote {plural(rows, 'status row')} of {found.name!r} to {target}.", file=sys.stderr)
    return 0
