"""Incoming SMS: information, pay or discard, fetch once (sections 11-13)."""

from __future__ import annotations

import random
from datetime import datetime

from tui.gateway.codes import INCOMING_DATE_FORMAT, PendingAction
from tui.simulator import checks
from tui.simulator.clock import TZ, to_datetime
from tui.simulator.model import Account, IncomingSms
from tui.simulator.replies import ApiError, Field
from tui.simulator.state import Ctx, SimState
from tui.simulator.textunits import is_gsm7, segments

TIMESTAMP_FORMAT = "%Y,%m,%d %H:%M"


def arrive(
    state: SimState, account: Account, msisdn: str, text: str, short_code: str, at: float
) -> IncomingSms:
    """An SMS to the account's short code arrives, unpaid and pending."""
    sms = IncomingSms(state.next_incoming_id(), account.login, msisdn, text, short_code, at)
    state.incoming.append(sms)
    return sms


def _enabled(ctx: Ctx) -> Account:
    if not ctx.account.incoming_enabled:
        raise ApiError(301)
    return ctx.account


def _counts(state: SimState, account: Account) -> list[Field]:
    unpaid = sum(1 for m in state.incoming if m.login == account.login and m.state == "unpaid")
    return [
        ("credit", float(account.credit)),
        ("currentFreeIncomingSmsMessages", account.free_incoming),
        ("unpaidPendingMessageCount", unpaid),
    ]


def info(ctx: Ctx) -> list[Field]:
    return _counts(ctx.state, _enabled(ctx))


def pending_action(ctx: Ctx) -> list[Field]:
    account = _enabled(ctx)
    action_text = ctx.need("action", 101)
    if action_text not in {str(int(a)) for a in PendingAction}:
        raise ApiError(302)
    action = PendingAction(int(action_text))
    unpaid = [m for m in ctx.state.incoming if m.login == account.login and m.state == "unpaid"]
    discarded = entries = charged_sms = 0
    if action is PendingAction.DISCARD:
        for sms in unpaid:
            sms.state = "discarded"
        discarded = len(unpaid)
    else:
        for sms in unpaid:
            parts = max(1, segments(sms.text, not is_gsm7(sms.text)))
            if account.free_incoming > 0:
                account.free_incoming -= 1
            else:
                cost = parts * ctx.config.incoming_price
                if account.credit + 1e-9 < cost:
                    break
                ctx.state.charge(account, cost)
            sms.state = "paid"
            entries += 1
            charged_sms += parts
        if unpaid and entries == 0:
            raise ApiError(100)
    return [
        *_counts(ctx.state, account),
        ("discardedMessagesCount", discarded),
        ("successfulChargedEntriesCount", entries),
        ("successfulChargedSmsCount", charged_sms),
    ]


def get_messages(ctx: Ctx) -> list[Field]:
    account = _enabled(ctx)
    size_text = ctx.get("size")
    size = ctx.config.incoming_default_size
    if size_text is not None:
        parsed = checks.positive_int(size_text, 1, 1_000_000)
        if parsed is None:
            raise ApiError(101)
        size = parsed
    since = 0.0
    date_text = ctx.get("date")
    if date_text is not None:
        try:
            day = datetime.strptime(date_text, INCOMING_DATE_FORMAT)
        except ValueError:
            raise ApiError(303) from None
        since = day.replace(tzinfo=TZ).timestamp()
    picked: list[IncomingSms] = []
    for sms in ctx.state.incoming:
        if len(picked) >= size:
            break
        if sms.login == account.login and sms.state == "paid" and sms.received_at >= since:
            picked.append(sms)
    fields = _counts(ctx.state, account)
    for sms in picked:
        sms.state = "delivered"
        item: list[Field] = [
            ("id", sms.id),
            ("message", sms.text),
            ("msisdn", sms.msisdn),
            ("shortCode", sms.short_code),
            ("timestamp", to_datetime(sms.received_at).strftime(TIMESTAMP_FORMAT)),
        ]
        fields.append(("incomingSms", item))
    return fields


class IncomingFeed:
    """A trickle of incoming SMS (demo data): one about every ``interval`` seconds."""

    #: Never replay more than this much missed time at once.
    _MAX_CATCH_UP = 86400.0

    def __init__(
        self,
        state: SimState,
        account: Account,
        senders: list[str],
        texts: list[str],
        interval: float,
        start: float,
    ) -> None:
        self._state = state
        self._account = account
        self._senders = senders
        self._texts = texts
        self._interval = interval
        self._rng = random.Random(f"feed:{state.config.seed}")
        self._next = start + self._gap()
        self._index = 0

    def _gap(self) -> float:
        return self._interval * self._rng.uniform(0.5, 1.5)

    def __call__(self, now: float) -> None:
        if now - self._next > self._MAX_CATCH_UP:
            self._next = now - self._MAX_CATCH_UP
        while self._next <= now:
            text = self._texts[self._index % len(self._texts)]
            sender = self._senders[self._index % len(self._senders)]
            self._index += 1
            arrive(self._state, self._account, sender, text, self._account.short_code, self._next)
            self._next += self._gap()
