"""``csms send`` and ``csms status``: a quick SMS and its status from scripts and cron."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from tui.cli import output, sending_hours, submits
from tui.cli.output import EXIT_FAILED, EXIT_OK, EXIT_REFUSED
from tui.cli.stopping import graceful_stop
from tui.engine.send_request import SendRequest
from tui.engine.service import Engine
from tui.gateway import validate
from tui.gateway.errors import (
    GatewayError,
    InvalidInput,
    LoginFailed,
)

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
    text = send.add_mutually_exclusive_group(required=True)
    text.add_argument("--text", help="the message; '-' reads it from standard input")
    text.add_argument(
        "--template", metavar="NAME", help="a saved template's text (one with {fields} is refused)"
    )
    send.add_argument("--mask", metavar="M", help="sender mask (default: the account's)")
    send.add_argument(
        "--operator",
        type=int,
        metavar="ID",
        help="send through one operator: 1 Telenor, 2 Jazz, 3 Zong, 4 Warid, 5 Ufone",
    )
    submits.add_override(send)
    submits.add_again(send)
    sending_hours.add_options(send)
    send.add_argument(
        "--force",
        action="store_true",
        help="send even when the credit looks too short for it (see price_per_segment)",
    )
    _common(send)
    send.set_defaults(handler=_send_command)

    status = subparsers.add_parser(
        "status",
        help="show the status of sent messages",
        description="Print each message ID with its status (Not sent yet, or Sent).",
    )
    status.add_argument("ids", nargs="+", metavar="MSG_ID", help="message IDs from csms send")
    _common(status)
    status.set_defaults(handler=lambda args: submits.run_command(args, _status))


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    # SUPPRESS keeps a --profile given before the command when this one is absent.
    parser.add_argument(
        "--profile", metavar="NAME", default=argparse.SUPPRESS, help="use this profile"
    )


# csms send --------------------------------------------------------------------------------


def _send_command(args: argparse.Namespace) -> int:
    # The numbers and the text are checked before any credentials are needed.
    try:
        text = None if args.template else _read_stdin() if args.text == "-" else args.text
        args.message = None if text is None else validate.message_text(text)
        args.recipients = submits.recipients(args.to)
    except InvalidInput as error:
        return submits.fail(error, EXIT_REFUSED)
    return submits.run_command(args, _send, sends=True)


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
    if args.message is None:  # --template: read from the ledger, fields refused
        args.message = engine.saved_templates.text_for_send(args.template)
    # The numbers were parsed before the engine opened; the text is analysed here, once.
    request = SendRequest(
        kind="sms",
        recipients=tuple(args.recipients),
        text=args.message,
        mask=args.mask,
        operator=args.operator,
        override_reason=args.include_opted_out,
    )
    refused = submits.refuse_unknown_repeat(engine, request, args.again)
    if refused is not None:
        return refused
    held = sending_hours.gate(engine, args, lambda: engine.holds.hold_send(request))
    if held is not None:
        return held
    assert request.analysis is not None
    cost = await engine.cost_of(len(request.recipients), request.analysis)
    if cost.short and not args.force:
        return output.report_failure(
            f"Nothing was sent: {cost.sentence()} Add --force to send anyway.",
            exit_code=EXIT_REFUSED,
            code="credit",
        )
    # A first Ctrl+C or SIGTERM lets the send finish and be recorded: stopping
    # it half-way would leave recipients of unknown outcome.
    with graceful_stop("this send is recorded"):
        outcome = await engine.submit(request)
    return submits.report(outcome, args.json)


# csms status -------------------------------------------------------------------------------


async def _status(engine: Engine, args: argparse.Namespace) -> int:
    client = engine.client

    async def one(message_id: str) -> tuple[str, str | None, GatewayError | None]:
        try:
            status = await client.query_message(message_id)
        except LoginFailed:
            raise
        except GatewayError as error:  # about this ID (211 unknown ID, ...)
            return message_id, None, error
        return message_id, status.label, None

    outcomes = await asyncio.gather(*(one(i) for i in args.ids), return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome  # login, network or input: one message for the whole run
    results = [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]
    for message_id, label, problem in results:
        if args.json:
            entry: dict[str, object] = {"id": message_id, "status": label}
            if problem:
                # One line per ID; a failed one carries its sentence and the gateway's code.
                entry.update(error=str(problem), code=problem.code)
            print(json.dumps(entry, ensure_ascii=False))
        elif label is not None:
            print(f"{message_id}\t{label}")
        else:
            print(f"csms: {message_id}: {problem}", file=sys.stderr)
    return EXIT_FAILED if any(problem for _, _, problem in results) else EXIT_OK
