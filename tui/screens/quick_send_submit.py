"""A confirmed quick send handed to the engine, without Textual: sent now
(``submit``: ``Engine.submit`` with the engine's ``SendRequest``) or kept until
the sending hours open (``hold``). ``submit`` gives the engine every recipient
(it leaves out, and reports, those on the do-not-contact list); ``hold`` keeps
only those the request reaches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.screens.quick_send_request import SendRequest

if TYPE_CHECKING:
    from tui.engine.holds import Holds
    from tui.engine.service import Engine
    from tui.engine.submit_journal import SendOutcome
    from tui.ledger.holds import HeldSend


async def submit(engine: Engine, request: SendRequest) -> SendOutcome:
    """Send ``request`` now; raises ``CsmsError`` when nothing could go out (a
    failure part-way is the outcome's fields)."""
    return await engine.submit(request.send())


def hold(holds: Holds, request: SendRequest) -> HeldSend:
    """Keep ``request`` until the sending hours open (the engine sends it then);
    raises ``CsmsError`` or ``LedgerError`` when it could not be kept."""
    return holds.hold_send(request.send(reached_only=True))
