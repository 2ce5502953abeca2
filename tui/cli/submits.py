"""What every submitting command shares: the engine for one run, the recipients
given with ``--to``, and how an outcome is printed and turned into an exit code."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Sequence

from tui.cli import interrupts, output
from tui.cli.engine_session import CliError, cli_engine
from tui.cli.output import EXIT_FAILED, EXIT_OK, EXIT_REFUSED, EXIT_UNKNOWN
from tui.config import tls_warning
from tui.engine.profile_time import profile_zone
from tui.engine.repeat_sends import recent_repeats
from tui.engine.send_request import SendRequest
from tui.engine.service import Engine, SendOutcome, plural
from tui.gateway.errors import CsmsError, InvalidInput, InvalidNumbers
from tui.gateway.numbers import parse_recipients
from tui.ledger import LedgerError

Command = Callable[[Engine, argparse.Namespace], Awaitable[int]]


def run_command(args: argparse.Namespace, command: Command, *, sends: bool = False) -> int:
    """Run ``command``; with ``sends``, a failure that escapes it happened before
    anything was sent (the engine reports the rest in the outcome), and says so."""
    try:
        interrupts.end_start_up()
        return asyncio.run(_with_engine(args, command))
    except (InvalidInput, CliError) as error:
        return fail(error, EXIT_REFUSED)
    except LedgerError as error:
        text = str(error)
        if sends and not text.startswith("Nothing was sent"):
            text = f"Nothing was sent: {text}"
        return output.report_failure(text, exit_code=EXIT_FAILED, code="storage")
    except (CsmsError, OSError) as error:
        if isinstance(error, BrokenPipeError):
            raise
        return fail(error, EXIT_FAILED)


def fail(error: BaseException, exit_code: int) -> int:
    return output.report_error(error, exit_code=exit_code)


async def _with_engine(args: argparse.Namespace, command: Command) -> int:
    """Run ``command`` on an engine, so what is sent is in the ledger (and shows
    in the app's Activity, tracked to its final status)."""
    async with cli_engine(args) as engine:
        warning = tls_warning(engine.profile)
        if warning and not engine.demo:
            output.warn(warning)
        return await command(engine, args)


def add_override(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--include-opted-out",
        metavar="REASON",
        help="also send to numbers on the do-not-contact list (the reason is recorded)",
    )


def add_again(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--again",
        action="store_true",
        help="send even though the same send to these numbers has an unknown outcome"
        " (it may have gone out; see csms unknown)",
    )


def refuse_unknown_repeat(engine: Engine, request: SendRequest, again: bool) -> int | None:
    """Refuse (and say why) a send whose same text or recording went to some of
    its numbers within the hour with an unknown outcome, still open: a retry by
    a script after a lost answer would send it twice. None: it may go."""
    if again:
        return None
    maybe = [r for r in recent_repeats(engine.reads, request, engine.now()) if r.unknown]
    if not maybe:
        return None
    at = maybe[0].last_at.astimezone(profile_zone(engine))
    return output.report_failure(
        f"Nothing was sent. {maybe[0].sentence(f'{at:%H:%M}')} Check it (csms unknown) and"
        " settle it, or add --again to send anyway.",
        exit_code=EXIT_REFUSED,
        code="outcome_unknown_open",
    )


def recipients(values: Sequence[str]) -> list[str]:
    parsed = parse_recipients("\n".join(values))
    if parsed.invalid:
        raise InvalidNumbers(parsed.invalid)
    if not parsed.valid:
        raise InvalidInput("No recipients were given; add at least one number with --to.")
    if parsed.duplicates:
        output.warn(f"{plural(len(parsed.duplicates), 'repeated number')} left out.")
    return parsed.valid


def exit_code(outcome: SendOutcome) -> int:
    if outcome.outcome_unknown:
        return EXIT_UNKNOWN
    return EXIT_OK if outcome.error is None else EXIT_FAILED


def print_json(outcome: SendOutcome, exit_code: int) -> None:
    document: dict[str, object] = {"sent": [{"to": to, "id": i} for to, i in outcome.ids]}
    if outcome.blocked:
        document["left_out_do_not_contact"] = outcome.blocked
    if outcome.error is not None:
        document.update(
            error=outcome.error,
            code="outcome_unknown" if outcome.outcome_unknown else "failed",
            exit=exit_code,
            unknown=outcome.unknown,
            unsent=outcome.unsent,
            recorded=not outcome.unrecorded,
        )
    print(json.dumps(document, ensure_ascii=False))


def print_text(outcome: SendOutcome) -> None:
    for to, message_id in outcome.ids:
        print(f"{to}\t{message_id}")
    if outcome.error is None:
        return
    sys.stdout.flush()
    print(f"csms: {outcome.error}", file=sys.stderr)
    if outcome.unknown:
        print(
            f"csms: the outcome is unknown for {plural(len(outcome.unknown), 'recipient')}"
            f" (they may have got it): {', '.join(outcome.unknown)}. Do not send to them again"
            " before checking; `csms unknown` lists it and settles it.",
            file=sys.stderr,
        )
    if outcome.unsent:
        print(
            f"csms: {plural(len(outcome.unsent), 'recipient')} certainly did not get it:"
            f" {', '.join(outcome.unsent)}.",
            file=sys.stderr,
        )


def report(outcome: SendOutcome, as_json: bool) -> int:
    """Print what happened (IDs first) and return the exit code."""
    code = exit_code(outcome)
    if outcome.blocked and not as_json:
        output.note(
            f"{plural(len(outcome.blocked), 'number')} on the do-not-contact list left out:"
            f" {', '.join(outcome.blocked)} (--include-opted-out REASON sends to them anyway)."
        )
    if as_json:
        print_json(outcome, code)
    else:
        print_text(outcome)
    return code
