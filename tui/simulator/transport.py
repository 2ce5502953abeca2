"""Running the simulator in-process: an httpx transport with no port.

Faults that are network events over a real socket become the exceptions httpx
raises for them: a dropped connection is ``httpx.RemoteProtocolError``; a reply
that would come after the request's read timeout is ``httpx.ReadTimeout``
(raised at once, without waiting; a late reply's request has still taken effect).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

import httpx
from starlette.types import ASGIApp


@dataclass(slots=True)
class InProcessCall:
    """Passed from the transport to the app for one request."""

    read_timeout: float | None
    outcome: Literal["drop", "timeout"] | None = None


IN_PROCESS: ContextVar[InProcessCall | None] = ContextVar("csms_sim_in_process", default=None)


class SimulatorTransport(httpx.AsyncBaseTransport):
    """``httpx.ASGITransport`` plus the network faults."""

    def __init__(self, app: ASGIApp) -> None:
        self._asgi = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout") or {}
        call = InProcessCall(timeouts.get("read"))
        token = IN_PROCESS.set(call)
        try:
            response = await self._asgi.handle_async_request(request)
        finally:
            IN_PROCESS.reset(token)
        if call.outcome is None:
            return response
        await response.aclose()
        if call.outcome == "drop":
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        raise httpx.ReadTimeout("The read operation timed out", request=request)

    async def aclose(self) -> None:
        await self._asgi.aclose()
