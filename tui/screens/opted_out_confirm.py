"""Creating a campaign whose lists hold opted-out members: asked first, recorded.

Both campaign wizards call :func:`create_or_ask` from their review: with no
opted-out member (``OptedOutMembers.count``) it creates at once; otherwise a
confirmation (Cancel focused) says how many would get it, and creating anyway
passes the reason to ``create``, whose worker records the override against each
number (:func:`record_override`, in a thread) before the campaign is created.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tui.screens.confirm import ConfirmScreen
from tui.widgets.opted_out_members import OptedOutMembers, confirm_question

if TYPE_CHECKING:
    from tui.engine.service import Engine


def create_or_ask(
    warning: OptedOutMembers,
    campaign: str,
    create: Callable[[str | None], object],
    still: Callable[[], bool],
) -> None:
    """``create(None)`` now, or ``create(reason)`` after the user confirmed (and
    ``still()`` holds then)."""
    count = warning.count
    if not count:
        create(None)
        return

    def confirmed(ok: bool | None) -> None:
        if ok and still():
            create(f"{campaign} created anyway")

    warning.app.push_screen(
        ConfirmScreen(
            confirm_question(count, "this campaign"),
            title="Opted-out numbers in these lists",
            confirm_label="Create anyway",
            danger=True,
        ),
        confirmed,
    )


async def record_override(engine: Engine, list_ids: Sequence[str], reason: str | None) -> None:
    """Record, in a thread, that the lists' opted-out members get the campaign anyway."""
    if reason is None:
        return

    def record() -> None:
        engine.optouts.scan_incoming()
        listed = engine.reads.audience.opted_out_members(list_ids)
        engine.optouts.override_recorded(listed, reason)

    await asyncio.to_thread(record)
