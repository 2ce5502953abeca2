"""A yes/no question in a modal: Enter presses the focused button, Escape cancels.

Nothing runs because Enter was pressed somewhere: only the button that has
focus acts (there is no Enter binding), and for destructive or paying actions
(``safe_default``) the focus starts on the safe button, so a stray Enter
cancels. The question says what the action costs or loses; however long it
is, it scrolls and the buttons stay on screen (80x24 included).
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from tui.widgets.app_footer import AppFooter
from tui.widgets.dialog import Dialog

#: Rows of the dialog around its question: border, padding, title, buttons, and
#: the footer below the dialog.
CHROME_ROWS = 10

#: Keys that scroll a dialog's question from wherever the focus is.
BODY_SCROLL_BINDINGS: list[BindingType] = [
    Binding("up", "scroll_body(-1)", "Scroll", show=False),
    Binding("down", "scroll_body(1)", "Scroll", show=False),
    Binding("pageup", "scroll_body(-10)", "Scroll", show=False),
    Binding("pagedown", "scroll_body(10)", "Scroll", show=False),
]


class DialogBody(VerticalScroll, can_focus=False):
    """A dialog's question: it scrolls (the dialog's up/down/page keys) but never
    takes the focus, so Tab only ever moves between the dialog's buttons and the
    focus is always on a button the user can see."""

    def scroll_lines(self, lines: int) -> None:
        self.scroll_relative(y=lines, animate=False)


class ConfirmScreen(Dialog[bool]):
    """Ask ``question``; dismisses with True (confirmed) or False (cancelled)."""

    DIALOG_NAME = "Question"
    DIALOG_HELP = """\
A question before an action. Nothing happens until a button is pressed: Enter
presses the button that has the focus, and before an action that pays, sends
or cannot be undone the focus starts on the safe button. Escape cancels. Up,
down and the page keys scroll a long question.
"""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > #confirm-dialog {
        width: 70; max-width: 100%; height: auto; max-height: 100%; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    ConfirmScreen #confirm-title { text-style: bold; margin-bottom: 1; }
    ConfirmScreen #confirm-body { height: auto; max-height: 14; }
    ConfirmScreen #confirm-question { margin-bottom: 1; }
    ConfirmScreen #confirm-buttons { height: auto; align-horizontal: right; }
    ConfirmScreen #confirm-buttons Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("left,right", "switch", "Other button"),
        *BODY_SCROLL_BINDINGS,
    ]

    def __init__(
        self,
        question: str,
        *,
        title: str = "Please confirm",
        confirm_label: str = "Confirm",
        cancel_label: str = "Cancel",
        danger: bool = False,
        safe_default: bool | None = None,
    ) -> None:
        """``danger`` colours the confirm button; ``safe_default`` (default: the same
        as ``danger``) puts the focus on Cancel first, for actions that delete,
        pay or may repeat a send."""
        super().__init__()
        self.question = question
        self.title_text = title
        self.confirm_label = confirm_label
        self.cancel_label = cancel_label
        self.danger = danger
        self.safe_default = danger if safe_default is None else safe_default

    def help_title(self) -> str:
        return self.title_text

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(self.title_text, id="confirm-title", markup=False)
            with DialogBody(id="confirm-body"):
                yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(self.cancel_label, id="cancel")
                yield Button(
                    self.confirm_label,
                    id="confirm",
                    variant="error" if self.danger else "primary",
                )
        yield AppFooter()

    def on_mount(self) -> None:
        first = "#cancel" if self.safe_default else "#confirm"
        self.query_one(first, Button).focus()

    def on_resize(self, event: events.Resize) -> None:
        # The question scrolls in what the terminal leaves; the buttons never go.
        body = self.query_one("#confirm-body")
        body.styles.max_height = max(3, event.size.height - CHROME_ROWS)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_switch(self) -> None:
        focused = self.focused
        target = "#confirm" if focused is not None and focused.id == "cancel" else "#cancel"
        self.query_one(target, Button).focus()

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_scroll_body(self, lines: int) -> None:
        self.query_one(DialogBody).scroll_lines(lines)
