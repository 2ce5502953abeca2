"""The key table of ``tui/help/settings.md``, written from the schema
(``scripts/config_keys.py`` puts it between the markers)."""

from __future__ import annotations

from typing import Any

from tui.config.keyspec import SECTIONS, KeySpec
from tui.config.schema import PROFILE_KEYS

START = "<!-- config keys: written by scripts/config_keys.py from tui/config/schema.py -->"
END = "<!-- end of config keys -->"

_TYPES = {
    "text": "text",
    "optional_text": "text",
    "bool": "true/false",
    "float": "number",
    "optional_float": "number",
    "int": "whole number",
    "list": "list of texts",
    "optional_list": "list of texts",
}


def _default(spec: KeySpec) -> str:
    value: Any = spec.default
    if value is None or value == "":
        return f"(empty: {spec.empty})" if spec.empty else "(empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, list):
        return ", ".join(value) if value else "(none)"
    return f"`{value}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _row(spec: KeySpec) -> str:
    what = spec.help
    if spec.secret:
        what += " Never shown."
    where = f"*{spec.label}*" if spec.in_settings else "not shown"
    allowed = spec.bounds or _TYPES[spec.kind]
    cells = [f"`{spec.name}`", _default(spec), allowed, f"{what} Settings: {where}."]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def keys_table() -> str:
    """The markdown between the markers: one table per section of the schema."""
    lines = [START, ""]
    for section in SECTIONS:
        specs = [spec for spec in PROFILE_KEYS.values() if spec.section == section]
        if not specs:
            continue
        lines += [f"### {section}", "", "| key | default | allowed | what it does |"]
        lines.append("| --- | --- | --- | --- |")
        lines += [_row(spec) for spec in specs]
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def with_keys_table(markdown: str) -> str:
    """``markdown`` with the text between the markers replaced by :func:`keys_table`
    (added at the end, under a heading, when the markers are missing)."""
    if START in markdown and END in markdown:
        before = markdown[: markdown.index(START)]
        after = markdown[markdown.index(END) + len(END) :]
        return before + keys_table() + after
    return markdown.rstrip("\n") + "\n\n## Every key of a profile\n\n" + keys_table() + "\n"
