"""Help for the current screen: its markdown in a modal (F1 or Escape closes it)."""

from __future__ import annotations

from typing import ClassVar

from rich.markdown import Markdown
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.app_footer import AppFooter


class HelpScreen(ModalScreen[None]):
    """Shows ``markdown`` titled ``title``."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > #help-dialog {
        width: 90%; max-width: 110; height: 85%;
        border: thick $primary; background: $surface;
    }
    HelpScreen #help-title { dock: top; background: $primary; color: $text; padding: 0 1;
        text-style: bold; }
    HelpScreen #help-hint { dock: bottom; color: $text-muted; padding: 0 1; }
    HelpScreen #help-body { padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", "Close help"),
    ]

    def __init__(self, title: str, markdown: str) -> None:
        super().__init__()
        self.help_title = title
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(f"Help: {self.help_title}", id="help-title", markup=False)
            with VerticalScroll(id="help-body"):
                # Rich's markdown in one Static: it paints in milliseconds, where
                # Textual's Markdown widget (a widget per block) takes most of a second.
                yield Static(Markdown(self.markdown), id="help-markdown")
            yield Static("Escape or F1 closes this help.", id="help-hint")
        yield AppFooter()  # its own keys, not those of the screen underneath

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
