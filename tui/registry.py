"""The app's main screens: one line per screen.

The app builds its modes, key bindings, navigation bar and command palette
entries from :data:`SCREENS`. Screen classes are imported lazily (only when
the screen is first shown), so a new screen is one more entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen

HELP_DIR = Path(__file__).resolve().parent / "help"


@dataclass(frozen=True, slots=True)
class ScreenEntry:
    #: Textual mode name, also the help file's stem (``tui/help/<mode>.md``).
    mode: str
    #: Name shown in the navigation bar and the command palette.
    title: str
    #: Single key that opens the screen (when no text field has focus).
    key: str
    #: Function key that opens the screen from anywhere.
    fkey: str
    #: ``"module:Class"`` of the screen, imported on first use.
    factory: str
    #: One line saying what the screen is for (palette and help fallback).
    help: str
    #: A shorter name for the navigation bar when the full names do not fit.
    short: str = ""

    @property
    def binding_id(self) -> str:
        """Id of the key binding, as used in the config's keymap."""
        return f"screen.{self.mode}"

    def load(self) -> type[Screen[None]]:
        """Import and return the screen class."""
        module_name, _, class_name = self.factory.partition(":")
        screen_class: type[Screen[None]] = getattr(import_module(module_name), class_name)
        return screen_class

    def is_available(self) -> bool:
        """Whether the screen's module exists (screens still being built are left out)."""
        module_name = self.factory.partition(":")[0]
        return find_spec(module_name) is not None

    def help_text(self) -> str:
        """The screen's help as markdown."""
        path = HELP_DIR / f"{self.mode}.md"
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            return f"# {self.title}\n\n{self.help}\n"


SCREENS: list[ScreenEntry] = [
    ScreenEntry(
        "dashboard",
        "Dashboard",
        "d",
        "f2",
        "tui.screens.dashboard:DashboardScreen",
        "Session, credit, pending incoming messages and what is in flight.",
        short="Home",
    ),
    ScreenEntry(
        "quick_send",
        "Quick send",
        "s",
        "f3",
        "tui.screens.quick_send:QuickSendScreen",
        "Send an SMS or make a call to numbers pasted in any format.",
        short="Send",
    ),
    ScreenEntry(
        "inbox",
        "Inbox",
        "i",
        "f4",
        "tui.screens.inbox:InboxScreen",
        "Incoming messages: read, search, pay and fetch, reply, export.",
    ),
    ScreenEntry(
        "activity",
        "Activity",
        "a",
        "f5",
        "tui.screens.activity:ActivityScreen",
        "In flight and recently finished, sends held for the hours, unknown outcomes.",
    ),
    ScreenEntry(
        "lists",
        "Lists",
        "l",
        "f6",
        "tui.screens.lists:ListsScreen",
        "Contact lists: create, import numbers, upload.",
    ),
    ScreenEntry(
        "sms_campaigns",
        "SMS campaigns",
        "c",
        "f7",
        "tui.screens.sms_campaigns:SmsCampaignsScreen",
        "SMS campaigns to contact lists, and their progress.",
        short="SMS",
    ),
    ScreenEntry(
        "voice_campaigns",
        "Voice campaigns",
        "v",
        "f8",
        "tui.screens.voice_campaigns:VoiceCampaignsScreen",
        "Voice campaigns to contact lists, and their progress.",
        short="Voice",
    ),
    ScreenEntry(
        "audio",
        "Audio",
        "u",
        "f9",
        "tui.screens.audio:AudioScreen",
        "Audio files for calls: convert, upload and check their status.",
    ),
    ScreenEntry(
        "settings",
        "Settings",
        "comma",
        "f10",
        "tui.screens.settings:SettingsScreen",
        "Profiles, masks, time zone, polling, limits and TLS.",
    ),
    ScreenEntry(
        "optouts",
        "Opt-outs",
        "o",
        "f11",
        "tui.screens.optouts:OptOutsScreen",
        "The do-not-contact list: numbers that replied STOP, imported or added by hand.",
    ),
]


def entry_for(mode: str) -> ScreenEntry | None:
    """The registry entry of ``mode``, or None."""
    for entry in SCREENS:
        if entry.mode == mode:
            return entry
    return None
