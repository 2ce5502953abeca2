"""Settings: profiles (one per gateway account), read from and written to TOML.

The file lives in the user's config directory (``~/.config/csms/config.toml``
on Linux, XDG respected)::

    active_profile = "default"
    theme = "textual-dark"

    [keymap]
    send = "ctrl+s"

    [profiles.default]
    msisdn = "923001234567"
    default_mask = "ACME"
    masks = ["ACME", "ACME-ALERT"]

A password is written only for a profile with ``save_password = true``, and then
the file is made readable by its owner only. ``CSMS_BASE_URL``, ``CSMS_MSISDN``
and ``CSMS_PASSWORD`` override the profile in use; ``CSMS_PROFILE`` picks it.
Keys this version does not know are kept as they are.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import stat
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
import tomli_w

from tui.gateway.codes import DEFAULT_BASE_URL, SESSION_LIFETIME_SECONDS
from tui.gateway.errors import InvalidInput
from tui.gateway.numbers import NumberError, normalize
from tui.gateway.validate import message_text

__all__ = [
    "APP_NAME",
    "Config",
    "ConfigError",
    "Profile",
    "active_profile_name",
    "apply_env",
    "config_dir",
    "config_path",
    "data_dir",
    "limit_problems",
    "load_config",
    "log_dir",
    "permission_warning",
    "save_config",
    "tls_warning",
    "validate_profile",
]

APP_NAME = "csms"
CONFIG_FILE = "config.toml"
MIN_URL_LIMIT = 500


class ConfigError(Exception):
    """The configuration cannot be used; the message says where, what and what to do."""


@dataclass
class Profile:
    """One gateway account and how csms talks to it."""

    name: str
    base_url: str = DEFAULT_BASE_URL
    #: The account's number, or a sub-user name.
    msisdn: str = ""
    #: Only set if saved in the file or given in the environment.
    password: str | None = field(default=None, repr=False)
    save_password: bool = False
    default_mask: str | None = None
    masks: list[str] = field(default_factory=list)
    timezone: str = "Asia/Karachi"
    #: Seconds before the first status poll of something in flight.
    poll_initial: float = 2.0
    #: Ceiling of the poll interval as it backs off.
    poll_max: float = 60.0
    poll_backoff: float = 1.5
    inbox_interval: float = 60.0
    auto_fetch: bool = True
    auto_pay: bool = False
    #: Ping the gateway after this long idle, inside the 30-minute session expiry.
    keepalive_idle: float = 1200.0
    concurrency: int = 4
    #: Requests per second; None for no limit.
    rate_limit: float | None = None
    #: Longest request URL; longer recipient lists are split.
    url_limit: int = 4000
    timeout: float = 30.0
    verify_tls: bool = True
    ca_bundle: str | None = None
    #: The account's price of one SMS segment in credit, when the user knows it
    #: (the API does not say): costs before sending are then shown in credit.
    price_per_segment: float | None = None
    #: Hours when sends may go out, in the profile's time zone ("HH:MM"); a send
    #: outside them asks first (or is held until they open).
    send_from: str = "09:00"
    send_until: str = "21:00"
    #: Days when sends may go out (mon ... sun).
    send_days: list[str] = field(
        default_factory=lambda: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    )
    #: Whole replies that put their sender on the do-not-contact list, and that
    #: take it off again; left out (None), the built-in English, Roman Urdu and
    #: Urdu ones (``tui/gateway/keywords.py``). A list given replaces them.
    optout_keywords: list[str] | None = None
    optin_keywords: list[str] | None = None
    #: An SMS sent once to a number that opted out by a reply ("" = none).
    optout_confirmation: str = ""
    #: Keys of the profile's table this version does not know, kept on save.
    extra: dict[str, Any] = field(default_factory=dict, repr=False)


def _default_profiles() -> dict[str, Profile]:
    return {"default": Profile("default")}


@dataclass
class Config:
    """The whole settings file."""

    active_profile: str = "default"
    profiles: dict[str, Profile] = field(default_factory=_default_profiles)
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
                f"There is no profile named {name!r} in {self._where()}; "
                f"the profiles are: {_names(self)}. Pick one of them or add it in Settings."
            ) from None

    def _where(self) -> str:
        return str(self.source) if self.source is not None else "the configuration"


def _names(config: Config) -> str:
    return ", ".join(sorted(config.profiles)) or "(none)"


# Directories --------------------------------------------------------------------

_PROFILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")


def _check_profile_name(name: str, where: str) -> None:
    if not _PROFILE_NAME.fullmatch(name):
        raise ConfigError(
            f"Profile name {name!r} in {where} is not usable: use up to 64 letters, digits, "
            "'-', '_' or '.', starting with a letter, digit or '_'."
        )


def config_dir() -> Path:
    """Directory of the settings file (``$XDG_CONFIG_HOME/csms`` on Linux)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    return config_dir() / CONFIG_FILE


def data_dir(profile: str, *, demo: bool = False) -> Path:
    """Private data directory of a profile (ledger, imports), created if missing.

    The demo has its own directory so demo data never mixes with an account's.
    """
    base = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    if demo:
        path = base / "demo"
    else:
        _check_profile_name(profile, "the data directory")
        path = base / "profiles" / profile
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def log_dir() -> Path:
    """Directory of the log files (``$XDG_STATE_HOME/csms/log`` on Linux), created."""
    path = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


# Reading ------------------------------------------------------------------------

_STR = "text"
_OPT_STR = "text or left out"
_BOOL = "true or false"
_FLOAT = "a number"
_OPT_FLOAT = "a number or left out"
_INT = "a whole number"
_STR_LIST = "a list of texts"
_OPT_STR_LIST = "a list of texts or left out"

_PROFILE_KINDS: dict[str, str] = {
    "base_url": _STR,
    "msisdn": _STR,
    "password": _OPT_STR,
    "save_password": _BOOL,
    "default_mask": _OPT_STR,
    "masks": _STR_LIST,
    "timezone": _STR,
    "poll_initial": _FLOAT,
    "poll_max": _FLOAT,
    "poll_backoff": _FLOAT,
    "inbox_interval": _FLOAT,
    "auto_fetch": _BOOL,
    "auto_pay": _BOOL,
    "keepalive_idle": _FLOAT,
    "concurrency": _INT,
    "rate_limit": _OPT_FLOAT,
    "url_limit": _INT,
    "timeout": _FLOAT,
    "verify_tls": _BOOL,
    "ca_bundle": _OPT_STR,
    "price_per_segment": _OPT_FLOAT,
    "send_from": _STR,
    "send_until": _STR,
    "send_days": _STR_LIST,
    "optout_keywords": _OPT_STR_LIST,
    "optin_keywords": _OPT_STR_LIST,
    "optout_confirmation": _STR,
}


def _fits(value: object, kind: str) -> bool:
    if kind in (_STR, _OPT_STR):
        return isinstance(value, str)
    if kind == _BOOL:
        return isinstance(value, bool)
    if kind in (_FLOAT, _OPT_FLOAT):
        # nan and inf are TOML floats, but no setting can use them.
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    if kind == _INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in (_STR_LIST, _OPT_STR_LIST):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    raise AssertionError(kind)


class _Reader:
    """Turns the parsed TOML into a :class:`Config`, naming the key at fault."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def fail(self, table: tuple[str, ...], key: str, what: str) -> ConfigError:
        dotted = ".".join((*table, key))
        line = self._line_of(table, key)
        at = f" (line {line})" if line else ""
        return ConfigError(f"In {self.path}{at}, {dotted} {what}; correct or remove it.")

    def wrong_type(self, table: tuple[str, ...], key: str, kind: str, value: object) -> ConfigError:
        shown = "" if key == "password" else f", not {value!r}"
        return self.fail(table, key, f"must be {kind}{shown}")

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
                    raise self.wrong_type((), key, _STR, value)
                config.active_profile = value
            elif key == "theme":
                if not isinstance(value, str):
                    raise self.wrong_type((), key, _STR, value)
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
            config.profiles = _default_profiles()
        if "active_profile" not in data and "default" not in config.profiles:
            config.active_profile = next(iter(config.profiles))
        return config

    def keymap(self, value: object) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.fail((), "keymap", 'must be a table of binding = "keys" lines')
        for binding, keys in value.items():
            if not isinstance(keys, str):
                raise self.wrong_type(("keymap",), binding, _STR, keys)
        return dict(value)

    def profile(self, name: str, table: object) -> Profile:
        where = ("profiles", name)
        _check_profile_name(name, str(self.path))
        if not isinstance(table, dict):
            raise self.fail(("profiles",), name, "must be a table ([profiles.NAME])")
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in table.items():
            kind = _PROFILE_KINDS.get(key)
            if kind is None:
                extra[key] = value
                continue
            if not _fits(value, kind):
                raise self.wrong_type(where, key, kind, value)
            if kind in (_FLOAT, _OPT_FLOAT):
                value = float(value)
            values[key] = value
        if "password" in values and "save_password" not in values:
            values["save_password"] = True  # the user chose to keep it in the file
        profile = Profile(name=name, extra=extra, **values)
        problems = limit_problems(profile)
        if problems:
            raise ConfigError(
                f"In {self.path}, profile {name!r}: {problems[0]} Correct or remove it."
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


# Writing ------------------------------------------------------------------------


def _profile_table(profile: Profile) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for key in _PROFILE_KINDS:
        value = getattr(profile, key)
        if key == "password" and not profile.save_password:
            continue
        if value is None:
            continue  # TOML has no null: a left-out key means "not set"
        table[key] = list(value) if isinstance(value, list) else value
    for key, value in profile.extra.items():
        table.setdefault(key, value)
    return table


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
    """Write ``config`` atomically (a temporary file replaced in one step).

    With a saved password the file is made owner-only (0600) and its directory
    0700; without one no password is written at all.
    """
    path = config_path() if path is None else path
    for name in config.profiles:
        _check_profile_name(name, "the configuration")
    data: dict[str, Any] = {"active_profile": config.active_profile}
    if config.theme is not None:
        data["theme"] = config.theme
    for key, value in config.extra.items():
        if key not in ("active_profile", "theme", "keymap", "profiles"):
            data[key] = value
    if config.keymap:
        data["keymap"] = dict(config.keymap)
    data["profiles"] = {name: _profile_table(profile) for name, profile in config.profiles.items()}
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
            with os.fdopen(fd, "wb") as out:
                tomli_w.dump(data, out)
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


# Environment --------------------------------------------------------------------

ENV_PROFILE = "CSMS_PROFILE"
ENV_BASE_URL = "CSMS_BASE_URL"
ENV_MSISDN = "CSMS_MSISDN"
ENV_PASSWORD = "CSMS_PASSWORD"


def apply_env(profile: Profile, env: Mapping[str, str] = os.environ) -> Profile:
    """A copy of ``profile`` with CSMS_BASE_URL, CSMS_MSISDN and CSMS_PASSWORD applied.

    A password from the environment is never saved: the copy has
    ``save_password`` off, so writing it back cannot put that password on disk.
    """
    changes: dict[str, Any] = {}
    if env.get(ENV_BASE_URL):
        changes["base_url"] = env[ENV_BASE_URL]
    if env.get(ENV_MSISDN):
        changes["msisdn"] = env[ENV_MSISDN]
    if env.get(ENV_PASSWORD):
        changes["password"] = env[ENV_PASSWORD]
        changes["save_password"] = False
    if not changes:
        return replace(profile, masks=list(profile.masks), extra=dict(profile.extra))
    return replace(profile, masks=list(profile.masks), extra=dict(profile.extra), **changes)


def active_profile_name(
    config: Config, requested: str | None, env: Mapping[str, str] = os.environ
) -> str:
    """The profile to use: ``--profile``, else CSMS_PROFILE, else the file's choice."""
    if requested:
        name, source = requested, "--profile"
    elif env.get(ENV_PROFILE):
        name, source = env[ENV_PROFILE], ENV_PROFILE
    else:
        name, source = config.active_profile, "active_profile"
    if name not in config.profiles:
        raise ConfigError(
            f"{source} names profile {name!r}, which is not in {config._where()}; "
            f"the profiles are: {_names(config)}. Use one of them or add it in Settings."
        )
    return name


# Checks -------------------------------------------------------------------------

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def tls_warning(profile: Profile) -> str | None:
    """A warning sentence when the connection to the gateway is not protected."""
    if not profile.verify_tls:
        return (
            f"TLS certificate checks are off for profile {profile.name!r}: anyone between "
            "you and the gateway could read your password and messages. Turn them back "
            "on, or name the gateway's CA bundle in Settings."
        )
    parts = urlsplit(profile.base_url)
    if parts.scheme == "http" and (parts.hostname or "") not in _LOOPBACK:
        return (
            f"Profile {profile.name!r} talks to the gateway over plain http: your password "
            "and messages travel unencrypted. Use an https:// address."
        )
    return None


#: Day names of ``send_days``, Monday first (``datetime.weekday()`` order).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def limit_problems(profile: Profile) -> list[str]:
    """Problems with the gateway address and the numeric settings: values that no
    run can use (checked when the file is read)."""
    problems: list[str] = []
    parts = urlsplit(profile.base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(
            f"The gateway address {profile.base_url!r} is not an http(s) URL; "
            f"use one like {DEFAULT_BASE_URL}."
        )
    else:
        try:
            port = parts.port
        except ValueError:
            port = -1
        if port is not None and not 0 < port < 65536:
            problems.append(
                f"The gateway address {profile.base_url!r} has an invalid port; ports are"
                " 1 to 65535 (the gateway's is 27677)."
            )
    if profile.poll_initial <= 0:
        problems.append("The first poll interval must be more than 0 seconds.")
    if profile.poll_max < profile.poll_initial:
        problems.append("The longest poll interval must be at least the first one.")
    if profile.poll_backoff < 1:
        problems.append("The poll backoff factor must be 1 or more.")
    if profile.inbox_interval <= 0:
        problems.append("The inbox check interval must be more than 0 seconds.")
    if not 0 < profile.keepalive_idle < SESSION_LIFETIME_SECONDS:
        problems.append(
            "The keep-alive idle time must be more than 0 and under "
            f"{SESSION_LIFETIME_SECONDS // 60} minutes (when the session expires)."
        )
    if profile.concurrency < 1:
        problems.append("Concurrency must be at least 1 request at a time.")
    if profile.rate_limit is not None and profile.rate_limit <= 0:
        problems.append(
            "The rate limit must be more than 0 requests per second (leave it out for none)."
        )
    if profile.url_limit < MIN_URL_LIMIT:
        problems.append(f"The URL length limit must be at least {MIN_URL_LIMIT} characters.")
    if profile.timeout <= 0:
        problems.append("The request timeout must be more than 0 seconds.")
    for key in ("send_from", "send_until"):
        value = getattr(profile, key)
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            problems.append(f"{key} {value!r} is not a time of day; write it as HH:MM (09:00).")
    unknown_days = [d for d in profile.send_days if d.lower()[:3] not in WEEKDAYS]
    if unknown_days or not profile.send_days:
        problems.append(
            f"send_days {profile.send_days!r} must name days as mon, tue, wed, thu, fri,"
            " sat, sun (at least one)."
        )
    if profile.price_per_segment is not None and profile.price_per_segment < 0:
        problems.append(
            "The price per segment must be 0 or more credit (leave it out when unknown)."
        )
    problems.extend(_keyword_problems(profile))
    return problems


def _keyword_problems(profile: Profile) -> list[str]:
    from tui.gateway.keywords import DEFAULT_OPT_IN, DEFAULT_OPT_OUT, KeywordMatcher, fold

    problems: list[str] = []
    for key in ("optout_keywords", "optin_keywords"):
        words = getattr(profile, key)
        if words is not None and not [w for w in words if fold(w)]:
            problems.append(
                f"{key} holds no keyword; list at least one, or leave it out for the built-in ones."
            )
    try:
        KeywordMatcher(
            profile.optout_keywords or DEFAULT_OPT_OUT, profile.optin_keywords or DEFAULT_OPT_IN
        )
    except ValueError as error:
        problems.append(f"{error} Remove it from optout_keywords or optin_keywords.")
    text = profile.optout_confirmation
    if text.strip():
        try:
            message_text(text)
        except InvalidInput as error:
            problems.append(f"optout_confirmation: {error}")
    return problems


def validate_profile(profile: Profile) -> list[str]:
    """Problems with ``profile``, one sentence each (empty if it is usable)."""
    problems = limit_problems(profile)
    login = profile.msisdn.strip()
    if login and re.fullmatch(r"[\d\s+\-().]+", login):
        try:
            normalize(login)
        except NumberError as error:
            problems.append(
                f"The account number {login!r} is not a Pakistani mobile number ({error}); "
                "give it as 923XXXXXXXXX, or give the sub-user name."
            )
    try:
        ZoneInfo(profile.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            f"The time zone {profile.timezone!r} is unknown; use a name like Asia/Karachi."
        )
    if profile.default_mask is not None and profile.masks:
        if profile.default_mask not in profile.masks:
            problems.append(
                f"The default mask {profile.default_mask!r} is not in the profile's masks; "
                "add it to the list or choose another."
            )
    if profile.ca_bundle is not None and not Path(profile.ca_bundle).expanduser().is_file():
        problems.append(
            f"The CA bundle {profile.ca_bundle!r} does not exist; give the path of a PEM file."
        )
    return problems
