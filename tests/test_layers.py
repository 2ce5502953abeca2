"""The layers stay layered: lower layers never import Textual or the layers above.

Checked on the source by reading every module's imports (the same rules are
also an import-linter contract in pyproject.toml, run in CI).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "tui"

# package -> project packages it may import (besides itself)
# (``wording``, counts in sentences, imports nothing of the app: every layer may use it.)
ALLOWED: dict[str, set[str]] = {
    "gateway": {"config", "logs", "wording"},
    "simulator": {"gateway", "wording"},
    "ledger": {"gateway", "wording"},
    "audio": {"gateway", "wording"},
    "engine": {"gateway", "ledger", "audio", "config", "logs", "simulator", "wording"},
}
NO_TEXTUAL = {
    "gateway", "simulator", "ledger", "audio", "engine", "config.py", "logs.py", "wording.py",
}  # fmt: skip


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(part: str) -> list[Path]:
    target = ROOT / part
    return sorted(target.rglob("*.py")) if target.is_dir() else [target]


@pytest.mark.parametrize("part", sorted(NO_TEXTUAL))
def test_lower_layers_never_import_textual(part: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(part)
        for name in _imports(path)
        if name == "textual" or name.startswith("textual.")
    ]
    assert not offenders, offenders


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_packages_import_only_the_layers_below(package: str) -> None:
    offenders = []
    for path in _modules(package):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "tui" or len(parts) < 2:
                continue
            target = parts[1]
            if target in (package, "__init__") or target in ALLOWED[package]:
                continue
            offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, offenders


def test_wording_imports_nothing_of_the_app() -> None:
    assert not [name for name in _imports(ROOT / "wording.py") if name.startswith("tui")]


def test_the_check_sees_real_imports() -> None:
    # Guard against a check that passes because it reads nothing.
    assert _modules("gateway"), "no gateway modules found"
    imports = _imports(ROOT / "gateway" / "errors.py")
    assert "tui.gateway.codes" in imports
