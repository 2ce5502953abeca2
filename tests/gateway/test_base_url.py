"""The base URL as a host or as the API document writes it; a wrong one says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli.main import main
from tui.gateway.connection import normalise_base_url
from tui.simulator import SimulatorServer


@pytest.mark.parametrize(
    "written",
    [
        "https://host:27677",
        "https://host:27677/",
        "https://host:27677/corporate_sms2/api",
        "https://host:27677/corporate_sms2/api/",
        " https://host:27677/Corporate_SMS2/api/ ",
    ],
)
def test_both_forms_name_the_same_gateway(written: str) -> None:
    assert normalise_base_url(written) == "https://host:27677"


@pytest.mark.parametrize("suffix", ["", "/", "/corporate_sms2/api", "/corporate_sms2/api/"])
def test_a_send_works_with_either_form(
    suffix: str,
    sim_server: SimulatorServer,
    account_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CSMS_BASE_URL", sim_server.base_url + suffix)
    assert main(["send", "--to", "03001234567", "--text", "hi"]) == 0
    assert capsys.readouterr().out.startswith("923001234567\t")


def test_a_wrong_path_says_the_base_url_looks_wrong(
    sim_server: SimulatorServer,
    account_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CSMS_BASE_URL", sim_server.base_url + "/sms/api")
    assert main(["send", "--to", "03001234567", "--text", "hi"]) == 1
    err = capsys.readouterr().err
    assert "the base URL looks wrong" in err and "HTTP 404" in err
    assert "try again" not in err
    assert sim_server.sim.pages_requested().count("sendsms.jsp") == 0
