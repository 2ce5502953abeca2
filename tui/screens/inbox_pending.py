"""Fetching the messages that wait at the gateway, and paying for or
discarding those that wait unpaid.

Paying and discarding ask first, saying what each costs or loses: the
gateway's counts are read again just before (they change as messages arrive),
the free allowance and the profile's price say what paying costs, and both
dialogs start on Cancel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.engine.costs import PayEstimate
from tui.gateway.errors import CsmsError
from tui.screens.confirm import ConfirmScreen
from tui.wording import plural

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.engine.service import Engine


async def _counts(screen: Screen[None], engine: Engine) -> tuple[int, int] | None:
    """The unpaid count and free allowance as the gateway says now (None after an error)."""
    try:
        await engine.refresh_account()
    except CsmsError as error:
        screen.notify(str(error), severity="error", timeout=10)
        return None
    return engine.status.unpaid_pending, engine.status.free_incoming


async def fetch(screen: Screen[None], engine: Engine) -> bool:
    """Fetch what the gateway holds (free or paid for); True when it answered."""
    try:
        outcome = await engine.fetch_inbox()
    except CsmsError as error:
        screen.notify(str(error), severity="error", timeout=10)
        return False
    fetched = f"Fetched {plural(outcome.new_messages, 'new message')}"
    waiting = outcome.info.unpaid_pending if outcome.info is not None else 0
    if waiting:
        more = plural(waiting, "more waits", "more wait")
        fetched += f"; {more} to be paid for (Pay and fetch)"
    screen.notify(f"{fetched}.")
    return True


def pay_question(estimate: PayEstimate) -> str:
    return f"Pay for and fetch {plural(estimate.unpaid, 'pending message')}?\n{estimate.sentence()}"


async def pay_and_fetch(screen: Screen[None], engine: Engine) -> bool:
    """Ask, then pay for and fetch the pending messages; True when any were stored."""
    counts = await _counts(screen, engine)
    if counts is None:
        return False
    unpaid, free = counts
    if unpaid == 0:
        screen.notify("No messages are waiting to be paid for.")
        return False
    estimate = PayEstimate(unpaid, free, engine.profile.price_per_segment, engine.status.credit)
    dialog = ConfirmScreen(
        pay_question(estimate),
        title="Pay and fetch",
        confirm_label="Pay and fetch",
        safe_default=True,
    )
    if not await screen.app.push_screen_wait(dialog):
        return False
    try:
        outcome = await engine.pay_and_fetch()
    except CsmsError as error:
        screen.notify(str(error), severity="error", timeout=10)
        return False
    quarantined = (
        f" {outcome.quarantined} reply could not be read and was kept aside."
        if outcome.quarantined
        else ""
    )
    left = engine.status.unpaid_pending
    waiting = f" {plural(left, 'message')} still wait (the credit ran short)." if left else ""
    screen.notify(
        f"Paid for {outcome.paid} and stored {plural(outcome.new_messages, 'new message')}."
        + quarantined
        + waiting
    )
    return True


async def discard(screen: Screen[None], engine: Engine) -> None:
    """Ask, then discard the pending messages at the gateway."""
    counts = await _counts(screen, engine)
    if counts is None:
        return
    unpaid, _free = counts
    if unpaid == 0:
        screen.notify("No messages are waiting to be discarded.")
        return
    question = (
        f"Discard {plural(unpaid, 'pending message')} at the gateway?\n"
        "They are deleted unread and lost for good: nobody can fetch them afterwards."
    )
    confirm = ConfirmScreen(
        question,
        title="Discard pending messages",
        confirm_label="Discard",
        danger=True,
        safe_default=True,
    )
    if not await screen.app.push_screen_wait(confirm):
        return
    try:
        discarded = await engine.discard_pending()
    except CsmsError as error:
        screen.notify(str(error), severity="error", timeout=10)
        return
    screen.notify(f"Discarded {plural(discarded, 'pending message')}.")
