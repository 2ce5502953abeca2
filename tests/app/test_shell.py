"""The app shell on the demo engine (in-process simulator, manual clock):
navigation by key, palette and mouse, help, quitting, errors, themes, keymap,
clipboard, and the login flow against the simulator on loopback."""

from __future__ import annotations

import logging
import sqlite3
import stat
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Checkbox, Footer, Input, Static
from textual.widgets._footer import FooterKey

from tests.conftest import SIM_MSISDN, SIM_PASSWORD, SIM_START
from tui.app import UI_SWITCH_INTERVAL, CsmsApp
from tui.config import Config, Profile, load_config, save_config
from tui.engine.demo import open_demo_engine
from tui.engine.service import Engine
from tui.registry import HELP_DIR, SCREENS, ScreenEntry
from tui.screens.help import HelpScreen
from tui.screens.login import LoginScreen
from tui.simulator import Simulator, SimulatorConfig, SimulatorServer
from tui.widgets.header import ShellStatus, StatusHeader, status_content

PATIENCE = 10.0  # seconds of real time before a wait gives up
STEP = 0.02


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until ``condition`` holds; fail after PATIENCE seconds."""
    for _ in range(int(PATIENCE / STEP)):
        if condition():
            return
        await pilot.pause(STEP)
    assert condition(), f"gave up waiting for {what}"


def demo_opener(directory: Path) -> Callable[[Profile], Any]:
    async def open_engine(_: Profile) -> Engine:
        return await open_demo_engine(
            directory=directory,
            simulator_config=SimulatorConfig(seed=1, manual_clock=True, start=SIM_START),
        )

    return open_engine


def make_demo_app(tmp_path: Path, config: Config | None = None) -> CsmsApp:
    config = config or Config()
    return CsmsApp(
        config,
        config_path=tmp_path / "config.toml",
        demo=True,
        open_engine=demo_opener(tmp_path / "demo"),
    )


@asynccontextmanager
async def running(app: CsmsApp, size: tuple[int, int] = (120, 40)) -> AsyncIterator[Pilot[Any]]:
    async with app.run_test(size=size, notifications=True) as pilot:
        await wait_until(
            pilot, lambda: app.engine is not None and app.current_mode == "dashboard", "start"
        )
        yield pilot


def header_text(app: CsmsApp) -> str:
    return str(app.screen.query_one(StatusHeader).render())


def notices(app: CsmsApp) -> list[str]:
    return [n.message for n in app._notifications]


def available(app: CsmsApp) -> list[ScreenEntry]:
    return app.available_screens


def screen_class_name(entry: ScreenEntry) -> str:
    return entry.factory.partition(":")[2]


# -- start, header, navigation -------------------------------------------------------


async def test_demo_starts_on_dashboard_with_demo_marker_account_and_credit(
    tmp_path: Path,
) -> None:
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        await wait_until(pilot, lambda: app.shell_status.credit is not None, "the credit")
        assert app.engine is not None and app.engine.demo
        await pilot.pause()
        text = header_text(app)
        assert "DEMO" in text
        assert "923001234567" in text
        assert "logged in" in text
        credit = app.shell_status.credit
        assert credit is not None and f"{credit:,.2f}" in text
        # The footer, mounted after the first frame, lists the dashboard's keys.
        footer = app.screen.query_one(Footer)
        await wait_until(pilot, lambda: bool(footer.children), "the footer's keys")
        assert any("Refresh account" in str(key.render()) for key in footer.children)


async def test_the_app_hands_the_interpreter_back_quickly_to_key_presses(
    tmp_path: Path,
) -> None:
    """Worker threads (ledger writes, imports) give the interpreter back to the
    interface every millisecond, not every 5 (Python's default)."""
    sys.setswitchinterval(0.005)
    app = make_demo_app(tmp_path)
    try:
        async with running(app) as pilot:
            await pilot.pause()
            assert sys.getswitchinterval() == pytest.approx(UI_SWITCH_INTERVAL)
            assert UI_SWITCH_INTERVAL <= 0.001
    finally:
        sys.setswitchinterval(0.005)


async def test_every_screen_opens_by_letter_and_function_key(tmp_path: Path) -> None:
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        entries = available(app)
        assert {"dashboard", "quick_send", "inbox", "activity", "settings"} <= {
            e.mode for e in entries
        }
        for entry in entries:
            await pilot.press("f2")  # back to the dashboard, where no text field has focus
            assert app.current_mode == "dashboard"
            await pilot.press(entry.key)
            assert app.current_mode == entry.mode, f"key {entry.key}"
            assert type(app.screen).__name__ == screen_class_name(entry)
        for entry in entries:
            await pilot.press(entry.fkey)
            assert app.current_mode == entry.mode, f"key {entry.fkey}"


async def test_letter_keys_type_into_text_fields_instead_of_switching(tmp_path: Path) -> None:
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        await pilot.press("f3")
        await wait_until(pilot, lambda: app.focused is not None, "focus in quick send")
        await pilot.press("i")
        assert app.current_mode == "quick_send"
        await pilot.press("f4")
        assert app.current_mode == "inbox"


async def choose_in_palette(app: CsmsApp, pilot: Pilot[Any], text: str) -> None:
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    palette.query_one(Input).value = text  # as if typed (typing each key is slow)

    def top_hit_is_it() -> bool:
        options = palette.query_one("CommandList")
        if getattr(options, "option_count", 0) == 0:
            return False
        first = options.get_option_at_index(0)  # type: ignore[attr-defined]
        return str(first.prompt).startswith(text)

    await wait_until(pilot, top_hit_is_it, f"{text!r} in the palette")
    options = palette.query_one("CommandList")
    if getattr(options, "highlighted", None) != 0:
        await pilot.press("down")  # highlight the top hit
    await pilot.press("enter")
    await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette), "palette closed")


async def test_every_screen_opens_from_the_palette_by_name(tmp_path: Path) -> None:
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        for entry in reversed(available(app)):
            await choose_in_palette(app, pilot, entry.title)
            await wait_until(pilot, lambda e=entry: app.current_mode == e.mode, entry.title)


async def test_nav_bar_click_opens_the_screen(tmp_path: Path) -> None:
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        assert app.screen.query_one("#nav-dashboard").has_class("-current")
        await pilot.click("#nav-inbox")
        assert app.current_mode == "inbox"
        assert app.screen.query_one("#nav-inbox").has_class("-current")
        await pilot.click("#nav-settings")
        assert app.current_mode == "settings"


def test_every_screen_has_its_own_help_file() -> None:
    for entry in SCREENS:
        text = entry.help_text()
        assert (HELP_DIR / f"{entry.mode}.md").is_file(), entry.mode
        assert text.startswith("# "), entry.mode
        assert len(text.split()) > 30, f"{entry.mode}: help too short"


async def test_f1_shows_the_current_screens_help(tmp_path: Path) -> None:
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        for entry in available(app)[::4]:  # dashboard, lists, audio: any screen works alike
            await pilot.press(entry.fkey, "f1")
            await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
            help_screen = app.screen
            assert isinstance(help_screen, HelpScreen)
            assert help_screen.help_title == entry.title
            first_heading = entry.help_text().splitlines()[0].lstrip("# ").strip()
            assert first_heading in help_screen.markdown
            assert "Keys on every screen" in help_screen.markdown
            assert help_screen.query_one("#help-markdown").is_mounted
            # Its key bar is its own (close), not the keys of the screen under it.
            keys = [key.description for key in help_screen.query(FooterKey)]
            assert "Close help" in keys and "Copy ID" not in keys
            await pilot.press("escape")
            assert not isinstance(app.screen, HelpScreen)
            assert app.current_mode == entry.mode


async def test_ctrl_q_quits_cleanly_and_closes_the_engine(tmp_path: Path) -> None:
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        engine = app.engine
        assert engine is not None
        await pilot.press("f3")
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    with pytest.raises(sqlite3.ProgrammingError):
        engine.ledger.inbox.inbox_page(0, 1)  # the ledger's connection is closed


# -- errors ---------------------------------------------------------------------------


def block_account(sim: Simulator) -> None:
    with sim.lock:
        sim.state.accounts[SIM_MSISDN].blocked = True


async def test_gateway_error_becomes_a_notification_and_the_app_stays_up(
    tmp_path: Path,
) -> None:
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        assert app.engine is not None
        block_account(app.engine.simulator)
        app.engine.simulator.state.expire_sessions()
        await choose_in_palette(app, pilot, "Refresh account")
        await wait_until(
            pilot, lambda: any("Gateway error 300" in n for n in notices(app)), "the error"
        )
        message = next(n for n in notices(app) if "Gateway error 300" in n)
        from tui.gateway.codes import describe_error

        assert describe_error(300).meaning in message
        assert app.is_running
        await pilot.press("f4")
        assert app.current_mode == "inbox"


async def test_unexpected_worker_error_is_logged_shown_and_survived(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:

        async def broken() -> None:
            raise RuntimeError("boom in a worker")

        # Every csms worker opts out of Textual's exit_on_error (tests/test_worker_policy.py).
        app.screen.run_worker(broken(), name="quiet", exit_on_error=False)
        with caplog.at_level(logging.ERROR):
            await wait_until(
                pilot,
                lambda: any("boom in a worker" in n for n in notices(app)),
                "the error shown",
            )
        assert app.is_running
        logged = [r for r in caplog.records if r.exc_info and "boom" in str(r.exc_info[1])]
        assert logged, "the failure is logged with its traceback"
        await pilot.press("f5")
        assert app.current_mode == "activity"


# -- themes, keymap, clipboard --------------------------------------------------------


async def test_theme_change_is_saved_and_used_next_start(tmp_path: Path) -> None:
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        app.theme = "nord"
        await wait_until(
            pilot, lambda: (tmp_path / "config.toml").exists(), "the config to be written"
        )
    assert load_config(tmp_path / "config.toml").theme == "nord"

    again = make_demo_app(tmp_path, load_config(tmp_path / "config.toml"))
    async with running(again):
        assert again.theme == "nord"


async def test_keymap_from_config_overrides_screen_keys(tmp_path: Path) -> None:
    config = Config(keymap={"screen.inbox": "ctrl+o", "app.help": "f12"})
    app = make_demo_app(tmp_path, config)
    async with running(app) as pilot:
        await pilot.press("f4")
        assert app.current_mode == "dashboard"
        await pilot.press("ctrl+o")
        assert app.current_mode == "inbox"
        await pilot.press("f12")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help on f12")


async def test_copy_text_copies_and_says_what(tmp_path: Path) -> None:
    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        app.copy_text("40000001", "message ID")
        await pilot.pause()
        assert app.clipboard == "40000001"
        assert "Copied message ID: 40000001" in notices(app)


# -- login against the simulator on loopback -----------------------------------------


def fresh_config(base_url: str) -> Config:
    return Config(profiles={"default": Profile("default", base_url=base_url)})


async def fill_login(pilot: Pilot[Any], msisdn: str, password: str, remember: bool) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, LoginScreen)
    screen.query_one("#login-msisdn", Input).value = msisdn
    screen.query_one("#login-password", Input).value = password
    screen.query_one("#login-remember", Checkbox).value = remember
    screen.query_one("#login-password", Input).focus()
    await pilot.press("enter")


async def test_first_start_asks_for_login_then_saves_the_profile(
    xdg_dirs: Path, sim_server: SimulatorServer
) -> None:
    config_file = xdg_dirs / "config.toml"
    app = CsmsApp(fresh_config(sim_server.base_url), config_path=config_file)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen), "login screen")
        assert app.engine is None
        await pilot.press("f3")  # the screens need an account first
        assert isinstance(app.screen, LoginScreen)

        await fill_login(pilot, SIM_MSISDN, "wrong", remember=False)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        await wait_until(pilot, lambda: not screen.busy, "the refusal")
        problem = str(screen.query_one("#login-problem").render())
        assert "Gateway error" in problem
        # The password is corrected in the form (Settings holds none).
        assert "Correct them above and log in again." in problem
        assert isinstance(app.screen, LoginScreen) and app.engine is None
        assert not config_file.exists()

        await fill_login(pilot, SIM_MSISDN, SIM_PASSWORD, remember=False)
        await wait_until(pilot, lambda: app.current_mode == "dashboard", "the dashboard")
        assert app.engine is not None
        assert "logged in" in header_text(app)
        # The dashboard fills at once after a first login, footer included.
        dashboard = app.screen
        for card in ("session", "credit", "incoming"):
            await wait_until(
                pilot,
                lambda card=card: (
                    str(dashboard.query_one(f"#{card}-value", Static).render()) != "—"
                ),
                f"the {card} card",
            )
        assert dashboard.query(Footer)
        await pilot.press("ctrl+q")
    saved = load_config(config_file)
    assert saved.profile("default").msisdn == SIM_MSISDN
    assert saved.profile("default").password is None
    assert SIM_PASSWORD not in config_file.read_text()


async def test_login_with_remember_password_stores_it_privately(
    xdg_dirs: Path, sim_server: SimulatorServer
) -> None:
    config_file = xdg_dirs / "config.toml"
    app = CsmsApp(fresh_config(sim_server.base_url), config_path=config_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen), "login screen")
        await fill_login(pilot, SIM_MSISDN, SIM_PASSWORD, remember=True)
        await wait_until(pilot, lambda: app.current_mode == "dashboard", "the dashboard")
        await pilot.press("ctrl+q")
    assert load_config(config_file).profile("default").password == SIM_PASSWORD
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600


async def test_empty_login_fields_are_refused_with_a_sentence(
    xdg_dirs: Path, simulator: Simulator, sim_server: SimulatorServer
) -> None:
    app = CsmsApp(fresh_config(sim_server.base_url), config_path=xdg_dirs / "config.toml")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen), "login screen")
        await fill_login(pilot, SIM_MSISDN, "", remember=False)
        problem = str(app.screen.query_one("#login-problem").render())
        assert problem == "Enter the password."
        assert simulator.requests == []


def two_profile_app(
    xdg_dirs: Path,
    simulator: Simulator,
    sim_server: SimulatorServer,
    *,
    branch_password: str | None,
) -> CsmsApp:
    """The app on profile "main", with a "branch" profile of another account
    (its password saved, or not)."""
    simulator.add_account("branch", "secret", masks=["BR"], credit=42.0)
    config_file = xdg_dirs / "config.toml"
    config = Config(
        active_profile="main",
        profiles={
            "main": Profile(
                "main", base_url=sim_server.base_url, msisdn=SIM_MSISDN, password=SIM_PASSWORD
            ),
            "branch": Profile(
                "branch",
                base_url=sim_server.base_url,
                msisdn="branch",
                password=branch_password,
                save_password=branch_password is not None,
            ),
        },
    )
    save_config(config, config_file)
    return CsmsApp(config, config_path=config_file, profile_name="main")


async def test_switch_profile_restarts_the_engine_for_the_new_profile(
    xdg_dirs: Path, simulator: Simulator, sim_server: SimulatorServer
) -> None:
    app = two_profile_app(xdg_dirs, simulator, sim_server, branch_password="secret")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.engine is not None, "the first engine")
        first = app.engine
        await pilot.press("f4")  # build another screen on the first engine
        await pilot.press("f10")
        app.action_switch_profile("branch")
        await wait_until(
            pilot, lambda: app.engine is not None and app.engine is not first, "a new engine"
        )
        assert app.engine is not None and app.engine.profile.msisdn == "branch"
        await wait_until(pilot, lambda: app.shell_status.credit == 42.0, "branch's credit")
        assert "branch" in header_text(app)
        await pilot.press("f4")
        assert app.current_mode == "inbox"
        await pilot.press("ctrl+q")
    assert first is not None
    with pytest.raises(sqlite3.ProgrammingError):
        first.ledger.inbox.inbox_page(0, 1)
    # Switching is for this run: the default changes only by "Make default".
    assert load_config(xdg_dirs / "config.toml").active_profile == "main"


async def test_logging_in_on_another_profile_never_changes_the_default(
    xdg_dirs: Path, sim_server: SimulatorServer
) -> None:
    config_file = xdg_dirs / "config.toml"
    config = Config(
        active_profile="main",
        profiles={
            "main": Profile("main", base_url=sim_server.base_url, msisdn=SIM_MSISDN),
            "branch": Profile("branch", base_url=sim_server.base_url),
        },
    )
    save_config(config, config_file)
    app = CsmsApp(config, config_path=config_file, profile_name="branch")  # --profile branch
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen), "login screen")
        await fill_login(pilot, SIM_MSISDN, SIM_PASSWORD, remember=False)
        await wait_until(pilot, lambda: app.current_mode == "dashboard", "the dashboard")
        saved = load_config(config_file)
        assert saved.profile("branch").msisdn == SIM_MSISDN  # the login is kept
        assert saved.active_profile == "main"  # the default is not
        assert app.make_default_profile("branch")  # Settings' explicit action
        await pilot.press("ctrl+q")
    assert load_config(config_file).active_profile == "branch"


async def test_environment_credentials_log_in_with_no_prompt_and_are_not_saved(
    xdg_dirs: Path, sim_server: SimulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file = xdg_dirs / "config.toml"
    dead = "http://127.0.0.1:9"  # the file's URL: nothing listens there
    config = Config(profiles={"default": Profile("default", base_url=dead, msisdn="923339999999")})
    save_config(config, config_file)
    monkeypatch.setenv("CSMS_BASE_URL", sim_server.base_url + "/corporate_sms2/api/")
    monkeypatch.setenv("CSMS_MSISDN", SIM_MSISDN)
    monkeypatch.setenv("CSMS_PASSWORD", SIM_PASSWORD)
    app = CsmsApp(load_config(config_file), config_path=config_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.engine is not None, "an engine")
        await wait_until(pilot, lambda: "logged in" in header_text(app), "logged in")
        assert not any(isinstance(s, LoginScreen) for s in app.screen_stack)
        assert app.engine is not None and app.engine.profile.msisdn == SIM_MSISDN
        app.save_settings()
        await pilot.press("ctrl+q")
    text = config_file.read_text()
    assert SIM_PASSWORD not in text and sim_server.base_url not in text
    assert load_config(config_file).profile("default").base_url == dead


def test_registry_names_every_main_screen() -> None:
    assert [e.mode for e in SCREENS] == [
        "dashboard",
        "quick_send",
        "inbox",
        "activity",
        "lists",
        "sms_campaigns",
        "voice_campaigns",
        "audio",
        "settings",
        "optouts",
    ]
    keys = [k for e in SCREENS for k in (e.key, e.fkey)]
    assert len(keys) == len(set(keys)), "two screens share a key"
    assert "f1" not in keys


async def test_function_keys_switch_screens_while_a_text_area_has_focus(tmp_path: Path) -> None:
    from tests.app.harness import demo_app
    from tui.widgets import RecipientsBox

    async with demo_app(tmp_path, "quick_send") as (app, pilot, _sim):
        recipients = app.screen.query_one(RecipientsBox)
        assert app.focused is recipients.text_area  # a TextArea binds F6 and F7 itself
        await pilot.press("f6")
        await wait_until(pilot, lambda: app.current_mode == "lists", "the lists screen")
        await pilot.press("f3")
        await wait_until(pilot, lambda: app.current_mode == "quick_send", "quick send")
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.current_mode == "sms_campaigns", "campaigns")


async def test_escape_on_a_profile_switch_login_keeps_the_profile_in_use(
    xdg_dirs: Path, simulator: Simulator, sim_server: SimulatorServer
) -> None:
    # No saved password for the branch: switching to it asks.
    app = two_profile_app(xdg_dirs, simulator, sim_server, branch_password=None)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.engine is not None, "the first engine")
        first = app.engine
        app.action_switch_profile("branch")
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login")
        login = app.screen
        assert isinstance(login, LoginScreen)
        assert "back to profile 'main'" in str(login.query_one("#login-back").render())
        assert app.engine is first  # still running while the password is asked

        # A wrong password: refused, and the profile in use is still main.
        await fill_login(pilot, "branch", "wrong", remember=False)
        await wait_until(pilot, lambda: not login.busy, "the refusal")
        assert "Correct them above" in str(login.query_one("#login-problem").render())
        assert app.engine is first and app.profile_name == "main"
        assert first is not None and first.client.session == "logged in"

        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, LoginScreen), "back")
        assert app.engine is first and app.profile_name == "main"
        assert "Still using profile 'main'." in notices(app)
        assert "main" in header_text(app)

        # Switching again and logging in for real replaces the engine.
        app.action_switch_profile("branch")
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login")
        await fill_login(pilot, "branch", "secret", remember=False)
        await wait_until(pilot, lambda: app.engine is not first, "the branch engine")
        assert app.engine is not None and app.engine.profile.msisdn == "branch"
        assert app.profile_name == "branch"


async def test_a_lists_members_open_from_the_palette(tmp_path: Path) -> None:
    from tui.screens.list_members import ListMembersScreen

    app = make_demo_app(tmp_path)
    async with running(app) as pilot:
        assert app.engine is not None
        [first, *_] = app.engine.ledger.lists.lists()
        await choose_in_palette(app, pilot, f"Members of list: {first.name}")
        await wait_until(pilot, lambda: isinstance(app.screen, ListMembersScreen), "members")
        screen = app.screen
        assert isinstance(screen, ListMembersScreen) and screen.list_id == first.id


def test_the_header_keeps_the_credit_at_80_columns_when_offline() -> None:
    status = ShellStatus(
        account="923001234567",
        profile="karachi-branch",
        session_state="offline",
        session_reason="the gateway cannot be reached (connection refused)",
        credit=2446.0,
    )
    wide = str(status_content(status, 200))
    assert "offline: the gateway cannot be reached (connection refused)" in wide
    assert "(karachi-branch)" in wide and wide.endswith("credit Rs 2,446.00")
    narrow = str(status_content(status, 80))
    assert len(narrow) <= 80
    assert "● offline  credit Rs 2,446.00" in narrow
    assert "(karachi-branch)" in narrow  # the profile fits once the reason is left out
    tight = str(status_content(status, 50))
    assert "karachi-branch" not in tight and tight.endswith("credit Rs 2,446.00")
