"""A confirmed quick send handed to the engine, without Textual: sent now
(``submit``) or kept until the sending hours open (``hold``). ``submit`` gives
the engine every recipient (it leaves out, and reports, those on the
do-not-contact list); ``hold`` keeps only those the request reaches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.screens.quick_send_request import SendRequest

if TYPE_CHECKING:
    from tui.engine.holds import Holds
    from tui.engine.service import Engine
    from tui.engine.submit_journal import SendOutcome
    from tui.ledger.holds import HeldSend


async def submit(engine: Engine, request: SendRequest) -> SendOutcome:
    """Send ``request`` now; raises ``CsmsError`` when nothing could go out."""
    if request.kind == "sms":
        return await engine.send_sms(
            request.recipients, request.text, mask=request.mask, operator=request.operator
        )
    if request.kind == "call":
        return await engine.make_call(
            request.recipients, request.file_id, max_retries=request.retries, mask=request.mask
        )
    return await engine.make_feedback_call(
        request.recipients,
        request.file_id,
        valid_options=request.valid_options,
        valid_feedback_file_id=request.valid_file[0],
        invalid_feedback_file_id=request.invalid_file[0],
        max_retries=request.retries,
        mask=request.mask,
    )


def hold(holds: Holds, request: SendRequest) -> HeldSend:
    """Keep ``request`` until the sending hours open (the engine sends it then);
    raises ``CsmsError`` or ``LedgerError`` when it could not be kept."""
    if request.kind == "sms":
        return holds.hold_sms(
            request.reached, request.text, mask=request.mask, operator=request.operator
        )
    if request.kind == "call":
        return holds.hold_call(
            request.reached, request.file_id, max_retries=request.retries, mask=request.mask
        )
    return holds.hold_feedback_call(
        request.reached,
        request.file_id,
        valid_options=request.valid_options,
        valid_feedback_file_id=request.valid_file[0],
        invalid_feedback_file_id=request.invalid_file[0],
        max_retries=request.retries,
        mask=request.mask,
    )
