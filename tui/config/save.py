"""Writing ``config.toml``: the user's comments, order and layout stay, only what
changed is touched, and a key is only added when it differs from its default.

The file is replaced atomically; with a saved password it is made owner-only
(0600) and its directory 0700, and without one no password is written at all.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, MutableMapping
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Table
from tomlkit.toml_document import TOMLDocument

from tui.config.model import Config, ConfigError, check_profile_name
from tui.config.paths import config_path
from tui.config.schema import PROFILE_KEYS, Profile

_TOP_KEYS = ("active_profile", "theme", "keymap", "profiles")


def _plain(value: Any) -> Any:
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if callable(unwrap) else value


def _same(old: Any, new: Any) -> bool:
    old = _plain(old)
    return isinstance(old, bool) == isinstance(new, bool) and old == new


def _toml_value(value: Any) -> Any:
    """How a value is written: whole seconds as 10, not 10.0; lists copied."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, list):
        return list(value)
    return value


def _put(table: MutableMapping[str, Any], key: str, value: Any, default: Any) -> None:
    """Set ``key`` to ``value`` in ``table`` keeping its line when unchanged;
    None removes it, and a default is only written over a key already there."""
    if value is None:
        if key in table:
            del table[key]
        return
    if key in table:
        if not _same(table[key], value):
            table[key] = _toml_value(value)
    elif not _same(default, value):
        table[key] = _toml_value(value)


def _drop_others(table: MutableMapping[str, Any], keep: Iterable[str]) -> None:
    wanted = set(keep)
    for key in [k for k in table if k not in wanted]:
        del table[key]


def _update_table(
    parent: MutableMapping[str, Any], name: str, values: dict[str, tuple[Any, Any]]
) -> None:
    """Make ``parent[name]`` a table holding ``values`` (key -> (value, default)),
    in place if it is there, else as a new table at the end of ``parent``."""
    current = parent.get(name)
    fresh: Table | None = None
    if isinstance(current, MutableMapping):
        table: MutableMapping[str, Any] = current
    else:
        table = fresh = tomlkit.table()
    for key, (value, default) in values.items():
        _put(table, key, value, default)
    _drop_others(table, [key for key, (value, _) in values.items() if value is not None])
    if fresh is not None:
        fresh.add(tomlkit.nl())
        parent[name] = fresh


def _profile_entries(profile: Profile) -> dict[str, tuple[Any, Any]]:
    entries: dict[str, tuple[Any, Any]] = {}
    for key, spec in PROFILE_KEYS.items():
        value = getattr(profile, key)
        if spec.secret and not profile.save_password:
            value = None  # TOML has no null: a left-out key means "not set"
        entries[key] = (value, spec.default)
    for key, value in profile.extra.items():
        entries.setdefault(key, (value, None))
    return entries


def _document(config: Config, path: Path) -> TOMLDocument:
    """The file at ``path`` (its layout and comments) changed to say ``config``."""
    doc: TOMLDocument
    try:
        doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, TOMLKitError):
        doc = tomlkit.document()  # no usable file: everything is written afresh
    # Left out, the file's first profile is active unless one is called "default".
    inferred = "default" if "default" in config.profiles else next(iter(config.profiles), None)
    _put(doc, "active_profile", config.active_profile, inferred)
    _put(doc, "theme", config.theme, None)
    for key, value in config.extra.items():
        if key not in _TOP_KEYS:
            _put(doc, key, value, None)
    if config.keymap:
        _update_table(doc, "keymap", {k: (v, None) for k, v in config.keymap.items()})
    elif "keymap" in doc:
        del doc["keymap"]
    if not isinstance(doc.get("profiles"), MutableMapping):
        doc["profiles"] = tomlkit.table(is_super_table=True)
    profiles: MutableMapping[str, Any] = doc["profiles"]
    _drop_others(profiles, config.profiles)
    for name, profile in config.profiles.items():
        _update_table(profiles, name, _profile_entries(profile))
    _drop_others(doc, [*_TOP_KEYS, *config.extra])
    return doc


def _has_secret(config: Config) -> bool:
    return any(p.save_password and p.password for p in config.profiles.values())


def permission_warning(config: Config) -> str | None:
    """A warning when the file holds a saved password and others can read it."""
    if config.source is None or not _has_secret(config):
        return None
    try:
        mode = stat.S_IMODE(config.source.stat().st_mode)
    except OSError:
        return None
    if not mode & 0o077:
        return None
    return (
        f"{config.source} holds a saved password and other users of this computer can"
        f" read it (mode {mode:o}); run `chmod 600 {config.source}` (csms also fixes it"
        " the next time it saves the settings)."
    )


def save_config(config: Config, path: Path | None = None) -> None:
    """Write ``config`` atomically (a temporary file replaced in one step), keeping
    the comments and layout of the file already there."""
    path = config_path() if path is None else path
    for name in config.profiles:
        check_profile_name(name, "the configuration")
    text = tomlkit.dumps(_document(config, path))
    secret = _has_secret(config)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if secret:
            os.chmod(path.parent, 0o700)
        try:
            mode = 0o600 if secret else stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = 0o644
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as error:
        raise ConfigError(
            f"Cannot write {path}: {error.strerror or error}. "
            "Check that the directory exists and is writable."
        ) from None
