"""``csms send`` and ``csms status``: a quick SMS and its status from scripts and cron."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from tui.gateway import validate
from tui.gateway.client import CsmsClient
from tui.gateway.errors import (
    CsmsError,
    GatewayError,
    InvalidInput,
    InvalidNumbers,
    LoginFailed,
    OutcomeUnknown,
)
from tui.gateway.numbers import parse_recipients
from tui.gateway.results import Submitted

#: Exit codes (also listed in ``csms send --help``).
EXIT_OK, EXIT_FAILED, EXIT_REFUSED, EXIT_UNKNOWN = 0, 1, 2, 3
DEMO_BASE_URL = "http://simulator.invalid"

EXIT_HELP = """\
exit status:
  0  every recipient was sent the message
  1  the gateway refused or could not be reached (see the message)
  2  refused before sending: bad numbers, empty text, missing credentials
  3  the outcome is unknown for some recipients: check before sending again"""


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


Command = Callable[[CsmsClient, argparse.Namespace], Awaitable[int]]


def _run(args: argparse.Namespace, command: Command) -> int:
    try:
        return asyncio.run(_with_client(args, command))
    except InvalidInput as error:
        _fail(error)
        return EXIT_REFUSED
    except CsmsError as error:
        _fail(error)
        return EXIT_FAILED


def _fail(error: BaseException) -> None:
    print(f"csms: {error}", file=sys.stderr)


async def _with_client(args: argparse.Namespace, command: Command) -> int:
    client = _open_client(args)
    if client is None:
        return EXIT_REFUSED
    async with client:
        return await command(client, args)


def _open_client(args: argparse.Namespace) -> CsmsClient | None:
    if getattr(args, "demo", False):
        from tui.simulator import Simulator
        from tui.simulator.demo import DEMO_MSISDN, DEMO_PASSWORD

        simulator = Simulator(demo=True)
        return CsmsClient(
            DEMO_BASE_URL, DEMO_MSISDN, DEMO_PASSWORD, transport=simulator.transport()
        )
    from tui.cli.engine_session import CliError, resolve_profile
    from tui.config import tls_warning

    try:
        profile = resolve_profile(args)
    except CliError as error:
        _fail(error)
        return None
    warning = tls_warning(profile)
    if warning:
        print(f"csms: warning: {warning}", file=sys.stderr)
    return CsmsClient.from_profile(profile)


# csms send --------------------------------------------------------------------------------


def _recipients(values: Sequence[str]) -> list[str]:
    parsed = parse_recipients("\n".join(values))
    if parsed.invalid:
        raise InvalidNumbers(parsed.invalid)
    if not parsed.valid:
        raise InvalidInput("No recipients were given; add at least one number with --to.")
    if parsed.duplicates:
        print(
            f"csms: {len(parsed.duplicates)} repeated number(s) left out.",
            file=sys.stderr,
        )
    return parsed.valid


def _send_command(args: argparse.Namespace) -> int:
    # The numbers and the text are checked before any credentials are needed.
    try:
        text = sys.stdin.read().rstrip("\r\n") if args.text == "-" else args.text
        args.message = validate.message_text(text)
        args.recipients = _recipients(args.to)
    except InvalidInput as error:
        _fail(error)
        return EXIT_REFUSED
    return _run(args, _send)


async def _send(client: CsmsClient, args: argparse.Namespace) -> int:
    try:
        submitted = await client.send_sms(
            args.recipients, args.message, mask=args.mask, operator=args.operator
        )
    except InvalidInput:
        raise
    except CsmsError as error:
        _print_ids(error.done, args.json, error=error)
        _fail(error)
        if error.unknown_recipients:
            print(
                f"csms: {len(error.unknown_recipients)} recipient(s) may have got it: "
                f"{', '.join(error.unknown_recipients)}",
                file=sys.stderr,
            )
        if error.unsent_recipients and error.done is not None:
            print(
                f"csms: {len(error.unsent_recipients)} recipient(s) were not sent it: "
                f"{', '.join(error.unsent_recipients)}",
                file=sys.stderr,
            )
        return EXIT_UNKNOWN if isinstance(error, OutcomeUnknown) else EXIT_FAILED
    _print_ids(submitted, args.json)
    return EXIT_OK


def _print_ids(
    submitted: Submitted | None, as_json: bool, *, error: CsmsError | None = None
) -> None:
    ids = submitted.ids if submitted is not None else []
    if as_json:
        document: dict[str, object] = {"sent": [{"to": to, "id": i} for to, i in ids]}
        if error is not None:
            document["error"] = str(error)
            document["unknown"] = error.unknown_recipients
            document["unsent"] = error.unsent_recipients
        print(json.dumps(document, ensure_ascii=False))
        return
    for to, message_id in ids:
        print(f"{to}\t{message_id}")


# csms status -------------------------------------------------------------------------------


async def _status(client: CsmsClient, args: argparse.Namespace) -> int:
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
