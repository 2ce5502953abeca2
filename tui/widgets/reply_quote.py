"""The message being answered, shown above the composer while replying."""

from __future__ import annotations

from dataclasses import dataclass

from textual.widgets import Static

QUOTE_CHARS = 160


@dataclass(frozen=True, slots=True)
class Reply:
    """An incoming message to answer: who sent it, when (as the inbox shows it), what."""

    sender: str
    received: str
    text: str


def quote_text(reply: Reply, limit: int = QUOTE_CHARS) -> str:
    """Two lines: from whom and when, then the message (cut to ``limit`` characters)."""
    line = " ".join(reply.text.split())
    shown = line if len(line) <= limit else line[: limit - 1] + "…"
    when = f" ({reply.received})" if reply.received else ""
    return f"Replying to {reply.sender}{when}:\n“{shown}”"


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
        self.reply: Reply | None = None

    def show(self, reply: Reply) -> None:
        self.reply = reply
        self.update(quote_text(reply))
        self.add_class("-replying")

    def clear(self) -> None:
        self.reply = None
        self.update("")
        self.remove_class("-replying")
