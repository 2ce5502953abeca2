"""Writing the settings keeps the user's file: comments, order, layout and
spelling stay; only what changed is touched; defaults are not written out."""

from __future__ import annotations

import stat
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from tui.config import Config, ConfigError, Profile, load_config, save_config

HAND_WRITTEN = """\
# csms settings, kept by hand
theme = "nord"   # dark, easy on the eyes

[profiles.office]   # the branch account
# the sub-user the branch logs in with
msisdn = "branch.team"
concurrency = 2 # the gateway refused more
masks = [
    "ACME",       # main
    "ACME-ALERT", # outages only
]

[keymap]
# my muscle memory
send = "ctrl+s"

[profiles.default]
timeout = 10
inbox_interval = 120
future_option = "kept"

active = "ignored"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_edit_keeps_comments_and_layout_and_changes_only_that_value(tmp_path: Path) -> None:
    path = _write(tmp_path, HAND_WRITTEN.replace('\nactive = "ignored"\n', ""))
    config = load_config(path)
    office = config.profile("office")
    config.profiles["office"] = replace(office, concurrency=3)
    save_config(config, path)
    after = path.read_text(encoding="utf-8")
    expected = HAND_WRITTEN.replace('\nactive = "ignored"\n', "").replace(
        "concurrency = 2 # the gateway", "concurrency = 3 # the gateway"
    )
    assert after == expected
    assert load_config(path).profile("office").concurrency == 3


def test_saving_unchanged_settings_leaves_the_file_byte_for_byte(tmp_path: Path) -> None:
    text = HAND_WRITTEN.replace('\nactive = "ignored"\n', "")
    path = _write(tmp_path, text)
    save_config(load_config(path), path)
    assert path.read_text(encoding="utf-8") == text


def test_new_values_are_added_and_cleared_ones_removed_in_place(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '# top\n[profiles.default]  # mine\nrate_limit = 5  # per second\nmsisdn = "x.team"\n',
    )
    config = load_config(path)
    profile = config.profile()
    config.profiles["default"] = replace(profile, rate_limit=None, timezone="Asia/Dubai")
    save_config(config, path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# top\n[profiles.default]  # mine\n")
    assert "rate_limit" not in text
    assert 'msisdn = "x.team"' in text and 'timezone = "Asia/Dubai"' in text
    assert load_config(path).profile().timezone == "Asia/Dubai"


def test_only_what_differs_from_the_defaults_is_written(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    work = Profile("work", msisdn="923001234567", timeout=10.0)
    save_config(Config(active_profile="work", profiles={"work": work}), path)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data == {"profiles": {"work": {"msisdn": "923001234567", "timeout": 10}}}
    assert load_config(path).profile("work") == work


def test_a_value_set_back_to_its_default_stays_where_the_user_wrote_it(tmp_path: Path) -> None:
    path = _write(tmp_path, "[profiles.default]\n# slow network\ntimeout = 90\n")
    config = load_config(path)
    config.profiles["default"] = replace(config.profile(), timeout=30.0)
    save_config(config, path)
    assert path.read_text(encoding="utf-8") == "[profiles.default]\n# slow network\ntimeout = 30\n"


def test_profiles_added_and_deleted_and_unknown_keys_kept(tmp_path: Path) -> None:
    path = _write(tmp_path, HAND_WRITTEN)
    config = load_config(path)
    assert config.extra == {}  # 'active' sits inside [profiles.default]
    assert config.profile("default").extra == {"future_option": "kept", "active": "ignored"}
    del config.profiles["office"]
    config.profiles["branch"] = Profile("branch", msisdn="923331234567")
    save_config(config, path)
    text = path.read_text(encoding="utf-8")
    assert "[profiles.office]" not in text and "the branch account" not in text
    assert "# csms settings, kept by hand" in text and "# my muscle memory" in text
    loaded = load_config(path)
    assert set(loaded.profiles) == {"default", "branch"}
    assert loaded.profile("branch").msisdn == "923331234567"
    assert loaded.profile("default").extra == {"future_option": "kept", "active": "ignored"}


def test_a_password_not_to_be_kept_is_taken_out_of_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, '[profiles.default]\n# mine\npassword = "in-file"\n')
    path.chmod(0o600)
    config = load_config(path)
    config.profiles["default"] = replace(config.profile(), save_password=False)
    save_config(config, path)
    text = path.read_text(encoding="utf-8")
    assert "in-file" not in text and "# mine" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # a private file stays private


def test_a_saved_password_keeps_the_hand_written_file_private(tmp_path: Path) -> None:
    path = _write(tmp_path, "# shared machine\n[profiles.default]\ntimeout = 10\n")
    path.chmod(0o644)
    config = load_config(path)
    config.profiles["default"] = replace(config.profile(), password="pw-1", save_password=True)
    save_config(config, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# shared machine\n") and 'password = "pw-1"' in text


def test_an_unreadable_old_file_is_replaced_by_the_settings_in_memory(tmp_path: Path) -> None:
    path = _write(tmp_path, "this is [not toml\n")
    save_config(Config(theme="nord"), path)
    assert load_config(path).theme == "nord"


def test_a_bad_profile_name_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = _write(tmp_path, "# keep\n")
    with pytest.raises(ConfigError, match="not usable"):
        save_config(Config(profiles={"../x": Profile("../x")}), path)
    assert path.read_text(encoding="utf-8") == "# keep\n"
