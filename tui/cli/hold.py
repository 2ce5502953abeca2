"""``csms hold``: sends held until the sending hours open (list them; send the due ones)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from tui.cli import output
from tui.cli.engine_session import CliError, cli_engine, run_cli
from tui.cli.options import add_common, as_json
from tui.engine.holds import describe
from tui.gateway.errors import InvalidInput

DESCRIPTION = """\
A send made outside the profile's sending hours (send_from, send_until,
send_days; 09:00-21:00 every day by default, in the profile's time zone) with
`csms send|call|survey start --hold`, or held from the app, waits here.
`csms hold run` sends those that are due, when the hours are open: run it
from cron every few minutes, e.g.

  */5 * * * *  csms hold run

The app sends them by itself while it runs."""


def register(subparsers: Any) -> None:
    hold = subparsers.add_parser(
        "hold",
        help="sends held until the sending hours open",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(hold)
    hold.set_defaults(handler=lambda args: run_cli(_list(args)))
    actions = hold.add_subparsers(dest="hold_command", metavar="ACTION")
    listing = actions.add_parser("list", help="the held sends (the default)")
    add_common(listing)
    listing.set_defaults(handler=lambda args: run_cli(_list(args)))
    run = actions.add_parser("run", help="send the held sends that are due")
    add_common(run)
    run.set_defaults(handler=lambda args: run_cli(_run(args)))
    cancel = actions.add_parser("cancel", help="cancel a held send before it goes out")
    cancel.add_argument("hold_id", type=int, metavar="HOLD_ID")
    add_common(cancel)
    cancel.set_defaults(handler=lambda args: run_cli(_cancel(args)))


async def _list(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        # Every hold goes out at the next opening of the hours as they are set now.
        due = engine.holds.goes_out().astimezone(engine.holds.hours.zone)
        holds = engine.holds.waiting()
    if as_json(args):
        print(json.dumps([{"id": h.id, "kind": h.kind, "state": h.state,
                           "due": due.isoformat(), **h.payload} for h in holds],
                         ensure_ascii=False))  # fmt: skip
        return output.EXIT_OK
    if not holds:
        print("Nothing is held.")
    for h in holds:
        print(f"{h.id}\t{h.state}\t{due:%Y-%m-%d %H:%M}\t{describe(h)}")
    return output.EXIT_OK


async def _cancel(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        try:
            held = engine.holds.cancel(args.hold_id)
        except InvalidInput as error:
            raise CliError(str(error)) from None
    if as_json(args):
        print(json.dumps({"cancelled": held.id}))
    else:
        print(f"Hold {held.id} is cancelled: {describe(held)}; nothing was sent.")
    return output.EXIT_OK


async def _run(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        result = await engine.holds.run_due()
        hours = engine.holds.hours
    if as_json(args):
        print(json.dumps({
            "sent": [{"id": h.id, "result": r} for h, r in result.sent],
            "failed": [{"id": h.id, "error": r} for h, r in result.failed],
        }))  # fmt: skip
    else:
        for h, r in result.sent:
            print(f"Hold {h.id}: {r}.")
        for h, r in result.failed:
            print(f"csms: hold {h.id}: {r}")
        if not result.sent and not result.failed:
            from datetime import UTC, datetime

            now = datetime.now(UTC)
            print("Nothing was due." if hours.allows(now) else hours.sentence(now))
    return output.EXIT_FAILED if result.failed else output.EXIT_OK
