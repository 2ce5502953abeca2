"""Screens and widgets ask the engine's services and read models: they never
reach into ``engine.ledger`` (the engine's writing connection) or
``engine.tracker``. Reads go through ``engine.reads`` (a read-only connection
of its own), writes through an engine service."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "tui"
UI_FILES = [
    *sorted((ROOT / "screens").glob("*.py")),
    *sorted((ROOT / "widgets").glob("*.py")),
    *sorted(ROOT.glob("app*.py")),
    ROOT / "palette.py",
]
FORBIDDEN = {"ledger", "tracker"}


def names_the_engine(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id == "engine"
    if isinstance(node, ast.Attribute):
        return node.attr == "engine"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id == "engine_of"
    return False


def reaches_in(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in FORBIDDEN
            and names_the_engine(node.value)
        ):
            found.append(f"{path.name}:{node.lineno}: .{node.attr}")
    return found


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "a = self.engine.ledger.lists()\nb = engine_of(self).tracker\nc = engine.reads.lists()\n"
    )
    assert sorted(line.split(": ")[1] for line in reaches_in(sample)) == [".ledger", ".tracker"]


def test_no_screen_or_widget_reaches_into_the_engines_ledger_or_tracker() -> None:
    assert len(UI_FILES) > 40
    found = [hit for path in UI_FILES for hit in reaches_in(path)]
    assert found == []
