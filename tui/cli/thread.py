"""``csms thread``: a conversation with one number, or the inbox by number.

``csms thread NUMBER`` prints everything exchanged with that number in time
order (replies received, SMS sent, calls and the key pressed, campaign
deliveries, do-not-contact changes), in the profile's time zone. Without a
number it lists the conversations: one line per number that wrote, newest
first, with its unread count and last message.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import tzinfo
from typing import Any

from tui.cli import output
from tui.cli.engine_session import cli_engine, run_cli
from tui.cli.options import as_json
from tui.engine.service import plural
from tui.engine.threads import Conversation, ThreadItem, Threads, thread_key
from tui.gateway.numbers import NumberError

TIME_FORMAT = "%Y-%m-%d %H:%M"
#: How each kind of item is named in the text output.
KIND_NAMES = {
    "received": "SMS in",
    "sms": "SMS",
    "call": "call",
    "campaign": "campaign",
    "optout": "list",
}


def register(subparsers: Any) -> None:
    thread = subparsers.add_parser(
        "thread",
        help="a conversation with one number, or the inbox by number",
        description="With a number (in any form): everything exchanged with it, oldest first,"
        " in the profile's time zone: replies received, SMS sent, calls and the key pressed,"
        " campaign deliveries, do-not-contact changes. Without: one line per number that"
        " wrote, newest first, with its unread count and last message.",
    )
    thread.add_argument("number", nargs="?", metavar="NUMBER", help="in any form")
    thread.add_argument("--unread", action="store_true", help="only numbers with unread messages")
    thread.add_argument("--limit", type=int, default=50, help="conversations shown (50)")
    thread.add_argument("--offset", type=int, default=0, help="skip this many conversations")
    thread.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    thread.add_argument(
        "--profile", metavar="NAME", default=argparse.SUPPRESS, help="use this profile"
    )
    thread.set_defaults(handler=_command)


def _command(args: argparse.Namespace) -> int:
    if args.number is None:
        return run_cli(_conversations(args))
    try:
        thread_key(args.number)
    except NumberError:
        return output.report_failure(
            "Give a number (in any form) to show its conversation.",
            exit_code=output.EXIT_REFUSED,
            code="refused",
        )
    return run_cli(_thread(args))


def item_dict(item: ThreadItem, zone: tzinfo) -> dict[str, Any]:
    return {
        "at": item.at.astimezone(zone).isoformat(timespec="seconds"),
        "kind": item.kind,
        "direction": item.direction,
        "text": item.text,
        "status": item.status,
        "ref": item.ref,
        "detail": item.detail,
    }


def item_line(item: ThreadItem, zone: tzinfo) -> str:
    arrow = {"in": "<-", "out": "->", "note": "--"}[item.direction]
    detail = f" [{item.detail}]" if item.detail else ""
    text = " ".join(item.text.split())
    when = item.at.astimezone(zone).strftime(TIME_FORMAT)
    return f"{when}  {arrow} {KIND_NAMES[item.kind]:<8}  {item.status:<14}  {text}{detail}"


async def _thread(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        threads = Threads(engine)
        key, _ = thread_key(args.number)
        items = threads.thread(args.number)
        zone = threads.zone
    if as_json(args):
        print(json.dumps({"msisdn": key, "items": [item_dict(i, zone) for i in items]},
                         ensure_ascii=False))  # fmt: skip
        return 0
    for item in items:
        print(item_line(item, zone))
    if not items:
        print(f"Nothing was exchanged with {key} yet.", file=sys.stderr)
    return 0


def conversation_dict(row: Conversation, zone: tzinfo) -> dict[str, Any]:
    return {
        "msisdn": row.msisdn,
        "messages": row.messages,
        "unread": row.unread,
        "last_text": row.last_text,
        "last_at": row.last_at.astimezone(zone).isoformat(timespec="seconds"),
    }


async def _conversations(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        threads = Threads(engine)
        rows = threads.conversations(args.offset, args.limit, unread_only=args.unread)
        total = threads.conversation_count(unread_only=args.unread)
        zone = threads.zone
    if as_json(args):
        print(json.dumps([conversation_dict(r, zone) for r in rows], ensure_ascii=False))
        return 0
    for r in rows:
        when = r.last_at.astimezone(zone).strftime(TIME_FORMAT)
        unread = f"{r.unread} unread" if r.unread else "read"
        print(f"{r.msisdn}\t{when}\t{r.messages} msg\t{unread}\t{' '.join(r.last_text.split())}")
    print(f"{plural(total, 'conversation')}; {len(rows)} shown.", file=sys.stderr)
    return 0
