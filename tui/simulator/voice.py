"""Voice campaigns: broadcast, feedback and dynamic (sections 16-19 of the document).

A campaign waits for approval, then places one call attempt every
``voice_call_interval`` seconds inside its date range and daily window, retrying
unanswered recipients, until everyone is done (Sent) or the end date passes
(Expired). Progress is worked out lazily from the clock.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from tui.gateway.codes import (
    VOICE_SMS_MAX_UNITS,
    CallStatus,
    DynamicDigits,
    DynamicLanguage,
    DynamicVoice,
    VoiceCampaignStatus,
)
from tui.simulator import checks
from tui.simulator.clock import to_datetime
from tui.simulator.model import VoiceCampaign, VoiceKind
from tui.simulator.replies import ApiError, Field
from tui.simulator.state import Ctx, SimState
from tui.simulator.textunits import UCS2_SINGLE, is_gsm7, segments, units

DEFAULT_LENGTH = 2 * 86400.0
_PAST_GRACE = 60.0
_DAY_END = 23 * 60 + 59
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_COUNTERS = {
    CallStatus.SENT: "answered",
    CallStatus.NOT_ANSWERING: "not_answered",
    CallStatus.NOT_RESPONDING: "not_responding",
    CallStatus.BUSY: "busy",
}


def _choice(
    ctx: Ctx, name: str, allowed: type[DynamicLanguage | DynamicDigits | DynamicVoice], code: int
) -> int:
    value = checks.positive_int(ctx.get(name), 1, 9)
    if value is None or value not in {int(x) for x in allowed}:
        raise ApiError(code)
    return value


def _sms_text(ctx: Ctx) -> str:
    text = ctx.params.get("text") or ""
    if not text.strip():
        return ""
    unicode = not is_gsm7(text)
    limit = UCS2_SINGLE if unicode else VOICE_SMS_MAX_UNITS
    if units(text, unicode) > limit:
        raise ApiError(512)
    return text


def _window(ctx: Ctx) -> tuple[float, float, int, int]:
    start, end = ctx.now, None
    if (text := ctx.get("start_date")) is not None:
        parsed = checks.parse_datetime(text)
        if parsed is None or parsed < ctx.now - _PAST_GRACE:
            raise ApiError(508)
        start = parsed
    if (text := ctx.get("end_date")) is not None:
        end = checks.parse_datetime(text)
        if end is None or end <= start:
            raise ApiError(510)
    daily_start, daily_end = 0, _DAY_END
    if (text := ctx.get("start_time")) is not None:
        parsed_daily = checks.parse_daily(text)
        if parsed_daily is None:
            raise ApiError(508)
        daily_start = parsed_daily
    if (text := ctx.get("end_time")) is not None:
        parsed_daily = checks.parse_daily(text)
        if parsed_daily is None or parsed_daily <= daily_start:
            raise ApiError(509)
        daily_end = parsed_daily
    return start, end if end is not None else start + DEFAULT_LENGTH, daily_start, daily_end


def _create(ctx: Ctx, kind: VoiceKind) -> str:
    state, account = ctx.state, ctx.account
    name = ctx.need("name", 501)
    if not checks.name_ok(name):
        raise ApiError(511)
    if any(
        c.login == account.login and c.name.casefold() == name.casefold()
        for c in state.voice_campaigns.values()
    ):
        raise ApiError(500)
    found = checks.lists(ctx)
    recipients = checks.members(found)
    if not recipients:
        raise ApiError(413)
    file_id = ctx.need("file_id", 700)
    checks.audio_file(ctx, file_id, unknown=712, not_ready=713)
    extra: dict[str, object] = {}
    if kind == "feedback":
        options = checks.positive_int(ctx.get("valid_options"), 0, 9)
        if options is None:
            raise ApiError(705)
        extra["valid_options"] = options
        extra["valid_file_id"] = checks.optional_audio(ctx, "valid_feedback_file_id", 706)
        extra["invalid_file_id"] = checks.optional_audio(ctx, "invalid_feedback_file_id", 707)
    elif kind == "dynamic":
        extra["language"] = _choice(ctx, "language", DynamicLanguage, 708)
        extra["digits"] = _choice(ctx, "digits", DynamicDigits, 709)
        extra["voice"] = _choice(ctx, "voice", DynamicVoice, 710)
        extra["ending_file_id"] = checks.optional_audio(ctx, "ending_audio_id", 711)
    max_retries = checks.retries(ctx)
    text = _sms_text(ctx)
    start, end, daily_start, daily_end = _window(ctx)
    if account.credit <= 0:
        raise ApiError(100)
    camp_id = state.next_id("voice")
    campaign = VoiceCampaign(
        camp_id,
        account.login,
        kind,
        name,
        [x.id for x in found],
        file_id,
        text,
        max_retries,
        start,
        end,
        daily_start,
        daily_end,
        ctx.now,
        ctx.now + ctx.config.voice_approval_after,
        deque((number, 0) for number in recipients),
    )
    for field_name, value in extra.items():
        setattr(campaign, field_name, value)
    state.voice_campaigns[camp_id] = campaign
    return camp_id


def create_broadcast(ctx: Ctx) -> str:
    return _create(ctx, "broadcast")


def create_feedback(ctx: Ctx) -> str:
    return _create(ctx, "feedback")


def create_dynamic(ctx: Ctx) -> str:
    return _create(ctx, "dynamic")


def _into_window(at: float, daily_start: int, daily_end: int) -> float:
    """The first moment at or after ``at`` inside the daily window."""
    local = to_datetime(at)
    minute = local.hour * 60 + local.minute
    if daily_start <= minute <= daily_end:
        return at
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    days = 0 if minute < daily_start else 1
    return (midnight + timedelta(days=days, minutes=daily_start)).timestamp()


def _attempt(state: SimState, camp: VoiceCampaign, at: float) -> None:
    number, attempt = camp.queue.popleft()
    result = state.call_attempt(number, attempt, at, camp.valid_options)
    account = state.accounts[camp.login]
    camp.attempts += 1
    counter = _COUNTERS[result.outcome]
    setattr(camp, counter, getattr(camp, counter) + 1)
    if result.outcome is CallStatus.SENT:
        cost = state.call_cost(result.seconds)
        camp.cost += cost
        state.charge(account, cost)
        if result.option is not None:
            camp.options[number] = result.option
    elif attempt < camp.max_retries:
        camp.queue.append((number, attempt + 1))
    elif camp.text:
        parts = max(1, segments(camp.text, not is_gsm7(camp.text)))
        cost = parts * state.config.sms_price
        camp.cost += cost
        state.charge(account, cost)


def advance(state: SimState, camp: VoiceCampaign, now: float) -> None:
    """Play the campaign forward to ``now``."""
    if camp.status.is_final:
        return
    if camp.status is VoiceCampaignStatus.PENDING_APPROVAL:
        if now < camp.approved_at:
            return
        camp.status = VoiceCampaignStatus.SCHEDULED
        camp.next_call_at = max(camp.approved_at, camp.start)
    interval = state.config.voice_call_interval
    while True:
        if not camp.queue:
            camp.status = VoiceCampaignStatus.SENT
            camp.finished_at = camp.next_call_at
            return
        at = _into_window(camp.next_call_at, camp.daily_start, camp.daily_end)
        camp.next_call_at = at
        if at >= camp.end:
            if now >= camp.end:
                camp.status = VoiceCampaignStatus.EXPIRED
                camp.finished_at = camp.end
            return
        if at > now:
            return
        _attempt(state, camp, at)
        camp.status = VoiceCampaignStatus.SENDING
        camp.next_call_at = at + interval


def tick(state: SimState, now: float) -> None:
    for camp in state.voice_campaigns.values():
        if not camp.status.is_final:
            advance(state, camp, now)


def _long_date(ts: float) -> str:
    """``18 May, 2017 12:28PM``, as in the document's example."""
    d: datetime = to_datetime(ts)
    hour = d.hour % 12 or 12
    half = "AM" if d.hour < 12 else "PM"
    return f"{d.day:02d} {_MONTHS[d.month - 1]}, {d.year} {hour:02d}:{d.minute:02d}{half}"


def _daily(minutes: int) -> str:
    """``0:0`` / ``23:59``: hours and minutes unpadded, as in the example."""
    return f"{minutes // 60}:{minutes % 60}"


def campaign_status(ctx: Ctx) -> list[Field]:
    camp_id = ctx.need("camp_id", 600)
    camp = ctx.state.voice_campaigns.get(camp_id)
    if camp is None or camp.login != ctx.account.login:
        raise ApiError(601)
    return [
        ("campaignName", camp.name),
        ("status", int(camp.status)),
        ("audioClipId", camp.file_id),
        ("maxRetries", camp.max_retries),
        ("smsText", camp.text),
        ("startDate", _long_date(camp.start)),
        ("endDate", _long_date(camp.end)),
        ("startTime", _daily(camp.daily_start)),
        ("endTime", _daily(camp.daily_end)),
        ("callAttempts", camp.attempts),
        ("answered", camp.answered),
        ("notAnswered", camp.not_answered),
        ("notResponding", camp.not_responding),
        ("busy", camp.busy),
        ("campaignCost", float(camp.cost)),
        ("language", camp.language),
        ("pronunciationType", camp.digits),
        ("voice", camp.voice),
    ]
