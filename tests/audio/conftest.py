from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def clips(tmp_path: Path) -> Path:
    folder = tmp_path / "clips"
    folder.mkdir()
    return folder


@pytest.fixture
def out_dir(tmp_path: Path) -> Iterator[Path]:
    """An output folder that must hold no leftover temporary files."""
    folder = tmp_path / "out"
    folder.mkdir()
    yield folder
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".")]
    assert not leftovers, f"temporary files left behind: {leftovers}"
