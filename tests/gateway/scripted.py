"""A tiny scripted gateway on real loopback HTTP, for exact-byte fault cases.

Each page answers with the next scripted ``Step`` (exact body bytes, HTTP
status, a hold until the test ends, or a dropped connection); a callable step
builds its reply from the request. Every request is recorded before it is
answered, so a test can count exactly what reached the server.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import uvicorn
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

API = "/corporate_sms2/api/"


def xml(command: str, data: str, response: str = "OK") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<corpsms>\n'
        f"<command>{command}</command>\n<data>{data}</data>\n"
        f"<response>{response}</response>\n</corpsms>\n"
    ).encode()


def error(command: str, code: int, style: str = "{code}") -> bytes:
    return xml(command, style.format(code=code), "ERROR")


@dataclass(frozen=True)
class Step:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/xml; charset=UTF-8"
    #: Never answer: wait until the server stops (the client times out).
    hold: bool = False
    #: Send the headers and part of the body, then close the connection.
    drop: bool = False
    #: Answer after this many seconds (to let requests overlap).
    delay: float = 0.0


@dataclass
class Recorded:
    page: str
    method: str
    query: dict[str, str]
    form: dict[str, str]
    files: dict[str, tuple[str, bytes]]
    at: float = field(default_factory=time.monotonic)

    @property
    def params(self) -> dict[str, str]:
        return {**self.query, **self.form}


Responder = Step | Callable[[Recorded], Step]


class ScriptedServer:
    """Serve scripted replies on 127.0.0.1 (uvicorn in a thread)."""

    def __init__(self) -> None:
        self._release: asyncio.Event | None = None
        self._generation = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""
        self.reset()

    def reset(self) -> None:
        """Forget scripts and requests; answer requests still held."""
        self._release_held()
        self._generation += 1  # requests still finishing no longer count
        self.scripts: dict[str, deque[Responder]] = {}
        self.defaults: dict[str, Responder] = {
            "auth.jsp": Step(xml("Auth_request", "SESSION-1")),
            "ping.jsp": Step(xml("Ping_request", "SESSION-1")),
        }
        self.requests: list[Recorded] = []
        self.peak_in_flight = 0
        self.in_flight = 0

    def _release_held(self) -> None:
        release, self._release = self._release, None
        if release is not None and self._server is not None and self._server.servers:
            self._server.servers[0].get_loop().call_soon_threadsafe(release.set)

    # Scripting ---------------------------------------------------------------------

    def then(self, page: str, *steps: Responder) -> ScriptedServer:
        """Answer the next requests to ``page`` with ``steps``, in order."""
        self.scripts.setdefault(page, deque()).extend(steps)
        return self

    def always(self, page: str, step: Responder) -> ScriptedServer:
        """Answer ``page`` with ``step`` once its script is used up."""
        self.defaults[page] = step
        return self

    def pages(self, page: str) -> list[Recorded]:
        return [r for r in self.requests if r.page == page]

    # The app -----------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        if self._release is None:
            self._release = asyncio.Event()
        request = Request(scope, receive)
        page = request.url.path.removeprefix(API)
        form: dict[str, str] = {}
        files: dict[str, tuple[str, bytes]] = {}
        if request.method == "POST":
            async with request.form() as data:
                for key, value in data.multi_items():
                    if isinstance(value, str):
                        form[key] = value
                    else:
                        files[key] = (value.filename or "", await value.read())
        record = Recorded(page, request.method, dict(request.query_params), form, files)
        self.requests.append(record)
        generation = self._generation
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            step = self._next(page)
            if not isinstance(step, Step):
                step = step(record)
            if step.delay:
                await asyncio.sleep(step.delay)
            if step.hold:
                await self._release.wait()
                return
            await self._answer(step, send)
        finally:
            if generation == self._generation:
                self.in_flight -= 1

    def _next(self, page: str) -> Responder:
        script = self.scripts.get(page)
        if script:
            return script.popleft()
        if page in self.defaults:
            return self.defaults[page]
        return Step(b"<html><body>404 Not Found</body></html>", 404, "text/html")

    async def _answer(self, step: Step, send: Send) -> None:
        headers = [(b"content-type", step.content_type.encode())]
        length = len(step.body) + (100 if step.drop else 0)
        headers.append((b"content-length", str(length).encode()))
        await send({"type": "http.response.start", "status": step.status, "headers": headers})
        await send({"type": "http.response.body", "body": step.body, "more_body": step.drop})
        if step.drop:
            # The declared length is never reached: the server closes mid-reply.
            raise ConnectionAbortedError("scripted drop")

    # Running -----------------------------------------------------------------------

    def __enter__(self) -> ScriptedServer:
        config = uvicorn.Config(
            self, host="127.0.0.1", port=0, log_level="critical", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("scripted server did not start")
            time.sleep(0.005)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._release_held()
        self._server.should_exit = True
        self._thread.join(timeout=10)


@pytest.fixture(scope="module")
def scripted_server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def scripted(scripted_server: ScriptedServer) -> Iterator[ScriptedServer]:
    """The module's scripted server, with a fresh script for each test."""
    scripted_server.reset()
    yield scripted_server
    scripted_server.reset()
