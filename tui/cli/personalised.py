"""``csms personalised``: each row of a sheet sent its own text, from scripts and cron.

``csms personalised FILE --text TEMPLATE`` previews (rows, skipped rows and
why, texts, cost), asks, then sends through the engine's journalled job;
``resume JOB`` finishes an interrupted one, ``status JOB`` shows it and
``export JOB --out FILE`` writes every row's result. Without a file or an
action it lists the personalised sends csms knows.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.cli import output, sending_hours, submits
from tui.cli import personalised_jobs as jobs
from tui.cli import personalised_report as report_
from tui.cli.engine_session import run_cli
from tui.cli.options import unless_it_exists
from tui.cli.output import EXIT_REFUSED
from tui.cli.personalised_jobs import find_job
from tui.cli.send import _read_stdin
from tui.cli.stopping import graceful_stop
from tui.engine import events
from tui.engine.personalised import PersonalisedPlan, SendReport, plan_send
from tui.engine.personalised_plan import PersonalisedCost, cost_of_rows
from tui.engine.service import Engine
from tui.engine.sms_campaigns import profile_zone
from tui.engine.templates import Sheet, guess_number_column, read_sheet
from tui.gateway.errors import InvalidInput
from tui.gateway.text import analyze
from tui.ledger import LedgerError, SendJobSummary
from tui.ledger.sendjobs import ROW_STATES
from tui.wording import plural

ACTIONS = ("resume", "status", "export")

DESCRIPTION = """\
Send each row of a sheet (CSV, TSV, TXT or .xlsx with a header row) its own
text, from a template whose {column} fields take the row's values:

  csms personalised bills.csv --text 'Dear {name}, your bill of Rs {amount} is due'
  csms personalised resume JOB      finish a send that was stopped or killed
  csms personalised status JOB      how far it is (--rows STATE lists rows)
  csms personalised export JOB --out results.csv    every row's result
  csms personalised                 the personalised sends csms knows

The preview names every row left out (invalid number, empty field, repeated
row) with its row number, shows the first texts and the cost; then the send is
confirmed (--yes in scripts). Every row is journalled before its request goes
out, so a stopped or killed run resumes without sending a row twice; rows of
unknown outcome are sent again only with --include-unknown. A file named like
an action is given as ./resume."""

EXIT_HELP = """\
exit status:
  0  every row was sent
  1  rows failed or are not sent yet (stopped; see the message for what to do)
  2  refused before sending: bad file or template, credit too short, not confirmed
  3  the outcome is unknown for some rows: see `csms unknown`; never simply send again
 70  an unexpected error (the log file has the details)
With --json, every run prints one JSON object; a failure has
  {"error": sentence, "code": ..., "exit": n}"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "personalised",
        help="send each row of a sheet its own text; resume, status, export",
        description=DESCRIPTION,
        epilog=EXIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "words", nargs="*", metavar="FILE | resume JOB | status JOB | export JOB",
        help="the sheet to send from, or an action and a job number",
    )  # fmt: skip
    parser.add_argument(
        "--text", metavar="TEMPLATE", help="the template, {column} fields; '-' reads standard input"
    )
    parser.add_argument(
        "--column", metavar="NUMBERCOL",
        help="the column with the numbers: its name, or its number from 1 (default: guessed)",
    )  # fmt: skip
    parser.add_argument("--sheet", metavar="NAME", help="a workbook's sheet (default: the first)")
    parser.add_argument("--mask", metavar="M", help="sender mask (default: the account's)")
    parser.add_argument(
        "--keep-empty", action="store_true",
        help="also send rows that leave a field empty (default: they are skipped)",
    )  # fmt: skip
    parser.add_argument("--yes", action="store_true", help="send without asking")
    parser.add_argument(
        "--force", action="store_true",
        help="send even when the credit looks too short; with export, replace the file",
    )  # fmt: skip
    parser.add_argument("--resume", metavar="JOB", help="the same as `resume JOB`")
    parser.add_argument(
        "--retry-failed", action="store_true", help="resume: also send the rows that failed"
    )
    parser.add_argument(
        "--include-unknown", action="store_true",
        help="resume: also send rows of unknown outcome again (they may get it twice)",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, metavar="FILE", help="export: the CSV file to write")
    parser.add_argument(
        "--rows", choices=ROW_STATES, metavar="STATE",
        help=f"status: list the rows in this state ({', '.join(ROW_STATES)})",
    )  # fmt: skip
    submits.add_override(parser)
    sending_hours.add_options(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument(
        "--profile", metavar="NAME", default=argparse.SUPPRESS, help="use this profile"
    )
    parser.set_defaults(handler=_command)


def _refuse(message: str, code: str = "refused") -> int:
    return output.report_failure(message, exit_code=EXIT_REFUSED, code=code)


#: Options that belong to one action only, and that action.
_ONLY_FOR = {
    "text": "a new send", "column": "a new send", "sheet": "a new send",
    "keep_empty": "a new send", "mask": "a new send", "include_opted_out": "a new send",
    "retry_failed": "resume",
    "include_unknown": "resume", "out": "export", "rows": "status",
}  # fmt: skip
_ALLOWED = {
    "send": {"text", "column", "sheet", "keep_empty", "mask", "include_opted_out"},
    "resume": {"retry_failed", "include_unknown"},
    "export": {"out"},
    "status": {"rows"},
    "list": set(),
}


def _command(args: argparse.Namespace) -> int:
    words: list[str] = args.words
    action, target = _action(words, args.resume)
    if action is None:
        return _refuse(
            f"`csms personalised {' '.join(words)}` is not understood: give a sheet to send"
            " from, or resume, status or export and a job number (`csms personalised -h`)."
        )
    for name, where in _ONLY_FOR.items():
        if getattr(args, name) not in (None, False) and name not in _ALLOWED[action]:
            flag = "--" + name.replace("_", "-")
            return _refuse(f"{flag} is for {where} only; leave it out here.")
    if action == "list":
        return run_cli(jobs.list_jobs(args))
    if action == "send":
        return _send_command(args, target)
    try:
        args.job = int(target)
    except ValueError:
        return _refuse(
            f"{target!r} is not a job number; `csms personalised` lists the personalised sends."
        )
    if action == "export":
        if args.out is None:
            return _refuse("Say where to write the rows: add --out FILE.csv.")
        target_file: Path = args.out.expanduser()
        return unless_it_exists(target_file, args.force, lambda: run_cli(jobs.export(args)))
    if action == "status":
        return run_cli(jobs.status(args))
    return submits.run_command(args, _resume, sends=True)


def _action(words: list[str], resume: str | None) -> tuple[str | None, str]:
    if resume is not None:
        return ("resume", resume) if not words else (None, "")
    if not words:
        return "list", ""
    if words[0] in ACTIONS:
        return (words[0], words[1]) if len(words) == 2 else (None, "")
    return ("send", words[0]) if len(words) == 1 else (None, "")


# A new send ----------------------------------------------------------------------------


def _send_command(args: argparse.Namespace, file: str) -> int:
    """Read the sheet and plan the texts before any credentials are needed."""
    if args.text is None:
        return _refuse("Say what to send: add --text TEMPLATE ('-' reads standard input).")
    try:
        template = _read_stdin() if args.text == "-" else args.text
        sheet = read_sheet(file, sheet=args.sheet)
        args.plan = plan_send(
            sheet, template, _number_column(sheet, args.column), skip_empty=not args.keep_empty
        )
    except InvalidInput as error:
        return _refuse(f"{error} Nothing was sent.")
    except OSError as error:
        return _refuse(f"Nothing was sent: cannot read {file} ({error.strerror}).")
    return submits.run_command(args, _send, sends=True)


def _number_column(sheet: Sheet, wanted: str | None) -> int:
    names = ", ".join(sheet.columns)
    if wanted is None:
        guess = guess_number_column(sheet)
        if guess is None:
            raise InvalidInput(
                f"No column looks like phone numbers; say which with --column (columns: {names})."
            )
        return guess
    folded = [name.casefold() for name in sheet.columns]
    if wanted.strip().casefold() in folded:
        return folded.index(wanted.strip().casefold())
    if wanted.strip().isdigit() and 1 <= int(wanted) <= len(sheet.columns):
        return int(wanted) - 1
    raise InvalidInput(f"The sheet has no column {wanted!r}; its columns are {names}.")


async def _send(engine: Engine, args: argparse.Namespace) -> int:
    plan: PersonalisedPlan = args.plan
    mask = args.mask or engine.profile.default_mask
    sender = engine.personalised
    listed = sender.opted_out(plan)
    send = plan.to_send
    if args.include_opted_out is None and listed:
        left_out = {row.row for row in listed}
        send = [row for row in send if row.row not in left_out]
    cost = await cost_of_rows(engine, (row.segments for row in send))
    document = report_.preview(plan, send, [] if args.include_opted_out else listed, cost, mask)
    if not args.json:
        print("\n".join(report_.preview_lines(document)), flush=True)
    if not send:
        return _refuse_with(
            args, "Nothing was sent: no row can be sent; fix the numbers or the template.",
            "refused", document,
        )  # fmt: skip
    refused = _before_asking(engine, args, cost, document)
    if refused is not None:
        return refused
    declined = None if args.yes else _ask(f"Send {plural(len(send), 'text')}?")
    if declined is not None:
        return _refuse_with(args, declined, "not_confirmed", document)
    job_id: int | None = None

    def create() -> int:
        return sender.create_job(plan, mask=mask, include_opted_out=args.include_opted_out)

    def hold() -> Any:
        nonlocal job_id
        job_id = create()
        return engine.holds.hold_job("personalised", job_id)

    held = sending_hours.gate(engine, args, hold)
    if held is not None:
        return held
    job_id = create()
    if not args.json:
        output.note(f"Personalised send {job_id}: {plural(len(send), 'row')} journalled.")
    return await _run(engine, args, job_id, {"preview": document})


def _before_asking(
    engine: Engine,
    args: argparse.Namespace,
    cost: PersonalisedCost,
    document: dict[str, Any] | None,
) -> int | None:
    """Refusals that need no question: credit too short, outside the sending hours."""
    if cost.short and not args.force:
        return _refuse_with(
            args, f"Nothing was sent: {cost.sentence()} Add --force to send anyway.", "credit",
            document,
        )  # fmt: skip
    closed = engine.holds.outside()
    if closed is not None and not (args.now or args.hold):
        return _refuse_with(
            args,
            f"Nothing was sent: {closed} Add --hold to send it then, or --now to send anyway.",
            "sending_hours",
            document,
        )
    return None


def _refuse_with(
    args: argparse.Namespace, message: str, code: str, document: dict[str, Any] | None
) -> int:
    extra = {"preview": document} if document is not None and args.json else {}
    return output.report_failure(message, exit_code=EXIT_REFUSED, code=code, **extra)


def _ask(question: str) -> str | None:
    """Ask on the terminal: None when confirmed, else the refusal's sentence."""
    if not sys.stdin.isatty():
        return (
            "Nothing was sent: add --yes to send (standard input is not a terminal,"
            " so no question can be asked)."
        )
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    try:
        answer = sys.stdin.readline()
    except (OSError, UnicodeDecodeError):
        answer = ""
    return None if answer.strip().casefold() in ("y", "yes") else "Nothing was sent: not confirmed."


# Running a job ---------------------------------------------------------------------------


async def _run(engine: Engine, args: argparse.Namespace, job_id: int, extra: dict[str, Any]) -> int:
    """Send the job's pending rows; the first Ctrl+C or SIGTERM stops after the
    requests already out (their rows are recorded), a second one at once."""
    sender = engine.personalised
    with graceful_stop("the requests on their way are recorded") as stop:
        watcher = asyncio.ensure_future(_cancel_on(stop, sender.cancel))
        try:
            report = await sender.run(job_id, on_progress=_progress_printer())
        except LedgerError as error:
            # Rows may have gone out already: never "nothing was sent" here.
            return output.report_failure(
                f"Personalised send {job_id} stopped: {error} `csms personalised status"
                f" {job_id}` shows what went out; `csms personalised resume {job_id}` goes on.",
                exit_code=output.EXIT_FAILED,
                code="storage",
            )
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
    return _print_job(engine, args, report.summary, report, extra)


async def _cancel_on(stop: asyncio.Event, cancel: Any) -> None:
    await stop.wait()
    cancel()


def _progress_printer() -> Any:
    """Progress on one line of a terminal's stderr (nothing when it is not a terminal)."""
    if not sys.stderr.isatty():
        return None

    def show(progress: events.Progress) -> None:
        end = "\n" if progress.done == progress.total else ""
        detail = f" ({progress.detail})" if progress.detail else ""
        line = f"\r\x1b[KSending: {progress.done:,} of {progress.total:,}{detail}"
        print(line, end=end, file=sys.stderr, flush=True)

    return show


def _print_job(
    engine: Engine,
    args: argparse.Namespace,
    summary: SendJobSummary,
    report: SendReport | None,
    extra: dict[str, Any] | None = None,
) -> int:
    ledger = engine.ledger
    problems = [
        r for s in ("failed", "unknown") for r in ledger.send_jobs.send_results(summary.job_id, s)
    ]
    problems.sort(key=lambda r: r.row)
    prefix = f"send:{summary.job_id}:"
    unknown_ids = [
        u.id for u in ledger.unknown.unknown_submits() if (u.ref or "").startswith(prefix)
    ]
    return report_.print_outcome(
        summary, report, problems, unknown_ids, as_json=args.json, zone=profile_zone(engine),
        extra=extra,
    )  # fmt: skip


async def _resume(engine: Engine, args: argparse.Namespace) -> int:
    sender = engine.personalised
    summary = find_job(engine, args.job)
    recovered = sender.recover(args.job)
    if recovered and not args.json:
        output.note(
            f"{plural(recovered, 'row')} left on the way by a stopped run"
            " now count as of unknown outcome (not sent again by themselves)."
        )
    ledger = engine.ledger
    queued = ledger.send_jobs.send_rows(args.job, "pending")
    if args.retry_failed:
        queued += ledger.send_jobs.send_rows(args.job, "failed")
    if args.include_unknown:
        queued += ledger.send_jobs.send_rows(args.job, "unknown")
    if not queued:
        return _print_job(engine, args, find_job(engine, args.job), None, {"resumed": False})
    cost = await cost_of_rows(engine, (analyze(row.text).segments for row in queued))
    if not args.json:
        output.note(
            f"Personalised send {args.job} ({summary.source}): {plural(len(queued), 'row')} to"
            f" send. Cost: {cost.sentence()}"
        )
    refused = _before_asking(engine, args, cost, None)
    if refused is not None:
        return refused
    unknown = len(ledger.send_jobs.send_rows(args.job, "unknown")) if args.include_unknown else 0
    if unknown and not args.yes:
        declined = _ask(
            f"{plural(unknown, 'row')} of unknown outcome may have been delivered already;"
            " sending them again can deliver them twice. Send them again?"
        )
        if declined is not None:
            return _refuse(declined, "not_confirmed")
    if args.retry_failed:
        sender.retry(args.job, include_unknown=args.include_unknown)
    elif args.include_unknown:
        _retry_unknown(engine, args.job)
    held = sending_hours.gate(engine, args, lambda: engine.holds.hold_job("personalised", args.job))
    if held is not None:
        return held
    return await _run(engine, args, args.job, {"resumed": True})


def _retry_unknown(engine: Engine, job_id: int) -> None:
    rows = [row.row for row in engine.ledger.send_jobs.send_rows(job_id, "unknown")]
    if rows:
        engine.ledger.send_jobs.retry_send_rows(job_id, rows, datetime.now(UTC))
