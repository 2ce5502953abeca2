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

Every key of a profile is declared once, in :mod:`tui.config.schema`.
A password is written only for a profile with ``save_password = true``, and then
the file is made readable by its owner only. ``CSMS_BASE_URL``, ``CSMS_MSISDN``
and ``CSMS_PASSWORD`` override the profile in use; ``CSMS_PROFILE`` picks it.
Keys this version does not know are kept as they are, and so are the file's
comments and layout.

Modules: ``schema`` (the keys), ``model`` (Config, ConfigError), ``paths``
(directories), ``load`` (reading), ``checks`` (validation), ``save`` (writing),
``env`` (environment overrides).
"""

from __future__ import annotations

from tui.config.checks import limit_problems, tls_warning, validate_profile
from tui.config.env import (
    ENV_BASE_URL,
    ENV_MSISDN,
    ENV_PASSWORD,
    ENV_PROFILE,
    active_profile_name,
    apply_env,
    env_note,
)
from tui.config.load import load_config
from tui.config.model import Config, ConfigError
from tui.config.paths import APP_NAME, CONFIG_FILE, config_dir, config_path, data_dir, log_dir
from tui.config.save import permission_warning, save_config
from tui.config.schema import PROFILE_KEYS, WEEKDAYS, KeySpec, Profile

#: Shortest ``url_limit`` a profile may set (declared in the schema).
MIN_URL_LIMIT = int(PROFILE_KEYS["url_limit"].minimum or 0)

__all__ = [
    "APP_NAME",
    "CONFIG_FILE",
    "ENV_BASE_URL",
    "ENV_MSISDN",
    "ENV_PASSWORD",
    "ENV_PROFILE",
    "MIN_URL_LIMIT",
    "PROFILE_KEYS",
    "WEEKDAYS",
    "Config",
    "ConfigError",
    "KeySpec",
    "Profile",
    "active_profile_name",
    "apply_env",
    "config_dir",
    "config_path",
    "data_dir",
    "env_note",
    "limit_problems",
    "load_config",
    "log_dir",
    "permission_warning",
    "save_config",
    "tls_warning",
    "validate_profile",
]
