"""The terminal app: main screens as modes, the header, help, palette, and
the engine's lifecycle (open, follow its events, switch profile, close)."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.signal import Signal
from textual.theme import Theme
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from tui.config import (
    ENV_BASE_URL,
    ENV_MSISDN,
    Config,
    ConfigError,
    Profile,
    apply_env,
    permission_warning,
    save_config,
)
from tui.gateway.errors import CsmsError, LoginFailed
from tui.registry import SCREENS, ScreenEntry, entry_for
from tui.screens.base import EngineScreen, ShellScreen
from tui.screens.display_time import set_zone
from tui.widgets.header import ShellStatus

if TYPE_CHECKING:
    from tui.widgets.composer import MessageComposer

    TemplatesWanted = MessageComposer.TemplatesWanted
    from tui.engine import events
    from tui.engine.events import Subscription
    from tui.engine.service import Engine
    from tui.screens.login import LoginScreen as _LoginScreen

log = logging.getLogger(__name__)

#: Opens (but does not start) the engine for a profile.
EngineOpener = Callable[[Profile], Awaitable["Engine"]]

#: How much faster than real time the demo's simulated gateway runs.
DEMO_SPEED = 5.0

LOGIN_HELP = Path(__file__).resolve().parent / "help" / "login.md"


def has_credentials(profile: Profile) -> bool:
    return bool(profile.msisdn and profile.password)


async def open_profile_engine(profile: Profile) -> Engine:
    """The engine of a real account, keeping its data in the profile's data dir."""
    from tui.config import data_dir
    from tui.engine.service import Engine

    return await Engine.open(profile, data_dir=data_dir(profile.name))


async def open_demo(profile: Profile) -> Engine:
    """The demo engine on the embedded simulator (the profile is not used)."""
    from tui.engine.demo import open_demo_engine

    return await open_demo_engine(speed=DEMO_SPEED)


def _screen_bindings() -> list[BindingType]:
    """Each screen's letter (only where no field takes typing) and its function key,
    which works from anywhere: a priority binding, since text areas bind some
    function keys themselves (TextArea: F6 selects a line, F7 everything)."""
    bindings: list[BindingType] = []
    for entry in SCREENS:
        action = f"open_screen('{entry.mode}')"
        bindings.append(Binding(entry.key, action, entry.title, show=False, id=entry.binding_id))
        bindings.append(
            Binding(
                entry.fkey,
                action,
                entry.title,
                show=False,
                priority=True,
                id=f"{entry.binding_id}.fkey",
            )
        )
    return bindings


def _with_function_keys(keymap: dict[str, str]) -> dict[str, str]:
    """A screen's keys given by the user replace its function key too (they are two
    bindings, ``screen.X`` and ``screen.X.fkey``, one of them a priority binding)."""
    merged = dict(keymap)
    for entry in SCREENS:
        if entry.binding_id in keymap:
            merged.setdefault(f"{entry.binding_id}.fkey", keymap[entry.binding_id])
    return merged


def login_problem(error: CsmsError) -> str:
    """What the login screen says about a failed login: refused credentials are
    corrected in the form itself (Settings holds no password)."""
    if isinstance(error, LoginFailed):
        return f"{error} Correct them above and log in again."
    return str(error)


class StartupScreen(Screen[None]):
    """Shown while the app connects, and behind the login screen."""

    def compose(self) -> Any:
        with Middle(), Center():
            yield Static("Connecting…", id="startup-message")

    def say(self, text: str) -> None:
        self.query_one("#startup-message", Static).update(text)


def conversation_number(query: str) -> str | None:
    """``query`` as a mobile number in the gateway's form, or None."""
    from tui.gateway.numbers import NumberError, normalize

    try:
        return normalize(query)
    except NumberError:
        return None


class CsmsCommands(Provider):
    """Command palette entries: every main screen by name, and the main actions."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        app = self.app
        if not isinstance(app, CsmsApp):
            return []
        commands: list[tuple[str, str, Callable[[], Any]]] = [
            (entry.title, entry.help, partial(app.open_screen, entry.mode))
            for entry in app.available_screens
        ]
        commands.append(("Help", "Help for the current screen (F1)", app.action_help))
        commands.append(
            (
                "Surveys",
                "Feedback calls with the key each person pressed: results, resume, export",
                app.open_surveys,
            )
        )
        commands.append(
            (
                "Templates",
                "Saved message texts: insert into the message box, save it as one, delete",
                app.open_templates,
            )
        )
        commands.append(
            (
                "Refresh account",
                "Ask the gateway for the credit and pending incoming messages",
                app.action_refresh_account,
            )
        )
        for name in app.config.profiles:
            if name != app.profile_name:
                commands.append(
                    (
                        f"Switch profile: {name}",
                        f"Log out of this account and use profile {name!r}",
                        partial(app.action_switch_profile, name),
                    )
                )
        return commands

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        app = self.app
        number = conversation_number(query)
        if number is not None and isinstance(app, CsmsApp):
            # A number typed in any format opens its conversation.
            yield Hit(
                1.0,
                f"Conversation with {number}",
                partial(app.open_conversation, number),
                help="Everything exchanged with this number, and a reply box",
            )
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class CsmsApp(App[None]):
    """Telenor Corporate Call & SMS in the terminal."""

    TITLE = "CSMS"
    CSS_PATH = "styles/app.tcss"
    COMMANDS = App.COMMANDS | {CsmsCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        *_screen_bindings(),
    ]

    def __init__(
        self,
        config: Config,
        *,
        config_path: Path | None = None,
        profile_name: str | None = None,
        demo: bool = False,
        open_engine: EngineOpener | None = None,
        start_mode: str = "dashboard",
    ) -> None:
        profile_name = profile_name or config.active_profile
        available = [e for e in SCREENS if e.is_available()]
        profile = config.profiles.get(profile_name)
        if profile is not None and not demo:
            profile = apply_env(profile)
        #: Whether the dashboard is the first screen, painted before the engine is
        #: opened (opening it imports the gateway client and, in the demo, the
        #: simulator: most of the start-up time); it fills in once attached.
        self._dashboard_first = (
            start_mode == "dashboard"
            and any(e.mode == "dashboard" for e in available)
            and (demo or (profile is not None and has_credentials(profile)))
        )
        if self._dashboard_first:
            # The app starts in this mode: no start-up screen is built first.
            self.DEFAULT_MODE = "dashboard"  # type: ignore[misc]
        super().__init__()
        self.config = config
        self.config_path = config_path
        self.profile_name = profile_name
        self.demo = demo
        self.engine: Engine | None = None
        self._open_engine: EngineOpener = open_engine or (
            open_demo if demo else open_profile_engine
        )
        self.start_mode = start_mode
        self.shell_status = ShellStatus(profile=self.profile_name, demo=demo)
        if self._dashboard_first:
            self.shell_status = replace(self.shell_status, session_state="connecting")
        self.status_signal: Signal[ShellStatus] = Signal(self, "csms-status")
        self.available_screens: list[ScreenEntry] = available
        for entry in self.available_screens:
            self.add_mode(entry.mode, partial(self._build_screen, entry))
        if config.keymap:
            self.set_keymap(_with_function_keys(config.keymap))

    # -- profile and config -------------------------------------------------

    @property
    def profile(self) -> Profile:
        """The profile in use as the config file has it (what Settings edits)."""
        return self.config.profile(self.profile_name)

    @property
    def account_profile(self) -> Profile:
        """The profile to connect with: the file's, with CSMS_BASE_URL, CSMS_MSISDN
        and CSMS_PASSWORD applied exactly as the command line applies them."""
        return self.profile if self.demo else apply_env(self.profile)

    def _as_saved(self, profile: Profile) -> Profile:
        """``profile`` without what the environment set, so a save never writes an
        overridden URL or account into the file (an environment password is
        never saved anyway)."""
        on_file = self.config.profiles.get(profile.name)
        if on_file is None:
            return profile
        if os.environ.get(ENV_BASE_URL):
            profile = replace(profile, base_url=on_file.base_url)
        if os.environ.get(ENV_MSISDN):
            profile = replace(profile, msisdn=on_file.msisdn)
        return profile

    def make_default_profile(self, name: str) -> bool:
        """Start on profile ``name`` from now on (csms, and commands without
        --profile or CSMS_PROFILE); False if it could not be saved."""
        if name not in self.config.profiles:
            self.notify(f"There is no profile called {name!r}.", severity="error")
            return False
        previous = self.config.active_profile
        self.config.active_profile = name
        if not self.save_settings():
            self.config.active_profile = previous
            return False
        return True

    def save_settings(self) -> bool:
        """Write the config file; False (and a notification) if it could not be written."""
        try:
            save_config(self.config, self.config_path)
        except (ConfigError, OSError) as error:
            self.notify(f"Settings were not saved: {error}", severity="error", timeout=10)
            return False
        return True

    # -- screens ------------------------------------------------------------

    def _build_screen(self, entry: ScreenEntry) -> Screen[Any]:
        screen = entry.load()()
        if isinstance(screen, ShellScreen):
            screen.shell_mode = entry.mode
        return screen

    def get_default_screen(self) -> Screen[Any]:
        return StartupScreen(id="_default")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_screen" and parameters:
            return any(e.mode == parameters[0] for e in self.available_screens)
        return True

    def action_open_screen(self, mode: str) -> None:
        self.open_screen(mode)

    def open_surveys(self) -> None:
        """Show the surveys and their results, over the current screen."""
        if self.engine is None:
            self.notify("Log in first: the screens need a connected account.")
            return
        from tui.screens.surveys import SurveysScreen

        self.push_screen(SurveysScreen())

    def open_templates(self) -> None:
        """The saved templates, for the current screen's message box if it has one."""
        from tui.screens.template_picker import open_template_picker

        open_template_picker(self, None)

    def on_message_composer_templates_wanted(self, message: TemplatesWanted) -> None:
        """Ctrl+T in a message box: the saved templates, to insert into it or save its text."""
        from tui.screens.template_picker import open_template_picker

        open_template_picker(self, message.composer)

    def open_conversation(self, number: str) -> None:
        """Show everything exchanged with ``number`` (any format), over the current screen."""
        if self.engine is None:
            self.notify("Log in first: the screens need a connected account.")
            return
        from tui.screens.conversation import ConversationScreen

        self.push_screen(ConversationScreen(number))

    def open_screen(self, mode: str) -> None:
        """Show the main screen ``mode`` (a registry mode name)."""
        if entry_for(mode) is None or mode not in {e.mode for e in self.available_screens}:
            self.notify(f"There is no screen called {mode!r}.", severity="warning")
            return
        if self.engine is None:
            if self.workers and any(w.group == "connect" and w.is_running for w in self.workers):
                self.notify("Still connecting; try again in a moment.", severity="warning")
            else:
                self.notify("Log in first: the screens need a connected account.")
            return
        self.switch_mode(mode)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        from tui.screens.login import LoginScreen

        if isinstance(self.screen, LoginScreen):
            text = LOGIN_HELP.read_text(encoding="utf-8")
            self.push_screen(HelpScreen("Log in", text))
            return
        entry = entry_for(self.current_mode)
        if entry is None:
            text = "# CSMS\n\nThe app is connecting.\n"
            self.push_screen(HelpScreen("CSMS", text + self.keys_markdown()))
        else:
            self.push_screen(HelpScreen(entry.title, entry.help_text() + self.keys_markdown()))

    def keys_markdown(self) -> str:
        """The keys that work on every screen, as a markdown section."""
        keymap = self._keymap
        rows = ["", "", "## Keys on every screen", "", "| Key | Does |", "| --- | --- |"]
        for entry in self.available_screens:
            keys = keymap.get(entry.binding_id, f"{entry.key},{entry.fkey}")
            shown = " or ".join(k.strip() for k in keys.split(","))
            rows.append(f"| {shown} | {entry.title} |")
        rows.append(f"| {keymap.get('app.help', 'f1')} | Help for the current screen |")
        rows.append("| ctrl+p | Command palette: screens and actions by name |")
        rows.append(f"| {keymap.get('app.quit', 'ctrl+q')} | Quit |")
        rows.append("")
        rows.append("Letter keys work when the cursor is not in a text field; function keys")
        rows.append("work everywhere. The navigation bar at the top can be clicked.")
        return "\n".join(rows) + "\n"

    def copy_text(self, text: str, what: str) -> None:
        """Copy ``text`` to the clipboard (OSC 52) and say what was copied."""
        self.copy_to_clipboard(text)
        self.notify(f"Copied {what}: {text}", timeout=3)

    # -- lifecycle ----------------------------------------------------------

    def on_mount(self) -> None:
        if self.config.theme and self.config.theme in self.available_themes:
            self.theme = self.config.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        warning = None if self.demo else permission_warning(self.config)
        if warning:
            self.notify(warning, severity="warning", timeout=20)
        if self._dashboard_first:
            # Connect once the dashboard is on screen.
            self.call_after_refresh(self._start)
        else:
            self._start()

    def _remember_theme(self, theme: Theme) -> None:
        if theme.name != self.config.theme:
            self.config.theme = theme.name
            self.save_settings()

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def _start(self) -> None:
        await self._connect_or_ask(self.account_profile)

    async def _connect_or_ask(self, profile: Profile) -> bool:
        """Connect with ``profile``; show the login screen if it lacks credentials
        or the gateway refuses them. True once connected."""
        if not self.demo and not has_credentials(profile):
            self.show_login()
            return False
        try:
            await self.connect(profile)
        except CsmsError as error:
            log.warning("Could not connect: %s", error)
            self._say_on_startup(str(error))
            if self.demo:
                self.notify(str(error), severity="error", timeout=15)
            else:
                self.show_login(str(error))
            return False
        except Exception as error:
            self._say_on_startup(f"Could not start: {type(error).__name__}: {error}")
            self.report_error(error)
            return False
        self._check_login()
        return True

    def _say_on_startup(self, text: str) -> None:
        stack = self.get_screen_stack()
        if stack and isinstance(stack[0], StartupScreen):
            stack[0].say(text)

    def show_login(self, problem: str | None = None) -> None:
        from tui.screens.login import LoginScreen

        if isinstance(self.screen, LoginScreen):
            if problem:
                self.screen.show_problem(problem)
            return
        self.push_screen(LoginScreen(self.account_profile, problem=problem))

    def submit_login(self, profile: Profile) -> None:
        """Log in with what the login screen collected (runs in the background)."""
        self._log_in(profile)

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def _log_in(self, profile: Profile) -> None:
        from tui.screens.login import LoginScreen

        previous = (self.profile_name, self.config.profiles.get(profile.name))
        self.config.profiles[profile.name] = self._as_saved(profile)
        self.profile_name = profile.name
        try:
            await self.connect(profile, verify=True)
        except CsmsError as error:
            log.info("Login failed: %s", error)
            if self.engine is not None:
                # A profile switch: the profile in use stays until a login succeeds.
                self.profile_name = previous[0]
                if previous[1] is not None:
                    self.config.profiles[profile.name] = previous[1]
            for screen in self.screen_stack:
                if isinstance(screen, LoginScreen):
                    screen.show_problem(login_problem(error))
            return
        if not self.demo:
            # The profile is saved; which one is the default is never changed by a
            # login (``--profile`` and CSMS_PROFILE choose for one run only).
            if self.save_settings():
                self.notify(f"Logged in; profile {profile.name!r} saved.")

    async def connect(self, profile: Profile, *, verify: bool = False) -> None:
        """Replace the engine by one for ``profile``, started, and show the screens.

        With ``verify`` the account is asked for its credit first, so refused
        credentials raise LoginFailed here with nothing kept open, and the
        engine in use (if any) keeps running until the new one is ready.
        """
        if not verify:
            await self._detach_engine()
        engine = await self._open_engine(profile)
        # Subscribe before starting, so no session or account event is missed.
        subscription = engine.subscribe()
        try:
            await engine.start()
            if verify:
                await engine.refresh_account()
        except BaseException:
            subscription.close()
            await engine.stop()
            raise
        if verify:
            await self._detach_engine()
        await self._attach_engine(engine, subscription)

    async def _detach_engine(self) -> None:
        """Stop the current engine and drop the screens built on it."""
        self.workers.cancel_group(self, "engine-follow")
        await self.close_engine()
        self.engine = None
        self._publish_status(ShellStatus(profile=self.profile_name, demo=self.demo))
        for entry in self.available_screens:
            if entry.mode != self.current_mode:
                # A mode never shown has no screens to drop; removing it is cheap.
                await self.remove_mode(entry.mode)
                self.add_mode(entry.mode, partial(self._build_screen, entry))

    async def _attach_engine(self, engine: Engine, subscription: Subscription) -> None:
        from tui.screens.login import LoginScreen

        self.engine = engine
        set_zone(engine.profile.timezone)
        while len(self.screen_stack) > 1 and isinstance(self.screen, LoginScreen):
            await self.pop_screen()
        self._publish_status(self._status_from_engine(engine))
        self._follow_engine(subscription)
        modes = [e.mode for e in self.available_screens]
        if self.current_mode not in modes:
            if modes:
                first = self.start_mode if self.start_mode in modes else modes[0]
                await self.switch_mode(first)
        else:
            for screen in self.screen_stack:
                if isinstance(screen, EngineScreen):
                    screen.engine_replaced()

    @work(exclusive=True, group="account", exit_on_error=False)
    async def _check_login(self) -> None:
        """Log in and read the credit in the background; refused credentials ask again."""
        engine = self.engine
        if engine is None:
            return
        try:
            await engine.refresh_account()
        except LoginFailed as error:
            if self.demo:
                self.notify(str(error), severity="error", timeout=10)
            else:
                self.show_login(login_problem(error))
        except CsmsError as error:
            self.notify(str(error), severity="warning", timeout=10)

    def _status_from_engine(self, engine: Engine) -> ShellStatus:
        status = engine.status
        return ShellStatus(
            account=status.account or self.profile.msisdn,
            profile=self.profile_name,
            session_state=status.session_state,
            session_reason=status.session_reason,
            credit=status.credit,
            demo=bool(status.demo) or self.demo,
        )

    def _publish_status(self, status: ShellStatus) -> None:
        self.shell_status = status
        self.status_signal.publish(status)

    @work(exclusive=True, group="engine-follow", exit_on_error=False)
    async def _follow_engine(self, subscription: Subscription) -> None:
        try:
            async for event in subscription:
                self.on_engine_event(event)
        finally:
            subscription.close()

    def on_engine_event(self, event: events.Event) -> None:
        """Keep the header current and surface background problems."""
        from tui.engine import events

        status = self.shell_status
        if isinstance(event, events.SessionChanged):
            self._publish_status(
                replace(status, session_state=event.state, session_reason=event.reason)
            )
        elif isinstance(event, events.AccountChanged):
            self._publish_status(replace(status, credit=event.credit))
        elif isinstance(event, events.BackgroundError):
            self.notify(event.message, title=event.source, severity="error", timeout=10)
        elif isinstance(event, events.OutcomeUnknownRecorded):
            self.notify(
                f"{event.summary} Check Activity and settle it once you know the outcome.",
                title="Outcome unknown",
                severity="warning",
                timeout=10,
            )

    async def close_engine(self) -> None:
        """Stop the engine: background tasks, client and ledger (idempotent)."""
        engine = self.engine
        if engine is not None:
            try:
                await engine.stop()
            except Exception:
                log.exception("Closing the engine failed")

    async def on_unmount(self) -> None:
        # However the app ends (quit, exit(), an error), the engine is closed.
        await self.close_engine()

    async def action_quit(self) -> None:
        for group in ("connect", "account", "engine-follow"):
            self.workers.cancel_group(self, group)
        await self.close_engine()
        self.exit()

    def action_refresh_account(self) -> None:
        self._refresh_account()

    @work(exclusive=True, group="account", exit_on_error=False)
    async def _refresh_account(self) -> None:
        if self.engine is None:
            self.notify("Log in first.", severity="warning")
            return
        try:
            await self.engine.refresh_account()
        except CsmsError as error:
            self.notify(str(error), severity="error", timeout=10)

    def action_switch_profile(self, name: str) -> None:
        if self.demo:
            self.notify(
                "The demo runs on the simulator; start csms without --demo to use your profiles.",
                severity="warning",
            )
            return
        self.run_worker(
            self.switch_profile(name), group="connect", exclusive=True, exit_on_error=False
        )

    async def switch_profile(self, name: str) -> None:
        """Stop the current engine and connect with profile ``name``, for this run
        (the default profile changes only through ``make_default_profile``)."""
        if name not in self.config.profiles:
            self.notify(f"There is no profile called {name!r}.", severity="error")
            return
        target = self.config.profiles[name]
        if not self.demo and self.engine is not None and not has_credentials(apply_env(target)):
            # Ask for the password over the running profile: Escape goes back to it.
            from tui.screens.login import LoginScreen

            self.push_screen(LoginScreen(target, back_to=self.profile_name))
            return
        await self._detach_engine()
        self.profile_name = name
        self._publish_status(ShellStatus(profile=name, demo=self.demo))
        if await self._connect_or_ask(self.account_profile):
            self.notify(f"Now using profile {name!r}.")

    def on_login_screen_cancelled(self, message: _LoginScreen.Cancelled) -> None:
        """Escape on a profile switch's login: the profile in use stays."""
        from tui.screens.login import LoginScreen

        if isinstance(self.screen, LoginScreen):
            self.pop_screen()
        self.notify(f"Still using profile {self.profile_name!r}.")

    # -- errors ---------------------------------------------------------------

    def report_error(self, error: BaseException) -> None:
        """Show an error that reached a worker boundary; the app keeps running."""
        if isinstance(error, CsmsError):
            self.notify(str(error), severity="error", timeout=10)
            return
        log.error("Unexpected error", exc_info=error)
        self.notify(
            f"Unexpected error: {type(error).__name__}: {error}. It was logged; "
            "the app keeps running.",
            severity="error",
            timeout=10,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Workers started with exit_on_error=False that still failed are shown."""
        worker = event.worker
        if (
            event.state == WorkerState.ERROR
            and worker.error is not None
            and not worker.exit_on_error
        ):
            self.report_error(worker.error)

