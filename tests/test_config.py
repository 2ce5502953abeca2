"""Profiles in TOML: defaults, round trip, environment, file modes, errors."""

from __future__ import annotations

import dataclasses
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tui.config import (
    PROFILE_KEYS,
    Config,
    ConfigError,
    Profile,
    active_profile_name,
    apply_env,
    config_dir,
    config_path,
    data_dir,
    load_config,
    log_dir,
    save_config,
    tls_warning,
    validate_profile,
)
from tui.gateway.codes import DEFAULT_BASE_URL


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
    ):
        monkeypatch.setenv(var, str(tmp_path / sub))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_profile_field_is_a_declared_key() -> None:
    names = {f.name for f in dataclasses.fields(Profile)} - {"name", "extra"}
    assert set(PROFILE_KEYS) == names
    for name, spec in PROFILE_KEYS.items():
        assert spec.name == name and spec.help.endswith(".") and spec.label, name
        assert spec.default == getattr(Profile("p"), name)


def test_directories_follow_xdg(tmp_path: Path) -> None:
    assert config_dir() == tmp_path / "config" / "csms"
    assert config_path() == tmp_path / "config" / "csms" / "config.toml"
    work = data_dir("work")
    assert work == tmp_path / "data" / "csms" / "profiles" / "work" and work.is_dir()
    demo = data_dir("work", demo=True)
    assert demo == tmp_path / "data" / "csms" / "demo" and demo.is_dir()
    assert log_dir().is_dir() and log_dir().is_relative_to(tmp_path / "state")


@pytest.mark.parametrize("name", ["../escape", "a/b", "", ".hidden"])
def test_data_dir_refuses_unsafe_profile_names(name: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not usable"):
        data_dir(name)
    assert not (tmp_path / "data" / "escape").exists()


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config()
    assert config.active_profile == "default"
    assert list(config.profiles) == ["default"]
    profile = config.profile()
    assert profile.base_url == DEFAULT_BASE_URL
    assert profile.password is None
    assert profile.timezone == "Asia/Karachi"
    assert config.source == config_path()
    assert validate_profile(profile) == []


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "c" / "config.toml"
    work = Profile(
        "work",
        base_url="https://gw.example:27677",
        msisdn="923001234567",
        default_mask="ACME",
        masks=["ACME", "ACME-ALERT"],
        poll_initial=3.0,
        concurrency=2,
        rate_limit=5.0,
        verify_tls=False,
        ca_bundle="/etc/ssl/x.pem",
        extra={"future_option": [1, 2]},
    )
    config = Config(
        active_profile="work",
        profiles={"default": Profile("default"), "work": work},
        theme="nord",
        keymap={"send": "ctrl+s", "app.quit": "ctrl+q"},
        extra={"new_section": {"x": 1}},
    )
    save_config(config, path)
    loaded = load_config(path)
    assert loaded == config
    assert loaded.profile("work").rate_limit == 5.0
    assert loaded.profile("default").rate_limit is None


def test_unknown_keys_are_kept_on_save(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'active_profile = "a"\nsomething_new = true\n\n'
        '[profiles.a]\nmsisdn = "923001234567"\nshiny = "yes"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.profile().msisdn == "923001234567"
    save_config(config, path)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["something_new"] is True
    assert data["profiles"]["a"]["shiny"] == "yes"


def test_no_password_is_written_unless_chosen(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    profile = Profile("default", msisdn="923001234567", password="hunter2-secret")
    save_config(Config(profiles={"default": profile}), path)
    assert "hunter2-secret" not in path.read_text(encoding="utf-8")
    assert load_config(path).profile().password is None
    assert _mode(path) & 0o077 == 0o044  # a new file without secrets is 0644


def test_saved_password_makes_file_and_dir_private(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    folder.mkdir(mode=0o755)
    path = folder / "config.toml"
    profile = Profile("default", password="hunter2-secret", save_password=True)
    save_config(Config(profiles={"default": profile}), path)
    assert _mode(path) == 0o600
    assert _mode(folder) == 0o700
    loaded = load_config(path).profile()
    assert loaded.password == "hunter2-secret" and loaded.save_password
    leftovers = [p.name for p in folder.iterdir() if p.name != "config.toml"]
    assert leftovers == []


def test_hand_written_password_counts_as_saved(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.default]\npassword = "pw-in-file"\n', encoding="utf-8")
    profile = load_config(path).profile()
    assert profile.password == "pw-in-file" and profile.save_password


def test_save_replaces_atomically_and_keeps_the_old_file_on_failure(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_config(Config(theme="one"), path)
    before = path.read_bytes()
    bad = Config(theme="two", keymap={"send": "ctrl+s"})
    bad.extra["broken"] = object()  # TOML cannot hold this
    with pytest.raises(TypeError):
        save_config(bad, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_bad_toml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "x"\n[profiles.default\nmsisdn = 1\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message
    assert "line 2" in message
    assert "not valid TOML" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("body", "key", "line"),
    [
        ('[profiles.default]\nmsisdn = "x"\nconcurrency = "four"\n', "concurrency", 3),
        ("[profiles.default]\nverify_tls = 1\n", "verify_tls", 2),
        ("[profiles.default]\nmasks = [1, 2]\n", "masks", 2),
        ("[profiles.default]\npoll_initial = true\n", "poll_initial", 2),
        ("theme = 5\n", "theme", 1),
        ("[keymap]\nsend = 3\n", "keymap.send", 2),
        ("profiles = 3\n", "profiles", 1),
    ],
)
def test_wrong_types_name_the_key(tmp_path: Path, body: str, key: str, line: int) -> None:
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert key in message
    assert f"line {line}" in message
    assert str(path) in message


def test_wrong_type_message_never_shows_a_password(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[profiles.default]\npassword = 123456789\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "password" in str(caught.value)
    assert "123456789" not in str(caught.value)


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'theme = "\xff\xfe"\n')
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(path)
    with pytest.raises(ConfigError, match="Cannot read"):
        load_config(tmp_path)  # a directory


def test_integers_are_accepted_for_seconds(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[profiles.default]\ntimeout = 10\nrate_limit = 2\n", encoding="utf-8")
    profile = load_config(path).profile()
    assert profile.timeout == 10.0 and isinstance(profile.timeout, float)
    assert profile.rate_limit == 2.0


def test_first_profile_is_active_when_none_is_named(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.work]\nmsisdn = "923001234567"\n', encoding="utf-8")
    config = load_config(path)
    assert config.active_profile == "work"
    assert list(config.profiles) == ["work"]


def test_env_overrides() -> None:
    profile = Profile("default", msisdn="923001234567", password="file-pw", save_password=True)
    env = {
        "CSMS_BASE_URL": "http://127.0.0.1:9000",
        "CSMS_MSISDN": "923211234567",
        "CSMS_PASSWORD": "env-pw",
    }
    applied = apply_env(profile, env)
    assert applied.base_url == "http://127.0.0.1:9000"
    assert applied.msisdn == "923211234567"
    assert applied.password == "env-pw"
    assert not applied.save_password  # an env password is never written to disk
    assert profile.password == "file-pw" and profile.msisdn == "923001234567"
    assert apply_env(profile, {}) == profile
    assert apply_env(profile, {"CSMS_PASSWORD": ""}).password == "file-pw"


def test_env_password_never_reaches_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    profile = apply_env(Profile("default", save_password=True), {"CSMS_PASSWORD": "env-secret"})
    save_config(Config(profiles={"default": profile}), path)
    assert "env-secret" not in path.read_text(encoding="utf-8")


def test_active_profile_name_order() -> None:
    config = Config(
        active_profile="a", profiles={"a": Profile("a"), "b": Profile("b"), "c": Profile("c")}
    )
    assert active_profile_name(config, None, {}) == "a"
    assert active_profile_name(config, None, {"CSMS_PROFILE": "b"}) == "b"
    assert active_profile_name(config, "c", {"CSMS_PROFILE": "b"}) == "c"
    with pytest.raises(ConfigError) as caught:
        active_profile_name(config, None, {"CSMS_PROFILE": "zz"})
    assert "CSMS_PROFILE" in str(caught.value) and "a, b, c" in str(caught.value)
    with pytest.raises(ConfigError, match="--profile"):
        active_profile_name(config, "nope", {})
    with pytest.raises(ConfigError, match="no profile named 'x'"):
        config.profile("x")


def test_tls_warning() -> None:
    assert tls_warning(Profile("p")) is None
    assert tls_warning(Profile("p", base_url="http://127.0.0.1:8080")) is None
    warning = tls_warning(Profile("p", verify_tls=False))
    assert warning is not None and "'p'" in warning and "certificate" in warning
    plain = tls_warning(Profile("p", base_url="http://gw.example.com"))
    assert plain is not None and "https" in plain


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"base_url": "ftp://x"}, "http(s)"),
        ({"base_url": "telenorcsms.com.pk"}, "http(s)"),
        ({"base_url": "https://h:99999"}, "port"),
        ({"timezone": "Mars/Olympus"}, "time zone"),
        ({"concurrency": 0}, "Requests at once (concurrency) must be at least 1"),
        ({"url_limit": 499}, "at least 500 characters"),
        ({"poll_initial": 0.0}, "(poll_initial) must be more than 0 seconds"),
        ({"poll_max": 1.0}, "longest poll"),
        ({"poll_backoff": 0.5}, "backoff"),
        ({"keepalive_idle": 1800.0}, "keep-alive"),
        ({"timeout": 0.0}, "timeout"),
        ({"rate_limit": 0.0}, "(rate_limit) must be more than 0"),
        ({"inbox_interval": 0.5}, "(inbox_interval) must be at least 1 second"),
        ({"ca_bundle": "/nonexistent/ca.pem"}, "CA bundle"),
        ({"msisdn": "0300-123"}, "too short"),
        ({"default_mask": "X", "masks": ["A"]}, "default mask"),
    ],
)
def test_validate_profile_problems(changes: dict[str, Any], words: str) -> None:
    problems = validate_profile(dataclasses.replace(Profile("p"), **changes))
    assert len(problems) == 1, problems
    assert words in problems[0]
    assert problems[0].endswith(".")


def test_validate_accepts_sub_user_names_and_good_values(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    profile = Profile(
        "p",
        msisdn="marketing.team",
        ca_bundle=str(bundle),
        default_mask="A",
        masks=["A"],
        base_url="http://127.0.0.1:8080",
    )
    assert validate_profile(profile) == []
    assert validate_profile(Profile("p", msisdn="0300-1234567")) == []


def test_existing_private_file_stays_private_without_secret(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("", encoding="utf-8")
    os.chmod(path, 0o600)
    save_config(Config(), path)
    assert _mode(path) == 0o600


def test_an_unknown_profile_on_a_fresh_machine_does_not_name_a_missing_file_as_its_home(
    tmp_path: Path,
) -> None:
    from tui.config import ConfigError, active_profile_name, load_config

    path = tmp_path / "csms" / "config.toml"  # never written
    config = load_config(path)
    with pytest.raises(ConfigError) as raised:
        active_profile_name(config, "nosuch", env={})
    assert f"there is no file at {path} yet" in str(raised.value)
