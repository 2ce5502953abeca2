"""The embedded gateway simulator: a faithful, stateful stand-in for the
Corporate Call & SMS gateway, used by the tests, ``csms --demo`` and
``csms simulate``."""

from __future__ import annotations

from tui.simulator.clock import SimClock
from tui.simulator.config import SimulatorConfig
from tui.simulator.faults import SPEC_HELP as FAULT_SPEC_HELP
from tui.simulator.faults import FaultPlan, FaultSpecError, parse_spec
from tui.simulator.server import SimulatorServer
from tui.simulator.simulator import RecordedRequest, Simulator

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
