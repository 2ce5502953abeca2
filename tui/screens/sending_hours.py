"""Outside the sending hours: hold the send until they open, or send it anyway.

It replaces a send's confirmation when the profile's hours are closed: the
question says what would be sent, and above it the time where the profile
lives ("It is 23:10 (Fri) in Asia/Karachi, outside the sending hours ...").
Focus starts on "Hold", so a stray Enter never messages anyone at night;
Escape cancels. Dismisses with ``"hold"``, ``"send"`` or None (cancelled).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.widgets import Button, Static

from tui.screens.confirm import BODY_SCROLL_BINDINGS, CHROME_ROWS, ConfirmScreen, DialogBody
from tui.widgets.app_footer import AppFooter
from tui.widgets.dialog import Dialog

if TYPE_CHECKING:
    from tui.engine.service import Engine

Choice = Literal["hold", "send"]


def opens_label(opens: datetime, now: datetime) -> str:
    """``09:00`` today, else ``Sat 09:00``."""
    local_now = now.astimezone(opens.tzinfo)
    return f"{opens:%H:%M}" if opens.date() == local_now.date() else f"{opens:%a %H:%M}"


class SendingHoursScreen(Dialog[Choice | None]):
    DIALOG_NAME = "Outside the sending hours"
    DIALOG_HELP = """\
The profile's sending hours are closed now. **Hold** keeps the send in the
ledger until the hours open: Activity lists it, and it goes out by itself then.
**Send anyway** sends it now; **Cancel** sends nothing. Left and right move
between the buttons; the hours are set in Settings.
"""
    DEFAULT_CSS = """
    SendingHoursScreen { align: center middle; }
    SendingHoursScreen > #hours-dialog {
        width: 74; max-width: 100%; height: auto; max-height: 100%; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    SendingHoursScreen #hours-title { text-style: bold; margin-bottom: 1; }
    SendingHoursScreen #hours-body { height: auto; max-height: 14; }
    SendingHoursScreen #hours-closed { margin-bottom: 1; text-style: bold; }
    SendingHoursScreen #hours-question { margin-bottom: 1; }
    SendingHoursScreen #hours-buttons { height: auto; align-horizontal: right; }
    SendingHoursScreen #hours-buttons Button { margin-left: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("left", "app.focus_previous", "Previous button", show=False),
        Binding("right", "app.focus_next", "Next button", show=False),
        *BODY_SCROLL_BINDINGS,
    ]

    def __init__(
        self, closed: str, question: str, opens: str, *, title: str, safe_first: bool = False
    ) -> None:
        """``closed``: the hours sentence; ``question``: what the send does;
        ``opens``: when a hold goes out (``09:00``, ``Sat 09:00``); ``safe_first``:
        Cancel has the focus first (a repeat), else Hold."""
        super().__init__()
        self.safe_first = safe_first
        self.closed = closed
        self.question = question
        self.opens = opens
        self.title_text = title

    def help_title(self) -> str:
        return self.title_text

    def compose(self) -> ComposeResult:
        with Vertical(id="hours-dialog"):
            yield Static(self.title_text, id="hours-title", markup=False)
            with DialogBody(id="hours-body"):
                yield Static(self.closed, id="hours-closed", markup=False)
                yield Static(self.question, id="hours-question", markup=False)
            with Horizontal(id="hours-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Send anyway", id="send", variant="warning")
                yield Button(f"Hold until {self.opens}", id="hold", variant="primary")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#cancel" if self.safe_first else "#hold", Button).focus()

    def on_resize(self, event: events.Resize) -> None:
        body = self.query_one("#hours-body")
        body.styles.max_height = max(3, event.size.height - CHROME_ROWS)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        chosen = event.button.id
        self.dismiss("hold" if chosen == "hold" else "send" if chosen == "send" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_scroll_body(self, lines: int) -> None:
        self.query_one(DialogBody).scroll_lines(lines)


def ask_to_send(
    screen: DOMNode,
    engine: Engine,
    *,
    question: str,
    title: str,
    confirm_label: str,
    send: Callable[[], object],
    hold: Callable[[], object],
    safe_first: bool = False,
) -> None:
    """Confirm a send; outside the sending hours ask "hold, or send anyway?"
    instead. Calls ``send`` or ``hold`` with the user's answer (nothing on cancel).
    ``safe_first``: the confirmation's focus starts on Cancel (a repeat)."""
    now = engine.holds.clock()
    closed = engine.holds.outside(now)
    if closed is None:

        def confirmed(ok: bool | None) -> None:
            if ok:
                send()

        screen.app.push_screen(
            ConfirmScreen(
                question, title=title, confirm_label=confirm_label, safe_default=safe_first
            ),
            confirmed,
        )
        return

    def chosen(choice: Choice | None) -> None:
        if choice == "send":
            send()
        elif choice == "hold":
            hold()

    opens = opens_label(engine.holds.hours.next_open(now), now)
    screen.app.push_screen(
        SendingHoursScreen(closed, question, opens, title=title, safe_first=safe_first), chosen
    )


def ask_to_start_now(
    screen: DOMNode,
    engine: Engine,
    *,
    starts_now: bool,
    question: str,
    title: str,
    start: Callable[[datetime | None], object],
    still: Callable[[], bool],
) -> None:
    """A campaign that would start now: outside the sending hours ask "hold
    until they open, or send anyway?" first. Calls ``start(None)`` to start
    now, or ``start(opens)`` to schedule it for when the hours open (nothing on
    cancel, or when ``still()`` no longer holds once answered)."""
    now = engine.holds.clock()
    closed = engine.holds.outside(now) if starts_now else None
    if closed is None:
        start(None)
        return
    opens = engine.holds.hours.next_open(now)

    def chosen(choice: Choice | None) -> None:
        if choice is not None and still():
            start(opens if choice == "hold" else None)

    screen.app.push_screen(
        SendingHoursScreen(closed, question, opens_label(opens, now), title=title), chosen
    )
