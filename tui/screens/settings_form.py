"""The Settings form's fields, made from the profile schema (``tui/config/schema.py``):
labels, placeholders, help, and reading typed text back into a profile."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Label, Static

from tui.config import Profile, validate_profile
from tui.config.schema import KeySpec, settings_keys

#: The fields Settings shows, in order (one per profile key it edits).
Field = KeySpec
FIELDS: tuple[KeySpec, ...] = tuple(settings_keys())

_LISTS = ("list", "optional_list")


def field_label(field: KeySpec) -> str:
    """The label in front of a field: the key's name, its unit, how to type a list."""
    label = field.label
    if field.unit and field.kind != "bool":
        label = f"{label} ({field.unit})"
    if field.kind in _LISTS:
        label = f"{label}, comma separated"
    return label


def field_help(field: KeySpec) -> str:
    """The help line of a field: what it does and what it takes."""
    parts = [field.help]
    if field.bounds:
        parts.append(f"Allowed: {field.bounds}.")
    if field.empty:
        parts.append(f"Empty: {field.empty}.")
    return " ".join(parts)


def field_text(profile: Profile, field: KeySpec) -> str:
    """How a profile value is shown in its input."""
    value = getattr(profile, field.name)
    if value is None:
        return ""
    if field.kind in _LISTS:
        return ", ".join(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_field(field: KeySpec, raw: str) -> tuple[Any, str | None]:
    """The value typed into ``field``, or an error sentence (bounds are the
    schema's, checked with the whole profile by ``validate_profile``)."""
    text = raw.strip()
    if field.kind in _LISTS:
        items = [item for item in (part.strip() for part in text.split(",")) if item]
        return (items or None) if field.kind == "optional_list" else items, None
    if field.kind == "optional_text":
        return (text or None), None
    if field.kind == "text":
        if field.required and not text:
            return None, f"{field.label}: this cannot be empty; enter {field.hint or 'a value'}."
        return text, None
    if field.kind == "optional_float" and not text:
        return None, None
    what = "a whole number" if field.kind == "int" else "a number"
    try:
        number: float = int(text) if field.kind == "int" else float(text)
    except ValueError:
        return None, f"{field.label}: {text!r} is not {what}; enter {what}."
    if number != number or number in (float("inf"), float("-inf")):
        return None, f"{field.label}: {text!r} is not {what}; enter {what}."
    return number, None


def profile_from_form(base: Profile, values: dict[str, Any]) -> tuple[Profile, list[str]]:
    """Apply the form's raw values (text or bool per field) to ``base``.

    Returns the new profile and the problems found, one sentence each.
    """
    changes: dict[str, Any] = {}
    problems: list[str] = []
    for field in FIELDS:
        raw = values[field.name]
        if field.kind == "bool":
            changes[field.name] = bool(raw)
            continue
        value, problem = parse_field(field, str(raw))
        if problem:
            problems.append(problem)
        else:
            changes[field.name] = value
    # Fields that were readable are checked together with the rest of the
    # profile, so every problem is reported at once.
    profile = replace(base, **changes)
    problems.extend(validate_profile(profile))
    return (base if problems else profile), problems


def compose_fields(profile: Profile) -> ComposeResult:
    """The form's widgets, section by section (ids ``field-<key>``)."""
    section = ""
    for field in FIELDS:
        if field.section != section:
            section = field.section
            yield Static(section, classes="settings-section")
        tip = field_help(field)
        if field.kind == "bool":
            box = Checkbox(
                field_label(field),
                bool(getattr(profile, field.name)),
                id=f"field-{field.name}",
                classes="settings-check",
                compact=True,
            )
            box.tooltip = tip
            yield box
            continue
        with Horizontal(classes="settings-row"):
            yield Label(field_label(field), classes="settings-label")
            entry = Input(
                field_text(profile, field),
                placeholder=field.hint,
                compact=True,
                id=f"field-{field.name}",
            )
            entry.tooltip = tip
            yield entry


def field_of(widget_id: str | None) -> KeySpec | None:
    """The field a widget id (``field-<key>``) belongs to."""
    if widget_id and widget_id.startswith("field-"):
        name = widget_id.removeprefix("field-")
        return next((f for f in FIELDS if f.name == name), None)
    return None
