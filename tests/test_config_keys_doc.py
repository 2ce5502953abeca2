"""The key table of the Settings help is the schema's, and the schema is whole."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tui.config import PROFILE_KEYS, Profile, limit_problems
from tui.config.keys_doc import END, START, keys_table, with_keys_table

ROOT = Path(__file__).resolve().parents[1]
HELP = ROOT / "tui" / "help" / "settings.md"


def test_the_committed_help_has_the_schemas_key_table() -> None:
    text = HELP.read_text(encoding="utf-8")
    assert text == with_keys_table(text), "run python scripts/config_keys.py"
    table = text[text.index(START) : text.index(END)]
    for name, spec in PROFILE_KEYS.items():
        assert f"| `{name}` |" in table, name
        assert spec.help in table, name


def test_the_script_checks_and_rewrites_a_stale_table(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "config_keys.py"
    ok = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0, ok.stderr
    stale = f"# Settings\n\n{START}\n| `gone` | old |\n{END}\n\nAfter.\n"
    fixed = with_keys_table(stale)
    assert "`gone`" not in fixed and fixed.endswith(f"{END}\n\nAfter.\n")
    assert keys_table() in fixed


def test_the_table_states_each_bound_the_checks_apply() -> None:
    table = keys_table()
    assert "| `concurrency` | `4` | at least 1 |" in table
    assert "| `keepalive_idle` | `1200` | more than 0 and under 1800 seconds |" in table
    assert "| `inbox_interval` | `60` | at least 1 second |" in table
    # ... and the checks refuse exactly outside those bounds.
    assert limit_problems(Profile("p", concurrency=1)) == []
    assert limit_problems(Profile("p", keepalive_idle=1799.0)) == []
    assert limit_problems(Profile("p", inbox_interval=1.0)) == []
    assert len(limit_problems(Profile("p", keepalive_idle=1800.0))) == 1


def test_secrets_are_declared_and_kept_out_of_repr() -> None:
    assert [n for n, s in PROFILE_KEYS.items() if s.secret] == ["password"]
    assert "hunter2" not in repr(Profile("p", password="hunter2"))
    assert not PROFILE_KEYS["password"].in_settings
