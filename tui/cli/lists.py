"""``csms lists``: show the known lists, import numbers from a file, resume, add, clean
(one list's members: ``cli/lists_members.py``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tui.cli import lists_members, output
from tui.cli.engine_session import CliError, cli_engine, run_cli
from tui.cli.lists_members import find_list, list_dict
from tui.cli.stopping import graceful_stop
from tui.engine.clean_lists import clean_name, make_clean_list
from tui.engine.imports import preview_file
from tui.engine.list_upload import Fields, ListUploader, UploadProgress, UploadResult
from tui.engine.service import Engine
from tui.engine.sms_campaigns import profile_zone
from tui.gateway.errors import InvalidInput
from tui.wording import plural


def register(subparsers: Any) -> None:
    lists = subparsers.add_parser(
        "lists",
        help="subscriber lists: show, import numbers, export",
        description="Without an action, shows the lists csms knows with their member "
        "counts (the gateway cannot list them).",
    )
    lists.add_argument("--json", action="store_true", help="print JSON")
    lists.set_defaults(handler=lambda args: run_cli(_show(args)))
    actions = lists.add_subparsers(dest="lists_command", metavar="ACTION")

    add = actions.add_parser(
        "import",
        help="preview, then upload, the numbers of a CSV, TSV, text or .xlsx file",
        description="Reads the file and prints what an upload would do: rows read, valid, "
        "normalised, repeated, already in the list and invalid (with line numbers). "
        "With --yes it then creates the list if csms does not know it and uploads the "
        "new numbers in batches; an interrupted upload is finished by running it again. "
        "Exits non-zero if any batch failed, was not sent or has an unknown outcome.",
    )
    add.add_argument("list_name", metavar="LIST_NAME")
    add.add_argument("file", type=Path, metavar="FILE")
    add.add_argument(
        "--column",
        action="append",
        metavar="NAME_OR_NUMBER",
        help="a column holding numbers: its header or its number (1 is the first); repeat "
        "it for several (--column Mobile --column 'Phone 2': every valid number of a row is "
        "taken); by default the column holding the most numbers",
    )
    add.add_argument(
        "--keep-columns",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="keep each row's other columns (name, city, ...) with its numbers in csms's "
        "copy of the list, for exports and personalised sends (default: on)",
    )
    add.add_argument(
        "--sheet", metavar="NAME", help="the sheet of an .xlsx workbook (default: the first)"
    )
    add.add_argument("--yes", action="store_true", help="upload after the preview")
    add.add_argument(
        "--invalid-out",
        type=Path,
        metavar="FILE.csv",
        help="write the invalid rows (line, value, reason) to this CSV file for fixing",
    )
    add.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    add.set_defaults(handler=lambda args: run_cli(_import(args)))

    resume = actions.add_parser(
        "resume",
        help="finish interrupted uploads",
        description="Sends the batches still waiting in unfinished imports (all of them, "
        "or those of one list). Batches whose outcome is unknown are never sent again.",
    )
    resume.add_argument("list_name", nargs="?", metavar="LIST_NAME")
    resume.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    resume.set_defaults(handler=lambda args: run_cli(_resume(args)))

    lists_members.register(actions)

    existing = actions.add_parser(
        "add",
        help="remember a list that already exists on the gateway (made on the portal)",
        description="The API cannot list the gateway's lists. A list made on the portal or "
        "another computer is added here by the ID the portal shows and a name; imports into "
        "that name then add to it and campaigns can use it. The ID cannot be checked: a "
        "wrong one shows when the gateway refuses an upload or a campaign to it.",
    )
    existing.add_argument("list_id", metavar="LIST_ID")
    existing.add_argument("list_name", metavar="LIST_NAME")
    existing.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print JSON"
    )
    existing.set_defaults(handler=lambda args: run_cli(_add_existing(args)))

    clean = actions.add_parser(
        "clean",
        help="a new list of the members without the do-not-contact list",
        description="The gateway cannot take members off a list. This creates a new list "
        "holding every member of the given lists (as csms knows them) except the numbers on "
        "the do-not-contact list, and uploads it; send campaigns to that list instead. "
        "Without --yes it only says what it would do.",
    )
    clean.add_argument("list_names", nargs="+", metavar="LIST_NAME")
    clean.add_argument("--name", metavar="NEW_NAME", help='default: "<names> (clean)"')
    clean.add_argument("--yes", action="store_true", help="create and upload the new list")
    clean.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    clean.set_defaults(handler=lambda args: run_cli(_clean(args)))


# Showing ------------------------------------------------------------------------------


async def _show(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        uploader = ListUploader(engine)
        lists = engine.ledger.lists.lists()
        jobs = uploader.unfinished_jobs()
        zone = profile_zone(engine)
    if args.json:
        print(json.dumps([list_dict(item) for item in lists], ensure_ascii=False))
        return 0
    if not lists:
        print("No lists yet; create one with `csms lists import NAME FILE --yes`.")
        return 0
    width = max(len("NAME"), *(len(item.name) for item in lists))
    print(f"{'NAME':<{width}}  {'ID':<10} {'MEMBERS':>9}  LAST CHANGED")
    for item in lists:
        changed = item.updated_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        print(f"{item.name:<{width}}  {item.id:<10} {item.members:>9,}  {changed}")
    names = {item.id: item.name for item in lists}
    for job in jobs:
        states = ", ".join(f"{count} {state}" for state, count in sorted(job.batches.items()))
        print(
            f"Import {job.job_id} into {names.get(job.list_id, job.list_id)!r} is unfinished "
            f"(batches: {states}); `csms lists resume` sends what is waiting."
        )
    return 0


# Importing ------------------------------------------------------------------------------


async def _import(args: argparse.Namespace) -> int:
    as_json = bool(getattr(args, "json", False))
    async with cli_engine(args) as engine:
        uploader = ListUploader(engine)
        target = uploader.find_list(args.list_name)
        if target is None:
            uploader.check_new_name(args.list_name)
        known = engine.ledger.lists.member_set(target.id) if target else set()
        queued = uploader.queued_numbers(target.id) if target else set()
        with preview_file(
            args.file,
            column=args.column,
            known=known,
            queued=queued,
            sheet=args.sheet,
            keep_columns=args.keep_columns,
        ) as preview:
            if args.invalid_out is not None:
                written = preview.export_invalid(args.invalid_out)
                print(
                    f"Wrote {plural(written, 'invalid row')} to {args.invalid_out}.",
                    file=sys.stderr,
                )
            if not as_json:
                print("\n".join(preview.report_lines()))
            results: list[UploadResult] = []
            if not args.yes:
                if not as_json:
                    print("Nothing was uploaded; run again with --yes to upload.")
            elif preview.to_upload or (target and uploader.unfinished_jobs(target.id)):
                if target is None:
                    target = await uploader.create_list(args.list_name)
                    _say(f"Created list {target.name!r} (ID {target.id}).", as_json)
                with graceful_stop() as cancel:
                    results = await uploader.upload(
                        target.id,
                        preview.numbers,
                        str(args.file.resolve()),
                        cancel=cancel,
                        on_progress=_progress_printer(),
                        fields=Fields(preview.kept_fields(), preview.field_names),
                    )
                if uploader.left_out:
                    print(
                        f"Left out {plural(len(uploader.left_out), 'number')} on the"
                        f" do-not-contact list: {', '.join(uploader.left_out[:10])}"
                        + (" and more." if len(uploader.left_out) > 10 else "."),
                        file=sys.stderr,
                    )
            elif not as_json:
                print("No new numbers to upload.")
            report = {"preview": preview.as_dict(), "results": [r.as_dict() for r in results]}
    return _finish(results, report, as_json)


async def _resume(args: argparse.Namespace) -> int:
    as_json = bool(getattr(args, "json", False))
    async with cli_engine(args) as engine:
        uploader = ListUploader(engine)
        list_id = find_list(uploader, args.list_name).id if args.list_name else None
        unfinished = uploader.unfinished_jobs(list_id)
        jobs = [job for job in unfinished if not job.finished]
        if not unfinished and not as_json:
            print("No upload is waiting to be finished.")
        results: list[UploadResult] = []
        with graceful_stop() as cancel:
            for job in jobs:
                result = await uploader.run(
                    job.job_id, cancel=cancel, on_progress=_progress_printer()
                )
                results.append(result)
                if result.cancelled or result.error:
                    break
        stuck = [
            _stuck(engine, job.job_id, job.list_id)
            for job in uploader.unfinished_jobs(list_id)
            if job.finished and job.needs_attention
        ]
    report: dict[str, Any] = {"results": [r.as_dict() for r in results], "unfinished": stuck}
    code = _finish(results, report, as_json)
    if stuck and not as_json:
        for item in stuck:
            print(item["why"], file=sys.stderr)
    if any(item["unknown"] for item in stuck):
        return output.EXIT_UNKNOWN
    return output.EXIT_FAILED if stuck else code


def _batches(count: int) -> str:
    return f"{count} batch" if count == 1 else f"{count} batches"


def _stuck(engine: Engine, job_id: int, list_id: str) -> dict[str, Any]:
    """Why an import cannot go on by itself: its batches of unknown outcome or that failed."""
    batches = engine.ledger.imports.import_batches(job_id)
    unknown = [b.seq for b in batches if b.state == "unknown"]
    failed = [b.seq for b in batches if b.state == "failed"]
    summary = engine.ledger.lists.list_by_id(list_id)
    name = summary.name if summary else list_id
    refs = {u.ref: u.id for u in engine.ledger.unknown.unknown_submits()}
    parts = []
    if unknown:
        ids = ", ".join(str(refs.get(f"import:{job_id}:{seq}", "?")) for seq in unknown)
        parts.append(
            f"{_batches(len(unknown))} of unknown outcome ({', '.join(map(str, unknown))}):"
            f" check the list, then `csms unknown settle ID --sent` or `--not-sent`"
            f" (unknown outcome {ids})"
        )
    if failed:
        parts.append(
            f"{_batches(len(failed))} failed ({', '.join(map(str, failed))}): see the Lists"
            " screen to send them again"
        )
    return {
        "job": job_id,
        "list": name,
        "unknown": unknown,
        "failed": failed,
        "why": f"csms: the import into {name!r} is unfinished: " + "; ".join(parts) + ".",
    }


async def _add_existing(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        try:
            added = ListUploader(engine).add_existing(args.list_id, args.list_name)
        except InvalidInput as error:
            raise CliError(str(error)) from None
    if getattr(args, "json", False):
        print(json.dumps(list_dict(added), ensure_ascii=False))
    else:
        print(
            f"List {added.name!r} (ID {added.id}) added: imports into it add to it, and"
            " campaigns can use it."
        )
    return 0


async def _clean(args: argparse.Namespace) -> int:
    as_json = getattr(args, "json", False)
    async with cli_engine(args) as engine:
        uploader = ListUploader(engine)
        sources = [find_list(uploader, name) for name in args.list_names]
        name = args.name or clean_name([s.name for s in sources])
        ids = [s.id for s in sources]
        left_out = engine.optouts.listed_members(ids)
        members = len(engine.ledger.lists.distinct_members(ids))
        plan = (
            f"List {name!r} would hold {members - len(left_out):,} of the {members:,} members"
            f" of {', '.join(repr(s.name) for s in sources)}; {len(left_out):,} on the"
            " do-not-contact list are left out."
        )
        if not args.yes:
            if as_json:
                print(json.dumps({"plan": plan, "created": False, "left_out": left_out}))
            else:
                print(plan)
                print("Nothing was created; run again with --yes to create and upload it.")
            return 0
        try:
            uploader.check_new_name(name)
        except InvalidInput as error:
            raise CliError(f"{error} Choose another with --name.") from None
        with graceful_stop() as cancel:
            made = await make_clean_list(
                engine, ids, name, cancel=cancel, on_progress=_progress_printer()
            )
    report = {
        "list": list_dict(made.made),
        "left_out": made.left_out,
        "results": [r.as_dict() for r in made.results],
    }
    if not as_json:
        print(made.sentence())
    return _finish(made.results, report, as_json)


def _finish(results: list[UploadResult], report: dict[str, Any], as_json: bool) -> int:
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for result in results:
            print("\n".join(result.lines()))
    return 0 if all(result.ok for result in results) else 1


def _say(text: str, as_json: bool) -> None:
    print(text, file=sys.stderr if as_json else sys.stdout)


def _progress_printer() -> Any:
    """Progress on one line of a terminal's stderr (nothing when it is not a terminal)."""
    if not sys.stderr.isatty():
        return None

    def show(progress: UploadProgress) -> None:
        end = "\n" if progress.batches_settled == progress.batches_total else ""
        print(f"\r\x1b[KUploading: {progress.describe()}", end=end, file=sys.stderr, flush=True)

    return show
