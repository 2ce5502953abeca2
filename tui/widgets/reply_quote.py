"""The message being answered, shown above the composer while replying."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import Static

QUOTE_CHARS = 160


class ReplyQuote(Static):
    """Hidden until ``show``; says whom a reply goes to and what they wrote."""

    DEFAULT_CSS = """
    ReplyQuote {
        display: none; height: auto; max-height: 4; margin: 0 1; padding: 0 1;
        border-left: thick $accent; color: $text-muted;
    }
    ReplyQuote.-replying { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.replying_to: str | None = None

    def show(self, sender: str, text: str, at: datetime | None) -> None:
        when = f" at {at:%Y-%m-%d %H:%M}" if at is not None else ""
        shown = text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"
        self.replying_to = sender
        self.update(f"Replying to {sender}{when}:\n“{shown}”")
        self.add_class("-replying")

    def clear(self) -> None:
        self.replying_to = None
        self.update("")
        self.remove_class("-replying")
