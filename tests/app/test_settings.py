"""Settings screen: edits reach the TOML file, invalid fields save nothing,
profiles are added and deleted (with confirmation), TLS warning, theme."""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, Static

from tests.app.test_shell import header_text, make_demo_app, running, wait_until
from tests.conftest import SIM_MSISDN, SIM_PASSWORD
from tui.app import CsmsApp
from tui.config import Config, Profile, load_config, save_config
from tui.screens.confirm import ConfirmScreen
from tui.screens.settings import FIELDS, SettingsScreen, profile_from_form
from tui.simulator import SimulatorServer


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


def account_app(tmp_path: Path, server: SimulatorServer, config: Config | None = None) -> CsmsApp:
    """The app on an account of the simulator served on loopback: its profiles
    are the file's, which Save writes (the demo's settings are never saved)."""
    config = config or Config()
    for name, profile in config.profiles.items():
        config.profiles[name] = replace(
            profile, base_url=server.base_url, msisdn=SIM_MSISDN, password=SIM_PASSWORD
        )
    return CsmsApp(config, config_path=tmp_path / "config.toml")


async def test_changed_settings_are_written_to_the_toml_file(
    tmp_path: Path, xdg_dirs: Path, sim_server: SimulatorServer
) -> None:
    app = account_app(tmp_path, sim_server)
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


async def test_turning_tls_checks_off_shows_a_warning_and_saves(
    tmp_path: Path, xdg_dirs: Path, sim_server: SimulatorServer
) -> None:
    app = account_app(tmp_path, sim_server)
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


async def test_add_then_delete_a_profile_after_confirming(
    tmp_path: Path, xdg_dirs: Path, sim_server: SimulatorServer
) -> None:
    config_file = tmp_path / "config.toml"
    app = account_app(tmp_path, sim_server)
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


async def test_the_profile_in_use_cannot_be_deleted(
    tmp_path: Path, xdg_dirs: Path, sim_server: SimulatorServer
) -> None:
    config = Config(
        profiles={"default": Profile("default"), "other": Profile("other")},
    )
    app = account_app(tmp_path, sim_server, config)
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


async def test_enter_in_the_new_profile_name_adds_it(
    tmp_path: Path, xdg_dirs: Path, sim_server: SimulatorServer
) -> None:
    app = account_app(tmp_path, sim_server)
    async with running(app) as pilot:
        screen = await open_settings(app, pilot)
        name = screen.query_one("#settings-new-name", Input)
        name.value = "branch"
        name.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.editing == "branch", "the new profile")
        assert "branch" in load_config(tmp_path / "config.toml").profiles


# -- keyboard at 80x24, the schema's help and bounds, the time zone --------------------

SMALL = (80, 24)


async def test_enter_typed_in_the_new_profile_name_adds_it_at_80x24(
    tmp_path: Path, xdg_dirs: Path, sim_server: SimulatorServer
) -> None:
    app = account_app(tmp_path, sim_server)
    async with running(app, size=SMALL) as pilot:
        screen = await open_settings(app, pilot)
        screen.query_one("#settings-new-name", Input).focus()
        await pilot.press(*"branch-2", "enter")
        await wait_until(pilot, lambda: screen.editing == "branch-2", "the new profile")
        assert "branch-2" in load_config(tmp_path / "config.toml").profiles
        assert screen.query_one("#settings-profile", Select).value == "branch-2"
        assert screen.query_one("#settings-new-name", Input).value == ""
        # A name that cannot be used is refused in one sentence, nothing added.
        screen.query_one("#settings-new-name", Input).focus()
        await pilot.press(*"../x", "enter")
        await pilot.pause()
        assert "../x" not in app.config.profiles
        assert any("'../x' is not usable" in n.message for n in app._notifications)


async def test_the_theme_is_chosen_by_keyboard_at_80x24(tmp_path: Path) -> None:
    app = make_demo_app(tmp_path)
    async with running(app, size=SMALL) as pilot:
        screen = await open_settings(app, pilot)
        theme = screen.query_one("#settings-theme", Select)
        theme.focus()
        await pilot.pause()
        assert "Enter or space opens the list" in str(screen.query_one("#settings-help").render())
        themes = sorted(app.available_themes)
        start = themes.index(app.theme)
        await pilot.press("enter")
        await wait_until(pilot, lambda: theme.expanded, "the list to open")
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: app.theme == themes[start + 1], "the next theme")
        assert not theme.expanded
        await pilot.press("space")
        await wait_until(pilot, lambda: theme.expanded, "the list to open by space")
        await pilot.press("up", "enter")
        await wait_until(pilot, lambda: app.theme == themes[start], "the theme back")
        await wait_until(
            pilot,
            lambda: load_config(tmp_path / "config.toml").theme == themes[start],
            "the theme remembered",
        )


async def test_every_control_is_reached_by_tab_and_visible_at_80x24(
    tmp_path: Path, xdg_dirs: Path, sim_server: SimulatorServer
) -> None:
    app = account_app(tmp_path, sim_server)
    async with running(app, size=SMALL) as pilot:
        screen = await open_settings(app, pilot)
        screen.query_one("#settings-profile", Select).focus()
        await pilot.pause()
        bottom = screen.query_one("#settings-bottom").region
        reached: list[str] = []
        for _ in range(80):
            focused = app.focused
            assert focused is not None
            if focused.id in reached:
                break
            reached.append(focused.id or "")
            await pilot.pause()
            region = focused.region
            if focused.id != "settings-save":
                assert region.height > 0 and 2 <= region.y < bottom.y, (focused.id, region)
            await pilot.press("tab")
        wanted = {f"field-{f.name}" for f in FIELDS} | {
            "settings-profile",
            "settings-new-name",
            "settings-add",
            "settings-theme",
            "settings-save",
        }
        assert wanted <= set(reached), (wanted - set(reached), reached)
        # Save is always on screen, above the footer.
        save = screen.query_one("#settings-save")
        assert save.region.height > 0 and save.region.bottom <= SMALL[1] - 1
        save.focus()
        await pilot.press("enter")
        await wait_until(pilot, (tmp_path / "config.toml").exists, "the save")


async def test_the_help_line_and_bounds_come_from_the_schema(tmp_path: Path) -> None:
    from tui.config import PROFILE_KEYS
    from tui.screens.settings_form import field_help

    app = make_demo_app(tmp_path)
    async with running(app, size=SMALL) as pilot:
        screen = await open_settings(app, pilot)
        for name in ("concurrency", "inbox_interval", "keepalive_idle", "rate_limit"):
            spec = PROFILE_KEYS[name]
            entry = field(screen, name)
            assert entry.placeholder == spec.hint
            entry.focus()
            await pilot.pause()
            shown = str(screen.query_one("#settings-help").render())
            assert shown == field_help(spec) and spec.bounds in shown, shown
        field(screen, "keepalive_idle").value = "1800"
        field(screen, "inbox_interval").value = "0.5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        lines = errors_shown(screen).splitlines()
        assert lines == [
            "Inbox check interval (inbox_interval) must be at least 1 second, not 0.5.",
            "Session keep-alive after idle (keepalive_idle) must be more than 0 and under"
            " 1800 seconds, not 1800.",
        ]
        assert not (tmp_path / "config.toml").exists()


async def test_a_new_time_zone_applies_at_once_on_every_screen(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from tui.screens.display_time import local
    from tui.screens.inbox import InboxTable

    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        await pilot.press("f4")
        await wait_until(pilot, lambda: app.screen.query(InboxTable).first().row_count > 0, "rows")
        table = app.screen.query_one(InboxTable)
        first = table.coordinate_to_cell_key((0, 0)).row_key

        def shown_time() -> str:
            return str(table.get_row(first)[1])

        def voice_start() -> datetime | None:
            shown = app.screen.query("#monitor-details")
            text = str(shown.first().render()) if shown else ""
            found = re.search(r"From (\d{4}-\d\d-\d\d \d\d:\d\d)", text)
            return datetime.strptime(found[1], "%Y-%m-%d %H:%M") if found else None

        before = datetime.strptime(shown_time(), "%Y-%m-%d %H:%M")
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")  # the first message open in the pane

        def detail() -> str:
            return str(app.screen.query_one("#detail-meta").render())

        await wait_until(pilot, lambda: shown_time() in detail(), "the open message")
        await pilot.press("f8")  # the voice monitor's start time, Karachi's first
        await wait_until(pilot, lambda: voice_start() is not None, "the monitor")
        start_before = voice_start()
        screen = await open_settings(app, pilot)
        field(screen, "timezone").value = "UTC"
        await pilot.press("ctrl+s")
        await wait_until(
            pilot,
            lambda: app.engine is not None and app.engine.profile.timezone == "UTC",
            "the engine's zone",
        )
        noon = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)
        assert local(noon).utcoffset() == noon.utcoffset()  # display_time uses UTC now
        assert any("Times are now shown in UTC" in n.message for n in app._notifications)
        await pilot.press("f4")
        await pilot.pause()
        after = datetime.strptime(shown_time(), "%Y-%m-%d %H:%M")
        assert (before - after).total_seconds() == 5 * 3600  # Asia/Karachi is UTC+5
        assert shown_time() in detail()  # the open message's time too
        await pilot.press("f8")
        await wait_until(pilot, lambda: voice_start() != start_before, "the monitor in UTC")
        assert (
            start_before is not None and (start_before - voice_start()).total_seconds() == 5 * 3600
        )


async def test_settings_say_what_the_environment_overrides_for_the_profile_in_use(
    xdg_dirs: Path, sim_server: SimulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session connects with CSMS_BASE_URL, CSMS_MSISDN and CSMS_PASSWORD;
    the form shows the saved fields, so it says which ones are not in use."""
    monkeypatch.setenv("CSMS_BASE_URL", sim_server.base_url)
    monkeypatch.setenv("CSMS_MSISDN", SIM_MSISDN)
    monkeypatch.setenv("CSMS_PASSWORD", SIM_PASSWORD)
    config = Config(
        profiles={
            "default": Profile("default", base_url="https://gateway.example:27677"),
            "branch": Profile("branch"),
        }
    )
    app = CsmsApp(config, config_path=xdg_dirs / "config.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: "logged in" in header_text(app), "the login")
        screen = await open_settings(app, pilot)
        note = screen.query_one("#settings-env-note", Static)
        text = str(note.render())
        assert note.display
        assert f"CSMS_BASE_URL ({sim_server.base_url})" in text
        assert f"CSMS_MSISDN ({SIM_MSISDN})" in text
        assert "CSMS_PASSWORD from the environment" in text
        assert SIM_PASSWORD not in text.replace("CSMS_PASSWORD", "")
        assert field(screen, "base_url").value == "https://gateway.example:27677"
        # Another profile is edited: the environment is not its business.
        screen.query_one("#settings-profile", Select).value = "branch"
        await wait_until(pilot, lambda: not note.display, "the note gone")


async def test_the_demo_and_a_plain_profile_show_no_environment_note(tmp_path: Path) -> None:
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        screen = await open_settings(app, pilot)
        assert not screen.query_one("#settings-env-note", Static).display


async def test_the_demos_settings_apply_at_once_and_are_never_written(tmp_path: Path) -> None:
    """Trying the demo never changes the user's profiles: Save applies the form
    to the demo run (sending hours, zone) and writes no file."""
    config_file = tmp_path / "config.toml"
    app = make_demo_app(tmp_path)
    async with running(app, size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot)
        assert app.engine is not None
        assert field(screen, "base_url").value == app.engine.profile.base_url  # the demo's
        assert screen.profile_options() == [("this demo run (nothing is saved)", "default")]
        field(screen, "send_from").value = "00:00"
        field(screen, "send_until").value = "23:59"
        field(screen, "timezone").value = "Asia/Dubai"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.engine.profile.send_from == "00:00", "applied")
        assert app.engine.profile.send_until == "23:59"
        assert app.engine.profile.timezone == "Asia/Dubai"
        night = datetime(2026, 12, 4, 23, 30, tzinfo=ZoneInfo("Asia/Dubai"))
        assert app.engine.holds.outside(night) is None  # open all day now
        said = [n.message for n in app._notifications]
        assert any("nothing is written to your settings file" in m for m in said), said
        # Profiles are not added from the demo either.
        screen.query_one("#settings-new-name", Input).value = "branch"
        await pilot.click("#settings-add")
        await pilot.pause()
        assert "branch" not in app.config.profiles
    assert not config_file.exists()


async def test_saved_sending_hours_apply_at_once_and_the_connections_settings_wait(
    tmp_path: Path, xdg_dirs: Path, sim_server: SimulatorServer
) -> None:
    app = account_app(tmp_path, sim_server)
    async with running(app) as pilot:
        screen = await open_settings(app, pilot)
        assert app.engine is not None
        engine = app.engine
        field(screen, "send_from").value = "07:00"
        field(screen, "rate_limit").value = "2"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: engine.profile.send_from == "07:00", "the new hours")
        morning = datetime(2026, 12, 4, 7, 30, tzinfo=ZoneInfo("Asia/Karachi"))
        assert engine.holds.outside(morning) is None
        assert engine.profile.rate_limit is None  # the session's, until it connects again
        said = [n.message for n in app._notifications]
        assert any(
            "Changes to the rate limit apply the next time csms connects." in m for m in said
        ), said
    assert read_toml(tmp_path / "config.toml")["profiles"]["default"]["rate_limit"] == 2
