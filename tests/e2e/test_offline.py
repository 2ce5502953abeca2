"""One lost reply does not make the header say "offline"; the gateway going
away does, within 10 seconds, and "logged in" comes back with it. The
installed app, in tmux at 80x24, against the simulator served over loopback
HTTP, with the product's own probe interval."""

from __future__ import annotations

import time
from pathlib import Path

from tests.conftest import SIM_MSISDN, SIM_PASSWORD, make_simulator
from tests.e2e.conftest import Terminal, start_csms
from tui.simulator import SimulatorServer

#: What the issue asks: "offline" within 10 seconds of the gateway going away.
OFFLINE_WITHIN = 10.0


def header(text: str) -> str:
    return text.splitlines()[0] if text else ""


def test_offline_only_when_the_gateway_is_gone_within_ten_seconds_and_back_after(
    terminal: Terminal, tmp_path: Path
) -> None:
    sim = make_simulator(manual_clock=False, start=None)  # real time
    server = SimulatorServer(sim, host="127.0.0.1", port=0)
    server.start()
    port = server.port
    env = {
        "CSMS_BASE_URL": server.base_url,
        "CSMS_MSISDN": SIM_MSISDN,
        "CSMS_PASSWORD": SIM_PASSWORD,
    }
    try:
        start_csms(terminal, tmp_path, (80, 24), [], env)
        terminal.wait_for(lambda text: "logged in" in header(text), "the login")
        # One reply lost (the account refresh's, asked for with "r") is not offline.
        page = "incoming_sms_info.jsp"
        asked = sim.pages_requested().count(page)
        sim.faults.load("incoming_sms_info:drop:1x1")
        terminal.keys("r")
        deadline = time.monotonic() + 10
        while sim.pages_requested().count(page) < asked + 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sim.pages_requested().count(page) == asked + 2  # dropped, then asked again
        watch_until = time.monotonic() + 7  # two probe rounds and more
        while time.monotonic() < watch_until:
            assert "offline" not in header(terminal.screen())
            time.sleep(0.2)
        assert "logged in" in header(terminal.screen())
        server.stop()
        gone = time.monotonic()
        terminal.wait_for(lambda text: "offline" in header(text), "offline")
        took = time.monotonic() - gone
        assert took <= OFFLINE_WITHIN, f"offline shown after {took:.1f} s"
        screen = terminal.screen()
        # At 80 columns the header keeps the credit and leaves the reason to
        # the Session card.
        assert "credit Rs" in header(screen)
        assert "the gateway cannot" in screen
        server = SimulatorServer(sim, host="127.0.0.1", port=port)
        server.start()
        terminal.wait_for(lambda text: "logged in" in header(text), "the way back")
    finally:
        server.stop()
