"""What waits at the gateway: unpaid incoming messages and the free allowance,
with the buttons that act on them (pay and fetch, discard, fetch now) and the
auto-fetch switch.

The counts are the gateway's own (``incoming_sms_info``); "free" is the free
allowance left (messages the gateway will not charge for), not messages waiting.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Static

from tui.widgets.tick import Tick
from tui.wording import plural


def pending_text(unpaid: int, free: int) -> str:
    """``At the gateway: 3 messages to pay for · 5 free left in the allowance``."""
    waiting = "nothing to pay for" if unpaid == 0 else f"{plural(unpaid, 'message')} to pay for"
    return f"At the gateway: {waiting} · {free:,} free left in the allowance"


def shorter_texts(unpaid: int, free: int) -> list[str]:
    """The same in fewer columns, longest first: ``3 to pay · 5 free left``..."""
    waiting = "nothing to pay for" if unpaid == 0 else f"{plural(unpaid, 'message')} to pay for"
    return [
        f"{waiting} · {free:,} free left",
        f"{unpaid:,} to pay · {free:,} free left",
        f"{unpaid:,} to pay · {free:,} free",
        f"{unpaid:,} to pay",
    ]


class PendingBar(Horizontal):
    """One row: the gateway's pending counts and what can be done about them."""

    DEFAULT_CSS = """
    PendingBar { height: auto; padding: 0 1; margin-bottom: 1; }
    PendingBar #pending { width: 1fr; min-width: 12; height: 1; }
    PendingBar Button { min-width: 0; width: auto; padding: 0 1; margin-left: 1; }
    PendingBar #auto-fetch { margin-left: 1; }
    """

    def __init__(self, *, auto_fetch: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self._auto_fetch = auto_fetch
        self._counts: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="pending")
        yield Button("Pay and fetch", id="pay", variant="warning", compact=True)
        yield Button("Discard", id="discard", variant="error", compact=True)
        yield Button("Fetch", id="fetch", compact=True)
        yield Tick("Auto-fetch", value=self._auto_fetch, id="auto-fetch", compact=True)

    def show(self, unpaid: int, free: int) -> None:
        self._counts = (unpaid, free)
        self._fit()
        self.query_one("#pay", Button).disabled = False
        self.query_one("#discard", Button).disabled = unpaid == 0

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)  # once the label has its new width

    def _fit(self) -> None:
        """The whole sentence where it fits, else the short form (the whole one
        stays as the tooltip)."""
        if self._counts is None:
            return
        label = self.query_one("#pending", Static)
        full = pending_text(*self._counts)
        width = label.size.width
        fitting = [text for text in shorter_texts(*self._counts) if len(text) <= width]
        label.update(full if width == 0 or len(full) <= width else (fitting or [full])[0])
        label.tooltip = full

    def busy(self, doing: str | None) -> None:
        """Say what is being asked of the gateway (``Fetching…``), its buttons
        disabled meanwhile; None: the counts and buttons again."""
        for button in self.query(Button).results(Button):
            button.disabled = doing is not None or (
                button.id == "discard" and (self._counts or (0, 0))[0] == 0
            )
        if doing is not None:
            self.query_one("#pending", Static).update(doing)
        else:
            self._fit()

    def set_auto_fetch(self, on: bool) -> None:
        """Show ``on`` without announcing it as the user's change."""
        toggle = self.query_one("#auto-fetch", Checkbox)
        if toggle.value != on:
            with toggle.prevent(Checkbox.Changed):
                toggle.value = on
