"""What ``csms personalised`` prints: the preview before a send, and how a
send (or a job) stands after, with its exit code. No engine calls here."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from tui.cli import output
from tui.cli.output import EXIT_FAILED, EXIT_OK, EXIT_UNKNOWN
from tui.engine.personalised import PersonalisedPlan, PlannedRow, SendReport
from tui.engine.personalised_plan import PersonalisedCost
from tui.ledger import SendJobSummary
from tui.ledger.sendjobs import ROW_STATES, SendResult
from tui.wording import plural

#: Skipped rows and row problems printed as text (``--json`` has every one).
SHOWN_ROWS = 20
#: Texts shown in the preview.
SHOWN_TEXTS = 3


def skipped(plan: PersonalisedPlan, listed: Sequence[PlannedRow] = ()) -> list[dict[str, Any]]:
    """Every row that will not be sent, with its row number and why (``listed``:
    rows left out for the do-not-contact list)."""
    rows: list[dict[str, Any]] = [
        {
            "row": row.row,
            "reason": f"{row.recipient} is on the do-not-contact list"
            " (--include-opted-out REASON sends to it)",
        }
        for row in listed
    ]
    for bad in plan.invalid:
        why = f"{bad.raw!r} {bad.reason}" if bad.reason.startswith("is ") else bad.reason
        rows.append({"row": bad.row, "reason": f"invalid number: {why}"})
    if plan.skip_empty:
        for row in plan.flagged:
            fields = ", ".join("{" + name + "}" for name in row.empty)
            rows.append({"row": row.row, "reason": f"empty {fields}"})
    for number in plan.repeats:
        rows.append({"row": number, "reason": "same number and text as an earlier row"})
    return sorted(rows, key=lambda item: int(item["row"]))


def to_send(send: Sequence[PlannedRow]) -> str:
    """How many texts go out, their segments and encodings, in one line."""
    segments = sum(row.segments for row in send)
    text = f"{plural(len(send), 'text')}, {plural(segments, 'segment')} in all"
    longest = max(send, key=lambda r: (r.segments, len(r.text)), default=None)
    if longest is not None:
        unicode = sum(1 for row in send if row.is_unicode)
        text += (
            f"; the longest (row {longest.row}) takes {plural(longest.segments, 'segment')};"
            f" {unicode:,} in Unicode, {len(send) - unicode:,} in GSM-7"
        )
    return text


def preview(
    plan: PersonalisedPlan,
    send: Sequence[PlannedRow],
    listed: Sequence[PlannedRow],
    cost: PersonalisedCost,
    mask: str | None,
) -> dict[str, Any]:
    """The preview as one JSON-ready document: ``send`` the rows that go out,
    ``listed`` those left out for the do-not-contact list."""
    return {
        "source": plan.source,
        "number_column": plan.number_column,
        "template": plan.template,
        "rows": len(send),
        "summary": plan.summary(),
        "to_send": to_send(send),
        "skipped": skipped(plan, listed),
        "texts": [
            {
                "row": r.row,
                "to": r.recipient,
                "text": r.text,
                "segments": r.segments,
                "encoding": r.encoding,
            }
            for r in send[:SHOWN_TEXTS]
        ],
        "cost": cost.as_dict(),
        "cost_sentence": cost.sentence(),
        "mask": mask,
    }


def preview_lines(document: dict[str, Any]) -> list[str]:
    """The preview as text, one fact a line."""
    lines = [
        f"Sheet      {document['source']}; numbers in column {document['number_column']}",
        f"Template   {document['template']}",
        f"To send    {document['to_send']}",
    ]
    rows: list[dict[str, Any]] = document["skipped"]
    for index, item in enumerate(rows[:SHOWN_ROWS]):
        label = "Skipped   " if index == 0 else "          "
        lines.append(f"{label} row {item['row']}: {item['reason']}")
    if len(rows) > SHOWN_ROWS:
        lines.append(f"           and {len(rows) - SHOWN_ROWS:,} more (--json lists every one)")
    for index, text in enumerate(document["texts"]):
        label = "Texts     " if index == 0 else "          "
        lines.append(f"{label} row {text['row']} to {text['to']}: {text['text']}")
    lines.append(f"Cost       {document['cost_sentence']}")
    lines.append(f"Mask       {document['mask'] or 'the account default'}")
    return lines


def job_dict(summary: SendJobSummary, zone: tzinfo) -> dict[str, Any]:
    return {
        "job": summary.job_id,
        "source": summary.source,
        "mask": summary.mask,
        "created_at": summary.created_at.astimezone(zone).isoformat(),
        "state": summary.state,
        "rows": {state: summary.rows[state] for state in ROW_STATES if summary.rows.get(state)},
        "total": summary.total,
    }


def row_dict(result: SendResult) -> dict[str, Any]:
    return {
        "row": result.row,
        "to": result.recipient,
        "state": result.state,
        "id": result.message_id,
        "status": result.status_label or None,
        "error": result.error,
    }


def counts_text(summary: SendJobSummary) -> str:
    rows = summary.rows
    return ", ".join(f"{rows[s]:,} {s}" for s in ROW_STATES if rows.get(s)) or "no rows"


def exit_code(summary: SendJobSummary, report: SendReport | None = None) -> int:
    """0 every row sent; 3 some of unknown outcome; 1 some failed or not sent yet."""
    rows = summary.rows
    if rows.get("unknown") or rows.get("sending"):
        return EXIT_UNKNOWN
    if rows.get("failed") or rows.get("pending") or (report is not None and report.stopped):
        return EXIT_FAILED
    return EXIT_OK


def next_steps(summary: SendJobSummary, report: SendReport | None, unknown_ids: list[int]) -> str:
    """Why the job is not done and what to do, in one or more sentences ("" when done)."""
    job, rows = summary.job_id, summary.rows
    parts: list[str] = []
    if report is not None and report.stopped:
        parts.append(f"Personalised send {job} stopped: {report.stopped}.")
    elif report is not None and report.cancelled:
        parts.append(f"Personalised send {job} was stopped.")
    if rows.get("pending"):
        parts.append(
            f"{plural(rows['pending'], 'row')} not sent yet: `csms personalised resume {job}`"
            " sends them."
        )
    if rows.get("failed"):
        parts.append(
            f"{plural(rows['failed'], 'row')} failed (nothing was sent to them): fix the cause,"
            f" then `csms personalised resume {job} --retry-failed`."
        )
    unknown = rows.get("unknown", 0) + rows.get("sending", 0)
    if unknown:
        ids = ", ".join(str(i) for i in unknown_ids[:10]) + (
            " ..." if len(unknown_ids) > 10 else ""
        )
        parts.append(
            f"The outcome is unknown for {plural(unknown, 'row')} (they may have got it): do not"
            " simply send again; check, then `csms unknown settle ID --sent` or `--not-sent`"
            + (f" (unknown outcomes {ids})" if ids else "")
            + f", or `csms personalised resume {job} --include-unknown` to send them again"
            " (which may deliver twice)."
        )
    return " ".join(parts)


def print_outcome(
    summary: SendJobSummary,
    report: SendReport | None,
    problems: list[SendResult],
    unknown_ids: list[int],
    *,
    as_json: bool,
    zone: tzinfo,
    extra: dict[str, Any] | None = None,
) -> int:
    """Print how the job stands (one JSON document with ``--json``); returns the exit code."""
    code = exit_code(summary, report)
    why = next_steps(summary, report, unknown_ids)
    if as_json:
        document: dict[str, Any] = {**(extra or {}), **job_dict(summary, zone)}
        document["problems"] = [row_dict(r) for r in problems]
        document["cancelled"] = bool(report and report.cancelled)
        document["stopped"] = report.stopped if report else None
        if code != EXIT_OK:
            kind = {EXIT_UNKNOWN: "outcome_unknown"}.get(code, "failed")
            document.update(error=why, code=kind, exit=code)
        print(json.dumps(document, ensure_ascii=False))
        return code
    print(f"Personalised send {summary.job_id} ({summary.source}): {counts_text(summary)}.")
    sys.stdout.flush()
    for result in problems[:SHOWN_ROWS]:
        print(
            f"csms: row {result.row} ({result.recipient}) {result.state}: {result.error or ''}",
            file=sys.stderr,
        )
    if len(problems) > SHOWN_ROWS:
        output.note(
            f"and {plural(len(problems) - SHOWN_ROWS, 'more row')}; `csms personalised export"
            f" {summary.job_id} --out FILE` writes every row."
        )
    if why:
        output.note(why)
    return code
