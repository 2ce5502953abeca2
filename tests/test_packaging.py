"""The installed package ships every file of the source tree (styles, help, data)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "tui"


def test_every_source_file_is_in_the_installed_distribution() -> None:
    try:
        dist = distribution("csms-tui")
    except PackageNotFoundError:
        pytest.fail(
            "csms-tui is not installed: run the README's test command (bash scripts/test.sh)"
        )
    shipped = {str(path) for path in dist.files or []}
    wanted = {
        str(path.relative_to(SOURCE.parent))
        for path in SOURCE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    missing = sorted(wanted - shipped)
    assert not missing, f"not in the installed package: {missing}"
    assert any(name.endswith(".tcss") for name in wanted), "no styles found in the source tree"


def test_the_console_script_is_installed() -> None:
    entry_points = {ep.name: ep.value for ep in distribution("csms-tui").entry_points}
    assert entry_points.get("csms") == "tui.cli.main:main"
