"""Fault injection, in-process (httpx exceptions) and over loopback HTTP."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from tests.simulator.simkit import parse
from tui.gateway.codes import API_PREFIX
from tui.simulator import (
    FaultPlan,
    FaultSpecError,
    Simulator,
    SimulatorServer,
    parse_spec,
)

SEND = {"to": "923001110001", "text": "hello"}


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll for a condition another thread brings about (not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
async def client(simulator: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=simulator.transport(), base_url="http://sim") as c:
        yield c


async def login(client: httpx.AsyncClient) -> str:
    reply = await client.get(
        API_PREFIX + "auth.jsp", params={"msisdn": "923001234567", "password": "demo"}
    )
    return parse(reply.content).data


async def send(client: httpx.AsyncClient, sid: str, **kw: object) -> httpx.Response:
    return await client.get(API_PREFIX + "sendsms.jsp", params={"session_id": sid, **SEND}, **kw)  # type: ignore[arg-type]


# In process ---------------------------------------------------------------------------


async def test_drop_takes_effect_then_raises(
    client: httpx.AsyncClient, simulator: Simulator
) -> None:
    sid = await login(client)
    simulator.faults.add("sendsms", "drop", count=1)
    with pytest.raises(httpx.RemoteProtocolError):
        await send(client, sid)
    assert len(simulator.state.messages) == 1
    assert parse((await send(client, sid)).content).ok  # the count is used up
    assert simulator.faults.fired == [("sendsms.jsp", "drop")]


async def test_cut_raises_without_effect(client: httpx.AsyncClient, simulator: Simulator) -> None:
    sid = await login(client)
    simulator.faults.add("sendsms", "cut", count=1)
    with pytest.raises(httpx.RemoteProtocolError):
        await send(client, sid)
    assert simulator.state.messages == {}
    assert [r.page for r in simulator.requests] == ["auth.jsp", "sendsms.jsp"]


async def test_late_reply_times_out_after_taking_effect(
    client: httpx.AsyncClient, simulator: Simulator
) -> None:
    sid = await login(client)
    simulator.faults.add("sendsms", "late", seconds=40.0, count=1)
    with pytest.raises(httpx.ReadTimeout):
        await send(client, sid, timeout=5.0)
    assert len(simulator.state.messages) == 1
    simulator.faults.add("sendsms", "late", seconds=0.01, count=1)
    assert parse((await send(client, sid, timeout=5.0)).content).ok
    assert len(simulator.state.messages) == 2


async def test_latency_past_the_timeout_never_reaches_the_gateway(
    client: httpx.AsyncClient, simulator: Simulator
) -> None:
    sid = await login(client)
    simulator.faults.add("sendsms", "latency", seconds=10.0, count=1)
    with pytest.raises(httpx.ReadTimeout):
        await send(client, sid, timeout=1.0)
    assert simulator.state.messages == {}
    simulator.faults.add("sendsms", "latency", seconds=0.01, count=1)
    assert parse((await send(client, sid)).content).ok


async def test_html_500(client: httpx.AsyncClient, simulator: Simulator) -> None:
    sid = await login(client)
    simulator.faults.add("*", "html500", count=1)
    reply = await send(client, sid)
    assert reply.status_code == 500
    assert reply.headers["content-type"].startswith("text/html")
    assert b"<html" in reply.content
    assert simulator.state.messages == {}


async def test_malformed_reply_is_truncated_xml(
    client: httpx.AsyncClient, simulator: Simulator
) -> None:
    sid = await login(client)
    simulator.faults.add("sendsms", "malformed", count=1)
    reply = await send(client, sid)
    assert reply.status_code == 200
    with pytest.raises(ET.ParseError):
        ET.fromstring(reply.content)
    assert len(simulator.state.messages) == 1


async def test_forced_session_expiry(client: httpx.AsyncClient, simulator: Simulator) -> None:
    sid = await login(client)
    simulator.faults.add("sendsms", "expire", count=1)
    assert parse((await send(client, sid)).content).code == 102
    reply = await client.get(API_PREFIX + "ping.jsp", params={"session_id": sid})
    assert parse(reply.content).code == 102
    assert parse((await send(client, await login(client))).content).ok


# Over loopback --------------------------------------------------------------------------


def test_loopback_drop_late_and_friends(simulator: Simulator, sim_server: SimulatorServer) -> None:
    with httpx.Client(base_url=sim_server.base_url) as http:
        sid = parse(
            http.get(
                API_PREFIX + "auth.jsp", params={"msisdn": "923001234567", "password": "demo"}
            ).content
        ).data
        params = {"session_id": sid, **SEND}
        simulator.faults.add("sendsms", "drop", count=1)
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            http.get(API_PREFIX + "sendsms.jsp", params=params)
        assert len(simulator.state.messages) == 1
        simulator.faults.add("sendsms", "late", seconds=0.6, count=1)
        with pytest.raises(httpx.ReadTimeout):
            http.get(API_PREFIX + "sendsms.jsp", params=params, timeout=0.15)
        assert wait_until(lambda: len(simulator.state.messages) == 2)
        simulator.faults.add("sendsms", "html500", count=1)
        assert http.get(API_PREFIX + "sendsms.jsp", params=params).status_code == 500
        simulator.faults.add("sendsms", "malformed", count=1)
        with pytest.raises(ET.ParseError):
            ET.fromstring(http.get(API_PREFIX + "sendsms.jsp", params=params).content)
        reply = http.get(API_PREFIX + "sendsms.jsp", params=params)
        assert parse(reply.content).ok
        assert len(simulator.state.messages) == 4


# The fault plan and its spec string ---------------------------------------------------


def test_spec_string() -> None:
    rules = parse_spec(
        "sendsms:drop:0.1,querymsg:latency=2.0:0.5,*:html500:0.05,sendsms:late=40:1x1,"
        "ping.jsp:cut:1x2@3,auth:expire"
    )
    summary = [(r.command, r.kind, r.probability, r.count, r.skip, r.seconds) for r in rules]
    assert summary == [
        ("sendsms", "drop", 0.1, None, 0, 0.0),
        ("querymsg", "latency", 0.5, None, 0, 2.0),
        ("*", "html500", 0.05, None, 0, 0.0),
        ("sendsms", "late", 1.0, 1, 0, 40.0),
        ("ping", "cut", 1.0, 2, 3, 0.0),
        ("auth", "expire", 1.0, None, 0, 0.0),
    ]
    assert parse_spec("") == []


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("sendsms", "COMMAND:KIND"),
        ("sms:drop", "Unknown command 'sms'"),
        ("sendsms:explode", "Unknown fault kind 'explode'"),
        ("sendsms:latency", "needs a delay"),
        ("sendsms:drop=3", "takes no delay"),
        ("sendsms:drop:2", "outside 0..1"),
        ("sendsms:drop:1xz", "count 'z' is not a number"),
        ("sendsms:drop:1x0", "at least 1"),
        ("sendsms:late=soon", "delay 'soon' is not a number"),
    ],
)
def test_bad_spec_says_what_is_wrong(spec: str, words: str) -> None:
    with pytest.raises(FaultSpecError, match=words):
        parse_spec(spec)


def test_count_and_skip() -> None:
    plan = FaultPlan(seed=0)
    plan.load("sendsms:drop:1x2@1")
    fired = [plan.decide("sendsms.jsp").drop for _ in range(5)]
    assert fired == [False, True, True, False, False]
    assert not plan.decide("querymsg.jsp").drop


def test_probability_is_seeded() -> None:
    def run(seed: int) -> list[bool]:
        plan = FaultPlan(seed)
        plan.add("*", "drop", 0.5)
        return [plan.decide("ping.jsp").drop for _ in range(64)]

    assert run(5) == run(5)
    assert run(5) != run(6)
    assert 10 < sum(run(5)) < 54


def test_loopback_latency_past_the_timeout_does_nothing(simulator: Simulator) -> None:
    with SimulatorServer(simulator) as server, httpx.Client(base_url=server.base_url) as http:
        auth = {"msisdn": "923001234567", "password": "demo"}
        sid = parse(http.get(API_PREFIX + "auth.jsp", params=auth).content).data
        simulator.faults.add("sendsms", "latency", seconds=0.4, count=1)
        with pytest.raises(httpx.ReadTimeout):
            http.get(API_PREFIX + "sendsms.jsp", params={"session_id": sid, **SEND}, timeout=0.1)
    # leaving the server block waited for the delayed request to finish
    assert [r.page for r in simulator.requests] == ["auth.jsp", "sendsms.jsp"]
    assert simulator.state.messages == {}
