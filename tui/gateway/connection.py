"""One request to the gateway, done right: throttled, logged, retried only when safe.

- Connection failures before the request went out are retried for any command.
- A submit (``Command.submits``) that fails after it went out raises
  ``OutcomeUnknown`` and is never repeated; queries are retried.
- 304/305 (throughput) are retried with exponential backoff and jitter.
- 102 (session expired) logs in again, once, and repeats the request, since
  the gateway executed nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from tui import __version__
from tui.gateway.codes import API_PREFIX, AUTH, DEFAULT_BASE_URL, Command
from tui.gateway.envelope import Reply, decode_reply, raise_for_error
from tui.gateway.errors import (
    AmbiguousReply,
    CsmsError,
    GatewayError,
    GatewayUnavailable,
    InvalidInput,
    OutcomeUnknown,
    SessionExpired,
    Throttled,
)
from tui.gateway.redaction import Redactor
from tui.gateway.session import Session
from tui.gateway.throttle import Backoff, Throttle

log = logging.getLogger("csms.gateway")

#: Failures where the request never left: safe to repeat for any command.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
JSON_RESPONSE_TYPE = "2"


@dataclass(frozen=True, slots=True)
class Exchange:
    """What came back: the HTTP status, the body and, if readable, the reply."""

    status: int
    body: bytes
    reply: Reply | None


@dataclass(slots=True)
class Limits:
    timeout: float = 30.0
    concurrency: int = 4
    rate_limit: float | None = None
    json_replies: bool = False
    throttle_retries: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 20.0
    query_retries: int = 2


def tls_verify(verify: bool | str) -> bool | ssl.SSLContext:
    """``verify`` as httpx takes it: a CA bundle path becomes an SSL context."""
    if isinstance(verify, str):
        try:
            return ssl.create_default_context(cafile=verify)
        except (OSError, ssl.SSLError) as exc:
            raise InvalidInput(
                f"The CA bundle {verify!r} could not be read ({exc.__class__.__name__}); "
                "check ca_bundle in the profile."
            ) from None
    return verify


#: Seconds a reachability probe waits for the gateway to accept a connection.
PROBE_TIMEOUT = 2.0


#: A clock difference smaller than this is taken as none.
_CLOCK_SLACK = timedelta(seconds=2)


class Connection:
    """The shared HTTP client, throttle and session behind every command."""

    def __init__(
        self,
        base_url: str,
        login: str,
        password: str | None,
        *,
        limits: Limits,
        transport: httpx.AsyncBaseTransport | None = None,
        verify: bool | str = True,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        redactor: Redactor | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.base_url = normalise_base_url(base_url)
        self.login_name = login
        self._password = password
        #: Learns the password and each session ID; the caller passes the one its
        #: log uses, so they are taken out of the log too.
        self.redactor = redactor or Redactor()
        if password:
            self.redactor.add_secret(password)
        self.limits = limits
        self.throttle = Throttle(limits.concurrency, limits.rate_limit)
        self.backoff = Backoff(limits.backoff_base, limits.backoff_max)
        self._sleep = sleep
        self.session = Session(self._login)
        self.requests_sent = 0
        #: The gateway's clock minus the caller's (``now``), from the replies' Date headers.
        self.clock_offset = timedelta(0)
        self._now = now or (lambda: datetime.now(UTC))
        self._transport_given = transport is not None
        self._failed_probes = 0
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            transport=transport,
            verify=tls_verify(verify) if transport is None else True,
            timeout=httpx.Timeout(limits.timeout),
            limits=httpx.Limits(max_connections=max(limits.concurrency, 1)),
            headers={"User-Agent": f"csms/{__version__}"},
        )

    async def probe(self) -> bool:
        """Is the gateway's host accepting connections? A TCP connection is opened
        and closed: no request, nothing executed, no session used. After a failed
        request, two failed probes in a row mark the session offline; one that
        succeeds brings it back. True when the gateway can be reached (always, for
        an in-process transport such as the demo's)."""
        if self._transport_given:
            return True
        url = httpx.URL(self.base_url)
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            async with asyncio.timeout(PROBE_TIMEOUT):
                _, writer = await asyncio.open_connection(url.host, port)
        except (OSError, TimeoutError):
            self._failed_probes += 1
            if self._failed_probes >= 2:
                self.session.mark_offline("the gateway cannot be reached")
            return False
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        self._failed_probes = 0
        self.session.mark_reachable()
        return True

    async def aclose(self) -> None:
        await self._http.aclose()
        self.session.forget()

    def common_params(self, params: Mapping[str, str | None]) -> dict[str, str]:
        """``params`` without unset values, plus ``response_type`` for JSON."""
        cleaned = {key: value for key, value in params.items() if value is not None}
        if self.limits.json_replies:
            cleaned["response_type"] = JSON_RESPONSE_TYPE
        return cleaned

    # Logging in -------------------------------------------------------------------------

    async def _login(self) -> str:
        if not self.login_name or not self._password:
            missing = "MSISDN or user name" if not self.login_name else "password"
            raise InvalidInput(
                f"No {missing} is set; add it to the profile or set "
                f"{'CSMS_MSISDN' if not self.login_name else 'CSMS_PASSWORD'}."
            )
        # A form POST (accepted by auth.jsp) keeps the password out of URLs,
        # and so out of server and proxy logs.
        form = {"msisdn": self.login_name, "password": self._password}
        exchange = await self.call(AUTH, {}, form=form, authenticated=False)
        assert exchange.reply is not None
        session_id = exchange.reply.data.text
        if not session_id:
            raise GatewayUnavailable("The gateway accepted the login but sent no session ID.")
        self.redactor.add_secret(session_id)
        return session_id

    # One command ------------------------------------------------------------------------

    async def call(
        self,
        command: Command,
        params: Mapping[str, str | None],
        *,
        form: Mapping[str, str] | None = None,
        files: Mapping[str, Any] | None = None,
        authenticated: bool = True,
        keep_unreadable: bool = False,
        on_body: Callable[[bytes], object] | None = None,
    ) -> Exchange:
        """Send ``command`` until it has an answer or a final failure.

        With ``keep_unreadable``, a 200 reply that cannot be read is returned
        (``reply`` None) instead of raised, so its body can be kept. ``on_body``
        is given each 200 reply's body the moment it has arrived, before it is
        parsed or logged (the inbox commits it there: the gateway hands each
        incoming message out once).
        """
        query = self.common_params(params)
        renewed = False
        throttled = 0
        transport_failures = 0
        while True:
            session_id = await self.session.ensure() if authenticated else None
            if session_id is not None:
                query["session_id"] = session_id
            started = time.monotonic()
            try:
                response = await self._send(command, query, form, files)
            except httpx.TransportError as exc:
                self._after_transport_error(command, exc, transport_failures, started)
                await self._sleep(self.backoff.delay(transport_failures))
                transport_failures += 1
                continue
            if on_body is not None and response.status_code == 200:
                on_body(response.content)
            self.session.mark_reachable()
            self._learn_clock(response)
            try:
                exchange = self._read(command, response, keep_unreadable)
            except SessionExpired:
                self._log(command, "ERROR 102 (session expired)", started)
                if renewed or session_id is None:
                    raise
                renewed = True
                await self.session.renew(session_id)
                continue
            except Throttled as exc:
                self._log(command, f"ERROR {exc.code} (throttled)", started)
                if throttled >= self.limits.throttle_retries:
                    raise
                await self._sleep(self.backoff.delay(throttled))
                throttled += 1
                continue
            except GatewayError as exc:
                self._log(command, f"ERROR {exc.code}", started)
                raise
            except GatewayUnavailable as exc:
                began = f", began {exc.excerpt!r}" if exc.excerpt else ""  # redacted already
                self._log(command, f"unusable reply (HTTP {response.status_code}{began})", started)
                if command.submits:
                    raise AmbiguousReply(
                        f"{exc.reason} The request may have taken effect. {command.if_unknown}",
                        command=command.name,
                        status=exc.status,
                        excerpt=exc.excerpt,
                    ) from None
                raise
            self._log(command, "OK" if exchange.reply else "OK (kept unread)", started)
            if session_id is not None:
                self.session.touch()
            return exchange

    def _learn_clock(self, response: httpx.Response) -> None:
        """Keep the gateway's clock offset from a reply's Date header (whole
        seconds; under two seconds counts as none, so times do not jitter)."""
        header = response.headers.get("date")
        if not header:
            return
        try:
            stamp = parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError):
            return
        if stamp.tzinfo is None:
            return
        # The header drops the fraction of a second: half a second on average.
        offset = stamp + timedelta(seconds=0.5) - self._now()
        self.clock_offset = offset if abs(offset) >= _CLOCK_SLACK else timedelta(0)

    async def _send(
        self,
        command: Command,
        query: dict[str, str],
        form: Mapping[str, str] | None,
        files: Mapping[str, Any] | None,
    ) -> httpx.Response:
        async with self.throttle.slot():
            self.requests_sent += 1
            if form is None and files is None:
                return await self._http.get(command.path, params=query)
            return await self._http.post(command.path, params=query, data=form, files=files)

    def _after_transport_error(
        self, command: Command, exc: httpx.TransportError, failures: int, started: float
    ) -> None:
        """Return to retry after a transport error, else raise the right error."""
        kind = exc.__class__.__name__
        not_sent = isinstance(exc, NOT_SENT)
        self._log(command, f"{'not sent' if not_sent else 'no reply'} ({kind})", started)
        if not not_sent and command.submits:
            # One reply lost is not "offline": the engine's probe decides that.
            raise OutcomeUnknown(
                f"No answer to {command.name} ({_describe(exc)}); it may or may not have "
                f"taken effect. {command.if_unknown}",
                command=command.name,
            ) from None
        if failures < self.limits.query_retries:
            return
        reason = _describe(exc)
        self.session.mark_offline(reason)
        raise GatewayUnavailable(
            f"The gateway could not be reached ({reason}); check the connection and the "
            "base URL, then try again.",
            command=command.name,
        ) from None

    def _read(self, command: Command, response: httpx.Response, keep_unreadable: bool) -> Exchange:
        status, body = response.status_code, response.content
        if status == 404:
            # No such page: the API is not where the base URL points.
            self.session.mark_offline("the base URL looks wrong")
            raise GatewayUnavailable(
                f"{self.base_url} has no {command.page} (HTTP 404): the base URL looks wrong."
                f" It should be the gateway's address, like {DEFAULT_BASE_URL}"
                f" (or the same followed by {API_PREFIX.rstrip('/')}); fix it in Settings or"
                " CSMS_BASE_URL.",
                command=command.name,
                status=status,
            )
        try:
            reply = decode_reply(
                body, status=status, command=command.name, redact=self.redactor.redact
            )
        except GatewayUnavailable as exc:
            if keep_unreadable and status == 200:
                return Exchange(status, body, None)
            if command is AUTH:  # an unreadable login reply may hold a session ID
                raise GatewayUnavailable(exc.reason, command=command.name, status=status) from None
            raise
        raise_for_error(
            reply, body, status=status, command=command.name, redact=self.redactor.redact
        )
        return Exchange(status, body, reply)

    def _log(self, command: Command, outcome: str, started: float) -> None:
        elapsed = (time.monotonic() - started) * 1000
        log.info("%s -> %s (%.0f ms)", command.page, outcome, elapsed)


def normalise_base_url(url: str) -> str:
    """The gateway's address without the API's path.

    Accepts it as a host (``https://host:27677``) or the way the API document
    writes it (``https://host:27677/corporate_sms2/api``), with or without a
    trailing slash; command paths add the API's path themselves.
    """
    clean = url.strip().rstrip("/")
    suffix = API_PREFIX.rstrip("/")
    if clean.lower().endswith(suffix):
        clean = clean[: -len(suffix)].rstrip("/")
    return clean


def _describe(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return (
            "its TLS certificate could not be verified; name a CA bundle in the profile "
            "(ca_bundle) if your network needs one"
        )
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or host not found"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection was closed before a full reply"
    return f"network error: {exc.__class__.__name__}"


__all__ = [
    "NOT_SENT",
    "Connection",
    "CsmsError",
    "Exchange",
    "Limits",
    "normalise_base_url",
    "tls_verify",
]
