"""Quick send's results kept live: what a send became (an ID per recipient, or
unknown, not sent, left out, held) and each ID's status as the engine's events
report it.

A status can arrive before the reply that numbered its item is shown (events
can overtake it): it is kept, a bounded number of them, and used when the row
is added.
"""

from __future__ import annotations

from collections import OrderedDict

from tui.engine.events import StatusChanged
from tui.widgets.send_results import Outcome, SendResults, outcome_of

#: Statuses seen for IDs not yet in the table.
EARLY_STATUSES = 2_000
UNKNOWN_STATUS = "Unknown outcome"
NOT_SENT_STATUS = "Not sent"
BLOCKED_STATUS = "Not sent: do-not-contact list"
#: The kinds of item a quick send creates (the tracker's event kinds).
TRACKED_KINDS = ("message", "call")


class SendMonitor(SendResults):
    """The current form's results, followed through the engine's status events."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: Statuses that arrived before their send's IDs were shown (status, outcome).
        self._early: OrderedDict[str, tuple[str, Outcome]] = OrderedDict()

    def show_outcome(
        self,
        label: str,
        tracked_kind: str,
        ids: list[tuple[str, str]],
        unknown: list[str],
        unsent: list[str],
        blocked: list[str] | None = None,
    ) -> None:
        """A row per recipient of a send: numbered ones keyed ``tracked_kind:id``
        (with any status already seen), then those without an ID."""
        with self.app.batch_update():
            for recipient, item_id in ids:
                key = f"{tracked_kind}:{item_id}"
                status, outcome = self._early.pop(key, ("Submitted", "waiting"))
                self.add_keyed(key, recipient, label, item_id, status, outcome)
            for recipients, status, outcome in (
                (unknown, UNKNOWN_STATUS, "unknown"),
                (unsent, NOT_SENT_STATUS, "not sent"),
                (blocked or [], BLOCKED_STATUS, "blocked"),
            ):
                for recipient in recipients:
                    self.add(recipient, label, "—", status, outcome)

    def show_held(self, label: str, recipients: list[str], status: str) -> None:
        """A row per recipient of a send held until the sending hours open."""
        for recipient in recipients:
            self.add(recipient, label, "—", status, "held")

    def status_changed(self, event: StatusChanged) -> None:
        """Update the row of ``event``'s item, or keep the status for it."""
        status = f"{event.status} ({event.detail})" if event.detail else event.status
        key = f"{event.kind}:{event.item_id}"
        outcome = outcome_of(event.status, event.final)
        if self.set_status(key, status, outcome):
            return
        if event.kind in TRACKED_KINDS:
            self._early[key] = (status, outcome)
            while len(self._early) > EARLY_STATUSES:
                self._early.popitem(last=False)

    def clear(self) -> None:
        """No rows and no statuses kept: a fresh form's results."""
        super().clear()
        self._early.clear()
