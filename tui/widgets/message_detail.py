"""The Inbox's open message: who sent it, to which code, when and how long,
then its whole text (scrolling, and from the right edge when it reads right to
left, as Urdu does)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from tui.engine.inbox_view import is_rtl
from tui.ledger import InboxMessage


class MessageDetail(Vertical):
    """Below the page: a hint until a message is opened, then that message."""

    HINT = "Open a message (Enter) to read it in full."

    def compose(self) -> ComposeResult:
        yield Static(self.HINT, id="detail-meta")
        with VerticalScroll(id="detail-scroll"):
            yield Static("", id="detail-text", markup=False)

    def show(self, message: InboxMessage, when: str, keyword: str) -> None:
        """Show ``message``, received ``when``; ``keyword`` names the do-not-contact
        keyword it is ("Opt-out", "Opt-in") or is empty."""
        code = f" · to {message.short_code}" if message.short_code else ""
        keyword = f" · {keyword} keyword" if keyword else ""
        self.query_one("#detail-meta", Static).update(
            f"From {message.msisdn}{code} · {when} · {len(message.text)} characters{keyword}"
            " · Enter again: the conversation"
        )
        text = self.query_one("#detail-text", Static)
        text.update(message.text)
        text.set_class(is_rtl(message.text), "rtl")

    def clear(self) -> None:
        """Back to the hint: no message is open."""
        self.query_one("#detail-meta", Static).update(self.HINT)
        text = self.query_one("#detail-text", Static)
        text.update("")
        text.set_class(False, "rtl")
