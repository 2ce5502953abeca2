"""What the header and dashboard show of the account and the session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tui.gateway.results import IncomingInfo
from tui.gateway.session import SessionState


@dataclass
class EngineStatus:
    """A snapshot of what the header and dashboard show."""

    account: str
    demo: bool
    session_state: str = SessionState.LOGGED_OUT.value
    session_reason: str = ""
    credit: float | None = None
    #: When the gateway reported the credit.
    credit_at: datetime | None = None
    unpaid_pending: int = 0
    free_incoming: int = 0
    last_poll: datetime | None = None
    next_poll: datetime | None = None
    auto_fetch: bool = True

    def take_info(self, info: IncomingInfo | None, at: datetime | None = None) -> None:
        """Take the credit and the incoming counts of the gateway's last answer
        (given at ``at``)."""
        if info is not None:
            self.credit, self.credit_at = info.credit, at
            self.unpaid_pending = info.unpaid_pending
            self.free_incoming = info.free_incoming
