"""Throughput control (304, 305) and determinism with a seed."""

from __future__ import annotations

import asyncio

import httpx

from tests.simulator.simkit import served
from tui.gateway.codes import API_PREFIX, CallStatus
from tui.simulator import Simulator, SimulatorConfig

A, B, C = "923001110001", "923001110002", "923001110003"


def sim_with(**options: object) -> Simulator:
    settings: dict[str, object] = {"seed": 1, "manual_clock": True, **options}
    sim = Simulator(SimulatorConfig(**settings))  # type: ignore[arg-type]
    sim.add_account("923001234567", "demo")
    return sim


def test_requests_per_second_limit() -> None:
    sim = sim_with(max_rps=3)
    now = [100.0]
    sim.set_monotonic(lambda: now[0])
    with served(sim, login=False) as api:
        api.login()  # request 1 in this second
        assert api.ok("ping.jsp").ok
        assert api.ok("ping.jsp").ok
        assert api.error("ping.jsp") == 304
        assert api.error("sendsms.jsp", to=A, text="x") == 304
        assert sim.state.messages == {}
        now[0] += 0.99
        assert api.error("ping.jsp") == 304
        now[0] += 0.01
        assert api.ok("ping.jsp").ok


def test_recipients_per_request_limit() -> None:
    sim = sim_with(max_recipients=2)
    with served(sim) as api:
        assert api.error("sendsms.jsp", to=f"{A},{B},{C}", text="x") == 305
        assert api.ok("sendsms.jsp", to=f"{A},{B}", text="x").data.count(",") == 1
        file_id = api.upload("Clip", b"").data  # refused, but the account still works
        assert file_id == "604"
        assert api.error("makecall.jsp", to=f"{A},{B},{C}", file_id="1") == 305


async def _transcript(seed: int) -> list[bytes]:
    """The same script of requests, start to finish; every reply body."""
    sim = Simulator(SimulatorConfig(seed=seed, manual_clock=True), demo=True)
    sim.faults.load("querycall:malformed:0.3,sendsms:html500:0.3")
    bodies: list[bytes] = []
    assert sim.demo_seed is not None
    file_id = sim.demo_seed.audio[0].id
    numbers = ",".join(f"9230099{i:05d}" for i in range(30))
    async with httpx.AsyncClient(transport=sim.transport(), base_url="http://sim") as client:

        async def get(page: str, **params: str) -> str:
            reply = await client.get(API_PREFIX + page, params=params)
            bodies.append(reply.content)
            return reply.text

        auth = await get("auth.jsp", msisdn="923001234567", password="demo")
        sid = auth.split("<data>")[1].split("</data>")[0]
        calls = await get("makecall.jsp", session_id=sid, to=numbers, file_id=file_id)
        ids = calls.split("<data>")[1].split("</data>")[0].split(",")
        for _ in range(8):
            await get("sendsms.jsp", session_id=sid, to=A, text="hello")
        sim.clock.advance(3600)
        for call_id in ids:
            await get("querycall.jsp", session_id=sid, call_id=call_id)
        await get("get_incoming_messages.jsp", session_id=sid)
    return bodies


def test_same_seed_same_run() -> None:
    first = asyncio.run(_transcript(7))
    assert first == asyncio.run(_transcript(7))
    assert first != asyncio.run(_transcript(8))


def test_outcomes_depend_on_seed_and_number() -> None:
    one, two = sim_with(seed=1), sim_with(seed=2)
    numbers = [f"9230099{i:05d}" for i in range(30)]
    outcomes = [
        [s.state.call_attempt(n, 0, 0.0, None).outcome for n in numbers] for s in (one, two)
    ]
    assert outcomes[0] != outcomes[1]
    again = [sim_with(seed=1).state.call_attempt(n, 0, 0.0, None).outcome for n in numbers]
    assert again == outcomes[0]
    assert set(outcomes[0]) == set(CallStatus) - {CallStatus.SCHEDULED}
