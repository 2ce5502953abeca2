"""Serving the simulator on a real (loopback) port with uvicorn in a thread."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from types import TracebackType
from typing import Any, Self

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from tui.simulator.simulator import Simulator

_START_TIMEOUT = 10.0


class DroppingH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, plus a hook (``scope["extensions"]["csms.drop"]``)
    the app calls to close the connection without any reply, as a network or
    gateway fault would."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inner = self.app

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            scope.setdefault("extensions", {})["csms.drop"] = self._drop
            await inner(scope, receive, send)

        self.app = app

    def _drop(self) -> None:
        self.transport.close()


class _Server(uvicorn.Server):
    """uvicorn's server, telling another thread when it is up and waking at once
    when asked to stop (rather than on its next 0.1 s tick)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        await super().startup(sockets)
        self.ready.set()

    async def main_loop(self) -> None:
        assert self._wake is not None
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            try:
                async with asyncio.timeout(0.1):
                    await self._wake.wait()
            except TimeoutError:
                pass

    def request_stop(self) -> None:
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(wake.set)
            except RuntimeError:  # the loop closed meanwhile
                pass


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class AsgiServer:
    """An ASGI app served by uvicorn in a background thread on ``host:port``
    (port 0 picks a free port); a context manager."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> Self:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # IPPROTO_TCP (not 0) so asyncio turns Nagle off on accepted connections;
        # with proto 0 every keep-alive reply waits ~40 ms for a delayed ACK.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            http=DroppingH11Protocol,
            lifespan="off",
            ws="none",
            log_config=None,
            log_level="warning",
            access_log=False,
            # Each reply carries the simulated clock's Date (simulator/app.py).
            date_header=False,
            timeout_graceful_shutdown=1,
        )
        server = _Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="csms-simulator", daemon=True
        )
        thread.start()
        while not server.ready.wait(0.05):
            if not thread.is_alive() or server.should_exit:
                sock.close()
                raise RuntimeError(f"the simulator could not start on {self.base_url}")
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.request_stop()
        thread.join(timeout=_START_TIMEOUT)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class SimulatorServer(AsgiServer):
    """``with SimulatorServer(sim) as server: server.base_url`` serves ``sim`` over
    HTTP until the block ends. Port 0 picks a free port."""

    def __init__(self, sim: Simulator, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(sim.asgi_app, host, port)
        self.sim = sim
