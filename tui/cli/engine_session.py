"""Opening the engine for a command-line run: profile, credentials, demo."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tui.cli import interrupts, output
from tui.config import (
    ConfigError,
    Profile,
    active_profile_name,
    apply_env,
    data_dir,
    limit_problems,
    load_config,
    permission_warning,
)
from tui.engine.service import Engine
from tui.gateway.errors import CsmsError, LoginFailed
from tui.ledger import LedgerError


def run_cli(work: Coroutine[Any, Any, int]) -> int:
    """Run one command's coroutine; a problem the user can fix is one sentence
    (or, with ``--json``, one JSON object) and exit code 1, never a traceback."""
    try:
        interrupts.end_start_up()
        return asyncio.run(work)
    except BrokenPipeError:
        raise  # the reader went away: ``main`` stops quietly
    except LoginFailed as error:
        return output.report_error(error, exit_code=output.EXIT_FAILED, then=CLI_PASSWORD_HINT)
    except (CliError, CsmsError, LedgerError, OSError) as error:
        return output.report_error(error, exit_code=output.EXIT_FAILED)


#: Where a command's password comes from, said after a refused login.
CLI_PASSWORD_HINT = (
    "Commands use CSMS_PASSWORD, else the password saved with the profile: run csms, log in"
    ' with "Remember the password" ticked, then run the command again.'
)


class CliError(Exception):
    """A problem the command reports in one sentence before exiting non-zero."""


def resolve_profile(args: argparse.Namespace) -> Profile:
    """The profile named by ``--profile`` / CSMS_PROFILE, with environment
    overrides applied and the password asked for when a terminal is there."""
    try:
        config = load_config()
        name = active_profile_name(config, getattr(args, "profile", None))
        profile = apply_env(config.profile(name))
    except ConfigError as error:
        raise CliError(str(error)) from None
    warning = permission_warning(config)
    if warning:
        output.warn(warning)
    problems = limit_problems(profile)
    if problems:  # the environment's CSMS_BASE_URL is checked like the file's
        raise CliError(f"Profile {profile.name!r}: {problems[0]}")
    if not profile.msisdn:
        raise CliError(
            f"Profile {profile.name!r} has no login: run csms once to log in, "
            "or set CSMS_MSISDN and CSMS_PASSWORD."
        )
    if not profile.password:
        if not sys.stdin.isatty():
            raise CliError(
                f"No password for {profile.msisdn}: set CSMS_PASSWORD "
                "(no prompt is shown when input is not a terminal)."
            )
        profile.password = getpass.getpass(f"Password for {profile.msisdn}: ")
    return profile


def _data_folder(profile: str) -> Path:
    try:
        return data_dir(profile)
    except OSError as error:
        problem = f"the data folder for profile {profile!r} cannot be created ({error.strerror})"
        raise LedgerError(
            f"{problem[0].upper()}{problem[1:]}: {error.filename}; point XDG_DATA_HOME at a"
            " folder you can write, or fix that path.",
            problem=problem,
        ) from None


@asynccontextmanager
async def cli_engine(args: argparse.Namespace) -> AsyncIterator[Engine]:
    """An engine for one command: the demo simulator with ``--demo``, else the
    profile's account. Background loops are not started; the command drives it."""
    if getattr(args, "demo", False):
        from tui.engine.demo import open_demo_engine

        engine = await open_demo_engine()
        output.note(
            "--demo: this command runs on a fresh simulated account; nothing it does is"
            " kept for the next command (`csms simulate` keeps one running)."
        )
    else:
        profile = resolve_profile(args)
        engine = await Engine.open(profile, data_dir=_data_folder(profile.name))
    try:
        engine.journal.recover_intents()
        yield engine
    finally:
        await engine.stop()
