"""``csms simulate``: serve the embedded gateway simulator over HTTP."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from tui.simulator import (
    FAULT_SPEC_HELP,
    FaultSpecError,
    Simulator,
    SimulatorConfig,
    SimulatorServer,
    parse_spec,
)
from tui.simulator.demo import DEMO_MASKS, DEMO_MSISDN, DEMO_PASSWORD
from tui.simulator.server import is_loopback

DEFAULT_PORT = 27677


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than zero")
    return value


def _faults(text: str) -> str:
    try:
        parse_spec(text)
    except FaultSpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="serve a simulated gateway on this machine (for trying csms without an account)",
        description="Serve the embedded gateway simulator over HTTP until interrupted. "
        "It answers every API command like the real gateway, with demo data unless "
        "--no-demo-data is given.",
        epilog=FAULT_SPEC_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)"
    )
    parser.add_argument(
        "--speed",
        type=_positive,
        default=1.0,
        help="simulated seconds per real second (default 1; e.g. 30 to watch campaigns run)",
    )
    parser.add_argument(
        "--faults", type=_faults, default="", metavar="SPEC", help="inject faults (see below)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for outcomes and faults")
    parser.add_argument(
        "--no-demo-data",
        action="store_true",
        help="start with the demo account only (no lists, campaigns, audio or inbox)",
    )
    parser.add_argument("--max-rps", type=_positive, help="requests per second before error 304")
    parser.add_argument(
        "--max-recipients", type=int, help="recipients per request before error 305"
    )
    parser.add_argument(
        "--error-style",
        choices=("bare", "prefixed"),
        default="bare",
        help="error replies as <data>102</data> (bare) or <data>Error 102</data> (prefixed)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    config = SimulatorConfig(
        seed=args.seed,
        speed=args.speed,
        max_rps=args.max_rps,
        max_recipients=args.max_recipients,
        error_style=args.error_style,
    )
    sim = Simulator(config, demo=not args.no_demo_data)
    if args.no_demo_data:
        sim.add_account(DEMO_MSISDN, DEMO_PASSWORD, masks=DEMO_MASKS)
    if args.faults:
        sim.faults.load(args.faults)
    if not is_loopback(args.host):
        print(
            f"Warning: listening on {args.host}, reachable from other machines; "
            "the simulator has no real security.",
            file=sys.stderr,
        )
    server = SimulatorServer(sim, host=args.host, port=args.port)
    try:
        server.start()
    except OSError as exc:
        print(
            f"Cannot listen on {args.host} port {args.port} ({exc.strerror or exc}); "
            "choose another with --port.",
            file=sys.stderr,
        )
        return 1
    stop = threading.Event()

    def on_term(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        print(f"Gateway simulator listening at {server.base_url}", flush=True)
        print(
            f"Log in with msisdn {DEMO_MSISDN} and password {DEMO_PASSWORD} "
            f"(masks: {', '.join(DEMO_MASKS)}).",
            flush=True,
        )
        print(f"Use it from csms: CSMS_BASE_URL={server.base_url}", flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()
    print("Simulator stopped.", flush=True)
    return 0
