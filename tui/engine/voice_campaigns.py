"""Voice campaigns: check what the user entered, create the campaign, follow it.

:meth:`VoiceCampaigns.check` turns a :class:`VoiceDraft` (what the wizard
collected, typed fields as text) into a :class:`VoicePlan` or a list of
:class:`Problem` naming each field that is wrong, with the document's limits:
a plain unique name, at least one known list with numbers, Ready audio, valid
options 0-9, an SMS of at most one SMS, retries 0-2, a start not in the past,
an end after the start (default: start + 2 days), a daily window whose start
comes before its end. :meth:`VoiceCampaigns.create` sends the plan, records the
campaign in the ledger and has the tracker follow it.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from tui.engine import events
from tui.engine.profile_time import gateway_now, profile_zone
from tui.engine.voice_plan import (
    DEFAULT_LENGTH,
    KIND_LABELS,
    KINDS,
    SHOWN_DATE_FORMAT,
    Problem,
    VoiceDraft,
    VoiceKind,
    VoicePlan,
    daily_text,
    parse_daily,
    parse_date_time,
    sms_units,
)
from tui.gateway import codes, validate
from tui.gateway.codes import AudioStatus
from tui.gateway.errors import InvalidInput
from tui.ledger import VoiceCampaign

if TYPE_CHECKING:
    from tui.engine.service import Engine

__all__ = [
    "DEFAULT_LENGTH",
    "KINDS",
    "KIND_LABELS",
    "Problem",
    "VoiceCampaigns",
    "VoiceDraft",
    "VoiceKind",
    "VoicePlan",
    "gateway_now",
    "sms_units",
]

COMMANDS: dict[str, codes.Command] = {
    "broadcast": codes.VOICE_BROADCAST,
    "feedback": codes.VOICE_FEEDBACK,
    "dynamic": codes.VOICE_DYNAMIC,
}
#: A start this far in the past still counts as "now" (time spent on the form).
START_GRACE = timedelta(seconds=60)
NAME_MAX = 100
MAX_OPTIONS = validate.MAX_DTMF_OPTIONS
_BAD_NAME = re.compile(r"[\x00-\x1f<>\"\\]")

#: Collects one problem: (field, sentence).
Report = Callable[[str, str], None]


def window_overlaps(
    start: datetime, end: datetime, daily_start: time | None, daily_end: time | None
) -> bool:
    """True when the daily window is open at some moment between ``start`` and ``end``."""
    if daily_start is None and daily_end is None:
        return True
    if end - start >= timedelta(days=1):
        return True  # a whole day holds every (non-empty) window
    opens, closes = daily_start or time(0, 0), daily_end or time(23, 59, 59)
    day = start.date()
    while day <= end.date():
        window_open = datetime.combine(day, opens, tzinfo=start.tzinfo)
        window_close = datetime.combine(day, closes, tzinfo=start.tzinfo)
        if window_open < end and window_close > start:
            return True
        day += timedelta(days=1)
    return False


class VoiceCampaigns:
    """Check and create voice campaigns for one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def zone(self) -> tzinfo:
        return profile_zone(self.engine)

    def now(self) -> datetime:
        """The gateway's current time in the profile's time zone."""
        return gateway_now(self.engine).astimezone(self.zone)

    # Checking -----------------------------------------------------------------------

    def check(
        self, draft: VoiceDraft, *, count: bool = True
    ) -> tuple[VoicePlan | None, list[Problem]]:
        """The plan, or None and every problem found (each naming its field).

        ``count=False`` leaves the plan's recipients uncounted (None): the app counts
        them in a thread (``count_recipients``), as a million members take a second.
        """
        problems: list[Problem] = []

        def bad(field_name: str, message: str) -> None:
            problems.append(Problem(field_name, message))

        if draft.kind not in KINDS:
            bad("kind", "Choose Broadcast, Feedback or Dynamic.")
            return None, problems
        name = self._check_name(draft.name, bad)
        list_names: dict[str, str] = {}
        self._check_lists(draft.list_ids, list_names, bad)
        names: dict[str, str] = {}
        self._check_audio("file_id", draft.file_id, "recording to play", names, bad, True)
        options: int | None = None
        if draft.kind == "feedback":
            options = self._check_options(draft.valid_options, bad)
            self._check_audio(
                "valid_file_id", draft.valid_file_id, "clip after a valid key", names, bad
            )
            self._check_audio(
                "invalid_file_id", draft.invalid_file_id, "clip after an invalid key", names, bad
            )
        elif draft.kind == "dynamic":
            if draft.language is None:
                bad("language", "Choose the language: English or Urdu.")
            if draft.digits is None:
                bad("digits", "Choose how digits are read: as money or as numbers.")
            if draft.voice is None:
                bad("voice", "Choose the voice: male or female.")
            self._check_audio("ending_file_id", draft.ending_file_id, "ending clip", names, bad)
        sms = self._check_text(draft.text, bad)
        if not 0 <= draft.max_retries <= codes.MAX_RETRIES:
            bad("max_retries", f"Retries must be 0, 1 or 2, not {draft.max_retries}.")
        start, start_given, end = self._check_dates(draft.start, draft.end, bad)
        daily_start, daily_end = self._check_window(draft.daily_start, draft.daily_end, bad)
        if not problems and start is not None and end is not None:
            if not window_overlaps(start, end, daily_start, daily_end):
                bad(
                    "daily_start",
                    f"No call could be made: between {start:%Y-%m-%d %H:%M} and"
                    f" {end:%Y-%m-%d %H:%M} the daily window"
                    f" {daily_text(daily_start) or '00:00'}-{daily_text(daily_end) or '23:59'}"
                    " never opens; widen the window or move the dates.",
                )
        if problems:
            return None, problems
        recipients = self.count_recipients(draft.list_ids) if count else None
        assert draft.file_id is not None and start is not None and end is not None
        plan = VoicePlan(
            kind=draft.kind,
            name=name,
            list_ids=tuple(draft.list_ids),
            recipients=recipients,
            file_id=draft.file_id,
            text=sms,
            max_retries=draft.max_retries,
            start=start,
            start_given=start_given,
            end=end,
            daily_start=daily_start,
            daily_end=daily_end,
            valid_options=options,
            valid_file_id=draft.valid_file_id or None,
            invalid_file_id=draft.invalid_file_id or None,
            language=draft.language,
            digits=draft.digits,
            voice=draft.voice,
            ending_file_id=draft.ending_file_id or None,
            audio_names=names,
            list_names=list_names,
        )
        return plan, []

    def _check_name(self, value: str, bad: Report) -> str:
        name = " ".join(value.split())
        if not name:
            bad("name", "The campaign name is empty; give the campaign a name.")
        elif len(name) > NAME_MAX:
            bad("name", f"The campaign name is {len(name)} characters; use at most {NAME_MAX}.")
        elif _BAD_NAME.search(name):
            bad(
                "name", 'The campaign name contains < > " \\ or control characters; use plain text.'
            )
        else:
            folded = name.casefold()
            for campaign in self.engine.ledger.voice.voice_campaigns():
                if campaign.name.casefold() == folded:
                    bad(
                        "name",
                        f"A voice campaign named {campaign.name!r} already exists "
                        f"(ID {campaign.id}); choose another name.",
                    )
                    break
        return name

    def _check_lists(self, list_ids: Sequence[str], names: dict[str, str], bad: Report) -> None:
        """Known lists holding someone (quick: no member is counted)."""
        if not list_ids:
            bad("list_ids", "Choose at least one contact list.")
            return
        ledger = self.engine.ledger
        known = ledger.lists.list_names(list_ids)
        for list_id in list_ids:
            if list_id not in known:
                bad("list_ids", f"List {list_id} is not in the ledger; choose a list shown here.")
                return
            names[list_id] = known[list_id]
        if not ledger.audience.lists_with_members(list_ids):
            bad("list_ids", "The chosen lists hold no numbers; import numbers into them first.")

    def count_recipients(
        self, list_ids: Sequence[str], cancel: threading.Event | None = None
    ) -> int:
        """Distinct numbers across the lists, counted in SQL (call it from a thread in
        the app; ``cancel`` stops a count no longer wanted)."""
        return self.engine.ledger.audience.count_audience(list_ids, cancel).unique

    def _check_audio(
        self,
        field_name: str,
        file_id: str | None,
        what: str,
        names: dict[str, str],
        bad: Report,
        required: bool = False,
    ) -> None:
        if not file_id:
            if required:
                bad(field_name, f"Choose the {what}.")
            return
        audio = self.engine.ledger.audio.audio(file_id)
        if audio is None:
            bad(field_name, f"Audio file {file_id} is not in the ledger; choose an uploaded file.")
            return
        names[file_id] = audio.name
        if audio.status is not AudioStatus.READY:
            bad(
                field_name,
                f"The {what} {audio.name!r} is not Ready yet; wait for it (Audio screen) "
                "or choose a Ready file.",
            )

    def _check_options(self, value: str, bad: Report) -> int | None:
        cleaned = value.strip()
        if not cleaned:
            bad("valid_options", f"Give the number of valid options, 0 to {MAX_OPTIONS}.")
            return None
        try:
            options = int(cleaned)
        except ValueError:
            options = -1
        if not 0 <= options <= MAX_OPTIONS:
            bad(
                "valid_options",
                f"Valid options must be a whole number from 0 to {MAX_OPTIONS}, not {cleaned!r}.",
            )
            return None
        return options

    def _check_text(self, value: str, bad: Report) -> str | None:
        try:
            return validate.voice_sms_text(value)
        except InvalidInput as error:
            bad("text", str(error))
            return None

    def _check_dates(
        self, start_text: str, end_text: str, bad: Report
    ) -> tuple[datetime | None, bool, datetime | None]:
        zone, now = self.zone, self.now()
        shown = "YYYY-MM-DD HH:MM, e.g. " + (now + timedelta(hours=1)).strftime(SHOWN_DATE_FORMAT)
        start: datetime | None
        try:
            start = parse_date_time(start_text, zone)
        except ValueError:
            bad("start", f"The start {start_text.strip()!r} is not a date and time; use {shown}.")
            return None, False, None
        given = start is not None
        past = start is not None and start < now - START_GRACE
        if start is None:
            start = now
        elif past:
            bad(
                "start",
                f"The start {start:%Y-%m-%d %H:%M} is in the past (it is now "
                f"{now:%Y-%m-%d %H:%M}); choose a later time, or leave it blank to start now.",
            )
            # The end is still read: every problem of the step is said at once.
        try:
            end = parse_date_time(end_text, zone)
        except ValueError:
            bad("end", f"The end {end_text.strip()!r} is not a date and time; use {shown}.")
            return start, given, None
        if past:
            return start, given, None
        if end is None:
            end = start + DEFAULT_LENGTH
        elif end <= start:
            bad(
                "end",
                f"The end {end:%Y-%m-%d %H:%M} is not after the start "
                f"{start:%Y-%m-%d %H:%M}; choose a later end.",
            )
            return start, given, None
        return start, given, end

    def _check_window(
        self, start_text: str, end_text: str, bad: Report
    ) -> tuple[time | None, time | None]:
        values: list[time | None] = []
        for field_name, value, what in (
            ("daily_start", start_text, "daily start"),
            ("daily_end", end_text, "daily end"),
        ):
            try:
                values.append(parse_daily(value))
            except ValueError:
                bad(
                    field_name,
                    f"The {what} {value.strip()!r} is not a time; use HH:MM, e.g. 09:00.",
                )
                values.append(None)
        daily_start, daily_end = values
        if (daily_start or daily_end) and (daily_start or time(0, 0)) >= (
            daily_end or time(23, 59)
        ):
            bad(
                "daily_end",
                "The daily window must start before it ends; choose an end after "
                f"{daily_text(daily_start) or '00:00'}.",
            )
        return daily_start, daily_end

    # Creating ----------------------------------------------------------------------------

    async def create(self, plan: VoicePlan) -> VoiceCampaign:
        """Create the campaign, record it, and start following it.

        Raises the client's errors; a request whose answer was lost is first
        recorded as an unknown outcome (the campaign may exist).
        """
        engine = self.engine
        client = engine.client
        if plan.recipients is None:
            counted = await asyncio.to_thread(self.count_recipients, plan.list_ids)
            plan = replace(plan, recipients=counted)
        common: dict[str, Any] = {
            "text": plan.text,
            "max_retries": plan.max_retries,
            "start": plan.start if plan.start_given else None,
            "end": plan.end,
            "daily_start": plan.daily_start,
            "daily_end": plan.daily_end,
        }
        lists = list(plan.list_ids)
        summary = f"{plan.kind} voice campaign {plan.name!r} to {plan.recipients} numbers"

        async def request() -> str:
            if plan.kind == "broadcast":
                return await client.create_voice_broadcast(plan.name, lists, plan.file_id, **common)
            elif plan.kind == "feedback":
                assert plan.valid_options is not None
                return await client.create_voice_feedback(
                    plan.name,
                    lists,
                    plan.file_id,
                    valid_options=plan.valid_options,
                    valid_feedback_file_id=plan.valid_file_id,
                    invalid_feedback_file_id=plan.invalid_file_id,
                    **common,
                )
            else:
                assert plan.language and plan.digits and plan.voice
                return await client.create_voice_dynamic(
                    plan.name,
                    lists,
                    plan.file_id,
                    language=plan.language,
                    digits=plan.digits,
                    voice=plan.voice,
                    ending_audio_id=plan.ending_file_id,
                    **common,
                )

        at = self.engine.now()

        def record(new_id: str) -> None:
            engine.ledger.voice.add_voice_campaign(new_id, plan.name, plan.kind, plan.params(), at)

        camp_id = await engine.journal.journalled(
            "voice_campaign", COMMANDS[plan.kind].page, summary, [plan.name], request, record
        )
        engine.tracker.watch("voice_campaign", camp_id)
        engine.bus.publish(
            events.Submitted(
                at=at, kind="voice_campaign", ids=[(plan.name, camp_id)], summary=summary
            )
        )
        campaign = engine.ledger.voice.voice_campaign(camp_id)
        assert campaign is not None
        return campaign
