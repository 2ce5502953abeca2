"""The shell's top bar: account, session state, credit, DEMO marker, and a
clickable navigation bar of the main screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Click, Resize
from textual.widgets import Static

from tui.app_services import shell_app
from tui.registry import ScreenEntry

#: How each session state reads in the header, and its style.
SESSION_STYLES: dict[str, str] = {
    "logged in": "$success",
    "connecting": "$warning",
    "logging in": "$warning",
    "re-authenticating": "$warning",
    "logged out": "$text-muted",
    "offline": "$error",
}


@dataclass(frozen=True, slots=True)
class ShellStatus:
    """What the header shows; the app keeps one and updates it from engine events."""

    account: str = ""
    profile: str = ""
    session_state: str = "logged out"
    session_reason: str = ""
    credit: float | None = None
    demo: bool = False


def format_credit(credit: float | None) -> str:
    return "credit unknown" if credit is None else f"credit Rs {credit:,.2f}"


def status_content(status: ShellStatus, width: int | None = None) -> Content:
    """The header line for ``status``, within ``width`` cells where it can be:
    an offline reason is left out first (the Session card keeps it), then the
    profile's name, so the credit stays on the line at 80 columns."""
    full = _status_line(status, reason=True, profile=True)
    if width is None or full.cell_length <= width:
        return full
    shorter = _status_line(status, reason=False, profile=True)
    if shorter.cell_length <= width:
        return shorter
    return _status_line(status, reason=False, profile=False)


def _status_line(status: ShellStatus, *, reason: bool, profile: bool) -> Content:
    parts: list[Content] = [Content.styled(" CSMS ", "bold reverse")]
    if status.demo:
        parts.append(Content.styled(" DEMO ", "bold $warning on $warning-muted"))
    if status.account:
        account = status.account
        if status.profile and not status.demo and profile:
            account = f"{account} ({status.profile})"
        parts.append(Content(f" {account} "))
    elif status.profile and not status.demo:
        parts.append(Content(f" profile {status.profile} "))
    else:
        parts.append(Content(" "))
    state = status.session_state
    if state == "offline" and status.session_reason and reason:
        state = f"offline: {status.session_reason}"
    style = SESSION_STYLES.get(status.session_state, "")
    parts.append(Content.styled(f"● {state}", style))
    if status.session_state != "connecting":
        parts.append(Content(f"  {format_credit(status.credit)}"))
    return Content("").join(parts)


class StatusHeader(Static):
    """Account, session state, credit and the DEMO marker, on one line."""

    DEFAULT_CSS = """
    StatusHeader { height: 1; width: 1fr; background: $panel; }
    """

    def __init__(self, status: ShellStatus | None = None, **kwargs: object) -> None:
        self.status = status or ShellStatus()
        super().__init__(status_content(self.status), **kwargs)  # type: ignore[arg-type]

    def on_resize(self, event: Resize) -> None:
        self.update(status_content(self.status, event.size.width))

    def on_mount(self) -> None:
        app = shell_app(self.app)
        if app is not None:
            app.status_signal.subscribe(self, self.show)
            self.show(app.shell_status)

    def show(self, status: ShellStatus) -> None:
        if status != self.status:
            self.status = status
            self.update(status_content(status, self.size.width or None))


class NavLink(Static):
    """One screen's name in the navigation bar; a click opens the screen."""

    def __init__(self, entry: ScreenEntry) -> None:
        super().__init__(entry.title, id=f"nav-{entry.mode}", classes="nav-link")
        self.entry = entry
        self.tooltip = f"{entry.help} ({entry.fkey.upper()})"

    def on_click(self, event: Click) -> None:
        event.stop()
        app = shell_app(self.app)
        if app is not None:
            app.open_screen(self.entry.mode)


class NavBar(Horizontal):
    """The main screens along the top, the current one highlighted."""

    DEFAULT_CSS = """
    NavBar { height: 1; width: 1fr; background: $boost; }
    NavBar > .nav-link { width: auto; padding: 0 1; }
    NavBar > .nav-link:hover { background: $primary-muted; }
    NavBar > .nav-link.-current { background: $primary; color: $text; text-style: bold; }
    """

    def __init__(self, entries: list[ScreenEntry], current: str | None = None) -> None:
        super().__init__()
        self.entries = entries
        self.current = current

    def compose(self) -> ComposeResult:
        for entry in self.entries:
            link = NavLink(entry)
            link.set_class(entry.mode == self.current, "-current")
            yield link

    def on_resize(self, event: Resize) -> None:
        # Every screen stays reachable by a click: shorter names when the full
        # ones do not fit (80 columns), the full ones when they do.
        full = sum(len(entry.title) + 2 for entry in self.entries)
        short = full > event.size.width
        for link in self.query(NavLink):
            entry = link.entry
            link.update(entry.short if short and entry.short else entry.title)


class ShellBar(Vertical):
    """Header line and navigation bar, docked at the top of every main screen.

    With ``nav=False`` the navigation bar is left out until :meth:`show_nav`, so
    a screen can paint its first frame with the header line only.
    """

    DEFAULT_CSS = """
    ShellBar { dock: top; height: auto; }
    """

    def __init__(
        self,
        status: ShellStatus,
        entries: list[ScreenEntry],
        current: str | None,
        *,
        nav: bool = True,
    ) -> None:
        super().__init__()
        self._status = status
        self._entries = entries
        self._current = current
        self._nav = nav

    def compose(self) -> ComposeResult:
        yield StatusHeader(self._status)
        if self._nav:
            yield NavBar(self._entries, self._current)

    def show_nav(self) -> None:
        """Add the navigation bar below the header line, if it is not there yet
        (call once the bar is mounted)."""
        if not self._nav:
            self._nav = True
            self.mount(NavBar(self._entries, self._current))
