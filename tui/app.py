"""The terminal app: main screens as modes, their keys, help and the palette.
The account and the engine's lifecycle (connect, login, switch profile, follow
its events, close) are in :mod:`tui.app_account`."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.signal import Signal
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from tui import collector
from tui.app_account import AccountApp, EngineOpener, has_credentials
from tui.config import Config, Profile, apply_env, permission_warning
from tui.palette import CsmsCommands
from tui.registry import SCREENS, ScreenEntry, entry_for
from tui.screens.base import ShellScreen
from tui.screens.startup import StartupScreen
from tui.widgets.header import ShellStatus
from tui.widgets.key_hold import KeyHold

if TYPE_CHECKING:
    from tui.engine.service import Engine
    from tui.widgets.composer import MessageComposer

    TemplatesWanted = MessageComposer.TemplatesWanted

log = logging.getLogger(__name__)

#: How much faster than real time the demo's simulated gateway runs.
DEMO_SPEED = 5.0
#: The interface shares the interpreter with the engine's worker threads (ledger
#: writes, an import's journal). At Python's default switch interval of 5 ms a
#: key press waits up to that long each time one of them holds the interpreter;
#: at 1 ms, bench/responsiveness.py's p99 under load fell from about 85 ms to 45.
UI_SWITCH_INTERVAL = 0.001

LOGIN_HELP = Path(__file__).resolve().parent / "help" / "login.md"


#: Seconds the start-up may keep the garbage collector paused (see collector.py).
START_UP_GC_PAUSE = 5.0


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


class CsmsApp(AccountApp):
    """Telenor Corporate Call & SMS in the terminal."""

    TITLE = "CSMS"
    CSS_PATH = "styles/app.tcss"
    COMMANDS = App.COMMANDS | {CsmsCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        # Focus moves as soon as Tab arrives, not once it has passed through the
        # field being left: keys typed right after it go to the next field.
        Binding("tab", "next_field", "Next field", show=False, priority=True, id="app.tab"),
        Binding(
            "shift+tab",
            "previous_field",
            "Previous field",
            show=False,
            priority=True,
            id="app.shift_tab",
        ),
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
        #: The folder the last file of this run was written to (exports offer it).
        self.export_folder: Path | None = None
        self._open_engine: EngineOpener = open_engine or (
            open_demo if demo else open_profile_engine
        )
        self.start_mode = start_mode
        self.shell_status = ShellStatus(profile=self.profile_name, demo=demo)
        if self._dashboard_first:
            self.shell_status = replace(self.shell_status, session_state="connecting")
        self.status_signal: Signal[ShellStatus] = Signal(self, "csms-status")
        #: Keys typed while a wizard changes step, for the next step's field.
        self.key_hold = KeyHold(self)
        self.available_screens: list[ScreenEntry] = available
        for entry in self.available_screens:
            self.add_mode(entry.mode, partial(self._build_screen, entry))
        if config.keymap:
            self.set_keymap(_with_function_keys(config.keymap))

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

    def open_list_members(self, list_id: str, name: str) -> None:
        """Show a list's members (search, networks, remove, export) over the current screen."""
        if self.engine is None:
            self.notify("Log in first: the screens need a connected account.")
            return
        from tui.screens.list_members import ListMembersScreen

        self.push_screen(ListMembersScreen(list_id, name))

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
        from tui.widgets.dialog import Dialog

        if isinstance(self.screen, Dialog):
            dialog = self.screen
            self.push_screen(HelpScreen(dialog.help_title(), dialog.help_markdown()))
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

    def action_next_field(self) -> None:
        from tui.widgets.path_input import PathInput

        focused = self.focused
        if isinstance(focused, PathInput):
            # Tab completes a path: after the keys typed before it reach the field.
            focused.call_later(focused.action_complete)
            return
        self.screen.focus_next()

    def action_previous_field(self) -> None:
        self.screen.focus_previous()

    def copy_text(self, text: str, what: str) -> None:
        """Copy ``text`` to the clipboard (OSC 52) and say what was copied."""
        self.copy_to_clipboard(text)
        self.notify(f"Copied {what}: {text}", timeout=3)

    async def on_event(self, event: events.Event) -> None:
        # While a wizard changes step the keys arriving wait for the next step
        # (widgets/key_hold.py); forwarded keys are ones already given out.
        if isinstance(event, events.Key) and not event.is_forwarded and self.key_hold.take(event):
            return
        await super().on_event(event)

    # -- lifecycle ----------------------------------------------------------

    def on_mount(self) -> None:
        sys.setswitchinterval(UI_SWITCH_INTERVAL)
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
        # The start-up's pause of the garbage collector ends once connected, or
        # after this long at most (a slow gateway): tui/collector.py.
        self.set_timer(START_UP_GC_PAUSE, collector.end_start_up)

    def _remember_theme(self, theme: Theme) -> None:
        if theme.name != self.config.theme:
            self.config.theme = theme.name
            self.save_settings()

    # -- errors ---------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Workers started with exit_on_error=False that still failed are shown."""
        worker = event.worker
        if (
            event.state == WorkerState.ERROR
            and worker.error is not None
            and not worker.exit_on_error
        ):
            self.report_error(worker.error)
