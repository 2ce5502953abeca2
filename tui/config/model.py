"""The whole settings file (:class:`Config`) and the error every reader raises."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.config.schema import Profile


class ConfigError(Exception):
    """The configuration cannot be used; the message says where, what and what to do."""


def default_profiles() -> dict[str, Profile]:
    return {"default": Profile("default")}


@dataclass
class Config:
    """The whole settings file."""

    active_profile: str = "default"
    profiles: dict[str, Profile] = field(default_factory=default_profiles)
    theme: str | None = None
    #: Binding id -> keys, for ``App.set_keymap``.
    keymap: dict[str, str] = field(default_factory=dict)
    #: Top-level keys this version does not know, kept on save.
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    #: The file this was read from (None if built in code).
    source: Path | None = field(default=None, repr=False, compare=False)

    def profile(self, name: str | None = None) -> Profile:
        """The profile called ``name`` (the active one if None)."""
        name = self.active_profile if name is None else name
        try:
            return self.profiles[name]
        except KeyError:
            raise ConfigError(
                f"There is no profile named {name!r} in {self.where()}; "
                f"the profiles are: {profile_names(self)}. Pick one of them or add it in Settings."
            ) from None

    def where(self) -> str:
        if self.source is None:
            return "the configuration"
        if not self.source.exists():
            return f"the configuration (there is no file at {self.source} yet)"
        return str(self.source)


def profile_names(config: Config) -> str:
    return ", ".join(sorted(config.profiles)) or "(none)"


PROFILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")
PROFILE_NAME_RULE = (
    "use up to 64 letters, digits, '-', '_' or '.', starting with a letter, digit or '_'"
)


def check_profile_name(name: str, where: str) -> None:
    if not PROFILE_NAME.fullmatch(name):
        raise ConfigError(f"Profile name {name!r} in {where} is not usable: {PROFILE_NAME_RULE}.")
