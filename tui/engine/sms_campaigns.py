"""SMS campaigns: checked step by step, created on the gateway, recorded, tracked.

Every check the wizard makes is here, so the command line and the screens
refuse the same things with the same sentence: a name already used by a
known campaign, no list, an empty text, a time in the past. Times are read in
the profile's time zone and go to the gateway in its own format (Pakistan
time, ``YYYY-MM-DD HH:MM:SS``). "Now" is the gateway's now (``Engine.gateway_now``:
the engine's clock, corrected by the gateway's replies).
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from tui.engine import events
from tui.engine.profile_time import gateway_now, profile_zone
from tui.gateway import validate
from tui.gateway.codes import CREATE_CAMPAIGN, MessageStatus
from tui.gateway.errors import InvalidInput
from tui.gateway.text import TextAnalysis, analyze
from tui.gateway.validate import schedule_time
from tui.ledger import SmsCampaign

if TYPE_CHECKING:
    from tui.engine.service import Engine

__all__ = [
    "Audience",
    "CampaignDraft",
    "CampaignProgress",
    "CampaignReview",
    "ChosenList",
    "SmsCampaigns",
    "gateway_now",
    "parse_when",
    "profile_zone",
    "when_text",
]

NAME_MAX = 100
_BAD_NAME = re.compile(r"[\x00-\x1f<>\"\\]")
#: What the "when" field accepts (the first is what it shows).
WHEN_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")
WHEN_HINT = "YYYY-MM-DD HH:MM"


def parse_when(text: str, zone: tzinfo, now: datetime) -> datetime:
    """``YYYY-MM-DD HH:MM`` in ``zone``, refused when not in the future of ``now``."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InvalidInput(f"Write the date and time as {WHEN_HINT}, or choose to send now.")
    for fmt in WHEN_FORMATS:
        try:
            when = datetime.strptime(cleaned, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
        break
    else:
        raise InvalidInput(
            f"{cleaned!r} is not a date and time; write it as {WHEN_HINT} (e.g. "
            f"{now.astimezone(zone).strftime(WHEN_FORMATS[0])})."
        )
    if when <= now:
        shown = now.astimezone(zone).strftime(WHEN_FORMATS[0])
        raise InvalidInput(
            f"{when.strftime(WHEN_FORMATS[0])} is in the past (it is now {shown} in "
            f"{getattr(zone, 'key', zone)}); choose a later time."
        )
    return when


@dataclass(frozen=True, slots=True)
class ChosenList:
    """One list of a campaign: its ID, name and member count."""

    id: str
    name: str
    members: int


@dataclass(frozen=True, slots=True)
class Audience:
    """Who the chosen lists reach, as far as the ledger knows their members."""

    lists: list[ChosenList]
    #: Members of all lists added together.
    total: int
    #: Distinct numbers across the lists (each gets the message once).
    unique: int

    @property
    def repeats(self) -> int:
        return self.total - self.unique


@dataclass(frozen=True, slots=True)
class CampaignDraft:
    name: str
    list_ids: list[str]
    text: str
    #: Aware time to send; None sends now.
    when: datetime | None = None
    mask: str | None = None


@dataclass(frozen=True, slots=True)
class CampaignReview:
    """A checked draft and everything the review step shows."""

    draft: CampaignDraft
    audience: Audience
    analysis: TextAnalysis
    zone: tzinfo

    @property
    def total_segments(self) -> int:
        return self.audience.unique * self.analysis.segments

    @property
    def when_text(self) -> str:
        return when_text(self.draft.when, self.zone)


def when_text(when: datetime | None, zone: tzinfo) -> str:
    """When a campaign is sent, in ``zone`` and as the gateway is told."""
    if when is None:
        return "Now"
    local = when.astimezone(zone).strftime(WHEN_FORMATS[0])
    return f"{local} {getattr(zone, 'key', zone)} (sent to the gateway as {schedule_time(when)})"


@dataclass(frozen=True, slots=True)
class CampaignProgress:
    total: int
    sent: int

    @property
    def not_sent(self) -> int:
        return self.total - self.sent


class SmsCampaigns:
    """SMS campaigns of one engine: checks, creation, progress and export."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # Checks -------------------------------------------------------------------------

    def check_name(self, name: str) -> str:
        cleaned = " ".join(name.split())
        if not cleaned:
            raise InvalidInput("The campaign needs a name; write one.")
        if len(cleaned) > NAME_MAX:
            raise InvalidInput(
                f"The name is {len(cleaned)} characters long; use at most {NAME_MAX}."
            )
        if _BAD_NAME.search(cleaned):
            raise InvalidInput('The name cannot hold < > " or \\; remove them.')
        key = cleaned.casefold()
        for campaign in self.engine.ledger.campaigns.campaigns():
            if campaign.name.casefold() == key:
                raise InvalidInput(
                    f"A campaign named {campaign.name!r} already exists (ID {campaign.id}); "
                    "choose another name."
                )
        return cleaned

    def check_lists(self, list_ids: Sequence[str]) -> dict[str, str]:
        """The chosen lists' names by ID, in the order given (quick: no member is
        counted); InvalidInput when none is chosen, one is unknown or all are empty."""
        if not list_ids:
            raise InvalidInput("Choose at least one list to send the campaign to.")
        wanted = list(dict.fromkeys(list_ids))
        ledger = self.engine.ledger
        names = ledger.lists.list_names(wanted)
        for list_id in wanted:
            if list_id not in names:
                raise InvalidInput(f"List {list_id} is not known; choose one of the lists shown.")
        if not ledger.audience.lists_with_members(wanted):
            raise InvalidInput(
                "The chosen lists have no members; add numbers on the Lists screen first."
            )
        return {list_id: names[list_id] for list_id in wanted}

    def audience(self, list_ids: Sequence[str], cancel: threading.Event | None = None) -> Audience:
        """Member counts of the chosen lists, counted in SQL; InvalidInput when none,
        unknown or empty. Takes about a second for a million members: call it from a
        thread in the app (``cancel`` stops a count no longer wanted)."""
        names = self.check_lists(list_ids)
        counts = self.engine.ledger.audience.count_audience(list(names), cancel)
        chosen = [ChosenList(i, name, counts.members.get(i, 0)) for i, name in names.items()]
        return Audience(chosen, counts.total, counts.unique)

    def check_text(self, text: str) -> TextAnalysis:
        if not text.strip():
            raise InvalidInput("Write the message the campaign sends.")
        return analyze(validate.message_text(text))

    def check_when(self, when: datetime | None) -> datetime | None:
        if when is None:
            return None
        now = gateway_now(self.engine)
        if when <= now:
            zone = profile_zone(self.engine)
            raise InvalidInput(
                f"{when.astimezone(zone).strftime(WHEN_FORMATS[0])} is in the past (it is now "
                f"{now.astimezone(zone).strftime(WHEN_FORMATS[0])}); choose a later time."
            )
        return when

    def parse_when(self, text: str) -> datetime:
        """The wizard's date and time text, in the profile's zone."""
        return parse_when(text, profile_zone(self.engine), gateway_now(self.engine))

    def check_mask(self, mask: str | None) -> str | None:
        cleaned = (mask or "").strip() or None
        known = self.engine.profile.masks
        if cleaned is not None and known and cleaned not in known:
            raise InvalidInput(
                f"The mask {cleaned!r} is not one of the profile's masks ({', '.join(known)})."
            )
        return cleaned

    def check_draft(self, draft: CampaignDraft) -> CampaignDraft:
        """Every check that needs no member count; InvalidInput names the first problem."""
        checked = CampaignDraft(
            name=self.check_name(draft.name),
            list_ids=list(self.check_lists(draft.list_ids)),
            text=draft.text,
            when=self.check_when(draft.when),
            mask=self.check_mask(draft.mask),
        )
        self.check_text(draft.text)
        return checked

    def review(self, draft: CampaignDraft, audience: Audience | None = None) -> CampaignReview:
        """Every check at once; InvalidInput names the first problem. ``audience``: the
        lists' counts if already made (else they are counted here)."""
        checked = self.check_draft(draft)
        if audience is None:
            audience = self.audience(checked.list_ids)
        analysis = self.check_text(draft.text)
        return CampaignReview(checked, audience, analysis, profile_zone(self.engine))

    # Creating -----------------------------------------------------------------------

    async def create(self, draft: CampaignDraft, audience: Audience | None = None) -> SmsCampaign:
        """Create the campaign on the gateway, record it and start tracking it.

        ``audience``: the lists' counts as reviewed; without it they are counted in a
        thread, so the event loop never waits for a large list.
        """
        checked = self.check_draft(draft)
        if audience is None:
            audience = await asyncio.to_thread(self.audience, checked.list_ids)
        review = CampaignReview(
            checked, audience, self.check_text(checked.text), profile_zone(self.engine)
        )
        if checked.when is None:
            # "Now" is the gateway's now: a ping's reply dates its clock.
            await self.engine.client.ping()
        when = checked.when or gateway_now(self.engine).replace(microsecond=0)
        engine = self.engine
        summary = f"SMS campaign {checked.name!r} to {review.audience.unique} numbers"
        created = self.engine.now()

        def record(new_id: str) -> None:
            engine.ledger.campaigns.add_campaign(
                new_id,
                checked.name,
                checked.list_ids,
                checked.text,
                created,
                scheduled_at=when,
                mask=checked.mask,
            )

        campaign_id = await engine.journal.journalled(
            "sms_campaign",
            CREATE_CAMPAIGN.page,
            summary,
            [checked.name],
            lambda: engine.client.create_campaign(
                checked.name, checked.list_ids, checked.text, when, mask=checked.mask
            ),
            record,
        )
        engine.tracker.watch("sms_campaign", campaign_id)
        engine.bus.publish(
            events.Submitted(
                at=created, kind="sms_campaign", ids=[(checked.name, campaign_id)], summary=summary
            )
        )
        campaign = engine.ledger.campaigns.campaign(campaign_id)
        assert campaign is not None
        return campaign

    # Monitoring -----------------------------------------------------------------------

    def progress(self, campaign_id: str) -> CampaignProgress:
        counts = self.engine.ledger.campaigns.campaign_status_counts(campaign_id)
        sent = counts.get(MessageStatus.SENT, 0)
        return CampaignProgress(total=sum(counts.values()), sent=sent)

    def expected_recipients(self, campaign: SmsCampaign) -> int:
        """Distinct members of the campaign's lists as the ledger knows them (in SQL)."""
        return self.engine.ledger.audience.count_audience(campaign.list_ids).unique

    def refresh(self, campaign_id: str) -> None:
        """Ask for the campaign's statuses now (the tracker polls it again)."""
        self.engine.tracker.watch("sms_campaign", campaign_id)

    async def export(self, campaign_id: str, path: str | Path) -> int:
        """Write the per-recipient statuses to a CSV file; returns the row count."""
        return await asyncio.to_thread(self._export, campaign_id, Path(path))

    def _export(self, campaign_id: str, path: Path) -> int:
        target = path.expanduser()
        if target.is_dir():
            raise InvalidInput(f"{target} is a folder; give a file name ending in .csv.")
        return self.engine.ledger.export_campaign_csv(
            campaign_id, target, profile_zone(self.engine)
        )
