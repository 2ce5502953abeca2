"""``csms inbox fetch`` and ``csms inbox export``: drain the inbox from cron."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tui.cli import output
from tui.cli.engine_session import cli_engine, run_cli
from tui.engine.costs import PayEstimate
from tui.engine.inbox import InboxNotStored
from tui.engine.service import Engine
from tui.gateway.codes import GET_INCOMING
from tui.gateway.errors import CsmsError, OutcomeUnknown
from tui.gateway.protocol import parse_incoming
from tui.ledger import LedgerError
from tui.wording import plural

FETCH_HELP = """\
Fetches the paid incoming messages waiting at the gateway, a small page at a time,
committing each reply to the ledger the moment it arrives; then prints every
stored message this command has not printed before (one killed half-way
included), oldest first, and marks them printed. The gateway hands each message
out once: when a fetch was cut off before its reply was stored (a kill, a full
disk, a lost connection), csms says so at every run, with the time and the most
messages it can concern, until you acknowledge it with --ack-loss.

exit status: 0 done; 1 failed (nothing was asked for when the ledger cannot be
written); 3 the outcome of a pay is unknown (see `csms unknown`)."""


def register(subparsers: Any) -> None:
    inbox = subparsers.add_parser("inbox", help="fetch, store and export incoming SMS")
    commands = inbox.add_subparsers(dest="inbox_command", metavar="ACTION", required=True)

    fetch = commands.add_parser(
        "fetch",
        help="store and print the paid incoming messages waiting",
        description=FETCH_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    action = fetch.add_mutually_exclusive_group()
    action.add_argument(
        "--pay", action="store_true", help="first pay for the unpaid pending messages"
    )
    action.add_argument(
        "--discard", action="store_true", help="first discard the unpaid pending messages"
    )
    fetch.add_argument(
        "--ack-loss", action="store_true", help="acknowledge the possible losses it reports"
    )
    fetch.add_argument("--json", action="store_true", help="print JSON lines")
    fetch.set_defaults(handler=lambda args: run_cli(_fetch(args)))

    export = commands.add_parser("export", help="write every stored message to a CSV file")
    export.add_argument("file", type=Path, metavar="FILE.csv")
    export.set_defaults(handler=lambda args: run_cli(_export(args)))


#: Messages printed, then marked printed, at a time: a kill in between prints
#: them again next time rather than never.
HAND_OUT_BATCH = 20


async def _fetch(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        engine.inbox.recover()
        _report_losses(engine, args)
        before = engine.ledger.inbox.inbox_count()
        code = output.EXIT_OK
        outcome = None
        try:
            if args.discard:
                discarded = await engine.discard_pending()
                print(f"Discarded {_count(discarded, 'unpaid pending message')}.", file=sys.stderr)
            if args.pay:
                outcome = await engine.pay_and_fetch()
                print(f"Paid for {_count(outcome.paid, 'pending message')}.", file=sys.stderr)
            else:
                outcome = await engine.fetch_inbox()
        except InboxNotStored as error:
            _print_unstored(error.body, args.json)
            code = output.report_failure(str(error), exit_code=output.EXIT_FAILED, code="storage")
        except OutcomeUnknown as error:
            code = output.report_error(
                error,
                exit_code=output.EXIT_UNKNOWN,
                then=(
                    "The next fetch warns of it again until run with --ack-loss."
                    if error.command == GET_INCOMING.name
                    else ""
                ),
            )
        except (CsmsError, LedgerError) as error:
            code = output.report_error(error, exit_code=output.EXIT_FAILED)
        printed = _hand_out(engine, args.json)
        if outcome is not None and outcome.quarantined:
            print(
                f"{_count(outcome.quarantined, 'reply')} could not be read and is kept in the"
                " ledger's quarantine (its messages are not lost, but are not shown here).",
                file=sys.stderr,
            )
        total = engine.ledger.inbox.inbox_count()
        info = outcome.info if outcome else None
        waiting = info.unpaid_pending if info else 0
        note = f"; {waiting} unpaid pending (use --pay or --discard)" if waiting else ""
        print(
            f"{_count(total - before, 'new message')}, {printed} printed; {total:,} stored{note}.",
            file=sys.stderr,
        )
        if waiting and info is not None and not args.json:
            # What --pay would cost: the free allowance first, then per segment.
            estimate = PayEstimate(
                waiting, info.free_incoming, engine.profile.price_per_segment, info.credit
            )
            print(f"Paying: {estimate.sentence()}", file=sys.stderr)
    return code


def _count(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def _report_losses(engine: Engine, args: argparse.Namespace) -> None:
    losses = engine.inbox.possible_losses()
    zone = engine.profile.timezone
    for loss in losses:
        when = _local(loss.started_at, zone)
        print(f"csms: warning: {loss.sentence(when)}", file=sys.stderr)
    if losses and args.ack_loss:
        engine.inbox.acknowledge_losses()
        print("csms: acknowledged; these are not reported again.", file=sys.stderr)
    elif losses:
        print("csms: run with --ack-loss once you have taken note.", file=sys.stderr)


def _local(at: datetime, zone: str) -> str:
    try:
        return at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S %Z")
    except (ZoneInfoNotFoundError, ValueError):
        return at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def _hand_out(engine: Engine, as_json: bool) -> int:
    """Print the stored messages not printed before, then mark them, batch by batch."""
    printed = 0
    while True:
        batch = engine.ledger.inbox_fetches.not_handed_out(HAND_OUT_BATCH)
        if not batch:
            return printed
        for message in batch:
            _print_message(message, as_json)
        sys.stdout.flush()
        engine.ledger.inbox_fetches.mark_handed_out(m.id for m in batch)
        printed += len(batch)


def _print_message(message: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps(_as_dict(message), ensure_ascii=False))
    else:
        stamp = message.timestamp.isoformat(" ") if message.timestamp else ""
        print(f"{message.msisdn}\t{stamp or message.timestamp_raw}\t{message.text}")


def _print_unstored(body: bytes, as_json: bool) -> None:
    """Show the messages of a reply that could not be stored, so they are not lost."""
    try:
        batch = parse_incoming(body)
    except CsmsError:
        sys.stdout.write(body.decode("utf-8", errors="replace") + "\n")
        return
    for message in batch.messages:
        if as_json:
            document = {
                "id": message.id,
                "msisdn": message.msisdn,
                "text": message.message,
                "short_code": message.short_code,
                "timestamp": message.timestamp_raw,
                "stored": False,
            }
            print(json.dumps(document, ensure_ascii=False))
        else:
            print(f"{message.msisdn}\t{message.timestamp_raw}\t{message.message}")
    sys.stdout.flush()


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
    print(f"Wrote {plural(rows, 'message')} to {args.file}.")
    return 0
