"""``csms lists show / remove / export``: one list's members as csms knows them."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from tui.cli.engine_session import CliError, cli_engine, run_cli
from tui.cli.options import unless_it_exists
from tui.engine.list_members import GATEWAY_KEEPS, ListMembers, parse_search
from tui.engine.list_upload import ListUploader
from tui.gateway import operators
from tui.gateway.errors import InvalidInput
from tui.gateway.numbers import NumberError, normalize
from tui.ledger import ListSummary
from tui.wording import plural


def register(actions: Any) -> None:
    """The member actions of ``csms lists``."""
    show = actions.add_parser(
        "show",
        help="one list: its members, their count per network prefix",
        description="Shows what csms knows of one list: its ID, member count, members per "
        "mobile prefix (and the network that issued it) and the members themselves with "
        "the columns kept with them (--search keeps those whose number holds the digits, "
        "typed in any format, or whose kept columns hold the text; --limit caps the list).",
    )
    show.add_argument("list_name", metavar="LIST_NAME")
    show.add_argument("--search", metavar="TEXT", help="part of a number, or of a name")
    show.add_argument("--limit", type=int, default=100, metavar="N", help="members shown (100)")
    show.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    show.set_defaults(handler=lambda args: run_cli(_show_one(args)))

    remove = actions.add_parser(
        "remove",
        help="take numbers off csms's copy of a list (the gateway's list keeps them)",
        description=f"{GATEWAY_KEEPS} This removes the numbers from csms's copy only (its "
        "counts, exports and clean lists); `csms lists clean NAME --yes` then makes a new "
        "list of the rest. Without --yes it only says what it would do.",
    )
    remove.add_argument("list_name", metavar="LIST_NAME")
    remove.add_argument("numbers", nargs="+", metavar="NUMBER")
    remove.add_argument("--yes", action="store_true", help="remove them")
    remove.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    remove.set_defaults(handler=lambda args: run_cli(_remove(args)))

    export = actions.add_parser(
        "export",
        help="write a list's members, with the columns kept with them, to a CSV file",
        description="Writes each member's number (kept whole by spreadsheets), when it was "
        "added (in the profile's time zone), its batch and the columns imported with it.",
    )
    export.add_argument("list_name", metavar="LIST_NAME")
    export.add_argument("file", type=Path, metavar="FILE.csv")
    export.add_argument("--force", action="store_true", help="replace an existing file")
    export.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    export.set_defaults(
        handler=lambda args: unless_it_exists(args.file, args.force, lambda: run_cli(_export(args)))
    )


def find_list(uploader: ListUploader, name: str) -> ListSummary:
    found = uploader.find_list(name)
    if found is None:
        raise CliError(f"No list named {name!r} is known; `csms lists` shows the known lists.")
    return found


def list_dict(item: ListSummary) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "members": item.members,
        "created_at": item.created_at.isoformat(),
        "updated_at": item.updated_at.isoformat(),
    }


async def _show_one(args: argparse.Namespace) -> int:
    try:
        search = parse_search(args.search or "")
    except InvalidInput as error:
        raise CliError(str(error)) from None
    async with cli_engine(args) as engine:
        found = find_list(ListUploader(engine), args.list_name)
        members = ListMembers(engine, found.id)
        makeup = members.makeup()
        page = members.page(search, limit=args.limit)
    if getattr(args, "json", False):
        document = {
            **list_dict(found),
            "prefixes": makeup.prefixes,
            "networks": makeup.networks,
            "fields": page.fields,
            "matching": page.matching,
            "members_shown": [m.msisdn for m in page.members],
            "members_fields": {m.msisdn: m.fields for m in page.members if m.fields},
        }
        print(json.dumps(document, ensure_ascii=False))
        return 0
    print(f"{found.name} (ID {found.id}): {found.members:,} members")
    print("Per prefix (the network that issued it; a number may have moved since):")
    for code, count in makeup.prefixes.items():
        print(f"  0{code}  {operators.issuing_network(code):<13} {count:>9,}")
    if page.fields:
        print("Columns kept with the members: " + ", ".join(page.fields) + ".")
    shown = f"matching {args.search!r}: {page.matching:,}" if search else "first"
    print(f"Members ({shown}, up to {args.limit:,}):")
    for member in page.members:
        kept = "; ".join(f"{k}: {v}" for k, v in member.fields.items())
        print(f"  {member.msisdn}" + (f"  {kept}" if kept else ""))
    return 0


async def _remove(args: argparse.Namespace) -> int:
    as_json = bool(getattr(args, "json", False))
    numbers: list[str] = []
    for typed in args.numbers:
        try:
            numbers.append(normalize(typed))
        except NumberError as error:
            raise CliError(f"{typed!r} is not a mobile number ({error.reason}).") from None
    async with cli_engine(args) as engine:
        found = find_list(ListUploader(engine), args.list_name)
        members = ListMembers(engine, found.id)
        if not args.yes:
            plan = (
                f"Would remove {plural(len(numbers), 'number')} from csms's copy of"
                f" {found.name!r}. {GATEWAY_KEEPS}"
            )
            if as_json:
                print(json.dumps({"plan": plan, "removed": 0}, ensure_ascii=False))
            else:
                print(plan)
                print("Nothing was removed; run again with --yes to remove them.")
            return 0
        removed = members.remove(numbers)
    sentence = (
        f"Removed {plural(removed, 'number')} from csms's copy of {found.name!r}"
        + (f" ({len(numbers) - removed:,} were not members)" if removed < len(numbers) else "")
        + f". {GATEWAY_KEEPS} `csms lists clean {found.name!r} --yes` makes a list of the rest."
    )
    if as_json:
        print(json.dumps({"removed": removed, "note": sentence}, ensure_ascii=False))
    else:
        print(sentence)
    return 0


async def _export(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        target = find_list(ListUploader(engine), args.list_name)
        try:
            rows = await ListMembers(engine, target.id).export(args.file)
        except InvalidInput as error:
            raise CliError(str(error)) from None
    if getattr(args, "json", False):
        print(json.dumps({"rows": rows, "file": str(args.file), "list": target.name}))
    else:
        print(f"Wrote {plural(rows, 'member')} of {target.name!r} to {args.file}.")
    return 0
