"""``csms personalised`` status, export and the list of sends: reading what
the ledger knows of personalised sends (``cli/personalised.py`` sends)."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from tui.cli import output
from tui.cli import personalised_report as report_
from tui.cli.engine_session import CliError, cli_engine
from tui.cli.output import EXIT_OK
from tui.engine.service import Engine
from tui.engine.sms_campaigns import profile_zone
from tui.ledger import LedgerError, SendJobSummary
from tui.wording import plural


def find_job(engine: Engine, job_id: int) -> SendJobSummary:
    try:
        return engine.ledger.send_jobs.send_job_summary(job_id)
    except LedgerError:
        raise CliError(
            f"No personalised send {job_id} is known; `csms personalised` lists them."
        ) from None


async def status(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        find_job(engine, args.job)
        summary = engine.personalised.close_if_done(args.job)
        zone = profile_zone(engine)
        rows = engine.ledger.send_jobs.send_results(args.job, args.rows) if args.rows else []
        statuses = _status_counts(engine, args.job)
        if args.json:
            document = {**report_.job_dict(summary, zone), "message_status": statuses}
            if args.rows:
                document["list"] = [report_.row_dict(r) for r in rows]
            print(json.dumps(document, ensure_ascii=False))
            return EXIT_OK
        created = summary.created_at.astimezone(zone)
        print(f"Personalised send {summary.job_id} ({summary.source}), {summary.state}")
        print(f"  created  {created:%Y-%m-%d %H:%M}")
        print(f"  rows     {report_.counts_text(summary)}")
        if statuses:
            print("  texts    " + ", ".join(f"{n:,} {label}" for label, n in statuses.items()))
        for row in rows:
            status = f" [{row.status_label}]" if row.status_label else ""
            print(f"{row.row}\t{row.recipient}\t{row.state}{status}\t{row.error or ''}")
        why = report_.next_steps(summary, None, [])
        if why:
            output.note(why)
    return EXIT_OK


def _status_counts(engine: Engine, job_id: int) -> dict[str, int]:
    """Sent rows by the gateway status of their message, as last checked."""
    counts: dict[str, int] = {}
    for row in engine.ledger.send_jobs.send_results(job_id, "sent"):
        label = row.status_label or "confirmed by you (no ID)"
        counts[label] = counts.get(label, 0) + 1
    return counts


async def export(args: argparse.Namespace) -> int:
    target: Path = args.out.expanduser()
    async with cli_engine(args) as engine:
        find_job(engine, args.job)
        rows = await asyncio.to_thread(
            engine.ledger.send_jobs.export_send_job_csv, args.job, target, profile_zone(engine)
        )
    if args.json:
        print(json.dumps({"file": str(target), "rows": rows}))
    else:
        print(f"Wrote {plural(rows, 'row')} of personalised send {args.job} to {target}.")
    return EXIT_OK


async def list_jobs(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        zone = profile_zone(engine)
        jobs = engine.ledger.send_jobs.send_jobs(open_only=False)
    if args.json:
        print(json.dumps([report_.job_dict(job, zone) for job in jobs], ensure_ascii=False))
        return EXIT_OK
    if not jobs:
        print("No personalised sends yet; `csms personalised FILE --text TEMPLATE` makes one.")
    for job in jobs:
        created = job.created_at.astimezone(zone)
        print(
            f"{job.job_id}\t{created:%Y-%m-%d %H:%M}\t{job.source}\t{job.state}\t"
            f"{report_.counts_text(job)}"
        )
    return EXIT_OK
