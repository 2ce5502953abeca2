"""The status tracker: the one place that polls the gateway for statuses.

Every message, call, SMS campaign, voice campaign and audio file that is not
final is queried, with bounded concurrency through the shared client, on an
interval that starts short and backs off. One loop runs the rounds one after
another, so rounds never overlap and a slow request is never cancelled by the
next tick. Changes go to the ledger first, then out as events.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TypeVar

from tui.engine import events
from tui.engine.background import wait_for_wake
from tui.engine.events import EventBus, ItemKind
from tui.gateway.client import CsmsClient
from tui.gateway.codes import AudioStatus, CallStatus, MessageStatus
from tui.gateway.errors import CsmsError, GatewayError, GatewayUnavailable
from tui.gateway.results import CallState
from tui.ledger import InFlight, Ledger, PollItem

log = logging.getLogger("csms.engine")

T = TypeVar("T")

#: How many due messages and calls one round takes from the ledger at a time.
ROUND_PAGE = 200
#: Failure statuses of a call: final once its retries are spent.
CALL_FAILURES = (CallStatus.BUSY, CallStatus.NOT_RESPONDING, CallStatus.NOT_ANSWERING)
#: How long a failed call may sit in a failure status before it counts as
#: final even if the retry count never showed up as separate changes.
CALL_RETRY_GRACE = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class PollBackoff:
    """Poll interval: ``initial * factor ** polls``, capped at ``maximum`` (seconds)."""

    initial: float = 2.0
    maximum: float = 60.0
    factor: float = 1.5

    def after(self, polls: int) -> float:
        return min(self.maximum, self.initial * self.factor ** max(0, polls))


@dataclass
class _Watch:
    """A campaign or audio file being polled (kept in memory; the ledger knows
    which ones are unfinished, so a restart rebuilds these)."""

    kind: ItemKind
    item_id: str
    polls: int
    next_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


class StatusTracker:
    def __init__(
        self,
        client: CsmsClient,
        ledger: Ledger,
        bus: EventBus,
        *,
        backoff: PollBackoff | None = None,
        concurrency: int = 4,
        now: Callable[[], datetime] = _now,
    ) -> None:
        self.client = client
        self.ledger = ledger
        self.bus = bus
        self.backoff = backoff or PollBackoff()
        self.concurrency = max(1, concurrency)
        self._limit = asyncio.Semaphore(self.concurrency)
        self._now = now
        #: The gateway's clock, for comparing with schedules it keeps.
        self.gateway_now: Callable[[], datetime] = now
        self._wake = asyncio.Event()
        self._watches: dict[tuple[str, str], _Watch] = {}
        self.last_round: datetime | None = None
        self.next_round: datetime | None = None
        self.requests = 0
        self._failing = False

    # What to watch --------------------------------------------------------------

    def resume(self) -> None:
        """Pick up everything the ledger says is unfinished (after a restart)."""
        now = self._now()
        for campaign in self.ledger.campaigns.campaigns(final=False):
            self.watch("sms_campaign", campaign.id, now)
        for voice in self.ledger.voice.voice_campaigns(final=False):
            self.watch("voice_campaign", voice.id, now)
        for audio in self.ledger.audio.audio_files():
            if audio.status is not AudioStatus.READY:
                self.watch("audio", audio.id, now)
        self.wake()

    def watch(self, kind: ItemKind, item_id: str, at: datetime | None = None) -> None:
        """Start polling a campaign or audio file (messages and calls are
        picked up from the ledger by themselves)."""
        self._watches[(kind, item_id)] = _Watch(kind, item_id, 0, at or self._now())
        self.wake()

    def wake(self) -> None:
        """Run a round now (new items were recorded)."""
        self._wake.set()

    @property
    def watching(self) -> int:
        return len(self._watches)

    # The loop ---------------------------------------------------------------------

    async def run(self, idle: float = 5.0) -> None:
        """Poll until cancelled. ``idle`` bounds the sleep between rounds."""
        while True:
            await self.run_round()
            flight = await asyncio.to_thread(self.ledger.tracking.in_flight)
            delay = self._seconds_to_next(idle, flight)
            self.next_round = self._now() + timedelta(seconds=delay)
            self._publish_cycle(flight)
            self._wake.clear()
            # Awaited here rather than handed to wait_for, which would make a task
            # of it and in Python 3.11 can swallow a stop that lands as it wakes.
            await wait_for_wake(self._wake, delay)

    def _seconds_to_next(self, idle: float, flight: InFlight) -> float:
        candidates = [w.next_at for w in self._watches.values()]
        if flight.next_poll_at is not None:
            candidates.append(flight.next_poll_at)
        if not candidates:
            return idle
        delay = (min(candidates) - self._now()).total_seconds()
        if self._failing:
            delay = max(delay, self.backoff.maximum / 4)
        return max(0.05, min(idle, delay))

    async def run_round(self) -> int:
        """Query everything due now; returns how many items were queried."""
        now = self._now()
        queried = 0
        seen: set[tuple[str, str]] = set()
        failures_before = self.requests
        ok = True
        while True:
            page = await asyncio.to_thread(self.ledger.tracking.due_for_poll, now, ROUND_PAGE)
            due = [item for item in page if (item.kind, item.id) not in seen]
            if not due:
                break
            seen.update((item.kind, item.id) for item in due)
            ok &= await self._poll_tracked(due)
            queried += len(due)
            if len(due) < ROUND_PAGE:
                break
        watches = [w for w in self._watches.values() if w.next_at <= now]
        if watches:
            results = await asyncio.gather(*(self._poll_watch(w) for w in watches))
            ok &= all(results)
            queried += len(watches)
        self._failing = not ok and self.requests > failures_before
        self.last_round = self._now()
        return queried

    def _publish_cycle(self, flight: InFlight) -> None:
        self.bus.publish(
            events.PollCycle(
                at=self._now(),
                in_flight=flight.total + len(self._watches),
                last_poll=self.last_round,
                next_poll=self.next_round,
            )
        )

    async def _run_all(
        self, queries: list[Callable[[], Awaitable[object]]]
    ) -> list[object | CsmsError]:
        """Run ``queries`` on as many workers as the concurrency allows.

        A fixed pool of workers, rather than one task per query, keeps each turn
        of the event loop short: hundreds of tasks started at once would all take
        their first step in a single turn and stall the interface.
        """
        results: list[object | CsmsError] = [None] * len(queries)
        cursor = iter(range(len(queries)))

        async def worker() -> None:
            for index in cursor:
                results[index] = await self._ask(queries[index])

        await asyncio.gather(*(worker() for _ in range(min(self.concurrency, len(queries)))))
        return results

    async def _limited(self, call: Callable[[], Awaitable[T]]) -> T:
        # The request is created only once it holds a slot: a cancellation
        # while waiting (shutdown) leaves no coroutine that was never awaited.
        async with self._limit:
            self.requests += 1
            return await call()

    # Messages and calls -------------------------------------------------------------

    async def _poll_tracked(self, due: list[PollItem]) -> bool:
        messages = [item for item in due if item.kind == "message"]
        calls = [item for item in due if item.kind == "call"]
        queries: list[Callable[[], Awaitable[object]]] = [
            *(partial(self.client.query_message, item.id) for item in messages),
            *(partial(self.client.query_call, item.id) for item in calls),
        ]
        answers = await self._run_all(queries)
        at = self._now()
        ok = True
        message_updates: list[tuple[str, MessageStatus, datetime]] = []
        reschedule: list[tuple[PollItem, datetime]] = []
        for item, answer in zip(messages, answers[: len(messages)], strict=True):
            if isinstance(answer, CsmsError):
                ok &= not isinstance(answer, GatewayUnavailable)
                reschedule.append((item, at + self._interval(item.polls + 1)))
                continue
            assert isinstance(answer, MessageStatus)
            message_updates.append((item.id, answer, at))
            if not answer.is_final:
                reschedule.append((item, at + self._interval(item.polls + 1)))
        # Ledger writes run in a thread (the ledger serialises them with its lock)
        # so a round of hundreds of updates never stalls the event loop.
        changed = set(
            await asyncio.to_thread(self.ledger.messages.update_message_statuses, message_updates)
        )
        recipients = {item.id: item.recipient for item in messages}
        for message_id, status, _ in message_updates:
            if message_id in changed:
                self._status_event(
                    "message",
                    message_id,
                    status.label,
                    status.is_final,
                    recipient=recipients.get(message_id),
                )
        for item, answer in zip(calls, answers[len(messages) :], strict=True):
            if isinstance(answer, CsmsError):
                ok &= not isinstance(answer, GatewayUnavailable)
                reschedule.append((item, at + self._interval(item.polls + 1)))
                continue
            assert isinstance(answer, CallState)
            final, event = await asyncio.to_thread(self._record_call, item, answer, at)
            if event is not None:
                self.bus.publish(event)
            if not final:
                reschedule.append((item, at + self._interval(item.polls + 1)))
        await asyncio.to_thread(self._reschedule, reschedule)
        return ok

    def _record_call(
        self, item: PollItem, answer: CallState, at: datetime
    ) -> tuple[bool, events.StatusChanged | None]:
        """Store one call answer (runs in a worker thread); returns whether the
        call is final and the event to publish, if any."""
        record = self.ledger.calls.call(item.id)
        status = answer.status
        final = status.is_final
        if status in CALL_FAILURES and record is not None:
            attempts = record.attempts + (0 if record.status == status else 1)
            overdue = at - record.submitted_at > CALL_RETRY_GRACE * (record.max_retries + 1)
            final = attempts > record.max_retries or overdue
        if record is not None and record.kind == "feedback" and status is CallStatus.SENT:
            # The pressed key may arrive a little after the call ends.
            final = answer.option_selected is not None or item.polls >= 3
        changed = self.ledger.calls.update_call_status(
            item.id, status, at, option_selected=answer.option_selected, final=final
        )
        if not (changed or final):
            return final, None
        detail = f"pressed {answer.option_selected}" if answer.option_selected else ""
        event = events.StatusChanged(
            at=at,
            kind="call",
            item_id=item.id,
            status=status.label,
            final=final,
            recipient=item.recipient,
            detail=detail,
        )
        return final, event

    def _reschedule(self, items: Iterable[tuple[PollItem, datetime]]) -> None:
        by_kind: dict[str, list[tuple[str, datetime]]] = {}
        for item, at in items:
            by_kind.setdefault(item.kind, []).append((item.id, at))
        for kind, pairs in by_kind.items():
            self.ledger.tracking.schedule_next_polls(kind, pairs)  # type: ignore[arg-type]

    def _interval(self, polls: int) -> timedelta:
        return timedelta(seconds=self.backoff.after(polls))

    async def _ask(self, call: Callable[[], Awaitable[T]]) -> T | CsmsError:
        # Give the event loop a turn between queries: with a gateway that answers
        # at once (the in-process demo), a worker could otherwise run dozens of
        # queries in one turn and hold up the interface.
        await asyncio.sleep(0)
        try:
            return await self._limited(call)
        except CsmsError as error:
            if not isinstance(error, GatewayError) or error.code not in (211, 703):
                log.info("status query failed: %s", error)
            return error

    # Campaigns and audio --------------------------------------------------------------

    def _pollers(self) -> dict[str, Callable[[str], Awaitable[bool]]]:
        return {
            "sms_campaign": self._poll_sms_campaign,
            "voice_campaign": self._poll_voice_campaign,
            "audio": self._poll_audio,
        }

    async def poll_now(self, kind: ItemKind, item_id: str) -> bool:
        """Ask the gateway about one campaign or audio file now and record the
        answer; True when it is final. The client's errors are raised."""
        poller = self._pollers()[kind]
        return await self._limited(lambda: poller(item_id))

    async def _poll_watch(self, watch: _Watch) -> bool:
        pollers = self._pollers()
        try:
            final = await self._limited(lambda: pollers[watch.kind](watch.item_id))
        except CsmsError as error:
            log.info("%s %s query failed: %s", watch.kind, watch.item_id, error)
            final = False
            if isinstance(error, GatewayUnavailable):
                watch.polls += 1
                watch.next_at = self._now() + self._interval(watch.polls)
                return False
        if final:
            self._watches.pop((watch.kind, watch.item_id), None)
        else:
            watch.polls += 1
            watch.next_at = self._now() + self._interval(watch.polls)
        return True

    async def _poll_sms_campaign(self, campaign_id: str) -> bool:
        recipients = await self.client.campaign_status(campaign_id)
        at = self._now()
        gateway_at = self.gateway_now()
        changed = await asyncio.to_thread(
            self.ledger.campaigns.upsert_campaign_statuses, campaign_id, recipients, at
        )
        campaign = await asyncio.to_thread(self.ledger.campaigns.campaign, campaign_id)
        total = len(recipients)
        sent = sum(1 for r in recipients if r.status is MessageStatus.SENT)
        due = (
            campaign is None or campaign.scheduled_at is None or campaign.scheduled_at <= gateway_at
        )
        final = total > 0 and sent == total and due
        state = "Sent" if final else ("Scheduled" if sent == 0 else "Sending")
        if campaign is not None and (campaign.state != state or changed):
            await asyncio.to_thread(
                self.ledger.campaigns.set_campaign_state, campaign_id, state, at, final=final
            )
            self._status_event(
                "sms_campaign", campaign_id, state, final, detail=f"{sent:,}/{total:,} sent"
            )
        return final

    async def _poll_voice_campaign(self, campaign_id: str) -> bool:
        info = await self.client.voice_campaign_status(campaign_id)
        at = self._now()
        if await asyncio.to_thread(self.ledger.voice.add_voice_snapshot, campaign_id, info, at):
            self._status_event(
                "voice_campaign",
                campaign_id,
                info.status.label,
                info.status.is_final,
                detail=f"{info.answered} answered",
            )
        return info.status.is_final

    async def _poll_audio(self, file_id: str) -> bool:
        status = await self.client.audio_status(file_id)
        if await asyncio.to_thread(
            self.ledger.audio.update_audio_status, file_id, status, self._now()
        ):
            self._status_event("audio", file_id, status.label, status.is_final)
        return status.is_final

    def _status_event(
        self,
        kind: ItemKind,
        item_id: str,
        label: str,
        final: bool,
        *,
        recipient: str | None = None,
        detail: str = "",
    ) -> None:
        self.bus.publish(
            events.StatusChanged(
                at=self._now(),
                kind=kind,
                item_id=item_id,
                status=label,
                final=final,
                recipient=recipient,
                detail=detail,
            )
        )
