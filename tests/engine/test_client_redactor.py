"""The gateway client takes its redactor from the engine (it never imports the
app's logging): what it learns is secret is taken out of the log."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SIM_PASSWORD, make_simulator
from tests.engine.test_sms_campaigns import make_engine
from tui import logs
from tui.simulator import SimulatorServer


async def test_the_engine_client_tells_the_log_its_secrets(tmp_path: Path) -> None:
    """The password and each session ID are taken out of the log."""
    sim = make_simulator()
    with SimulatorServer(sim, host="127.0.0.1", port=0) as server:
        engine = await make_engine(server.base_url, tmp_path / "data", sim, "Asia/Karachi")
        try:
            await engine.client.login()
            [session_id] = list(sim.state.sessions)
            line = f"session_ref {session_id} and {SIM_PASSWORD}-x"
            assert session_id not in logs.redact(line)
            assert logs.redact(f"pw {SIM_PASSWORD} end") == "pw *** end"
        finally:
            await engine.stop()
