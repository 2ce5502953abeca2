"""The lossless inbox: incoming SMS are stored before anything else happens.

The gateway hands each incoming message out once. So every reply of
get_incoming_messages is committed to the ledger as raw bytes the moment it
arrives, then parsed and stored as messages in a second step; a reply that
cannot be parsed stays in quarantine, and a reply whose parsing was cut short
by a crash is parsed again at the next start (``recover``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from tui.engine import events
from tui.engine.events import EventBus
from tui.gateway.client import CsmsClient
from tui.gateway.codes import PendingAction
from tui.gateway.errors import CsmsError
from tui.gateway.protocol import parse_incoming
from tui.gateway.results import IncomingInfo
from tui.ledger import Ledger

log = logging.getLogger("csms.engine")

#: Messages asked for per request; the loop stops at a short page.
PAGE_SIZE = 100
#: Upper bound on requests in one fetch, so a misbehaving gateway that never
#: returns a short page cannot keep the loop going for ever.
MAX_PAGES = 1000


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    new_messages: int = 0
    paid: int = 0
    discarded: int = 0
    quarantined: int = 0
    info: IncomingInfo | None = None


def _now() -> datetime:
    return datetime.now(UTC)


class InboxFetcher:
    def __init__(
        self,
        client: CsmsClient,
        ledger: Ledger,
        bus: EventBus,
        *,
        page_size: int = PAGE_SIZE,
        now: Callable[[], datetime] = _now,
    ) -> None:
        self.client = client
        self.ledger = ledger
        self.bus = bus
        self.page_size = page_size
        self._now = now
        self.info: IncomingInfo | None = None

    async def refresh_info(self) -> IncomingInfo:
        info = await self.client.incoming_info()
        self._set_info(info)
        return info

    def _set_info(self, info: IncomingInfo) -> None:
        self.info = info
        self.bus.publish(
            events.AccountChanged(
                at=self._now(),
                credit=info.credit,
                unpaid_pending=info.unpaid_pending,
                free_incoming=info.free_incoming,
            )
        )

    def recover(self) -> int:
        """Parse replies stored before a crash cut their parsing short."""
        stored = 0
        for raw in self.ledger.unparsed_replies():
            stored += self._store(raw.id, raw.body)[0]
        if stored:
            self._announce(stored)
        return stored

    def _store(self, raw_id: int, body: bytes) -> tuple[int, int, bool]:
        """Parse one stored reply: (new messages, messages in it, quarantined)."""
        try:
            batch = parse_incoming(body)
        except CsmsError as error:
            self.ledger.quarantine(raw_id, str(error), self._now())
            log.warning("incoming reply %d kept in quarantine: %s", raw_id, error)
            return 0, 0, True
        new = self.ledger.store_incoming_messages(raw_id, batch.messages)
        self._set_info(batch.info)
        return new, len(batch.messages), False

    async def fetch(self) -> FetchOutcome:
        """Fetch every paid message waiting; each is in the ledger before this returns."""
        new = quarantined = 0
        for _ in range(MAX_PAGES):
            body = await self.client.fetch_incoming_raw(size=self.page_size)
            raw_id = self.ledger.store_incoming_reply(body, self._now())
            added, count, bad = self._store(raw_id, body)
            new += added
            quarantined += int(bad)
            if bad or count < self.page_size:
                break
        if new:
            self._announce(new)
        return FetchOutcome(new_messages=new, quarantined=quarantined, info=self.info)

    async def pay_and_fetch(self) -> FetchOutcome:
        result = await self.client.pending_action(PendingAction.PAY)
        self._set_info(result)
        fetched = await self.fetch()
        return FetchOutcome(
            new_messages=fetched.new_messages,
            paid=result.charged_entries,
            quarantined=fetched.quarantined,
            info=self.info,
        )

    async def discard_pending(self) -> int:
        result = await self.client.pending_action(PendingAction.DISCARD)
        self._set_info(result)
        return result.discarded

    async def cycle(self, *, auto_pay: bool) -> FetchOutcome:
        """One background round: look at the account, pay if allowed, fetch."""
        info = await self.refresh_info()
        if auto_pay and info.unpaid_pending:
            return await self.pay_and_fetch()
        return await self.fetch()

    def _announce(self, new: int) -> None:
        self.bus.publish(
            events.InboxChanged(at=self._now(), new_messages=new, unread=self.ledger.unread_count())
        )
