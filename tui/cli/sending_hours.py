"""``--hold`` and ``--now``: what a send from the command line does outside the
profile's sending hours (refused, held until they open, or sent anyway)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from tui.cli import output
from tui.cli.options import as_json
from tui.engine.holds import describe
from tui.engine.service import Engine
from tui.ledger.holds import HeldSend


def add_options(parser: Any) -> None:
    when = parser.add_mutually_exclusive_group()
    when.add_argument(
        "--hold",
        action="store_true",
        help="outside the sending hours, keep it until they open (`csms hold run` sends it)",
    )
    when.add_argument(
        "--now", action="store_true", help="send even outside the profile's sending hours"
    )


def gate(engine: Engine, args: argparse.Namespace, hold: Callable[[], HeldSend]) -> int | None:
    """None when the send may go now; else the exit code after saying why it did
    not (refused: no --hold or --now) or that it is held (``hold()`` keeps it)."""
    closed = engine.holds.outside()
    if closed is None or args.now:
        return None
    if not args.hold:
        return output.report_failure(
            f"Nothing was sent: {closed} Add --hold to send it then, or --now to send anyway.",
            exit_code=output.EXIT_REFUSED,
            code="sending_hours",
        )
    held = hold()
    due = held.due_at.astimezone(engine.holds.hours.zone)
    if as_json(args):
        print(json.dumps({"held": held.id, "due": due.isoformat(), "kind": held.kind}))
    else:
        print(
            f"Held (hold {held.id}: {describe(held)}) until {due:%Y-%m-%d %H:%M};"
            " `csms hold run` sends it then."
        )
    return output.EXIT_OK
