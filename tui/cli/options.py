"""Options and checks every command group shares (``--json``, ``--profile``, the
list names a command is given, a file an export must not overwrite)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from tui.cli import output
from tui.cli.engine_session import CliError
from tui.engine.service import Engine


def add_common(parser: argparse.ArgumentParser) -> None:
    """``--json`` and ``--profile``, also accepted after the action's name."""
    # SUPPRESS keeps a value given before the action when this one is absent.
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    parser.add_argument(
        "--profile", metavar="NAME", default=argparse.SUPPRESS, help="use this profile"
    )


def as_json(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "json", False))


def list_ids(engine: Engine, names: Sequence[str]) -> tuple[str, ...]:
    """The IDs of lists named (any case) or given by ID; CliError names one unknown."""
    from tui.engine.list_upload import ListUploader

    uploader = ListUploader(engine)
    ids = []
    for name in names:
        found = uploader.find_list(name) or engine.ledger.lists.list_by_id(name.strip())
        if found is None:
            raise CliError(f"No list {name!r} is known; `csms lists` shows the known lists.")
        ids.append(found.id)
    return tuple(ids)


def unless_it_exists(target: Path, force: bool, then: Callable[[], int]) -> int:
    """Run ``then`` unless ``target`` exists and ``force`` was not given."""
    if target.exists() and not force:
        return output.report_failure(
            f"{target} exists; add --force to replace it, or give another name.",
            exit_code=output.EXIT_REFUSED,
            code="refused",
        )
    return then()
