"""The engine's background loops: status tracking, inbox fetching, held sends
and the session keepalive with its reachability probe.

``Engine.start`` runs each as a task of its own and ``Engine.stop`` cancels and
awaits them. Each loop waits by awaiting the wait itself (never a coroutine
handed to ``asyncio.wait_for``, which in Python 3.11 creates a task of its own
and can swallow a cancel that lands as the wait ends).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from tui.gateway.errors import CsmsError
from tui.gateway.session import SessionState

if TYPE_CHECKING:
    from tui.engine.service import Engine

log = logging.getLogger("csms.engine")

#: Seconds between reachability probes while the gateway is idle: with two failed
#: probes needed and a 2 s probe timeout, "offline" shows within 10 seconds.
PROBE_INTERVAL = 3.0
#: The longest wait between two tries of a login that got no usable answer.
LOGIN_RETRY_MAX = 30.0
#: Seconds between looks for held sends that are due.
HOLDS_INTERVAL = 30.0


async def wait_for_wake(wake: asyncio.Event, seconds: float) -> None:
    """Wait until ``wake`` is set or ``seconds`` have passed; a cancel always ends it."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await wake.wait()


class BackgroundLoops:
    """The coroutines ``Engine.start`` runs as tasks, and the inbox loop's wake."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._inbox_wake = asyncio.Event()

    def wake_inbox(self) -> None:
        """Fetch the inbox now rather than at the end of the interval."""
        self._inbox_wake.set()

    async def track(self) -> None:
        engine = self.engine
        while True:
            try:
                await engine.tracker.run(idle=min(5.0, engine.profile.poll_max))
            except asyncio.CancelledError:
                raise
            except Exception as error:  # keep tracking whatever one round did
                engine.background_error("status tracker", error)
                await asyncio.sleep(engine.profile.poll_initial)

    async def inbox(self) -> None:
        engine = self.engine
        while True:
            if engine.status.auto_fetch:
                try:
                    await engine.inbox.cycle(auto_pay=engine.profile.auto_pay)
                    engine.sync_account()
                    engine.apply_keyword_replies()
                    await engine.confirm_optouts()
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    engine.background_error("inbox", error)
            self._inbox_wake.clear()
            await wait_for_wake(self._inbox_wake, engine.profile.inbox_interval)

    async def holds(self) -> None:
        """Send held sends once the sending hours open (whether or not the inbox
        is fetched automatically); a long held survey delays nothing else."""
        engine = self.engine
        while True:
            try:
                if engine.client.session is SessionState.LOGGED_IN:
                    await engine.holds.run_due()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                engine.background_error("held sends", error)
            await asyncio.sleep(HOLDS_INTERVAL)

    async def keepalive(self) -> None:
        """Keep the session alive, and notice within seconds when the gateway goes
        away (or comes back) while nothing else is talking to it."""
        client = self.engine.client
        interval = max(1.0, min(60.0, self.engine.profile.keepalive_idle / 4))
        since_keepalive = 0.0
        # A login that got no usable answer is tried again: at once, then
        # after waits doubling up to LOGIN_RETRY_MAX.
        login_wait = since_login = 0.0
        while True:
            await asyncio.sleep(PROBE_INTERVAL)
            since_keepalive += PROBE_INTERVAL
            since_login += PROBE_INTERVAL
            try:
                await client.probe(idle_for=PROBE_INTERVAL)
                if client.login_retryable and since_login >= login_wait:
                    since_login = 0.0
                    login_wait = min(max(login_wait * 2, PROBE_INTERVAL), LOGIN_RETRY_MAX)
                    await client.retry_login()
                    login_wait = 0.0
                if since_keepalive >= interval:
                    since_keepalive = 0.0
                    await client.keepalive()
            except asyncio.CancelledError:
                raise
            except CsmsError as error:
                log.info("keepalive failed: %s", error)
