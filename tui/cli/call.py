"""``csms call``: quick voice calls and feedback (keypress) calls from scripts and cron."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from tui.cli import sending_hours, submits
from tui.cli.options import add_common
from tui.cli.output import EXIT_FAILED, EXIT_OK, EXIT_REFUSED
from tui.cli.send import EXIT_HELP
from tui.cli.stopping import graceful_stop
from tui.engine.audio_upload import AudioUploader
from tui.engine.send_request import FeedbackOptions, SendRequest
from tui.engine.service import Engine
from tui.gateway.errors import GatewayError, InvalidInput, LoginFailed

DESCRIPTION = """\
Call one or more numbers and play a recording uploaded to the gateway (give its
file ID, or the name csms knows it by). With --feedback the call asks for a key:
--options N keys are valid (1..N), --valid-audio plays after a valid key and
--invalid-audio after any other. Each call is tracked to its final status (and
key) in the ledger; `csms call status ID...` asks the gateway again."""


def register(subparsers: Any) -> None:
    call = subparsers.add_parser(
        "call",
        help="make a quick voice or feedback call",
        description=DESCRIPTION,
        epilog=EXIT_HELP.replace("sent the message", "called"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    call.add_argument(
        "--to", action="append", metavar="NUMBERS", help="numbers to call (repeatable)"
    )
    call.add_argument("--audio", metavar="ID_OR_NAME", help="the recording to play")
    call.add_argument(
        "--retries", type=int, default=0, metavar="N", help="retries when unanswered, 0-2"
    )
    call.add_argument("--mask", metavar="M", help="caller ID mask (default: the account's)")
    call.add_argument("--feedback", action="store_true", help="ask for a key (a survey)")
    submits.add_override(call)
    submits.add_again(call)
    sending_hours.add_options(call)
    call.add_argument("--options", type=int, metavar="N", help="valid keys are 1..N (1-9)")
    call.add_argument("--valid-audio", metavar="ID_OR_NAME", help="played after a valid key")
    call.add_argument("--invalid-audio", metavar="ID_OR_NAME", help="played after another key")
    add_common(call)
    call.set_defaults(handler=_call_command)
    actions = call.add_subparsers(dest="call_command", metavar="ACTION")
    status = actions.add_parser("status", help="status (and key pressed) of calls")
    status.add_argument("ids", nargs="+", metavar="CALL_ID")
    add_common(status)
    status.set_defaults(handler=lambda args: submits.run_command(args, _status))


def _call_command(args: argparse.Namespace) -> int:
    args.json = getattr(args, "json", False)
    try:
        if not args.to:
            raise InvalidInput("No numbers were given; add them with --to.")
        if not args.audio:
            raise InvalidInput("No recording was given; name it with --audio ID_OR_NAME.")
        if args.feedback:
            missing = [
                flag
                for flag, value in (
                    ("--options", args.options),
                    ("--valid-audio", args.valid_audio),
                    ("--invalid-audio", args.invalid_audio),
                )
                if value is None
            ]
            if missing:
                raise InvalidInput(f"A feedback call needs {', '.join(missing)} too.")
        elif args.options is not None or args.valid_audio or args.invalid_audio:
            raise InvalidInput(
                "--options, --valid-audio and --invalid-audio are for feedback calls;"
                " add --feedback."
            )
        args.recipients = submits.recipients(args.to)
    except InvalidInput as error:
        return submits.fail(error, EXIT_REFUSED)
    return submits.run_command(args, _call, sends=True)


async def _call(engine: Engine, args: argparse.Namespace) -> int:
    recordings = AudioUploader(engine)
    file_id = await recordings.resolve(args.audio)
    feedback = None
    if args.feedback:
        feedback = FeedbackOptions(
            args.options,
            await recordings.resolve(args.valid_audio),
            await recordings.resolve(args.invalid_audio),
        )
    request = SendRequest(
        kind="feedback" if args.feedback else "call",
        recipients=tuple(args.recipients),
        file_id=file_id,
        max_retries=args.retries,
        mask=args.mask,
        feedback=feedback,
        override_reason=args.include_opted_out,
    )
    refused = submits.refuse_unknown_repeat(engine, request, args.again)
    if refused is not None:
        return refused
    held = sending_hours.gate(engine, args, lambda: engine.holds.hold_send(request))
    if held is not None:
        return held
    with graceful_stop("these calls are recorded"):
        outcome = await engine.submit(request)
    return submits.report(outcome, args.json)


async def _status(engine: Engine, args: argparse.Namespace) -> int:
    async def one(call_id: str) -> dict[str, Any]:
        try:
            state = await engine.client.query_call(call_id)
        except LoginFailed:
            raise
        except GatewayError as error:  # about this ID
            return {"id": call_id, "status": None, "error": str(error), "code": error.code}
        return {
            "id": call_id,
            "to": state.msisdn,
            "status": state.status.label,
            "key": state.option_selected,
        }

    results = await asyncio.gather(*(one(i) for i in args.ids))
    failed = False
    for entry in results:
        if getattr(args, "json", False):
            print(json.dumps(entry, ensure_ascii=False))
        elif entry["status"] is None:
            failed = True
            print(f"csms: {entry['id']}: {entry['error']}", file=sys.stderr)
        else:
            key = f"\tkey {entry['key']}" if entry["key"] else ""
            print(f"{entry['id']}\t{entry['to']}\t{entry['status']}{key}")
        failed = failed or entry["status"] is None
    return EXIT_FAILED if failed else EXIT_OK
