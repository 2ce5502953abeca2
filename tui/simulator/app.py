"""The HTTP face of the simulator: a Starlette app serving every command page.

Requests are read (query string, form or multipart body), recorded, passed
through the fault plan and handled; the reply is XML, or JSON when
``response_type=2``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC
from email.utils import format_datetime
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from tui.gateway import codes
from tui.simulator.state import Upload
from tui.simulator.transport import IN_PROCESS

if TYPE_CHECKING:
    from tui.simulator.simulator import Simulator

ROUTE = codes.API_PREFIX + "{page}"

ERROR_PAGE = """<!doctype html><html lang="en"><head><title>HTTP Status 500 \
- Internal Server Error</title></head><body><h1>HTTP Status 500 - Internal Server \
Error</h1><hr class="line" /><p><b>Type</b> Exception Report</p><p><b>Message</b> \
An exception occurred processing [/corporate_sms2/api/page.jsp]</p><hr class="line" />\
<h3>Apache Tomcat</h3></body></html>"""

NOT_FOUND_PAGE = """<!doctype html><html lang="en"><head><title>HTTP Status 404 \
- Not Found</title></head><body><h1>HTTP Status 404 - Not Found</h1></body></html>"""

#: Seconds a dropped connection waits for the server to notice the close.
_DROP_WAIT = 2.0


async def read_params(request: Request) -> tuple[dict[str, str], Upload | None]:
    """Query parameters merged with a form or multipart body (the body wins)."""
    params = dict(request.query_params)
    upload: Upload | None = None
    if request.method != "POST":
        return params, None
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return params, None
    async with request.form() as form:
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                data = await value.read(codes.AUDIO_MAX_BYTES + 1)
                if key == "audio_file":
                    upload = Upload(value.filename or "", data)
            else:
                params[key] = value
    return params, upload


async def _drop(request: Request) -> Response:
    """Close the connection without a reply."""
    call = IN_PROCESS.get()
    if call is not None:
        call.outcome = "drop"
        return Response(b"")
    close = request.scope.get("extensions", {}).get("csms.drop")
    if close is None:  # served by a server without the hook: the nearest thing
        return HTMLResponse(ERROR_PAGE, status_code=502)
    close()
    try:
        async with asyncio.timeout(_DROP_WAIT):
            while (await request.receive())["type"] != "http.disconnect":
                pass
    except TimeoutError:
        pass
    return Response(b"")


async def _wait(seconds: float) -> bool:
    """Sleep for a fault's delay; False when the in-process caller would time out first."""
    call = IN_PROCESS.get()
    if call is not None and call.read_timeout is not None and seconds > call.read_timeout:
        call.outcome = "timeout"
        return False
    await asyncio.sleep(seconds)
    return True


async def _client_gone(request: Request) -> bool:
    """Whether the client has closed the connection (over a real socket)."""
    if IN_PROCESS.get() is not None:
        return False
    # The first receive may still hand over the request itself; the second
    # reports a disconnect if there was one, without waiting.
    return await request.is_disconnected() or await request.is_disconnected()


def build_app(sim: Simulator) -> Starlette:
    async def endpoint(request: Request) -> Response:
        response = await answer(request)
        # The reply's Date is the simulated clock's, as a real server's Date is
        # its own clock: a client run at --speed 30 learns the gateway's time.
        response.headers["date"] = format_datetime(sim.clock.now().astimezone(UTC), usegmt=True)
        return response

    async def answer(request: Request) -> Response:
        page = request.path_params["page"]
        if page not in codes.COMMANDS_BY_PAGE:
            return HTMLResponse(NOT_FOUND_PAGE, status_code=404)
        try:
            params, upload = await read_params(request)
        except Exception:  # a body the form parser cannot read
            reply = sim.refuse(page, 610 if page == codes.AUDIO_UPLOAD.page else 101)
            body, media_type = sim.render(reply, dict(request.query_params))
            return Response(body, media_type=media_type)
        sim.record(page, params, upload)
        decision = sim.faults.decide(page)
        if decision.latency:
            # Delayed on the way in: a client that gave up meanwhile is never served.
            if not await _wait(decision.latency) or await _client_gone(request):
                return Response(b"")
        if decision.cut:
            return await _drop(request)
        if decision.html500:
            return HTMLResponse(ERROR_PAGE, status_code=500)
        if decision.expire:
            sim.expire_session(params.get("session_id", ""))
        reply = sim.handle(page, params, upload)
        body, media_type = sim.render(reply, params)
        if decision.drop:
            return await _drop(request)
        if decision.malformed:
            body = body[: max(1, len(body) // 2)]
        if decision.late is not None and not await _wait(decision.late):
            return Response(b"")
        return Response(body, media_type=media_type)

    return Starlette(routes=[Route(ROUTE, endpoint, methods=["GET", "POST"])])
