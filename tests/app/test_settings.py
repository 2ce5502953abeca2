"""Settings screen: edits reach the TOML file, invalid fields save nothing,
profiles are added and deleted (with confirmation), TLS warning, theme."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select

from tests.app.test_shell import make_demo_app, running, wait_until
from tui.app import CsmsApp
from tui.config import Config, Profile, load_config, save_config
from tui.screens.confirm import ConfirmScreen
from tui.screens.settings import FIELDS, SettingsScreen, profile_from_form


async def open_settings(app: CsmsApp, pilot: Pilot[Any]) -> SettingsScreen:
    await pilot.press("f10")
    screen = app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


def field(screen: SettingsScreen, name: str) -> Input:
    return screen.query_one(f"#field-{name}", Input)


def errors_shown(screen: SettingsScreen) -> str:
    return str(screen.query_one("#settings-errors").render())


def read_toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


async def test_changed_settings_are_written_to_the_toml_file(tmp_path: Path) -> None:
    app = make_demo_app(tmp_path)
    config_file = tmp_path / "config.toml"
    async with running(app) as pilot:
        screen = await open_settings(app, pilot)
        masks = field(screen, "masks")
        masks.focus()
        await pilot.press(*"ACME, ACME-ALERT")  # typed, as a user would
        field(screen, "default_mask").value = "ACME-ALERT"
        field(screen, "timezone").value = "Asia/Dubai"
        field(screen, "inbox_interval").value = "120"
        field(screen, "rate_limit").value = "2.5"
        screen.query_one("#field-auto_pay", Checkbox).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert errors_shown(screen) == "", [n.message for n in app._notifications]
        await wait_until(pilot, config_file.exists, "the config file")
    saved = read_toml(config_file)["profiles"]["default"]
    assert saved["masks"] == ["ACME", "ACME-ALERT"]
    assert saved["default_mask"] == "ACME-ALERT"
    assert saved["timezone"] == "Asia/Dubai"
    assert saved["inbox_interval"] == 120
    assert saved["rate_limit"] == 2.5
    assert saved["auto_pay"] is True
    assert load_config(config_file).profile("default").masks == ["ACME", "ACME-ALERT"]


async def test_invalid_fields_are_each_named_and_nothing_is_saved(tmp_path: Path) -> None:
    config_file = tmp_path / "config.toml"
    save_config(Config(), config_file)
    before = config_file.read_bytes()
    app = make_demo_app(tmp_path, load_config(config_file))
    async with running(app) as pilot:
        screen = await open_settings(app, pilot)
        field(screen, "poll_initial").value = "soon"
        field(screen, "timezone").value = "Mars/Olympus"
        field(screen, "concurrency").value = "0"
        field(screen, "masks").value = "CSMS"
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = errors_shown(screen)
        lines = shown.splitlines()
        assert any(line.startswith("First status poll after") for line in lines), shown
        assert any(line.startswith("Requests at once") for line in lines), shown
        assert any("Mars/Olympus" in line for line in lines), shown
        assert len(lines) == 3, shown
        assert app.config.profile("default").masks == []  # nothing applied in memory either
    assert config_file.read_bytes() == before


async def test_turning_tls_checks_off_shows_a_warning_and_saves(tmp_path: Path) -> None:
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        screen = await open_settings(app, pilot)
        warning = screen.query_one("#settings-tls-warning")
        assert not warning.has_class("-shown")
        screen.query_one("#field-verify_tls", Checkbox).value = False
        await pilot.pause()
        assert warning.has_class("-shown")
        assert "TLS certificate checks are off" in str(warning.render())
        await pilot.press("ctrl+s")
        await wait_until(pilot, (tmp_path / "config.toml").exists, "the config file")
    assert read_toml(tmp_path / "config.toml")["profiles"]["default"]["verify_tls"] is False


async def test_add_then_delete_a_profile_after_confirming(tmp_path: Path) -> None:
    config_file = tmp_path / "config.toml"
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        screen = await open_settings(app, pilot)
        screen.query_one("#settings-new-name", Input).value = "branch"
        await pilot.click("#settings-add")
        await wait_until(pilot, lambda: screen.editing == "branch", "the new profile")
        assert "branch" in load_config(config_file).profiles
        field(screen, "msisdn").value = "923331234567"
        await pilot.press("ctrl+s")
        await wait_until(
            pilot,
            lambda: load_config(config_file).profile("branch").msisdn == "923331234567",
            "the new profile's account",
        )

        await pilot.click("#settings-delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("escape")  # cancelled: nothing changes
        assert "branch" in load_config(config_file).profiles

        await pilot.click("#settings-delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("enter")  # the safe button has the focus: nothing is deleted
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "closed")
        assert "branch" in load_config(config_file).profiles
        await pilot.click("#settings-delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("right", "enter")
        await wait_until(
            pilot, lambda: "branch" not in load_config(config_file).profiles, "the deletion"
        )
        assert screen.editing == "default"
        assert screen.query_one("#settings-profile", Select).value == "default"


async def test_the_profile_in_use_cannot_be_deleted(tmp_path: Path) -> None:
    config = Config(
        profiles={"default": Profile("default"), "other": Profile("other")},
    )
    app = make_demo_app(tmp_path, config)
    async with running(app, size=(120, 60)) as pilot:
        await open_settings(app, pilot)
        await pilot.click("#settings-delete")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("is in use" in n.message for n in app._notifications)
        assert set(app.config.profiles) == {"default", "other"}


async def test_theme_chosen_in_settings_is_applied_and_remembered(tmp_path: Path) -> None:
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        screen = await open_settings(app, pilot)
        screen.query_one("#settings-theme", Select).value = "gruvbox"
        await wait_until(pilot, lambda: app.theme == "gruvbox", "the theme")
        await wait_until(pilot, (tmp_path / "config.toml").exists, "the config file")
    assert load_config(tmp_path / "config.toml").theme == "gruvbox"


# -- the form's parsing, without the UI ------------------------------------------------


def form_of(profile: Profile) -> dict[str, Any]:
    from tui.screens.settings import field_text

    return {
        f.name: getattr(profile, f.name) if f.kind == "bool" else field_text(profile, f)
        for f in FIELDS
    }


def test_unchanged_form_gives_back_the_same_profile() -> None:
    profile = Profile("p", msisdn="923001234567", masks=["A", "B"], default_mask="B")
    again, problems = profile_from_form(profile, form_of(profile))
    assert problems == []
    assert again == profile


def test_form_problems_are_one_sentence_per_field() -> None:
    profile = Profile("p")
    values = form_of(profile) | {
        "url_limit": "100",
        "rate_limit": "fast",
        "default_mask": "NOPE",
        "masks": "A, B",
        "ca_bundle": "/no/such/bundle.pem",
        "poll_max": "1",
        "poll_initial": "5",
    }
    _, problems = profile_from_form(profile, values)
    assert any(p.startswith("Longest request URL") and "500" in p for p in problems)
    assert any(p.startswith("Requests per second") and "'fast'" in p for p in problems)
    assert any("'NOPE'" in p for p in problems)
    assert any("/no/such/bundle.pem" in p for p in problems)
    assert any("longest poll interval" in p for p in problems)
    assert len(problems) == 5
    assert all(p.endswith(".") for p in problems)


async def test_enter_in_the_new_profile_name_adds_it(tmp_path: Path) -> None:
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        screen = await open_settings(app, pilot)
        name = screen.query_one("#settings-new-name", Input)
        name.value = "branch"
        name.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.editing == "branch", "the new profile")
        assert "branch" in load_config(tmp_path / "config.toml").profiles
