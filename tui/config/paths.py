"""Where csms keeps its files: the settings file, each profile's data, the logs."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from tui.config.model import check_profile_name

APP_NAME = "csms"
CONFIG_FILE = "config.toml"


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
        check_profile_name(profile, "the data directory")
        path = base / "profiles" / profile
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def log_dir() -> Path:
    """Directory of the log files (``$XDG_STATE_HOME/csms/log`` on Linux), created."""
    path = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
