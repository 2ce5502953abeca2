"""Creating a campaign whose lists hold opted-out members: asked first, recorded.

Both campaign wizards call :func:`create_or_ask` from their review: with no
opted-out member (``OptedOutMembers.listed``) it creates at once; otherwise a
confirmation (Cancel focused) says how many would get it, and creating anyway
records the override against each number before the campaign is created.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.screens.base import engine_of
from tui.screens.confirm import ConfirmScreen
from tui.widgets.opted_out_members import OptedOutMembers, confirm_question


def create_or_ask(
    warning: OptedOutMembers, campaign: str, create: Callable[[], object], still: Callable[[], bool]
) -> None:
    """``create()`` now, or after the user confirmed (and ``still()`` holds then)."""
    listed = list(warning.listed)
    if not listed:
        create()
        return

    def confirmed(ok: bool | None) -> None:
        if ok and still():
            engine_of(warning).optouts.override_recorded(listed, f"{campaign} created anyway")
            create()

    warning.app.push_screen(
        ConfirmScreen(
            confirm_question(listed, "this campaign"),
            title="Opted-out numbers in these lists",
            confirm_label="Create anyway",
            danger=True,
        ),
        confirmed,
    )
