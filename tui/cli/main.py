"""Entry point of ``csms``: parses arguments and hands over to a subcommand.

With no subcommand it starts the terminal app. Each subcommand group lives in
its own module here and exposes ``register(subparsers)``; the function it sets
as ``handler`` receives the parsed arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

#: Subcommand modules, in the order their commands appear in ``csms --help``.
SUBCOMMAND_MODULES = (
    "tui.cli.send",
    "tui.cli.inbox",
    "tui.cli.lists",
    "tui.cli.audio",
    "tui.cli.simulate",
)


def build_parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    # Starting the app needs none of the subcommands: skip importing them
    # (they pull in the engine, simulator and audio code), which halves start-up.
    args, rest = build_parser(with_commands=False).parse_known_args(argv)
    if rest:
        args = build_parser().parse_args(argv)
    if args.version:
        from tui import __version__

        print(f"csms {__version__}")
        return 0
    handler = getattr(args, "handler", None)
    if handler is None:
        from tui.cli.run_app import run_app

        return run_app(args)
    _start_logging()
    try:
        code: int = handler(args)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    return code


def _start_logging() -> None:
    """Log every request's command and outcome to the log file (secrets redacted)."""
    from tui.logs import setup_logging

    try:
        setup_logging()
    except OSError as error:
        print(f"csms: cannot write the log file ({error}); continuing without it.", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
