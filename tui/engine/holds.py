"""Sends held until the sending hours open, and sent once they do.

``csms send`` outside the hours asks for ``--hold`` (or ``--now``); a held SMS
is kept in the ledger and goes out at the next ``csms hold run`` once the window
is open (run it from cron every few minutes), or by itself while the app runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tui.engine.quiet_hours import SendingHours
from tui.gateway.errors import CsmsError
from tui.ledger.holds import HeldSend

if TYPE_CHECKING:
    from tui.engine.service import Engine


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class HoldRun:
    sent: list[tuple[HeldSend, str]]
    failed: list[tuple[HeldSend, str]]


class Holds:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def hours(self) -> SendingHours:
        return SendingHours.of(self.engine.profile)

    def hold_sms(
        self,
        recipients: list[str],
        text: str,
        *,
        mask: str | None = None,
        operator: int | None = None,
        now: datetime | None = None,
    ) -> HeldSend:
        """Keep an SMS until the window opens; returns the hold (with its due time)."""
        at = now or _now()
        due = self.hours.next_open(at)
        payload = {"to": recipients, "text": text, "mask": mask, "operator": operator}
        hold_id = self.engine.ledger.hold("sms", payload, at, due)
        [held] = [h for h in self.engine.ledger.holds() if h.id == hold_id]
        return held

    def waiting(self) -> list[HeldSend]:
        return self.engine.ledger.holds()

    async def run_due(self, now: datetime | None = None) -> HoldRun:
        """Send every hold that is due, if the window is open now."""
        at = now or _now()
        sent: list[tuple[HeldSend, str]] = []
        failed: list[tuple[HeldSend, str]] = []
        if not self.hours.allows(at):
            return HoldRun(sent, failed)
        for held in self.engine.ledger.due_holds(at):
            if not self.engine.ledger.mark_hold(held.id, "sending"):
                continue  # another run took it
            payload = held.payload
            try:
                outcome = await self.engine.send_sms(
                    payload["to"],
                    payload["text"],
                    mask=payload.get("mask"),
                    operator=payload.get("operator"),
                )
            except CsmsError as error:
                self.engine.ledger.mark_hold(held.id, "cancelled", f"refused: {error}")
                failed.append((held, str(error)))
                continue
            result = f"{len(outcome.ids)} sent" + (f"; {outcome.error}" if outcome.error else "")
            self.engine.ledger.mark_hold(held.id, "sent", result)
            (failed if outcome.error else sent).append((held, result))
        return HoldRun(sent, failed)
