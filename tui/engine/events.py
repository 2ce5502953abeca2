"""Events the engine publishes, and the bus that fans them out.

Subscribers get their own bounded queue; a slow subscriber loses its oldest
events (and is told how many) rather than ever blocking the publisher.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

#: Seconds of handling a burst of events before others on the loop get a turn.
YIELD_AFTER = 0.005

ItemKind = Literal["message", "call", "sms_campaign", "voice_campaign", "audio", "list_import"]


@dataclass(frozen=True, slots=True)
class Event:
    at: datetime


@dataclass(frozen=True, slots=True)
class SessionChanged(Event):
    #: "logged out", "logging in", "logged in", "re-authenticating", "offline"
    state: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class StatusChanged(Event):
    kind: ItemKind
    item_id: str
    #: Status label as the user reads it ("Sent", "Recipient Busy", "Ready", ...).
    status: str
    final: bool
    recipient: str | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Submitted(Event):
    kind: ItemKind
    #: (recipient or name, gateway ID) pairs.
    ids: list[tuple[str, str]] = field(default_factory=list)
    summary: str = ""


@dataclass(frozen=True, slots=True)
class AccountChanged(Event):
    credit: float | None
    unpaid_pending: int
    free_incoming: int


@dataclass(frozen=True, slots=True)
class InboxChanged(Event):
    new_messages: int
    unread: int


@dataclass(frozen=True, slots=True)
class PollCycle(Event):
    in_flight: int
    last_poll: datetime | None
    next_poll: datetime | None


@dataclass(frozen=True, slots=True)
class OutcomeUnknownRecorded(Event):
    kind: str
    summary: str


@dataclass(frozen=True, slots=True)
class InboxLossNoticed(Event):
    """Fetches whose reply may have held messages that were never stored, not yet
    acknowledged (0 once they are): shown on the Dashboard and in the Inbox."""

    fetches: int
    messages_at_most: int


@dataclass(frozen=True, slots=True)
class OptOutsChanged(Event):
    """Keyword replies (STOP, START, ...) changed the do-not-contact list."""

    changed: int


@dataclass(frozen=True, slots=True)
class HoldsChanged(Event):
    """A send was held, a hold cancelled, or held sends went out."""

    waiting: int


@dataclass(frozen=True, slots=True)
class Progress(Event):
    """Progress of a long job (list upload, personalised send, audio conversion)."""

    job: str
    done: int
    total: int
    detail: str = ""


@dataclass(frozen=True, slots=True)
class JobEnded(Event):
    """A long job of the engine (``engine.jobs``) ended: finished, failed or cancelled."""

    job_id: int
    kind: str
    state: str
    title: str


@dataclass(frozen=True, slots=True)
class BackgroundError(Event):
    """A background task failed; the message is one sentence for the user."""

    source: str
    message: str


@dataclass(frozen=True, slots=True)
class Dropped(Event):
    """This subscriber fell behind and lost ``count`` events."""

    count: int


class Subscription:
    """One subscriber's view of the bus: an async iterator of events."""

    def __init__(self, bus: EventBus, maxsize: int) -> None:
        self._bus = bus
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize)
        self._dropped = 0

    def _offer(self, event: Event) -> None:
        if self._queue.full():
            try:
                self._queue.get_nowait()
                self._dropped += 1
            except asyncio.QueueEmpty:  # pragma: no cover - raced by the consumer
                pass
        self._queue.put_nowait(event)

    async def get(self) -> Event | None:
        """The next event, or None once the subscription or bus is closed."""
        if self._dropped:
            count, self._dropped = self._dropped, 0
            return Dropped(at=datetime.now().astimezone(), count=count)
        return await self._queue.get()

    def close(self) -> None:
        self._bus._unsubscribe(self)
        try:
            self._queue.put_nowait(None)
        except asyncio.QueueFull:
            self._queue.get_nowait()
            self._queue.put_nowait(None)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Event]:
        # A queue that holds events hands them out without ever suspending: a
        # burst (a status round of thousands of messages) would be handled in
        # one go, and a key press would wait behind all of it. Every
        # ``YIELD_AFTER`` seconds of handling, the loop gets to run others first.
        started = time.monotonic()
        while True:
            waits = self._queue.empty() and not self._dropped
            event = await self.get()
            if event is None:
                return
            if waits:  # it waited for this one: a new burst starts
                started = time.monotonic()
            yield event
            if time.monotonic() - started > YIELD_AFTER:
                await asyncio.sleep(0)
                started = time.monotonic()


class EventBus:
    def __init__(self, maxsize: int = 1000) -> None:
        self._subscribers: list[Subscription] = []
        self._maxsize = maxsize

    def subscribe(self) -> Subscription:
        sub = Subscription(self, self._maxsize)
        self._subscribers.append(sub)
        return sub

    def _unsubscribe(self, sub: Subscription) -> None:
        if sub in self._subscribers:
            self._subscribers.remove(sub)

    def publish(self, event: Event) -> None:
        """Hand ``event`` to every subscriber without waiting for any of them."""
        for sub in list(self._subscribers):
            sub._offer(event)

    def close(self) -> None:
        for sub in list(self._subscribers):
            sub.close()
