"""Reading ``config.toml`` (tomllib) into a :class:`Config`: each bad value is one
sentence naming the file, the line, the key and what to write instead."""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any

from tui.config.checks import profile_problems
from tui.config.keyspec import KIND_WORDS, Kind
from tui.config.model import Config, ConfigError, check_profile_name, default_profiles
from tui.config.paths import config_path
from tui.config.schema import PROFILE_KEYS, Profile


def fits(value: object, kind: Kind) -> bool:
    """Whether a parsed TOML value is of ``kind``."""
    if kind in ("text", "optional_text"):
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("float", "optional_float"):
        # nan and inf are TOML floats, but no setting can use them.
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


class _Reader:
    """Turns the parsed TOML into a :class:`Config`, naming the key at fault."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def at(self, table: tuple[str, ...], key: str) -> str:
        line = self._line_of(table, key)
        return f"In {self.path} (line {line})" if line else f"In {self.path}"

    def fail(self, table: tuple[str, ...], key: str, what: str) -> ConfigError:
        dotted = ".".join((*table, key))
        return ConfigError(f"{self.at(table, key)}, {dotted} {what}; correct or remove it.")

    def wrong_type(
        self, table: tuple[str, ...], key: str, words: str, value: object, secret: bool = False
    ) -> ConfigError:
        shown = "" if secret else f", not {value!r}"
        return self.fail(table, key, f"must be {words}{shown}")

    def _line_of(self, table: tuple[str, ...], key: str) -> int | None:
        """Best-effort line number of ``key`` inside ``[table]``."""
        current: tuple[str, ...] = ()
        key_line = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number, line in enumerate(self.lines, start=1):
            stripped = line.strip()
            if stripped.startswith("[") and not stripped.startswith("[["):
                header = stripped.split("#", 1)[0].strip().strip("[]")
                current = tuple(part.strip().strip("\"'") for part in header.split("."))
            elif current == table and key_line.match(line):
                return number
        return None

    def config(self, data: dict[str, Any]) -> Config:
        config = Config(profiles={}, source=self.path)
        for key, value in data.items():
            if key == "active_profile":
                if not isinstance(value, str):
                    raise self.wrong_type((), key, "text", value)
                config.active_profile = value
            elif key == "theme":
                if not isinstance(value, str):
                    raise self.wrong_type((), key, "text", value)
                config.theme = value
            elif key == "keymap":
                config.keymap = self.keymap(value)
            elif key == "profiles":
                if not isinstance(value, dict):
                    raise self.fail((), key, "must be a table of profiles ([profiles.NAME])")
                for name, table in value.items():
                    config.profiles[name] = self.profile(name, table)
            else:
                config.extra[key] = value
        if not config.profiles:
            config.profiles = default_profiles()
        if "active_profile" not in data and "default" not in config.profiles:
            config.active_profile = next(iter(config.profiles))
        return config

    def keymap(self, value: object) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.fail((), "keymap", 'must be a table of binding = "keys" lines')
        for binding, keys in value.items():
            if not isinstance(keys, str):
                raise self.wrong_type(("keymap",), binding, "text", keys)
        return dict(value)

    def profile(self, name: str, table: object) -> Profile:
        where = ("profiles", name)
        check_profile_name(name, str(self.path))
        if not isinstance(table, dict):
            raise self.fail(("profiles",), name, "must be a table ([profiles.NAME])")
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in table.items():
            spec = PROFILE_KEYS.get(key)
            if spec is None:
                extra[key] = value
                continue
            if not fits(value, spec.kind):
                raise self.wrong_type(where, key, KIND_WORDS[spec.kind], value, spec.secret)
            if spec.kind in ("float", "optional_float"):
                value = float(value)
            values[key] = value
        if "password" in values and "save_password" not in values:
            values["save_password"] = True  # the user chose to keep it in the file
        profile = Profile(name=name, extra=extra, **values)
        problems = profile_problems(profile)
        if problems:
            first = problems[0]
            raise ConfigError(
                f"{self.at(where, first.key)}, profile {name!r}: {first.text} Correct or remove it."
            )
        return profile


def load_config(path: Path | None = None) -> Config:
    """Read the settings file; a missing file gives the defaults (one "default" profile)."""
    path = config_path() if path is None else path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(source=path)
    except OSError as error:
        raise ConfigError(
            f"Cannot read {path}: {error.strerror or error}. "
            "Check that the file is yours and readable."
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(
            f"{path} is not UTF-8 text; save it as UTF-8 or move it away to start afresh."
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"{path} is not valid TOML: {error}. Fix that line, or move the file away "
            "to start from the defaults."
        ) from None
    return _Reader(path, text).config(data)
