"""The one declaration of a profile's keys: :class:`Profile`.

Each field of the dataclass is a key of ``[profiles.NAME]`` in
``config.toml``; its annotation is the key's type, its default the key's
default, and its :func:`key` metadata the rest: bounds or choices, the one-line
help, whether it is secret, and how Settings shows it. Reading, validation,
the Settings form and the key table of ``tui/help/settings.md`` all come from
here (``scripts/config_keys.py`` writes that table).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from tui.config.keyspec import HH_MM, KINDS, SECTIONS, WEEKDAYS, KeySpec, spec
from tui.gateway.codes import DEFAULT_BASE_URL, SESSION_LIFETIME_SECONDS

__all__ = ["PROFILE_KEYS", "WEEKDAYS", "KeySpec", "Profile", "settings_keys"]

_SECONDS = "seconds"


@dataclass
class Profile:
    """One gateway account and how csms talks to it."""

    name: str
    base_url: str = field(
        default=DEFAULT_BASE_URL,
        metadata=spec(
            help="Address of the gateway (http or https, with its port).",
            section="Account",
            label="Gateway base URL",
            required=True,
            example=DEFAULT_BASE_URL,
        ),
    )
    msisdn: str = field(
        default="",
        metadata=spec(
            help="The account's number (923XXXXXXXXX), or a sub-user name.",
            section="Account",
            label="Account number (MSISDN) or sub-user name",
            example="923001234567",
        ),
    )
    password: str | None = field(
        default=None,
        repr=False,
        metadata=spec(
            help="Only kept here with save_password; else asked at login or CSMS_PASSWORD.",
            section="Account",
            label="Password",
            secret=True,
            in_settings=False,
        ),
    )
    save_password: bool = field(
        default=False,
        metadata=spec(
            help="Keep the password in this file (then readable by you alone).",
            section="Account",
            label="Remember the password in the config file",
        ),
    )
    masks: list[str] = field(
        default_factory=list,
        metadata=spec(
            help="Sender names approved for the account, comma separated in Settings.",
            section="Masks",
            label="Masks",
            example="CSMS, SHOP",
        ),
    )
    default_mask: str | None = field(
        default=None,
        metadata=spec(
            help="The mask used when a send names none; one of masks.",
            section="Masks",
            label="Default mask",
            empty="the account's default",
        ),
    )
    timezone: str = field(
        default="Asia/Karachi",
        metadata=spec(
            help="Time zone of times on screen, schedules and sending hours.",
            section="Time and sending hours",
            label="Time zone",
            required=True,
            example="Asia/Karachi",
        ),
    )
    send_from: str = field(
        default="09:00",
        metadata=spec(
            help="Start of the sending hours (profile time zone); sends outside them ask first.",
            section="Time and sending hours",
            label="Sending hours start",
            pattern=HH_MM,
            pattern_words="a time of day as HH:MM",
            example="09:00",
        ),
    )
    send_until: str = field(
        default="21:00",
        metadata=spec(
            help="End of the sending hours, in the profile's time zone.",
            section="Time and sending hours",
            label="Sending hours end",
            pattern=HH_MM,
            pattern_words="a time of day as HH:MM",
            example="21:00",
        ),
    )
    send_days: list[str] = field(
        default_factory=lambda: list(WEEKDAYS),
        metadata=spec(
            help="Days when sends may go out (at least one).",
            section="Time and sending hours",
            label="Sending days",
            choices=WEEKDAYS,
            example="mon, tue, wed",
        ),
    )
    poll_initial: float = field(
        default=2.0,
        metadata=spec(
            help="Wait before the first status poll of something in flight.",
            section="Status polling",
            label="First status poll after",
            unit=_SECONDS,
            minimum=0,
            above=True,
        ),
    )
    poll_max: float = field(
        default=60.0,
        metadata=spec(
            help="Longest wait between status polls as they back off.",
            section="Status polling",
            label="Longest wait between status polls",
            unit=_SECONDS,
            minimum=0,
            above=True,
        ),
    )
    poll_backoff: float = field(
        default=1.5,
        metadata=spec(
            help="Each wait between status polls is the last one times this.",
            section="Status polling",
            label="Poll backoff factor",
            minimum=1,
        ),
    )
    inbox_interval: float = field(
        default=60.0,
        metadata=spec(
            help="How often the inbox is checked for incoming SMS.",
            section="Inbox",
            label="Inbox check interval",
            unit=_SECONDS,
            minimum=1,
        ),
    )
    auto_fetch: bool = field(
        default=True,
        metadata=spec(
            help="Fetch free incoming SMS on their own.",
            section="Inbox",
            label="Fetch free incoming messages automatically",
        ),
    )
    auto_pay: bool = field(
        default=False,
        metadata=spec(
            help="Pay for pending incoming SMS on their own (this costs credit).",
            section="Inbox",
            label="Pay for pending incoming messages automatically",
        ),
    )
    concurrency: int = field(
        default=4,
        metadata=spec(
            help="Requests to the gateway at the same time.",
            section="Limits",
            label="Requests at once",
            minimum=1,
        ),
    )
    rate_limit: float | None = field(
        default=None,
        metadata=spec(
            help="Requests per second at most.",
            section="Limits",
            label="Requests per second",
            minimum=0,
            above=True,
            empty="no limit",
            example="5",
        ),
    )
    url_limit: int = field(
        default=4000,
        metadata=spec(
            help="Longest request URL; longer recipient lists are split.",
            section="Limits",
            label="Longest request URL",
            unit="characters",
            minimum=500,
        ),
    )
    timeout: float = field(
        default=30.0,
        metadata=spec(
            help="How long to wait for the gateway's answer to one request.",
            section="Limits",
            label="Request timeout",
            unit=_SECONDS,
            minimum=0,
            above=True,
        ),
    )
    keepalive_idle: float = field(
        default=1200.0,
        metadata=spec(
            help="Ping the gateway after this long idle, so the session does not expire.",
            section="Limits",
            label="Session keep-alive after idle",
            unit=_SECONDS,
            minimum=0,
            above=True,
            below=SESSION_LIFETIME_SECONDS,
        ),
    )
    verify_tls: bool = field(
        default=True,
        metadata=spec(
            help="Check the gateway's TLS certificate (off: open to interception).",
            section="TLS",
            label="Verify the gateway's TLS certificate",
        ),
    )
    ca_bundle: str | None = field(
        default=None,
        metadata=spec(
            help="PEM file of the CA that signed the gateway's certificate.",
            section="TLS",
            label="CA bundle file",
            empty="the system certificates",
        ),
    )
    optout_keywords: list[str] | None = field(
        default=None,
        metadata=spec(
            help="Whole replies that put their sender on the do-not-contact list.",
            section="Opt-outs",
            label="Opt-out keywords",
            empty="the built-in STOP, BAND KARO, ...",
        ),
    )
    optin_keywords: list[str] | None = field(
        default=None,
        metadata=spec(
            help="Whole replies that take their sender off the list again.",
            section="Opt-outs",
            label="Opt-in keywords",
            empty="the built-in START, SHURU KARO, ...",
        ),
    )
    optout_confirmation: str = field(
        default="",
        metadata=spec(
            help="An SMS sent once to a number that opts out by a reply.",
            section="Opt-outs",
            label="SMS sent once to a number that opts out",
            empty="none",
            example="Send START to rejoin",
        ),
    )
    price_per_segment: float | None = field(
        default=None,
        metadata=spec(
            help="Price of one SMS segment in credit; costs are then shown in credit.",
            section="Costs",
            label="Price of one SMS segment",
            unit="credit",
            minimum=0,
            empty="not known",
        ),
    )
    #: Keys of the profile's table this version does not know, kept on save.
    extra: dict[str, Any] = field(default_factory=dict, repr=False)


def _specs() -> dict[str, KeySpec]:
    specs: dict[str, KeySpec] = {}
    for f in dataclasses.fields(Profile):
        spec = f.metadata.get("spec")
        if spec is None:
            continue
        kind = KINDS.get(str(f.type))
        if kind is None:
            raise AssertionError(f"Profile.{f.name}: no kind for {f.type!r}")
        default: Any = f.default
        if default is dataclasses.MISSING and callable(f.default_factory):
            default = f.default_factory()
        specs[f.name] = dataclasses.replace(spec, name=f.name, kind=kind, default=default)
    return specs


#: Every profile key, in declaration order.
PROFILE_KEYS: dict[str, KeySpec] = _specs()


def settings_keys() -> list[KeySpec]:
    """The keys Settings shows, section by section."""
    shown = [spec for spec in PROFILE_KEYS.values() if spec.in_settings]
    return sorted(shown, key=lambda spec: SECTIONS.index(spec.section))
