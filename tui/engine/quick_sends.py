"""Quick sends: one SMS text, one call or one feedback call to a few numbers.

``QuickSends`` is part of ``Engine``: ``engine.submit(SendRequest)`` sends any
of the three (``engine/send_request.py``: numbers parsed and the text analysed
once, checked when the request is made). Each send goes through the submit
journal: a refusal before anything went out raises; everything else, a failure
part-way included, is the returned ``SendOutcome`` (IDs, unknown outcomes,
numbers never sent, numbers left out), and what did go out is recorded and
tracked whatever happens later. Numbers on the do-not-contact list are left out
(``outcome.blocked``) unless the request's ``override_reason`` says why they are
sent to anyway.
"""

from __future__ import annotations

from collections.abc import Coroutine, Sequence
from typing import Any

from tui.config import Profile
from tui.engine.clock import Clock
from tui.engine.send_request import SendRequest
from tui.engine.submit_journal import SendOutcome, SubmitJournal, SubmitRecords
from tui.gateway.client import CsmsClient
from tui.gateway.results import SubmitIds
from tui.ledger import NewCall, NewMessage

COMMANDS = {"sms": "sendsms.jsp", "call": "makecall.jsp", "feedback": "make_feedback_call.jsp"}


class QuickSends:
    """The quick sends of ``Engine``; it sets these attributes."""

    profile: Profile
    client: CsmsClient
    journal: SubmitJournal
    clock: Clock

    async def submit(self, request: SendRequest) -> SendOutcome:
        """Send ``request``: raises ``CsmsError`` (or ``LedgerError``) only when
        nothing went out; otherwise the outcome says what happened to whom."""
        targets, blocked = self.journal.allowed(request.recipients, request.override_reason)
        # An SMS without a mask goes with the profile's; a call with the account's.
        mask = (
            (request.mask or self.profile.default_mask) if request.kind == "sms" else request.mask
        )

        def records(done: SubmitIds) -> SubmitRecords:
            return self._records(request, mask, done)

        return await self.journal.submit(
            request.tracked_kind,
            COMMANDS[request.kind],
            request.summary,
            targets,
            lambda: self._request(request, targets, mask),
            records,
            blocked=blocked,
        )

    def _request(
        self, request: SendRequest, targets: list[str], mask: str | None
    ) -> Coroutine[Any, Any, SubmitIds]:
        """The gateway client's submit for ``request`` to ``targets``."""
        client = self.client
        if request.kind == "sms":
            assert request.analysis is not None
            return client.send_sms(
                targets,
                request.text,
                mask=mask,
                operator=request.operator,
                unicode=request.analysis.is_unicode,
            )
        if request.feedback is None:
            return client.make_call(
                targets, request.file_id, max_retries=request.max_retries, mask=mask
            )
        options = request.feedback
        return client.make_feedback_call(
            targets,
            request.file_id,
            valid_options=options.valid_options,
            valid_feedback_file_id=options.valid_file_id,
            invalid_feedback_file_id=options.invalid_file_id,
            max_retries=request.max_retries,
            mask=mask,
        )

    def _records(self, request: SendRequest, mask: str | None, done: SubmitIds) -> SubmitRecords:
        """What the accepted part of ``request`` adds to the ledger."""
        at = self.clock.now()
        analysis = request.analysis
        if analysis is not None:  # an SMS
            return SubmitRecords(
                messages=[
                    NewMessage(
                        id=msg_id,
                        recipient=number,
                        text=request.text,
                        encoding=analysis.encoding,
                        segments=analysis.segments,
                        submitted_at=at,
                        mask=mask,
                        operator=request.operator,
                    )
                    for number, msg_id in done.ids
                ]
            )
        options = request.feedback
        return SubmitRecords(
            calls=[
                NewCall(
                    id=call_id,
                    recipient=number,
                    file_id=request.file_id,
                    submitted_at=at,
                    kind="call" if options is None else "feedback",
                    max_retries=request.max_retries,
                    mask=mask,
                    valid_options=None if options is None else str(options.valid_options),
                    valid_file_id=None if options is None else options.valid_file_id,
                    invalid_file_id=None if options is None else options.invalid_file_id,
                )
                for number, call_id in done.ids
            ]
        )

    async def send_sms(
        self,
        recipients: str | Sequence[str],
        text: str,
        *,
        mask: str | None = None,
        operator: int | None = None,
        override_reason: str | None = None,
    ) -> SendOutcome:
        """``submit`` of an SMS to numbers written any usual way (scripts, tests)."""
        return await self.submit(
            SendRequest.parse(
                "sms",
                recipients,
                text=text,
                mask=mask,
                operator=operator,
                override_reason=override_reason,
            )
        )
