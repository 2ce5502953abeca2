"""The environment: CSMS_PROFILE picks the profile; CSMS_BASE_URL, CSMS_MSISDN
and CSMS_PASSWORD override the one in use."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from tui.config.model import Config, ConfigError, profile_names
from tui.config.schema import Profile
from tui.wording import and_list

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
            f"{source} names profile {name!r}, which is not in {config.where()}; "
            f"the profiles are: {profile_names(config)}. Use one of them or add it in Settings."
        )
    return name


def env_note(env: Mapping[str, str] = os.environ) -> str:
    """What the environment overrides for the profile in use, as one sentence
    for Settings ("" when nothing): the base URL and account with their
    values, the password by name only."""
    named = [
        f"{key} ({env[key]})" if key != ENV_PASSWORD else key
        for key in (ENV_BASE_URL, ENV_MSISDN, ENV_PASSWORD)
        if env.get(key)
    ]
    if not named:
        return ""
    return (
        f"This session connects with {and_list(named)} from the environment, in place of"
        " the fields below; Save writes the fields, not these."
    )
