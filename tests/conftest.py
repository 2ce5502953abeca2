"""Shared fixtures: the gateway simulator, in-process and on loopback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tui.simulator import Simulator, SimulatorConfig, SimulatorServer
from tui.simulator.clock import TZ

#: The account every simulator fixture knows.
SIM_MSISDN = "923001234567"
SIM_PASSWORD = "demo"
SIM_MASKS = ("CSMS", "SHOP")
SIM_CREDIT = 500.0
#: Where manual-clock simulators start (a fixed Karachi time, so runs repeat).
SIM_START = datetime(2024, 3, 4, 10, 0, 0, tzinfo=TZ)


def make_simulator(**overrides: object) -> Simulator:
    """A manual-clock simulator with the standard test account; ``overrides`` go to
    SimulatorConfig (e.g. ``max_rps=2``)."""
    options: dict[str, object] = {"seed": 1, "manual_clock": True, "start": SIM_START}
    options.update(overrides)
    sim = Simulator(SimulatorConfig(**options))  # type: ignore[arg-type]
    sim.add_account(
        msisdn=SIM_MSISDN, password=SIM_PASSWORD, masks=list(SIM_MASKS), credit=SIM_CREDIT
    )
    return sim


@pytest.fixture
def simulator() -> Simulator:
    """Manual clock at SIM_START, account 923001234567 / "demo" with masks CSMS and
    SHOP and 500 credit; no demo data."""
    return make_simulator()


@pytest.fixture
def sim_server(simulator: Simulator) -> Iterator[SimulatorServer]:
    """The ``simulator`` fixture served on 127.0.0.1 (free port); ``.base_url``."""
    with SimulatorServer(simulator, host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture
def demo_simulator() -> Simulator:
    """The demo seed data on a manual clock (``sim.demo_seed`` lists what is there)."""
    return Simulator(SimulatorConfig(seed=1, manual_clock=True, start=SIM_START), demo=True)


@pytest.fixture(autouse=True)
def _any_hour_is_a_sending_hour(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests run at any time of day: a send is inside the profile's sending hours,
    except in tests about those hours (marked ``sending_hours``), which set the
    clock themselves."""
    if request.node.get_closest_marker("sending_hours") is None:
        monkeypatch.setattr("tui.engine.quiet_hours.SendingHours.allows", lambda self, at: True)


@pytest.fixture(autouse=True)
def _private_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Every test gets its own config, data and state folders (never the user's),
    and the log file a command-line run opens is closed after the test."""
    home = tmp_path_factory.mktemp("home")
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(variable, str(home / variable.lower()))
    for variable in ("CSMS_BASE_URL", "CSMS_MSISDN", "CSMS_PASSWORD", "CSMS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "csms_log_file", False)]:
        root.removeHandler(handler)
        handler.close()


@pytest.fixture
def account_env(
    sim_server: SimulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A command-line run's account: the loopback simulator's, from CSMS_* variables,
    with config, data and state under ``tmp_path``."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("CSMS_BASE_URL", sim_server.base_url)
    monkeypatch.setenv("CSMS_MSISDN", SIM_MSISDN)
    monkeypatch.setenv("CSMS_PASSWORD", SIM_PASSWORD)
    return tmp_path
