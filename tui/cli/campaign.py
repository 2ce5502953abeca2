"""``csms campaign``: SMS campaigns to subscriber lists from scripts and cron."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from tui.cli import output, submits
from tui.cli.engine_session import CliError, cli_engine, run_cli
from tui.cli.options import add_common, as_json, list_ids, unless_it_exists
from tui.cli.send import _read_stdin
from tui.engine.clean_lists import members_sentence
from tui.engine.service import Engine, plural
from tui.engine.sms_campaigns import (
    WHEN_HINT,
    CampaignDraft,
    CampaignReview,
    SmsCampaigns,
    profile_zone,
)
from tui.gateway.errors import InvalidInput
from tui.ledger import SmsCampaign

CREATE_HELP = f"""\
Create an SMS campaign to one or more subscriber lists known to csms (`csms lists`).
Without --yes it prints the review (audience, segments, when) and sends nothing.
--at takes the local time in the profile's time zone as {WHEN_HINT}; without it
the campaign starts now: outside the profile's sending hours add --hold (it starts
when they open) or --now (it starts anyway), as the app asks. The gateway numbers
it; csms remembers it and follows it."""


def register(subparsers: Any) -> None:
    campaign = subparsers.add_parser(
        "campaign",
        help="SMS campaigns: list, create, status, export",
        description="Without an action, lists the campaigns csms knows (the gateway "
        "cannot list them).",
    )
    add_common(campaign)
    campaign.set_defaults(handler=lambda args: run_cli(_list(args)))
    actions = campaign.add_subparsers(dest="campaign_command", metavar="ACTION")

    create = actions.add_parser(
        "create",
        help="review, then create, a campaign",
        description=CREATE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    create.add_argument("name", metavar="NAME")
    create.add_argument(
        "--list", dest="lists", action="append", metavar="LIST",
        help="a list's name or ID (repeatable)",
    )  # fmt: skip
    text = create.add_mutually_exclusive_group()
    text.add_argument("--text", help="the message; '-' reads standard input")
    text.add_argument(
        "--template", metavar="NAME", help="a saved template's text (one with {fields} is refused)"
    )
    create.add_argument(
        "--like",
        metavar="CAMPAIGN",
        help="duplicate a campaign: its lists, text and mask unless given here",
    )
    create.add_argument("--at", metavar="WHEN", help=f"start time, {WHEN_HINT} (local)")
    create.add_argument("--mask", metavar="M", help="sender mask (default: the account's)")
    hours = create.add_mutually_exclusive_group()
    hours.add_argument(
        "--hold",
        action="store_true",
        help="without --at, outside the sending hours: schedule it for when they open",
    )
    hours.add_argument(
        "--now",
        action="store_true",
        help="without --at: start it now, even outside the sending hours",
    )
    create.add_argument("--yes", action="store_true", help="create it after the review")
    create.add_argument(
        "--force", action="store_true", help="create it even when the credit looks too short"
    )
    submits.add_override(create)
    add_common(create)
    create.set_defaults(handler=lambda args: run_cli(_create(args)))

    status = actions.add_parser(
        "status", help="ask the gateway how far a campaign is, and record it"
    )
    status.add_argument("campaign", metavar="NAME_OR_ID")
    add_common(status)
    status.set_defaults(handler=lambda args: run_cli(_status(args)))

    export = actions.add_parser("export", help="write each recipient's status to a CSV file")
    export.add_argument("campaign", metavar="NAME_OR_ID")
    export.add_argument("file", type=Path, metavar="FILE.csv")
    export.add_argument("--force", action="store_true", help="replace an existing file")
    add_common(export)
    export.set_defaults(handler=_export_command)


def _find_campaign(engine: Engine, wanted: str) -> SmsCampaign:
    ledger = engine.ledger
    found = ledger.campaigns.campaign_by_name(wanted.strip()) or ledger.campaigns.campaign(
        wanted.strip()
    )
    if found is None:
        raise CliError(f"No campaign {wanted!r} is known; `csms campaign` lists them.")
    return found


def _campaign_dict(engine: Engine, item: SmsCampaign) -> dict[str, Any]:
    progress = SmsCampaigns(engine).progress(item.id)
    return {
        "id": item.id,
        "name": item.name,
        "lists": item.list_ids,
        "text": item.text,
        "mask": item.mask,
        "scheduled_at": item.scheduled_at.isoformat() if item.scheduled_at else None,
        "state": item.state,
        "final": item.final,
        # From the gateway's campaign status, as last recorded:
        "recipients_reported": progress.total,
        "sent": progress.sent,
        # Derived locally: distinct members of the lists as csms knows them.
        "recipients_expected": SmsCampaigns(engine).expected_recipients(item),
        "checked_at": item.checked_at.isoformat() if item.checked_at else None,
    }


async def _list(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        items = [_campaign_dict(engine, item) for item in engine.ledger.campaigns.campaigns()]
    if as_json(args):
        print(json.dumps(items, ensure_ascii=False))
    elif not items:
        print("No campaigns yet; create one with `csms campaign create NAME --list L --text T`.")
    for item in [] if as_json(args) else items:
        print(
            f"{item['id']}\t{item['name']}\t{item['state']}\t"
            f"{item['sent']} of {item['recipients_reported']} sent"
        )
    return 0


def _review_lines(review: CampaignReview) -> list[str]:
    audience, analysis = review.audience, review.analysis
    lists = ", ".join(f"{item.name} ({item.members:,})" for item in audience.lists)
    return [
        f"Campaign   {review.draft.name}",
        f"Lists      {lists}",
        f"Audience   {plural(audience.unique, 'distinct number')}"
        + (f" ({audience.repeats:,} in more than one list)" if audience.repeats else ""),
        f"Message    {plural(analysis.segments, 'segment')} ({analysis.encoding})"
        f" x {audience.unique:,} = {plural(review.total_segments, 'segment')}",
        f"When       {review.when_text}",
        f"Mask       {review.draft.mask or 'the account default'}",
        f"Text       {review.draft.text}",
    ]


async def _create(args: argparse.Namespace) -> int:
    text = _read_stdin() if args.text == "-" else args.text
    async with cli_engine(args) as engine:
        if args.template:
            text = engine.saved_templates.text_for_send(args.template)
        if args.like:
            like = _find_campaign(engine, args.like)
            text = text if text is not None else like.text
            args.lists = args.lists or list(like.list_ids)
            args.mask = args.mask or like.mask
        if not args.lists or text is None:
            missing = " and ".join(
                flag for flag, given in (("--list", args.lists), ("--text", text)) if not given
            )
            raise CliError(f"Say which lists and what text: add {missing} (or --like CAMPAIGN).")
        campaigns = SmsCampaigns(engine)
        when = campaigns.parse_when(args.at) if args.at else None
        draft = CampaignDraft(
            name=args.name, list_ids=list(list_ids(engine, args.lists)), text=text, when=when,
            mask=args.mask,
        )  # fmt: skip
        review = campaigns.review(draft)
        cost = await engine.cost_of(review.audience.unique, review.draft.text)
        lines = [*_review_lines(review), f"Cost       {cost.sentence()}"]
        late = engine.holds.hours.schedule_warning(review.draft.when or engine.holds.clock())
        if late:
            choose = (
                " With --yes add --hold (it starts when they open) or --now (it starts now)."
                if review.draft.when is None and not (args.hold or args.now)
                else ""
            )
            lines.append(f"Warning    {late}{choose}")
        listed = engine.optouts.listed_members(review.draft.list_ids)
        if listed:
            lines.append(
                f"Warning    {members_sentence(len(listed))} on the do-not-contact"
                " list and would still get it (the gateway cannot take members off a list):"
                " make a clean list first (`csms lists clean LIST --yes`), or create with"
                " --include-opted-out REASON."
            )
        if not args.yes:
            if as_json(args):
                print(json.dumps({"review": lines, "created": False}, ensure_ascii=False))
            else:
                print("\n".join(lines))
                print("Nothing was created; run again with --yes to create it.")
            return 0
        if listed and args.include_opted_out is None:
            return output.report_failure(
                f"Nothing was created: {members_sentence(len(listed))} on the"
                " do-not-contact list; make a clean list first, or add --include-opted-out"
                " REASON.",
                exit_code=output.EXIT_REFUSED,
                code="do_not_contact",
            )
        if listed:
            engine.optouts.override_recorded(listed, args.include_opted_out)
        if cost.short and not args.force:
            return output.report_failure(
                f"Nothing was created: {cost.sentence()} Add --force to create it anyway.",
                exit_code=output.EXIT_REFUSED,
                code="credit",
            )
        if draft.when is None and not args.now:
            # Starting now outside the sending hours: the user chooses, as in the app.
            now = engine.holds.clock()
            closed = engine.holds.outside(now)
            if closed is not None:
                opens = engine.holds.hours.next_open(now)
                if not args.hold:
                    return output.report_failure(
                        f"Nothing was created: {closed} Add --hold to start it then"
                        f" ({opens:%Y-%m-%d %H:%M}), or --now to start it now anyway.",
                        exit_code=output.EXIT_REFUSED,
                        code="sending_hours",
                    )
                draft = replace(draft, when=opens)
        created = await campaigns.create(draft)
        document = _campaign_dict(engine, created)
    if as_json(args):
        print(json.dumps({**document, "created": True}, ensure_ascii=False))
    else:
        print(f"Created campaign {created.name!r} (ID {created.id}), {created.state.lower()}.")
    return 0


async def _status(args: argparse.Namespace) -> int:
    async with cli_engine(args) as engine:
        found = _find_campaign(engine, args.campaign)
        await engine.tracker.poll_now("sms_campaign", found.id)
        document = _campaign_dict(engine, _find_campaign(engine, found.id))
        zone = profile_zone(engine)
    if as_json(args):
        print(json.dumps(document, ensure_ascii=False))
        return 0
    print(f"{document['name']} (ID {document['id']}): {document['state']}")
    print(
        f"  sent {document['sent']:,} of {document['recipients_reported']:,}"
        " (from the gateway's campaign status)"
    )
    print(
        f"  {document['recipients_expected']:,} distinct members in its lists"
        " (counted locally from the lists csms knows)"
    )
    if found.scheduled_at:
        print(f"  scheduled {found.scheduled_at.astimezone(zone):%Y-%m-%d %H:%M}")
    return 0


def _export_command(args: argparse.Namespace) -> int:
    target: Path = args.file.expanduser()
    return unless_it_exists(target, args.force, lambda: run_cli(_export(args, target)))


async def _export(args: argparse.Namespace, target: Path) -> int:
    async with cli_engine(args) as engine:
        found = _find_campaign(engine, args.campaign)
        try:
            rows = await SmsCampaigns(engine).export(found.id, target)
        except InvalidInput as error:
            raise CliError(str(error)) from None
    if as_json(args):
        print(json.dumps({"file": str(target), "rows": rows}))
    else:
        print(f"Wrote {plural(rows, 'recipient')} of {found.name!r} to {target}.", file=sys.stderr)
    return 0
