"""What screens and widgets may ask of the app, typed: they ask through these
protocols instead of reaching into the app by attribute name.

``CsmsApp`` provides all of it. An app that provides none of it (a widget's
test app) leaves the features that need it inactive: ``shell_app`` and
``text_copier`` return None there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from pathlib import Path

    from textual.app import App
    from textual.signal import Signal

    from tui.config import Profile
    from tui.engine.service import Engine
    from tui.registry import ScreenEntry
    from tui.widgets.header import ShellStatus


@runtime_checkable
class CopiesText(Protocol):
    """Copies to the clipboard (and says what was copied)."""

    def copy_text(self, text: str, what: str) -> None: ...


@runtime_checkable
class HasEngine(Protocol):
    """Holds the engine (None until connected)."""

    engine: Engine | None


@runtime_checkable
class ShellApp(HasEngine, CopiesText, Protocol):
    """The app around the screens: the engine, the header's status, navigation."""

    shell_status: ShellStatus
    status_signal: Signal[ShellStatus]
    available_screens: list[ScreenEntry]

    def open_screen(self, mode: str) -> None: ...

    def open_conversation(self, number: str) -> None: ...

    def open_surveys(self) -> None: ...

    def submit_login(self, profile: Profile) -> None: ...

    def report_error(self, error: BaseException) -> None: ...


@runtime_checkable
class KeepsExportFolder(Protocol):
    """Keeps the folder a file was last written to in this run (None: none yet)."""

    export_folder: Path | None


def export_keeper(app: object) -> KeepsExportFolder | None:
    """``app`` as the keeper of the last export folder, if it is one."""
    return app if isinstance(app, KeepsExportFolder) else None


def shell_app(app: object) -> ShellApp | None:
    """``app`` as the shell app, if it is one."""
    return app if isinstance(app, ShellApp) else None


def app_engine(app: object) -> Engine | None:
    """The engine of ``app`` (None until connected, or in an app without one)."""
    # Asked for on every engine event: an attribute lookup, not a protocol check.
    engine: Engine | None = getattr(app, "engine", None)
    return engine


def text_copier(app: object) -> CopiesText | None:
    """``app`` as something that copies text, if it does."""
    return app if isinstance(app, CopiesText) else None


def copy_text(app: App[object], text: str, what: str) -> None:
    """Copy ``text`` through the app (which says what was copied), or straight to
    the terminal's clipboard when the app does not copy text itself."""
    copier = text_copier(app)
    if copier is not None:
        copier.copy_text(text, what)
    else:
        app.copy_to_clipboard(text)
