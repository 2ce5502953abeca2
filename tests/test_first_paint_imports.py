"""What the first frame loads: the app and its first screen, not the engine.

The engine, the ledger, the gateway client and the simulator are imported
once the window is painted (bench/startup.py measures the time). A module
that imports them at its top, on the way to the first frame, delays the
first paint: this test names it."""

from __future__ import annotations

import subprocess
import sys

LATER = ("tui.engine.service", "tui.ledger", "tui.gateway.client", "tui.simulator", "httpx")


def test_the_app_and_its_first_screen_load_without_the_engine() -> None:
    code = (
        "import sys, tui.app, tui.screens.dashboard, tui.screens.startup\n"
        f"later = {LATER!r}\n"
        "loaded = [m for m, module in sys.modules.items() if module is not None]\n"
        "print('\\n'.join(sorted(m for m in loaded if m.startswith(later))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == []
