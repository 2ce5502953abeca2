"""The session: log in lazily once, share the ID, log in again once on 102.

The gateway hands out a session ID that lives 30 minutes past its last use.
Every caller shares one ID; when several callers find it expired at the same
moment, only the first logs in again and the others reuse the new ID.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from enum import StrEnum

from tui.gateway.errors import CsmsError, LoginFailed

log = logging.getLogger("csms.gateway")


class SessionState(StrEnum):
    """Where the session stands; the value is how the app words it."""

    LOGGED_OUT = "logged out"
    LOGGING_IN = "logging in"
    LOGGED_IN = "logged in"
    REAUTHENTICATING = "re-authenticating"
    OFFLINE = "offline"


SessionListener = Callable[[SessionState, str], None]
LoginFunction = Callable[[], Awaitable[str]]


class Session:
    """Holds the session ID and the state the app shows.

    ``login`` performs the auth request and returns the new ID (raising
    ``LoginFailed`` or a transport error). ``clock`` is a monotonic clock in
    seconds, used for the idle time that drives keepalive pings.
    """

    def __init__(self, login: LoginFunction, *, clock: Callable[[], float] = time.monotonic):
        self._login = login
        self._clock = clock
        self._lock = asyncio.Lock()
        self._id: str | None = None
        self._last_used = clock()
        self._state = SessionState.LOGGED_OUT
        self._reason = ""
        self._listeners: list[SessionListener] = []
        self.logins = 0
        self._attempts = 0
        self._last_error: BaseException | None = None

    # State ------------------------------------------------------------------------

    @property
    def state(self) -> SessionState:
        return self._state

    @property
    def reason(self) -> str:
        return self._reason

    @property
    def session_id(self) -> str | None:
        return self._id

    def add_listener(self, listener: SessionListener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: SessionListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def set_state(self, state: SessionState, reason: str = "") -> None:
        if (state, reason) == (self._state, self._reason):
            return
        self._state, self._reason = state, reason
        log.info("session %s%s", state.value, f": {reason}" if reason else "")
        for listener in list(self._listeners):
            try:
                listener(state, reason)
            except Exception:  # a listener's bug must not break a request
                log.exception("session listener failed")

    def touch(self) -> None:
        """Record a successful use of the session (it lives 30 minutes past this)."""
        self._last_used = self._clock()

    @property
    def idle_seconds(self) -> float:
        return self._clock() - self._last_used

    def mark_reachable(self) -> None:
        """A reply came back: leave OFFLINE if a failure had put us there."""
        if self._state is SessionState.OFFLINE and self._id is not None:
            self.set_state(SessionState.LOGGED_IN)

    def mark_offline(self, reason: str) -> None:
        self.set_state(SessionState.OFFLINE, reason)

    @property
    def login_retryable(self) -> bool:
        """Offline because the last login got no usable answer (unreachable, a
        web page, a lost reply): worth trying again. Refused credentials are
        not: repeating them could lock the account."""
        return (
            self._state is SessionState.OFFLINE
            and self._id is None
            and self._last_error is not None
            and not isinstance(self._last_error, LoginFailed)
        )

    def forget(self) -> None:
        """Drop the ID (closing the client); the next request logs in again."""
        self._id = None
        self.set_state(SessionState.LOGGED_OUT)

    # Logging in ---------------------------------------------------------------------

    async def ensure(self, *, after_refusal: bool = False) -> str:
        """The current session ID, logging in first if there is none.

        Once the gateway refused the credentials, they are not sent again
        (repeating them could lock the account): the refusal is raised again,
        unless ``after_refusal`` (the user asked to log in)."""
        if self._id is not None:
            return self._id
        if isinstance(self._last_error, LoginFailed) and not after_refusal:
            raise self._last_error
        attempts = self._attempts
        async with self._lock:
            if self._id is None:
                self._share_failure(attempts)
                await self._do_login(SessionState.LOGGING_IN)
            assert self._id is not None
            return self._id

    async def renew(self, expired: str) -> str:
        """Log in again after ``expired`` was refused with 102.

        Callers that saw the same expired ID wait for one login and share it.
        """
        attempts = self._attempts
        async with self._lock:
            if self._id is None or self._id == expired:
                self._share_failure(attempts)
                await self._do_login(SessionState.REAUTHENTICATING)
            assert self._id is not None
            return self._id

    def _share_failure(self, attempts_seen: int) -> None:
        """A login that failed while this caller waited fails it too (no second try)."""
        if self._attempts != attempts_seen and self._last_error is not None:
            raise self._last_error

    async def _do_login(self, state: SessionState) -> None:
        self._id = None
        self._last_error = None
        self.set_state(state)
        try:
            session_id = await self._login()
        except LoginFailed as exc:
            self._last_error = exc
            self.set_state(SessionState.OFFLINE, exc.info.meaning)
            raise
        except CsmsError as exc:
            self._last_error = exc
            if self._state is not SessionState.OFFLINE:  # else the reason is already set
                self.set_state(SessionState.OFFLINE, str(exc))
            raise
        except BaseException:
            self.set_state(SessionState.LOGGED_OUT)
            raise
        finally:
            self._attempts += 1  # finished logins, so waiting callers can tell
        self.logins += 1
        self._id = session_id
        self.touch()
        self.set_state(SessionState.LOGGED_IN)
