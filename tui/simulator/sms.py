"""Quick messages, subscriber lists and SMS campaigns (sections 2-7 of the document)."""

from __future__ import annotations

from tui.simulator import checks
from tui.simulator.model import SentMessage, SmsCampaign, SubscriberList
from tui.simulator.replies import ApiError, Field
from tui.simulator.state import Ctx, SimState
from tui.simulator.textunits import is_gsm7, segments

#: A campaign may be scheduled this far in the past (clock skew) ...
_PAST_GRACE = 60.0
#: ... and no further ahead than this (error 506).
_FUTURE_LIMIT = 365 * 86400.0


def message_text(ctx: Ctx, code: int) -> str:
    """The ``text`` parameter as sent (spaces kept); ``code`` when blank."""
    text = ctx.params.get("text") or ""
    if not text.strip():
        raise ApiError(code)
    return text


def send_sms(ctx: Ctx) -> str:
    numbers = checks.recipients(ctx)
    text = message_text(ctx, 101)
    account = ctx.account
    mask = checks.mask(ctx, account.masks, 103)
    operator_text = ctx.get("operator_id")
    operator = None
    if operator_text is not None:
        operator = checks.positive_int(operator_text, 1, 5)
        if operator is None:
            raise ApiError(104)
    unicode = checks.flag(ctx.get("unicode"))
    parts = max(1, segments(text, unicode))
    cost = parts * len(numbers) * ctx.config.sms_price
    if cost > account.credit + 1e-9:
        raise ApiError(100)
    ctx.state.charge(account, cost)
    state, now, login = ctx.state, ctx.now, account.login
    sent_at = now + ctx.config.sms_delivery_delay
    ids = state.next_ids("message", len(numbers))
    state.messages.update(
        (
            msg_id,
            SentMessage(msg_id, login, number, text, mask, unicode, operator, parts, now, sent_at),
        )
        for msg_id, number in zip(ids, numbers, strict=True)
    )
    return ",".join(ids)


def query_message(ctx: Ctx) -> str:
    msg_id = ctx.need("msg_id", 101)
    message = ctx.state.messages.get(msg_id)
    if message is None or message.login != ctx.account.login:
        raise ApiError(211)
    return "1" if ctx.now >= message.sent_at else "0"


def _same_name(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def create_list(ctx: Ctx) -> str:
    name = ctx.need("list_name", 401)
    if not checks.name_ok(name):
        raise ApiError(402)
    login = ctx.account.login
    state = ctx.state
    if any(x.login == login and _same_name(x.name, name) for x in state.lists.values()):
        raise ApiError(400)
    list_id = state.next_id("list")
    state.lists[list_id] = SubscriberList(list_id, login, name, ctx.now)
    return list_id


def add_contacts(ctx: Ctx) -> str:
    list_id = ctx.need("list_id", 412)
    target = ctx.state.lists.get(list_id)
    if target is None or target.login != ctx.account.login:
        raise ApiError(415)
    raw = ctx.params.get("to")
    if raw is None:
        raise ApiError(101)
    numbers = [n.strip() for n in raw.split(",") if n.strip()]
    if not numbers:
        raise ApiError(413)
    if not all(checks.MSISDN.fullmatch(n) for n in numbers):
        raise ApiError(411)
    target.members.update(dict.fromkeys(numbers))
    return list_id


def create_campaign(ctx: Ctx) -> str:
    state, account = ctx.state, ctx.account
    name = ctx.need("name", 501)
    if not checks.name_ok(name):
        raise ApiError(511)
    if any(
        c.login == account.login and _same_name(c.name, name) for c in state.sms_campaigns.values()
    ):
        raise ApiError(500)
    text = message_text(ctx, 502)
    found = checks.lists(ctx)
    when_text = ctx.need("time", 101)
    when = checks.parse_datetime(when_text)
    if when is None or when < ctx.now - _PAST_GRACE:
        raise ApiError(504)
    if when > ctx.now + _FUTURE_LIMIT:
        raise ApiError(506)
    mask = checks.mask(ctx, account.masks, 103)
    recipients = checks.members(found)
    if not recipients:
        raise ApiError(413)
    unicode = checks.flag(ctx.get("unicode")) or not is_gsm7(text)
    parts = max(1, segments(text, unicode))
    if parts * len(recipients) * ctx.config.sms_price > account.credit + 1e-9:
        raise ApiError(100)
    camp_id = state.next_id("campaign")
    campaign = SmsCampaign(
        camp_id,
        account.login,
        name,
        [x.id for x in found],
        text,
        mask,
        unicode,
        when,
        ctx.now,
        dict.fromkeys(recipients, 0),
    )
    state.sms_campaigns[camp_id] = campaign
    state.schedule(when, lambda at: deliver_campaign(state, campaign))
    return camp_id


def deliver_campaign(state: SimState, campaign: SmsCampaign) -> None:
    """The campaign's time has come: each recipient is sent while credit lasts."""
    account = state.accounts[campaign.login]
    cost = max(1, segments(campaign.text, campaign.unicode)) * state.config.sms_price
    for number in campaign.statuses:
        if account.credit + 1e-9 < cost:
            break
        state.charge(account, cost)
        campaign.statuses[number] = 1
    campaign.delivered = True


def campaign_status(ctx: Ctx) -> list[Field]:
    camp_id = ctx.need("campid", 600)
    campaign = ctx.state.sms_campaigns.get(camp_id)
    if campaign is None or campaign.login != ctx.account.login:
        raise ApiError(601)
    return [
        ("recipient", [("msisdn", number), ("status", status)])
        for number, status in campaign.statuses.items()
    ]
