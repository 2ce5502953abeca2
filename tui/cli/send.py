"""``csms send`` and ``csms status``: a quick SMS and its status from scripts and cron."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from tui.cli import output
from tui.cli.engine_session import CliError, cli_engine
from tui.cli.output import EXIT_FAILED, EXIT_OK, EXIT_REFUSED, EXIT_UNKNOWN
from tui.cli.stopping import graceful_stop
from tui.config import tls_warning
from tui.engine.service import Engine, SendOutcome, plural
from tui.gateway import validate
from tui.gateway.errors import (
    CsmsError,
    GatewayError,
    InvalidInput,
    InvalidNumbers,
    LoginFailed,
)
from tui.gateway.numbers import parse_recipients
from tui.ledger import LedgerError

EXIT_HELP = """\
exit status:
  0  every recipient was sent the message
  1  the gateway refused or could not be reached (see the message)
  2  refused before sending: bad numbers, empty text, missing credentials
  3  the outcome is unknown for some recipients (the request may have reached
     the gateway): see `csms unknown`; never simply send again
 70  an unexpected error (the log file has the details)
With --json, a failure is one JSON object on standard output:
  {"error": sentence, "code": ..., "exit": n}"""


def register(subparsers: Any) -> None:
    send = subparsers.add_parser(
        "send",
        help="send a quick SMS",
        description="Send one SMS to one or more numbers, written any usual way\n"
        "(0300-1234567, +92 300 1234567, 923001234567, ...). Every bad number is named\n"
        "and then nothing is sent. Long lists go out in several requests, in order.",
        epilog=EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    send.add_argument(
        "--to",
        action="append",
        required=True,
        metavar="NUMBERS",
        help="recipients, separated by commas, spaces or newlines (repeatable)",
    )
    send.add_argument("--text", required=True, help="the message; '-' reads it from standard input")
    send.add_argument("--mask", metavar="M", help="sender mask (default: the account's)")
    send.add_argument(
        "--operator",
        type=int,
        metavar="ID",
        help="send through one operator: 1 Telenor, 2 Jazz, 3 Zong, 4 Warid, 5 Ufone",
    )
    _common(send)
    send.set_defaults(handler=_send_command)

    status = subparsers.add_parser(
        "status",
        help="show the status of sent messages",
        description="Print each message ID with its status (Not Sent or Sent).",
    )
    status.add_argument("ids", nargs="+", metavar="MSG_ID", help="message IDs from csms send")
    _common(status)
    status.set_defaults(handler=lambda args: _run(args, _status))


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    # SUPPRESS keeps a --profile given before the command when this one is absent.
    parser.add_argument(
        "--profile", metavar="NAME", default=argparse.SUPPRESS, help="use this profile"
    )


Command = Callable[[Engine, argparse.Namespace], Awaitable[int]]


def _run(args: argparse.Namespace, command: Command, *, sends: bool = False) -> int:
    """Run ``command``; with ``sends``, a failure that escapes it happened before
    anything was sent (the engine reports the rest in the outcome), and says so."""
    try:
        return asyncio.run(_with_engine(args, command))
    except (InvalidInput, CliError) as error:
        return _fail(error, EXIT_REFUSED)
    except LedgerError as error:
        text = str(error)
        if sends and not text.startswith("Nothing was sent"):
            text = f"Nothing was sent: {text}"
        return output.report_failure(text, exit_code=EXIT_FAILED, code="storage")
    except (CsmsError, OSError) as error:
        if isinstance(error, BrokenPipeError):
            raise
        return _fail(error, EXIT_FAILED)


def _fail(error: BaseException, exit_code: int) -> int:
    return output.report_failure(str(error), exit_code=exit_code, code=output.error_code(error))


async def _with_engine(args: argparse.Namespace, command: Command) -> int:
    """Run ``command`` on an engine, so what is sent is in the ledger (and shows
    in the app's Activity, tracked to its final status)."""
    async with cli_engine(args) as engine:
        warning = tls_warning(engine.profile)
        if warning and not engine.demo:
            output.warn(warning)
        return await command(engine, args)


# csms send --------------------------------------------------------------------------------


def _recipients(values: Sequence[str]) -> list[str]:
    parsed = parse_recipients("\n".join(values))
    if parsed.invalid:
        raise InvalidNumbers(parsed.invalid)
    if not parsed.valid:
        raise InvalidInput("No recipients were given; add at least one number with --to.")
    if parsed.duplicates:
        output.warn(f"{plural(len(parsed.duplicates), 'repeated number')} left out.")
    return parsed.valid


def _send_command(args: argparse.Namespace) -> int:
    # The numbers and the text are checked before any credentials are needed.
    try:
        text = _read_stdin() if args.text == "-" else args.text
        args.message = validate.message_text(text)
        args.recipients = _recipients(args.to)
    except InvalidInput as error:
        return _fail(error, EXIT_REFUSED)
    return _run(args, _send, sends=True)


def _read_stdin() -> str:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # already text (an embedding program's own stream)
        return str(sys.stdin.read()).rstrip("\r\n")
    data = stream.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"The message on standard input is not valid UTF-8 (byte {error.start + 1} cannot"
            " be decoded); save it as UTF-8 and send again. Nothing was sent."
        ) from None
    return text.rstrip("\r\n")


async def _send(engine: Engine, args: argparse.Namespace) -> int:
    # A first Ctrl+C or SIGTERM lets the send finish and be recorded: stopping
    # it half-way would leave recipients of unknown outcome.
    with graceful_stop("this send is recorded"):
        outcome = await engine.send_sms(
            args.recipients, args.message, mask=args.mask, operator=args.operator
        )
    exit_code = _exit_code(outcome)
    if args.json:
        _print_json(outcome, exit_code)
    else:
        _print_text(outcome)
    return exit_code


def _exit_code(outcome: SendOutcome) -> int:
    if outcome.outcome_unknown:
        return EXIT_UNKNOWN
    return EXIT_OK if outcome.error is None else EXIT_FAILED


def _print_json(outcome: SendOutcome, exit_code: int) -> None:
    document: dict[str, object] = {"sent": [{"to": to, "id": i} for to, i in outcome.ids]}
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


def _print_text(outcome: SendOutcome) -> None:
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


# csms status -------------------------------------------------------------------------------


async def _status(engine: Engine, args: argparse.Namespace) -> int:
    client = engine.client

    async def one(message_id: str) -> tuple[str, str | None, str | None]:
        try:
            status = await client.query_message(message_id)
        except LoginFailed:
            raise
        except GatewayError as error:  # about this ID (211 unknown ID, ...)
            return message_id, None, str(error)
        return message_id, status.label, None

    outcomes = await asyncio.gather(*(one(i) for i in args.ids), return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome  # login, network or input: one message for the whole run
    results = [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]
    for message_id, label, problem in results:
        if args.json:
            entry = {"id": message_id, "status": label}
            if problem:
                entry["error"] = problem
            print(json.dumps(entry, ensure_ascii=False))
        elif label is not None:
            print(f"{message_id}\t{label}")
        else:
            print(f"csms: {message_id}: {problem}", file=sys.stderr)
    return EXIT_FAILED if any(problem for _, _, problem in results) else EXIT_OK
