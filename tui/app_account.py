"""The app's account and engine: connecting with a profile (or asking for the
login), replacing the engine on a profile switch, following its events for the
header, and closing it. :class:`~tui.app.CsmsApp` builds on it."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.screen import Screen
from textual.signal import Signal

from tui import collector
from tui.config import (
    ENV_BASE_URL,
    ENV_MSISDN,
    Config,
    ConfigError,
    Profile,
    apply_env,
    save_config,
)
from tui.gateway.errors import CsmsError, LoginFailed
from tui.registry import ScreenEntry
from tui.screens.base import EngineScreen
from tui.screens.display_time import set_zone
from tui.screens.startup import StartupScreen
from tui.widgets.header import ShellStatus
from tui.wording import sentence

if TYPE_CHECKING:
    from pathlib import Path

    from tui.engine import events
    from tui.engine.events import Subscription
    from tui.engine.service import Engine
    from tui.screens.login import LoginScreen as _LoginScreen

log = logging.getLogger("tui.app")

#: Opens (but does not start) the engine for a profile.
EngineOpener = Callable[[Profile], Awaitable["Engine"]]


def has_credentials(profile: Profile) -> bool:
    return bool(profile.msisdn and profile.password)


def login_problem(error: CsmsError) -> str:
    """What the login screen says about a failed login: refused credentials are
    corrected in the form itself (Settings holds no password)."""
    if isinstance(error, LoginFailed):
        return f"{error} Correct them above and log in again."
    return str(error)


class AccountApp(App[None]):
    """Profiles, the engine's lifecycle and the login; the screens come on top."""

    config: Config
    config_path: Path | None
    profile_name: str
    demo: bool
    engine: Engine | None
    start_mode: str
    shell_status: ShellStatus
    status_signal: Signal[ShellStatus]
    available_screens: list[ScreenEntry]
    _open_engine: EngineOpener

    def _build_screen(self, entry: ScreenEntry) -> Screen[Any]:
        raise NotImplementedError

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

    # -- connecting -----------------------------------------------------------

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def _start(self) -> None:
        try:
            await self._connect_or_ask(self.account_profile)
        finally:
            # Connected, refused or asking to log in: the start-up is over.
            collector.end_start_up()

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
                f"{sentence(event.summary)} Check Activity and settle it once you know the "
                "outcome.",
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
        collector.end_start_up()
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
