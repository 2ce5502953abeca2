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
    # The app itself; tui/app_services.py is the typed door screens ask through.
    *sorted(path for path in ROOT.glob("app*.py") if path.name != "app_services.py"),
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
        "a = self.engine.ledger.lists.lists()\n"
        "b = engine_of(self).tracker\n"
        "c = engine.reads.lists.lists()\n"
    )
    assert sorted(line.split(": ")[1] for line in reaches_in(sample)) == [".ledger", ".tracker"]


def test_no_screen_or_widget_reaches_into_the_engines_ledger_or_tracker() -> None:
    assert len(UI_FILES) > 40
    found = [hit for path in UI_FILES for hit in reaches_in(path)]
    assert found == []


def asks_the_app_by_name(path: Path) -> list[str]:
    """``getattr(self.app, "...")``: reaching into the app by attribute name
    instead of through the typed protocols of ``tui.app_services``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and node.args
            and (
                (isinstance(node.args[0], ast.Attribute) and node.args[0].attr == "app")
                or (isinstance(node.args[0], ast.Name) and node.args[0].id == "app")
            )
        ):
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_screens_and_widgets_ask_the_app_through_its_protocols(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('copy = getattr(self.app, "copy_text", None)\n')
    assert asks_the_app_by_name(sample) == ["sample.py:1"]
    found = [hit for path in UI_FILES for hit in asks_the_app_by_name(path)]
    assert found == []
