"""The layers stay layered: lower layers never import Textual or the layers above.

Checked on the source by reading every module's imports. The layers are the
import-linter contract's in pyproject.toml (run in CI), and a test checks that
both lists are the same. As for import-linter, imports only made for type
checking (``if TYPE_CHECKING:``) do not count.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "tui"

#: Top to bottom: a part may import the parts of the layers below its own, and
#: the other parts of its own layer only when they are joined by ":" (not "|").
#: ``tui.config`` (settings) and ``tui.logs`` (the log file) sit under the
#: engine, the ledger, audio and the simulator, and above the gateway client:
#: the settings check numbers and texts by the gateway's rules, and the log
#: file's setup asks the settings for its directory.
LAYERS = [
    "tui.cli",
    "tui.app",
    "tui.screens : tui.widgets",
    "tui.engine",
    "tui.ledger | tui.audio | tui.simulator",
    "tui.logs",
    "tui.config",
    "tui.gateway",
]
#: Modules outside the layers (``wording``: counts in sentences, which imports
#: nothing of the app; ``registry``: the screens' names) may be used by any layer,
#: as import-linter has it.
NO_TEXTUAL = {
    "gateway", "simulator", "ledger", "audio", "engine", "config", "logs", "wording",
}  # fmt: skip


def _parts(layer: str) -> tuple[list[str], str]:
    joiner = ":" if ":" in layer else "|"
    return [p.strip().removeprefix("tui.") for p in layer.split(joiner)], joiner


def _allowed() -> dict[str, set[str]]:
    allowed: dict[str, set[str]] = {}
    for index, layer in enumerate(LAYERS):
        parts, joiner = _parts(layer)
        below = {p for lower in LAYERS[index + 1 :] for p in _parts(lower)[0]}
        for part in parts:
            siblings = set(parts) - {part} if joiner == ":" else set()
            allowed[part] = below | siblings
    return allowed


ALLOWED = _allowed()
LAYERED = set(ALLOWED)


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Ids of the nodes inside ``if TYPE_CHECKING:`` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
            if name == "TYPE_CHECKING":
                for child in node.body:
                    inside.update(id(sub) for sub in ast.walk(child))
    return inside


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree)
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(part: str) -> list[Path]:
    target = ROOT / part
    if target.is_dir():
        return sorted(target.rglob("*.py"))
    return [ROOT / f"{part}.py"]


@pytest.mark.parametrize("part", sorted(NO_TEXTUAL))
def test_lower_layers_never_import_textual(part: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(part)
        for name in _imports(path)
        if name == "textual" or name.startswith("textual.")
    ]
    assert not offenders, offenders


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_parts_import_only_the_layers_below(part: str) -> None:
    offenders = []
    for path in _modules(part):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "tui" or len(parts) < 2:
                continue
            target = parts[1]
            if target == part or target not in LAYERED or target in ALLOWED[part]:
                continue
            offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, offenders


def test_the_layers_are_the_import_linter_contract() -> None:
    pyproject = tomllib.loads((ROOT.parent / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = pyproject["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    assert layers == LAYERS
    forbidden = next(c for c in contracts if c["type"] == "forbidden")
    assert {m.removeprefix("tui.") for m in forbidden["source_modules"]} == NO_TEXTUAL


def test_config_and_logs_are_below_the_engine_and_above_the_gateway() -> None:
    assert "config" in ALLOWED["engine"] and "logs" in ALLOWED["ledger"]
    assert "config" in ALLOWED["logs"] and "gateway" in ALLOWED["config"]
    assert "engine" not in ALLOWED["config"] and "ledger" not in ALLOWED["logs"]
    assert "config" not in ALLOWED["gateway"] and "logs" not in ALLOWED["gateway"]


def test_wording_imports_nothing_of_the_app() -> None:
    assert not [name for name in _imports(ROOT / "wording.py") if name.startswith("tui")]


def test_the_check_sees_real_imports() -> None:
    # Guard against a check that passes because it reads nothing.
    assert _modules("gateway"), "no gateway modules found"
    assert "tui.gateway.codes" in _imports(ROOT / "gateway" / "errors.py")
    assert "tui.gateway.numbers" in _imports(ROOT / "config" / "checks.py")
    # A type-only import does not count; the same module's real ones do.
    client = _imports(ROOT / "gateway" / "client.py")
    assert "tui.config" not in client and "tui.gateway.session" in client
