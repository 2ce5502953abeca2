"""``csms inbox fetch`` and ``csms inbox export``: drain the inbox from cron."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tui.cli.engine_session import cli_engine, run_cli


def register(subparsers: Any) -> None:
    inbox = subparsers.add_parser("inbox", help="fetch, store and export incoming SMS")
    commands = inbox.add_subparsers(dest="inbox_command", metavar="ACTION", required=True)

    fetch = commands.add_parser(
        "fetch",
        help="store and print the paid incoming messages waiting",
        description="Each message is stored in the ledger before it is printed, and printed once.",
    )
    action = fetch.add_mutually_exclusive_group()
    action.add_argument(
        "--pay", action="store_true", help="first pay for the unpaid pending messages"
    )
    action.add_argument(
        "--discard", action="store_true", help="first discard the unpaid pending messages"
    )
    fetch.add_argument("--json", action="store_true", help="print JSON lines")
    fetch.set_defaults(handler=lambda args: run_cli(_fetch(args)))

    export = commands.add_parser("export", help="write every stored message to a CSV file")
    export.add_argument("file", type=Path, metavar="FILE.csv")
    export.set_defaults(handler=lambda args: run_cli(_export(args)))


async def _fetch(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        before = engine.ledger.inbox_count()
        newest_id = _newest_id(engine)
        recovered = engine.inbox.recover()
        if args.discard:
            discarded = await engine.discard_pending()
            print(f"Discarded {discarded} unpaid pending message(s).", file=sys.stderr)
        if args.pay:
            outcome = await engine.pay_and_fetch()
            print(f"Paid for {outcome.paid} pending message(s).", file=sys.stderr)
        else:
            outcome = await engine.fetch_inbox()
        count = outcome.new_messages + recovered
        fresh = [m for m in engine.ledger.inbox_page(0, count) if m.id > newest_id]
        for message in reversed(fresh):
            if args.json:
                print(json.dumps(_as_dict(message), ensure_ascii=False))
            else:
                stamp = message.timestamp.isoformat(" ") if message.timestamp else ""
                print(f"{message.msisdn}\t{stamp or message.timestamp_raw}\t{message.text}")
        if outcome.quarantined:
            print(
                f"{outcome.quarantined} reply could not be read and is kept in the ledger's "
                "quarantine; nothing was lost.",
                file=sys.stderr,
            )
        total = engine.ledger.inbox_count()
        waiting = outcome.info.unpaid_pending if outcome.info else 0
        note = f"; {waiting} unpaid pending (use --pay or --discard)" if waiting else ""
        print(f"{total - before} new message(s); {total} stored{note}.", file=sys.stderr)
    return 0


def _newest_id(engine: Any) -> int:
    page = engine.ledger.inbox_page(0, 1)
    return int(page[0].id) if page else 0


def _as_dict(message: Any) -> dict[str, Any]:
    return {
        "id": message.gateway_id,
        "msisdn": message.msisdn,
        "text": message.text,
        "short_code": message.short_code,
        "timestamp": message.timestamp_raw,
        "received_at": message.received_at.isoformat(),
    }


async def _export(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        rows = await engine.export_inbox(args.file)
    print(f"Wrote {rows} message(s) to {args.file}.")
    return 0
