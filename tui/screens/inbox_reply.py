"""Replying from the Inbox: Quick send opens on a fresh SMS form addressed to
the sender, quoting the message answered (never on what was last typed or sent
there)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.widgets.reply_quote import Reply


async def reply_in_quick_send(screen: Screen[Any], reply: Reply | None) -> None:
    """Open Quick send on ``reply`` (None: nothing is selected, which is said)."""
    if reply is None:
        screen.notify("Select a message to reply to.", severity="warning")
        return
    from tui.screens.quick_send import QuickSendScreen

    app = screen.app
    await app.switch_mode("quick_send")
    quick_send = next(
        (s for s in reversed(app.screen_stack) if isinstance(s, QuickSendScreen)), None
    )
    if quick_send is not None:
        quick_send.start_reply(reply)
