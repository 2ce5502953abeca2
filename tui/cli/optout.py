"""``csms optout``: the do-not-contact list from the command line.

Numbers on the list are left out of every send. Replies such as STOP or BAND
put their senders on it when the inbox is fetched; ``add``, ``remove`` and
``import`` change it by hand; ``export`` writes it to a CSV file whose numbers
are written as ``="923001234567"`` so spreadsheets keep all 12 digits.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import tzinfo
from pathlib import Path
from typing import Any

from tui.cli import output
from tui.cli.engine_session import cli_engine, run_cli
from tui.cli.options import add_common, as_json
from tui.engine.optouts import ListChange, OptOuts
from tui.engine.service import plural
from tui.gateway.numbers import NumberError, normalize
from tui.ledger.optouts import OptOut

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def register(subparsers: Any) -> None:
    optout = subparsers.add_parser(
        "optout",
        help="the do-not-contact list: list, add, remove, import, export",
        description="Without an action, lists the numbers on the do-not-contact list.",
    )
    _list_options(optout)
    optout.set_defaults(handler=lambda args: run_cli(_list(args)))
    actions = optout.add_subparsers(dest="optout_command", metavar="ACTION")

    listing = actions.add_parser("list", help="list (or search) the numbers on the list")
    _list_options(listing)
    listing.set_defaults(handler=lambda args: run_cli(_list(args)))

    add = actions.add_parser("add", help="put numbers on the list")
    add.add_argument("numbers", nargs="+", metavar="NUMBER")
    add.add_argument("--note", default="", help="why (kept with each number)")
    add.add_argument("--by", metavar="NAME", help="who asked (default: your login name)")
    add_common(add)
    add.set_defaults(handler=lambda args: _refuse_bad_numbers(args) or run_cli(_add(args)))

    remove = actions.add_parser(
        "remove",
        help="take numbers off the list (asks first)",
        description="Asks for confirmation on a terminal; otherwise needs --yes.",
    )
    remove.add_argument("numbers", nargs="+", metavar="NUMBER")
    remove.add_argument("--note", default="", help="why (kept in the list's history)")
    remove.add_argument("--by", metavar="NAME", help="who asked (default: your login name)")
    remove.add_argument("--yes", action="store_true", help="remove without asking")
    add_common(remove)
    remove.set_defaults(handler=lambda args: _refuse_bad_numbers(args) or run_cli(_remove(args)))

    imports = actions.add_parser(
        "import",
        help="put every number of a CSV or .xlsx file on the list",
        description="Reads the first cell of each row that is a mobile number (a plain "
        "list of numbers works too); a header line is skipped.",
    )
    imports.add_argument("file", type=Path, metavar="FILE")
    imports.add_argument("--note", default="", help="why (default: the file's name)")
    imports.add_argument("--by", metavar="NAME", help="who asked (default: your login name)")
    add_common(imports)
    imports.set_defaults(handler=lambda args: run_cli(_import(args)))

    export = actions.add_parser(
        "export",
        help="write the list to a CSV file",
        description='Numbers are written as ="923001234567" (so spreadsheets keep all 12 '
        "digits), times in the profile's time zone.",
    )
    export.add_argument("file", type=Path, metavar="FILE.csv")
    export.add_argument("--force", action="store_true", help="replace an existing file")
    add_common(export)
    export.set_defaults(handler=_export_command)


def _list_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--search", default="", metavar="TEXT", help="numbers, why or by")
    parser.add_argument("--limit", type=int, default=1000, help="at most this many (1000)")
    parser.add_argument("--offset", type=int, default=0, help="skip this many first")
    add_common(parser)


def entry_dict(entry: OptOut, zone: tzinfo) -> dict[str, Any]:
    return {
        "msisdn": entry.msisdn,
        "since": entry.since.astimezone(zone).isoformat(timespec="seconds"),
        "source": entry.source,
        "why": entry.why,
        "text": entry.text,
        "by": entry.by,
        "message_id": entry.message_id,
    }


def _refuse_bad_numbers(args: argparse.Namespace) -> int | None:
    """Every number must be a mobile number before anything changes."""
    bad = []
    for raw in args.numbers:
        try:
            normalize(raw)
        except NumberError as error:
            bad.append(f"{raw!r}: {error.reason}")
    if not bad:
        return None
    return _refused(f"Nothing was changed: {'; '.join(bad)}.")


async def _list(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        optouts = OptOuts(engine)
        optouts.scan_incoming()  # keyword replies fetched but not applied yet
        entries = optouts.search(args.search, args.limit, args.offset)
        total = optouts.count(args.search)
        zone = optouts.zone
    if as_json(args):
        print(json.dumps([entry_dict(e, zone) for e in entries], ensure_ascii=False))
        return 0
    for e in entries:
        since = e.since.astimezone(zone).strftime(TIME_FORMAT)
        print(f"{e.msisdn}\t{since}\t{e.source}\t{e.why}\t{e.by}")
    what = "matching" if args.search else "on the do-not-contact list"
    print(f"{plural(total, 'number')} {what}; {len(entries)} shown.", file=sys.stderr)
    return 0


def _change_dict(change: ListChange, key: str) -> dict[str, Any]:
    return {
        key: change.changed,
        "unchanged": change.unchanged,
        "invalid": [{"where": w, "value": v, "reason": r} for w, v, r in change.invalid],
    }


async def _add(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        change = OptOuts(engine).add(args.numbers, note=args.note, by=args.by)
    if as_json(args):
        print(json.dumps(_change_dict(change, "added"), ensure_ascii=False))
        return 0
    already = f"; {len(change.unchanged)} already on it" if change.unchanged else ""
    print(f"Added {plural(len(change.changed), 'number')} to the do-not-contact list{already}.")
    return 0


def _confirm(entries: list[OptOut], zone: tzinfo) -> bool:
    for e in entries:
        since = e.since.astimezone(zone).strftime(TIME_FORMAT)
        print(f"  {e.msisdn}  since {since}: {e.why}", file=sys.stderr)
    sys.stderr.write(
        f"Take {plural(len(entries), 'number')} off the do-not-contact list? They can then be"
        " sent to again. [y/N] "
    )
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


async def _remove(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        optouts = OptOuts(engine)
        wanted = [normalize(raw) for raw in args.numbers]
        listed = [e for n in wanted if (e := optouts.store.entry(n)) is not None]
        if listed and not args.yes:
            if not sys.stdin.isatty():
                return _refused(
                    f"{plural(len(listed), 'number')} would be taken off the do-not-contact list;"
                    " add --yes to confirm (no question is asked when input is not a terminal)."
                )
            if not _confirm(listed, optouts.zone):
                return _refused("Nothing was removed.")
        change = optouts.remove(wanted, note=args.note, by=args.by)
    if as_json(args):
        print(json.dumps(_change_dict(change, "removed"), ensure_ascii=False))
        return 0
    absent = f"; {len(change.unchanged)} not on it" if change.unchanged else ""
    print(f"Removed {plural(len(change.changed), 'number')} from the list{absent}.")
    return 0


def _refused(message: str) -> int:
    return output.report_failure(message, exit_code=output.EXIT_REFUSED, code="refused")


async def _import(args: argparse.Namespace) -> int:
    path: Path = args.file.expanduser()
    async with cli_engine(args) as engine:
        change = OptOuts(engine).import_csv(path, note=args.note, by=args.by)
    if as_json(args):
        print(json.dumps(_change_dict(change, "added"), ensure_ascii=False))
    else:
        already = f"; {len(change.unchanged)} already on it" if change.unchanged else ""
        print(f"Added {plural(len(change.changed), 'number')} from {path.name}{already}.")
    for where, value, reason in change.invalid[:20]:
        output.warn(f"{path.name} {where}: {value!r} is not a mobile number ({reason}); skipped.")
    if len(change.invalid) > 20:
        output.warn(f"{len(change.invalid) - 20} more lines were skipped.")
    return 0


def _export_command(args: argparse.Namespace) -> int:
    target: Path = args.file.expanduser()
    if target.exists() and not args.force:
        return _refused(f"{target} exists; add --force to replace it, or give another name.")
    return run_cli(_export(args, target))


async def _export(args: argparse.Namespace, target: Path) -> int:
    async with cli_engine(args) as engine:
        rows = OptOuts(engine).export_csv(target, overwrite=True)
    if as_json(args):
        print(json.dumps({"file": str(target), "rows": rows}))
    else:
        print(f"Wrote {plural(rows, 'number')} to {target}.", file=sys.stderr)
    return 0
