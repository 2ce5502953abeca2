"""The lossless inbox: incoming SMS are stored before anything else happens.

The gateway hands each incoming message out once. So every reply of
get_incoming_messages is committed to the ledger as raw bytes the moment it
arrives, then parsed and stored as messages in a second step; a reply that
cannot be parsed stays in quarantine, and a reply whose parsing was cut short
by a crash is parsed again at the next start (``recover``).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tui.engine import events
from tui.engine.events import EventBus
from tui.gateway.client import CsmsClient
from tui.gateway.codes import PENDING_ACTION, PendingAction
from tui.gateway.errors import CsmsError, GatewayUnavailable, OutcomeUnknown
from tui.gateway.protocol import parse_incoming
from tui.gateway.results import IncomingInfo
from tui.ledger import Ledger, LedgerError
from tui.ledger.inbox_fetches import PossibleLoss

log = logging.getLogger("csms.engine")

#: Days a parsed reply's raw bytes are kept after its messages were stored.
RAW_REPLY_DAYS = 7
#: Days a finished fetch's marker is kept.
FETCH_MARKER_DAYS = 30

#: Messages asked for per request; the loop stops at a short page. Small pages
#: bound what one reply lost to a crash or a full disk can hold.
PAGE_SIZE = 20
#: Upper bound on requests in one fetch, so a misbehaving gateway that never
#: returns a short page cannot keep the loop going for ever.
MAX_PAGES = 1000


#: The start of an ERROR reply (XML or JSON), which carries no messages.
_ERROR_REPLY = re.compile(rb"<response>\s*ERROR|\"response\"\s*:\s*\"ERROR\"", re.I)


class InboxNotStored(LedgerError):
    """A reply of incoming messages arrived but could not be committed (a full
    disk). ``body`` holds it, so the caller can show the messages at least."""

    def __init__(self, error: LedgerError, body: bytes) -> None:
        super().__init__(
            f"Incoming messages arrived but could not be stored ({error.problem}); they"
            " are shown here and nowhere else: the gateway hands each out once."
            " Free some space before fetching again.",
            problem=error.problem,
        )
        self.body = body


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
        #: When the gateway gave ``info`` (the engine's clock).
        self.info_at: datetime | None = None

    def mark_read(self, ids: Sequence[int]) -> None:
        """Mark the stored messages ``ids`` read."""
        self.ledger.inbox.mark_read(list(ids))

    async def refresh_info(self) -> IncomingInfo:
        info = await self.client.incoming_info()
        self._set_info(info)
        return info

    def _set_info(self, info: IncomingInfo) -> None:
        self.info, self.info_at = info, self._now()
        self.bus.publish(
            events.AccountChanged(
                at=self.info_at,
                credit=info.credit,
                unpaid_pending=info.unpaid_pending,
                free_incoming=info.free_incoming,
            )
        )

    def recover(self) -> int:
        """After a restart: fetches left in flight by a run that has gone become
        possible losses (announced until acknowledged), and replies stored before
        a crash cut their parsing short are parsed now."""
        if self.ledger.inbox_fetches.mark_stale_fetches(self._now()):
            self.announce_losses()
        stored = 0
        for raw in self.ledger.inbox.unparsed_replies():
            stored += self._store(raw.id, raw.body)[0]
        if stored:
            self._announce(stored)
        self.prune()
        return stored

    def prune(self) -> tuple[int, int]:
        """Apply the retention rule: a reply's raw bytes are kept for
        ``RAW_REPLY_DAYS`` after its messages were stored (to diagnose a parsing
        doubt), then dropped; unparsed and quarantined replies are kept until
        dealt with. Finished fetch markers go after ``FETCH_MARKER_DAYS``;
        possible losses stay until acknowledged. Returns (replies, markers)."""
        now = self._now()
        replies = self.ledger.inbox.prune_raw_replies(now - timedelta(days=RAW_REPLY_DAYS))
        markers = self.ledger.inbox_fetches.prune_fetches(now - timedelta(days=FETCH_MARKER_DAYS))
        return replies, markers

    def possible_losses(self) -> list[PossibleLoss]:
        """Fetches whose reply may have held messages that were never stored."""
        return self.ledger.inbox_fetches.possible_losses()

    def acknowledge_losses(self) -> int:
        count = self.ledger.inbox_fetches.acknowledge_losses()
        self.announce_losses()
        return count

    def announce_losses(self) -> None:
        losses = self.ledger.inbox_fetches.possible_losses()
        self.bus.publish(
            events.InboxLossNoticed(
                at=self._now(),
                fetches=len(losses),
                messages_at_most=sum(loss.page_size for loss in losses),
            )
        )

    def _store(self, raw_id: int, body: bytes) -> tuple[int, int, bool]:
        """Parse one stored reply: (new messages, messages in it, quarantined)."""
        try:
            batch = parse_incoming(body)
        except CsmsError as error:
            self.ledger.inbox.quarantine(raw_id, str(error), self._now())
            log.warning("incoming reply %d kept in quarantine: %s", raw_id, error)
            return 0, 0, True
        new = self.ledger.inbox.store_incoming_messages(raw_id, batch.messages)
        self._set_info(batch.info)
        return new, len(batch.messages), False

    async def fetch(self) -> FetchOutcome:
        """Fetch every paid message waiting, a small page at a time; each page's
        reply is committed the moment it arrives, before it is parsed or logged.

        Before each request a marker is committed, which also proves the ledger
        can take a write: if it cannot, nothing is asked for (LedgerError).
        """
        new = quarantined = 0
        for _ in range(MAX_PAGES):
            body, raw_id = await self._fetch_page()
            if raw_id is None:
                break  # an ERROR reply holds no messages
            added, count, bad = self._store(raw_id, body)
            new += added
            quarantined += int(bad)
            if bad or count < self.page_size:
                break
        if new:
            self._announce(new)
        self.prune()
        return FetchOutcome(new_messages=new, quarantined=quarantined, info=self.info)

    async def _fetch_page(self) -> tuple[bytes, int | None]:
        fetch_id = self.ledger.inbox_fetches.begin_fetch(self.page_size, self._now())
        received: list[bytes] = []
        stored: list[int] = []

        def keep(body: bytes) -> None:
            # Error replies hold no messages; everything else is committed as is.
            received.append(body)
            if not _ERROR_REPLY.search(body[:512]):
                stored.append(
                    self.ledger.inbox_fetches.store_fetched_reply(fetch_id, body, self._now())
                )

        try:
            body = await self.client.fetch_incoming_raw(size=self.page_size, keep=keep)
        except OutcomeUnknown as error:
            self.ledger.inbox_fetches.end_fetch(fetch_id, lost=_lost_because(error))
            self.announce_losses()
            raise
        except LedgerError as error:
            # The reply arrived but could not be committed (a full disk): its
            # messages exist only in memory. Keep the marker as a loss and hand
            # the body to the caller with the error, so they can be shown.
            with contextlib.suppress(LedgerError):
                self.ledger.inbox_fetches.end_fetch(
                    fetch_id, lost=f"the reply could not be stored: {error}"
                )
            raise InboxNotStored(error, received[-1] if received else b"") from None
        except CsmsError:
            with contextlib.suppress(LedgerError):
                self.ledger.inbox_fetches.end_fetch(fetch_id)  # refused: nothing was handed out
            raise
        return body, (stored[-1] if stored else None)

    async def pay_and_fetch(self) -> FetchOutcome:
        try:
            result = await self.client.pending_action(PendingAction.PAY)
        except OutcomeUnknown as error:
            pending = self.info.unpaid_pending if self.info else 0
            self.ledger.unknown.add_unknown(
                "pay",
                PENDING_ACTION.page,
                f"Pay for {pending} pending incoming messages ({error})",
                [f"{pending} pending messages"],
                self._now(),
            )
            self.bus.publish(
                events.OutcomeUnknownRecorded(
                    at=self._now(), kind="pay", summary="pay for pending messages"
                )
            )
            raise
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
            events.InboxChanged(
                at=self._now(), new_messages=new, unread=self.ledger.inbox.unread_count()
            )
        )


def _lost_because(error: OutcomeUnknown) -> str:
    """Why a fetch's messages may be lost, short (the loss sentence says the rest)."""
    if isinstance(error, GatewayUnavailable):
        status = f", HTTP {error.status}" if error.status is not None else ""
        return f"its reply could not be read{status}"
    return "no answer came back"
