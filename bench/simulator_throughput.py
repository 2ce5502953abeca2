"""Requests per second the loopback simulator sustains for sendsms with 100
recipients, side by side with a floor: a minimal ASGI app on the same server
(uvicorn with the simulator's protocol, one process of its own) that returns a
fixed XML body.

Both get the same client load from this process: one httpx.AsyncClient,
CONCURRENCY requests in flight, the same URL, REQUESTS requests per round (or
DEADLINE seconds). Rounds alternate floor / simulator; the median of each is
reported, so a busy machine disturbs both alike.

    python bench/simulator_throughput.py [--requests N] [--concurrency N] [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from starlette.types import ASGIApp, Receive, Scope, Send

from tui.gateway.codes import API_PREFIX
from tui.simulator import Simulator, SimulatorConfig
from tui.simulator.server import AsgiServer

RECIPIENTS = [f"9230011{i:05d}" for i in range(100)]
FIXED = (
    b'<?xml version="1.0" encoding="UTF-8" ?>\n<corpsms>\n<command>Submit_SM</command>\n'
    b"<data>" + b",".join(str(40000001 + i).encode() for i in range(100)) + b"</data>\n"
    b"<response>OK</response>\n</corpsms>\n"
)
DEADLINE = 20.0


async def floor_app(scope: Scope, receive: Receive, send: Send) -> None:
    """The least an HTTP app can do: read the request, send a fixed reply."""
    if scope["type"] != "http":
        return
    await receive()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/xml;charset=UTF-8"),
                (b"content-length", str(len(FIXED)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": FIXED})


def serve(kind: str, conn: Connection) -> None:
    """Child process: serve the floor or the simulator until told to stop."""
    sim = Simulator(SimulatorConfig(seed=1))
    sim.add_account("923001234567", "demo", credit=1e12)
    app: ASGIApp = sim.asgi_app if kind == "simulator" else floor_app
    with AsgiServer(app) as server:
        conn.send(server.base_url)
        conn.recv()
    conn.send(len(sim.state.messages))


async def load(base_url: str, params: dict[str, str], total: int, concurrency: int) -> float:
    """Requests per second over ``total`` sendsms requests."""
    url = API_PREFIX + "sendsms.jsp"
    done = 0
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as client:
        for _ in range(concurrency):  # open the connections first
            (await client.get(url, params=params)).raise_for_status()
        start = time.perf_counter()

        async def worker() -> None:
            nonlocal done
            while done < total and time.perf_counter() - start < DEADLINE:
                done += 1
                reply = await client.get(url, params=params)
                reply.raise_for_status()
                if b"<response>OK</response>" not in reply.content:
                    raise RuntimeError(reply.text)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    ctx = multiprocessing.get_context("spawn")
    servers: dict[str, tuple[BaseProcess, Connection, str]] = {}
    for kind in ("floor", "simulator"):
        ours, theirs = ctx.Pipe()
        proc: BaseProcess = ctx.Process(target=serve, args=(kind, theirs), daemon=True)
        proc.start()
        servers[kind] = (proc, ours, ours.recv())
    base = servers["simulator"][2]
    auth = httpx.get(
        base + API_PREFIX + "auth.jsp", params={"msisdn": "923001234567", "password": "demo"}
    )
    session = auth.text.split("<data>")[1].split("</data>")[0]
    params = {"session_id": session, "to": ",".join(RECIPIENTS), "text": "Benchmark message"}
    rates: dict[str, list[float]] = {"floor": [], "simulator": []}
    for _ in range(args.rounds):
        for kind in ("floor", "simulator"):
            rate = asyncio.run(load(servers[kind][2], params, args.requests, args.concurrency))
            rates[kind].append(rate)
    stored = 0
    for kind, (proc, conn, _) in servers.items():
        conn.send("stop")
        count = conn.recv()
        stored = count if kind == "simulator" else stored
        proc.join(timeout=10)
    measured = statistics.median(rates["simulator"])
    floor = statistics.median(rates["floor"])
    print(
        f"sendsms with 100 recipients, {args.concurrency} in flight, "
        f"{args.rounds} rounds of {args.requests} requests (median)"
    )
    print(f"simulator: {measured:8.1f} requests/s  ({stored:,} messages stored)")
    print(f"floor:     {floor:8.1f} requests/s  (fixed XML reply, same server and client)")
    print(f"ratio:     {measured / floor:8.2f}  (target >= 0.50)")


if __name__ == "__main__":
    main()
