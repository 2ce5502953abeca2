"""Entry point of ``csms``: parses arguments and hands over to a subcommand.

With no subcommand it starts the terminal app. Each subcommand group lives in
its own module here and exposes ``register(subparsers)``; the function it sets
as ``handler`` receives the parsed arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import NoReturn

from tui.cli import interrupts, output

#: Subcommand modules, in the order their commands appear in ``csms --help``.
SUBCOMMAND_MODULES = (
    "tui.cli.send",
    "tui.cli.call",
    "tui.cli.campaign",
    "tui.cli.personalised",
    "tui.cli.voice",
    "tui.cli.survey",
    "tui.cli.optout",
    "tui.cli.template",
    "tui.cli.thread",
    "tui.cli.hold",
    "tui.cli.unknown",
    "tui.cli.inbox",
    "tui.cli.lists",
    "tui.cli.audio",
    "tui.cli.simulate",
)


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors reported as JSON under ``--json``."""

    def error(self, message: str) -> NoReturn:
        if output.json_mode():
            output.report_failure(
                f"{self.prog}: {message}", exit_code=output.EXIT_REFUSED, code="usage"
            )
            raise SystemExit(output.EXIT_REFUSED)
        super().error(message)


def build_parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="csms",
        description="Telenor Corporate Call & SMS from the terminal. "
        "Without a command, starts the app.",
        add_help=with_commands,
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="run on the embedded gateway simulator with demo data (no account needed)",
    )
    parser.add_argument("--profile", metavar="NAME", help="use this profile of the config")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    if not with_commands:
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``csms``; returns the exit code. Never ends in a traceback: Ctrl+C at
    any moment exits 130, a closed output pipe (``| head``) exits quietly, and an
    unexpected error is one sentence (the details go to the log file)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    output.use_json("--json" in arguments)
    interrupts.guard_start_up()
    try:
        code = _main(arguments)
        sys.stdout.flush()  # a closed pipe shows here, inside the handling below
        return code
    except KeyboardInterrupt:
        return output.report_failure(
            "Interrupted.", exit_code=output.EXIT_INTERRUPTED, code="interrupted"
        )
    except BrokenPipeError:
        # The reader went away (``csms ... | head``): stop writing, quietly.
        _silence_stdout()
        return 141
    except SystemExit:  # argparse's --help and usage errors carry their own code
        raise
    except Exception as error:
        logging.getLogger("csms.cli").exception("unexpected error")
        return output.report_failure(
            f"stopped on an unexpected error ({type(error).__name__}: {error}); the log file"
            " has the details. Please report it.",
            exit_code=output.EXIT_SOFTWARE,
            code="internal",
        )


def _main(arguments: list[str]) -> int:
    bad = _undecodable(arguments)
    if bad is not None:
        return output.report_failure(bad, exit_code=output.EXIT_REFUSED, code="refused")
    # Starting the app needs none of the subcommands: skip importing them
    # (they pull in the engine, simulator and audio code), which halves start-up.
    args, rest = build_parser(with_commands=False).parse_known_args(arguments)
    if rest:
        args = build_parser().parse_args(arguments)
    if args.version:
        from tui import __version__

        print(f"csms {__version__}")
        return 0
    handler = getattr(args, "handler", None)
    if handler is None:
        from tui.cli.run_app import run_app

        return run_app(args)
    _start_logging()
    code: int = handler(args)
    return code


def _undecodable(arguments: Sequence[str]) -> str | None:
    """The sentence for an argument that is not valid text in the locale's encoding.

    Python keeps such bytes as lone surrogates, which would fail later, deep in
    a request; they are refused here, naming the argument.
    """
    for position, value in enumerate(arguments, start=1):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            return (
                f"argument {position} is not valid UTF-8 text (a byte that cannot be decoded"
                f" at character {error.start + 1}); save the text as UTF-8 or fix the"
                " terminal's encoding, then run the command again. Nothing was sent."
            )
    return None


def _silence_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's last flush cannot fail."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _start_logging() -> None:
    """Log every request's command and outcome to the log file (secrets redacted)."""
    from tui.logs import setup_logging

    try:
        setup_logging()
    except OSError as error:
        output.warn(f"cannot write the log file ({error}); continuing without it.")


if __name__ == "__main__":
    raise SystemExit(main())
