"""The warning that incoming messages may have been lost, until acknowledged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.widgets import Static

if TYPE_CHECKING:
    from tui.ledger.inbox_fetches import PossibleLoss


class LossNotice(Static):
    """Hidden while there is nothing to say; otherwise one warning line."""

    DEFAULT_CSS = """
    LossNotice {
        display: none; height: auto; margin: 0 1; padding: 0 1;
        background: $warning-muted; color: $text; text-style: bold;
    }
    LossNotice.-shown { display: block; }
    """

    def __init__(self, *, how_to_acknowledge: str, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.how_to_acknowledge = how_to_acknowledge
        self.at_most = 0

    def show_losses(self, losses: Sequence[PossibleLoss], when: str | None = None) -> None:
        self.at_most = sum(loss.page_size for loss in losses)
        if not losses:
            self.update("")
            self.remove_class("-shown")
            return
        fetches = "a fetch was" if len(losses) == 1 else f"{len(losses)} fetches were"
        last = when or f"{losses[-1].started_at:%Y-%m-%d %H:%M}"
        self.update(
            f"⚠ Up to {self.at_most} incoming messages may have been lost: {fetches} cut"
            f" off before the reply was stored (last at {last}: {losses[-1].reason})."
            f" The gateway hands each message out once. {self.how_to_acknowledge}"
        )
        self.add_class("-shown")
