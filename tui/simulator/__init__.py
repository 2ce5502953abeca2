"""The embedded gateway simulator: a faithful, stateful stand-in for the
Corporate Call & SMS gateway, used by the tests, ``csms --demo`` and
``csms simulate``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.simulator.clock import SimClock
from tui.simulator.config import SimulatorConfig
from tui.simulator.faults import SPEC_HELP as FAULT_SPEC_HELP
from tui.simulator.faults import FaultPlan, FaultSpecError, parse_spec
from tui.simulator.simulator import RecordedRequest, Simulator

if TYPE_CHECKING:
    from tui.simulator.server import SimulatorServer

__all__ = [
    "FAULT_SPEC_HELP",
    "FaultPlan",
    "FaultSpecError",
    "RecordedRequest",
    "SimClock",
    "Simulator",
    "SimulatorConfig",
    "SimulatorServer",
    "parse_spec",
]


def __getattr__(name: str) -> Any:
    # The HTTP server (uvicorn) is imported when first asked for: the demo runs
    # the simulator in-process and starts faster without it.
    if name == "SimulatorServer":
        from tui.simulator.server import SimulatorServer

        return SimulatorServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
