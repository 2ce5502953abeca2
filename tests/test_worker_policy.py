"""Every worker csms starts is started with ``exit_on_error=False``: a failure
is then logged and shown by the app (``on_worker_state_changed``) and the app
keeps running, without overriding Textual's private exception hook. A worker
started with Textual's default would stop the whole app on its first error."""

from __future__ import annotations

import ast
from pathlib import Path

import tui

SOURCE = Path(tui.__file__).resolve().parent


def _opts_out(call: ast.Call) -> bool:
    return any(
        k.arg == "exit_on_error" and isinstance(k.value, ast.Constant) and k.value.value is False
        for k in call.keywords
    )


def _is_work(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    return (isinstance(target, ast.Name) and target.id == "work") or (
        isinstance(target, ast.Attribute) and target.attr == "work"
    )


def workers_started_with_the_default() -> list[str]:
    found: list[str] = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(SOURCE.parent)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in node.decorator_list:
                    if _is_work(decorator) and not (
                        isinstance(decorator, ast.Call) and _opts_out(decorator)
                    ):
                        found.append(f"{where}:{node.lineno} @work on {node.name}")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "run_worker"
                and not _opts_out(node)
            ):
                found.append(f"{where}:{node.lineno} run_worker")
    return found


def test_every_worker_reports_its_error_instead_of_stopping_the_app() -> None:
    assert workers_started_with_the_default() == []


def test_the_check_sees_a_worker_started_with_the_default() -> None:
    sample = ast.parse("@work(exclusive=True)\nasync def load(self):\n    pass\n")
    decorator = sample.body[0].decorator_list[0]  # type: ignore[attr-defined]
    assert _is_work(decorator) and not _opts_out(decorator)
    good = ast.parse("@work(exit_on_error=False)\nasync def load(self):\n    pass\n")
    assert _opts_out(good.body[0].decorator_list[0])  # type: ignore[attr-defined]
