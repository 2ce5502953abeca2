"""Fixtures for the simulator's own tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.simulator.simkit import Api
from tui.simulator import SimulatorServer


@pytest.fixture
def api(sim_server: SimulatorServer) -> Iterator[Api]:
    """Plain HTTP to the loopback simulator, logged in as the test account."""
    with httpx.Client(base_url=sim_server.base_url, timeout=10.0) as client:
        gateway = Api(client)
        gateway.login()
        yield gateway
