"""How fast the client talks: bounded concurrency, a rate limit, and backoff.

One ``Throttle`` is shared by every caller of a client, so the app's screens,
the tracker and the inbox fetcher together stay within the limits.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager


class RateLimiter:
    """At most ``rate`` request starts per second, evenly spaced.

    Each caller reserves the next free start time under a lock, then sleeps
    until it outside the lock, so waiting callers queue in order.
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate limit must be positive")
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = clock()
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            await self._sleep(start - now)


class Throttle:
    """A concurrency limit plus an optional rate limit, as one ``slot()``."""

    def __init__(
        self,
        concurrency: int = 4,
        rate_limit: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.concurrency = concurrency
        self._semaphore = asyncio.Semaphore(concurrency)
        self._rate = RateLimiter(rate_limit, clock=clock, sleep=sleep) if rate_limit else None
        self.in_flight = 0
        self.peak_in_flight = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._semaphore:
            if self._rate is not None:
                await self._rate.wait()
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            try:
                yield
            finally:
                self.in_flight -= 1


class Backoff:
    """Exponential backoff with jitter: ``base * 2**attempt`` capped at ``cap``,
    then a random point in its upper half, so retrying callers spread out."""

    def __init__(self, base: float = 0.5, cap: float = 20.0, *, rng: random.Random | None = None):
        self.base = base
        self.cap = cap
        self._rng = rng or random.Random()

    def delay(self, attempt: int) -> float:
        ceiling = min(self.cap, self.base * (2 ** min(attempt, 32)))
        return ceiling / 2 + self._rng.random() * ceiling / 2
