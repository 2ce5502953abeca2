"""Quick sends: one SMS text, one call or one feedback call to a few numbers.

``QuickSends`` is part of ``Engine`` (``engine.send_sms`` and the others). Each
send goes through the submit journal: invalid input raises before anything goes
out, and what did go out is recorded and tracked whatever happens later.
Numbers on the do-not-contact list are left out (``outcome.blocked``) unless
``override_reason`` says why they are sent to anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui.config import Profile
from tui.engine.clock import Clock
from tui.engine.submit_journal import SendOutcome, SubmitJournal, SubmitRecords, plural
from tui.gateway.client import CsmsClient
from tui.gateway.results import SubmitIds
from tui.gateway.text import analyze
from tui.ledger import NewCall, NewMessage


class QuickSends:
    """The quick sends of ``Engine``; it sets these attributes."""

    profile: Profile
    client: CsmsClient
    journal: SubmitJournal
    clock: Clock

    async def send_sms(
        self,
        recipients: Sequence[str],
        text: str,
        *,
        mask: str | None = None,
        operator: int | None = None,
        override_reason: str | None = None,
    ) -> SendOutcome:
        """Send one text to ``recipients``."""
        analysis = analyze(text)
        mask = mask or self.profile.default_mask
        targets, blocked = self.journal.allowed(recipients, override_reason)

        def records(done: SubmitIds) -> SubmitRecords:
            at = self.clock.now()
            return SubmitRecords(
                messages=[
                    NewMessage(
                        id=msg_id,
                        recipient=number,
                        text=text,
                        encoding=analysis.encoding,
                        segments=analysis.segments,
                        submitted_at=at,
                        mask=mask,
                        operator=operator,
                    )
                    for number, msg_id in done.ids
                ]
            )

        segments = plural(analysis.segments, "segment")
        outcome = await self.journal.submit(
            "message",
            "sendsms.jsp",
            f"SMS of {segments}: {text[:60]}",
            targets,
            lambda: self.client.send_sms(targets, text, mask=mask, operator=operator),
            records,
        )
        outcome.blocked = blocked
        return outcome

    async def make_call(
        self,
        recipients: Sequence[str],
        file_id: str,
        *,
        max_retries: int = 0,
        mask: str | None = None,
        override_reason: str | None = None,
    ) -> SendOutcome:
        targets, blocked = self.journal.allowed(recipients, override_reason)

        def records(done: SubmitIds) -> SubmitRecords:
            at = self.clock.now()
            return SubmitRecords(
                calls=[
                    NewCall(
                        id=call_id,
                        recipient=number,
                        file_id=file_id,
                        submitted_at=at,
                        max_retries=max_retries,
                        mask=mask,
                    )
                    for number, call_id in done.ids
                ]
            )

        outcome = await self.journal.submit(
            "call",
            "makecall.jsp",
            f"call playing audio {file_id}",
            targets,
            lambda: self.client.make_call(targets, file_id, max_retries=max_retries, mask=mask),
            records,
        )
        outcome.blocked = blocked
        return outcome

    async def make_feedback_call(
        self,
        recipients: Sequence[str],
        file_id: str,
        *,
        valid_options: int,
        valid_feedback_file_id: str,
        invalid_feedback_file_id: str,
        max_retries: int = 0,
        mask: str | None = None,
        override_reason: str | None = None,
    ) -> SendOutcome:
        targets, blocked = self.journal.allowed(recipients, override_reason)

        def records(done: SubmitIds) -> SubmitRecords:
            at = self.clock.now()
            return SubmitRecords(
                calls=[
                    NewCall(
                        id=call_id,
                        recipient=number,
                        file_id=file_id,
                        submitted_at=at,
                        kind="feedback",
                        max_retries=max_retries,
                        mask=mask,
                        valid_options=str(valid_options),
                        valid_file_id=valid_feedback_file_id,
                        invalid_file_id=invalid_feedback_file_id,
                    )
                    for number, call_id in done.ids
                ]
            )

        outcome = await self.journal.submit(
            "call",
            "make_feedback_call.jsp",
            f"feedback call playing audio {file_id}, options 1-{valid_options}",
            targets,
            lambda: self.client.make_feedback_call(
                targets,
                file_id,
                valid_options=valid_options,
                valid_feedback_file_id=valid_feedback_file_id,
                invalid_feedback_file_id=invalid_feedback_file_id,
                max_retries=max_retries,
                mask=mask,
            ),
            records,
        )
        outcome.blocked = blocked
        return outcome
