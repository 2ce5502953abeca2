"""``csms unknown``: submits whose outcome is unknown, listed and settled from scripts."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.cli import output
from tui.cli.engine_session import cli_engine, run_cli
from tui.cli.options import add_common
from tui.engine.unknown_outcomes import Resolution
from tui.gateway.errors import InvalidInput
from tui.ledger import UnknownSubmit

DESCRIPTION = """\
A submit is "unknown" when its request may have reached the gateway but no
answer was recorded: the connection dropped, the reply was unreadable, or the
run was stopped (killed, disk full) while the request was out. The recipients
may or may not have it, so csms never sends it again by itself. Check (the
phone, the portal, the list), then settle it:

  csms unknown                          list the open ones
  csms unknown settle 12 --sent         it arrived
  csms unknown settle 12 --not-sent     it did not (import batches and
                                        personalised rows are queued again)
  csms unknown settle 12 --list-id 345  a list creation: the list's ID
  csms unknown settle 13 --file-id 151  a recording upload: its file ID"""


def register(subparsers: Any) -> None:
    unknown = subparsers.add_parser(
        "unknown",
        help="list and settle submits whose outcome is unknown",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(unknown)
    unknown.add_argument("--all", action="store_true", help="also list settled ones")
    unknown.set_defaults(handler=lambda args: run_cli(_list(args)))
    actions = unknown.add_subparsers(dest="unknown_command", metavar="ACTION")
    listing = actions.add_parser("list", help="list open unknown outcomes (the default)")
    add_common(listing)
    listing.add_argument(
        "--all", action="store_true", default=argparse.SUPPRESS, help="also list settled ones"
    )
    listing.set_defaults(handler=lambda args: run_cli(_list(args)))
    settle = actions.add_parser("settle", help="settle one unknown outcome after checking it")
    settle.add_argument("id", type=int, metavar="ID", help="its number, from `csms unknown`")
    how = settle.add_mutually_exclusive_group(required=True)
    how.add_argument("--sent", action="store_true", help="it reached the gateway")
    how.add_argument("--not-sent", action="store_true", help="it did not")
    how.add_argument("--list-id", metavar="N", help="a list creation: the list's ID")
    how.add_argument("--file-id", metavar="N", help="a recording upload: its file ID")
    settle.add_argument("--note", default="", help="your note (default: what you chose)")
    add_common(settle)
    settle.set_defaults(handler=lambda args: run_cli(_settle(args)))


def _local(at: datetime, zone: str) -> str:
    """``at`` in the profile's time zone, to the minute."""
    try:
        return at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
    except (ZoneInfoNotFoundError, ValueError):
        return at.astimezone().strftime("%Y-%m-%d %H:%M")


def _entry(item: UnknownSubmit) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "command": item.command,
        "summary": item.summary,
        "targets": item.targets,
        "unsent": list(item.unsent),
        "ref": item.ref,
        "at": item.at.isoformat(),
        "settled": item.settled,
        "note": item.note,
    }


async def _list(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        items = engine.unknown.open()
        if getattr(args, "all", False):
            items += engine.unknown.settled()
        zone = engine.profile.timezone
    if getattr(args, "json", False):
        print(json.dumps([_entry(item) for item in items], ensure_ascii=False))
        return output.EXIT_OK
    if not items:
        print("No unknown outcomes: every submit's result is recorded.")
        return output.EXIT_OK
    for item in items:
        state = f"settled: {item.note}" if item.settled else "open"
        targets = item.targets
        shown = ", ".join(targets[:5]) + (
            f" and {len(targets) - 5} more" if len(targets) > 5 else ""
        )
        print(f"{item.id}\t{_local(item.at, zone)}\t{item.kind}\t{state}")
        print(f"\t{item.summary}")
        print(f"\tto: {shown}")
        if item.unsent:
            print(f"\tcertainly not sent: {len(item.unsent)}")
    return output.EXIT_OK


async def _settle(args: argparse.Namespace) -> int:
    resolution = Resolution.SENT if args.sent else Resolution.NOT_SENT if args.not_sent else None
    async with cli_engine(args) as engine:
        try:
            if args.file_id is not None:
                settled = await engine.unknown.settle_upload(args.id, args.file_id)
            else:
                settled = engine.unknown.settle(
                    args.id, resolution, list_id=args.list_id, note=args.note
                )
        except InvalidInput as error:
            return output.report_failure(str(error), exit_code=output.EXIT_REFUSED, code="refused")
    if getattr(args, "json", False):
        print(json.dumps({"id": args.id, "settled": True, "effect": settled.effect}))
    else:
        print(f"Unknown outcome {args.id}: {settled.effect}")
    return output.EXIT_OK
