"""Settings no run can use are refused when the file is read, in one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli.main import main
from tui.config import ConfigError, config_path, load_config


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("concurrency = 0", "concurrency) must be at least 1"),
        ("concurrency = -3", "concurrency) must be at least 1"),
        ("rate_limit = -1.0", "rate_limit) must be more than 0"),
        ("timeout = nan", "timeout must be a number"),
        ("timeout = inf", "timeout must be a number"),
        ("timeout = -5", "timeout) must be more than 0 seconds"),
        ('base_url = "https://gateway.example:99999"', "invalid port"),
        ('base_url = "gateway.example"', "not an http(s) URL"),
        ("poll_backoff = 0.5", "backoff factor (poll_backoff) must be at least 1"),
        ("inbox_interval = 0.5", "(inbox_interval) must be at least 1 second, not 0.5"),
        ("keepalive_idle = 1800", "must be more than 0 and under 1800 seconds, not 1800"),
        ('send_from = "9am"', "(send_from) is '9am', not a time of day as HH:MM"),
        (
            'send_days = ["mon", "someday"]',
            "(send_days) must name days as mon, tue, wed, thu, fri, sat, sun (at least one),"
            " not mon, someday.",
        ),
        ("price_per_segment = -0.5", "(price_per_segment) must be at least 0 credit"),
    ],
)
def test_unusable_values_are_one_sentence_naming_the_profile(
    line: str, words: str, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[profiles.office]\nmsisdn = "923001234567"\n{line}\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert words in message and str(path) in message
    assert "office" in message and "\n" not in message
    assert "(line 3)" in message  # the line of the value at fault


def test_a_command_with_such_a_file_fails_in_one_sentence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[profiles.default]\nconcurrency = 0\n")
    assert main(["send", "--to", "03001234567", "--text", "hi", "--json"]) == 2
    out = capsys.readouterr().out
    assert "(concurrency) must be at least 1" in out and "Traceback" not in out


def test_an_environment_url_with_a_bad_port_is_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CSMS_BASE_URL", "http://127.0.0.1:99999")
    monkeypatch.setenv("CSMS_MSISDN", "923001234567")
    monkeypatch.setenv("CSMS_PASSWORD", "demo")
    assert main(["send", "--to", "03001234567", "--text", "hi"]) == 2
    err = capsys.readouterr().err
    assert "invalid port" in err and err.count("\n") == 1


def test_a_readable_file_holding_a_password_is_warned_about(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from tui.config import permission_warning

    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[profiles.default]\nmsisdn = "923001234567"\npassword = "s3cret"\n')
    os.chmod(path, 0o644)
    warning = permission_warning(load_config(path))
    assert warning is not None and "chmod 600" in warning and "s3cret" not in warning
    monkeypatch.setenv("CSMS_BASE_URL", "http://127.0.0.1:9")
    main(["status", "1"])  # any command that reads the profile says it once
    err = capsys.readouterr().err
    assert err.count("holds a saved password") == 1 and "s3cret" not in err
    os.chmod(path, 0o600)
    assert permission_warning(load_config(path)) is None
