"""``csms simulate`` as a user runs it: a subprocess on a free port."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tui.gateway.codes import API_PREFIX

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def simulate(*args: str, port: int = 0) -> Iterator[subprocess.Popen[str]]:
    """``python -m tui simulate --port PORT ARGS``; killed at the end if still running."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        [sys.executable, "-m", "tui", "simulate", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    ) as proc:
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()


def interrupt(proc: subprocess.Popen[str]) -> tuple[str, str]:
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    return out, err


def test_simulate_serves_until_interrupted() -> None:
    with simulate("--seed", "3", "--speed", "10") as proc:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", first)
        assert match, first + (proc.stderr.read() if proc.stderr else "")
        credentials = proc.stdout.readline()
        assert "923001234567" in credentials and "demo" in credentials
        reply = httpx.get(
            match.group(0) + API_PREFIX + "auth.jsp",
            params={"msisdn": "923001234567", "password": "demo"},
        )
        assert b"<response>OK</response>" in reply.content
        out, err = interrupt(proc)
        assert proc.returncode == 0, err
        assert "stopped" in out
        assert "Traceback" not in err


def test_simulate_refuses_a_bad_fault_spec() -> None:
    with simulate("--faults", "sendsms:explode") as proc:
        _, err = proc.communicate(timeout=10)
        assert proc.returncode == 2
        assert "Unknown fault kind 'explode'" in err
        assert "Traceback" not in err


def test_simulate_warns_when_not_on_loopback() -> None:
    with simulate("--host", "0.0.0.0", "--no-demo-data") as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert "http://0.0.0.0:" in proc.stdout.readline()
        assert "reachable from other machines" in proc.stderr.readline()
        interrupt(proc)
        assert proc.returncode == 0


def test_simulate_reports_a_busy_port() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with simulate("--no-demo-data", port=taken.getsockname()[1]) as proc:
            _, err = proc.communicate(timeout=10)
            assert proc.returncode == 1
            assert "choose another with --port" in err
            assert "Traceback" not in err
