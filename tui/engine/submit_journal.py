"""The submit journal: every submit is written down before it leaves.

A submit (an SMS, a call, a campaign, an upload, a list creation) first commits
an intent (``ledger/intents.py``); its outcome replaces the intent in one
transaction: the accepted IDs, an unknown outcome holding every recipient
concerned, or nothing when it was refused. If the intent cannot be written,
nothing is sent; if the outcome cannot be written, the user is told the IDs
and that the submit shows as an unknown outcome later, never "try again".
Numbers on the do-not-contact list are left out of quick sends here too.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from tui.engine import events
from tui.gateway.errors import CsmsError, InvalidInput, OutcomeUnknown, SubmitStopped
from tui.gateway.results import SubmitIds
from tui.ledger import LedgerError, NewCall, NewMessage, UnknownOutcome
from tui.wording import plural

if TYPE_CHECKING:
    from tui.engine.service import Engine

log = logging.getLogger("csms.engine")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What happened to a quick send, every part a field: the IDs of what went
    out, and who may have it, who certainly does not, and who was left out.
    A failure part-way is this result with ``error`` set, never an exception."""

    ids: list[tuple[str, str]] = field(default_factory=list)
    #: Recipients whose request went out but got no answer: they may have it.
    unknown: list[str] = field(default_factory=list)
    #: Recipients never sent (a refusal stopped the run before them).
    unsent: list[str] = field(default_factory=list)
    error: str | None = None
    #: The gateway answered but the ledger could not record it: the submit
    #: stays an open intent and shows as an unknown outcome later.
    unrecorded: bool = False
    #: Recipients left out because they are on the do-not-contact list.
    blocked: list[str] = field(default_factory=list)

    @property
    def outcome_unknown(self) -> bool:
        """Some recipients may or may not have it: never advise a plain resend."""
        return bool(self.unknown) or self.unrecorded


@dataclass(frozen=True, slots=True)
class SubmitRecords:
    """What an accepted submit adds to the ledger."""

    messages: list[NewMessage] = field(default_factory=list)
    calls: list[NewCall] = field(default_factory=list)


class SubmitJournal:
    """Sends through the engine's client with an intent first (see the module)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def recover_intents(self) -> int:
        """Submits left in flight by a run that has gone become unknown outcomes."""
        promoted = self.engine.ledger.intents.promote_stale_intents(self.engine.now())
        if promoted:
            self.engine.bus.publish(
                events.OutcomeUnknownRecorded(
                    at=self.engine.now(),
                    kind="message",
                    summary=f"{plural(promoted, 'submit')} interrupted by a stopped run",
                )
            )
        return promoted

    def allowed(
        self, recipients: Sequence[str], override_reason: str | None
    ) -> tuple[list[str], list[str]]:
        """Recipients (normalised numbers) to send to, and those left out for being on
        the do-not-contact list; with ``override_reason`` nobody is left out and the
        override is recorded."""
        numbers = list(recipients)
        check = self.engine.optouts.check(numbers)
        if not check.blocked_numbers:
            return numbers, []
        if override_reason is not None:
            self.engine.optouts.override_recorded(check.blocked_numbers, override_reason)
            return numbers, []
        if not check.allowed:
            shown = ", ".join(check.blocked_numbers[:10])
            raise InvalidInput(
                f"Nothing was sent: every recipient is on the do-not-contact list ({shown})."
            )
        return check.allowed, check.blocked_numbers

    async def submit(
        self,
        kind: events.ItemKind,
        command: str,
        summary: str,
        targets: Sequence[str],
        request: Callable[[], Coroutine[Any, Any, SubmitIds]],
        records: Callable[[SubmitIds], SubmitRecords],
        *,
        blocked: Sequence[str] = (),
    ) -> SendOutcome:
        """Send with an intent committed first; its outcome replaces it in one transaction.

        Nothing leaves when the intent cannot be written, and a refusal before
        anything went out is raised (``CsmsError``). Anything else, a failure
        part-way included, is the returned ``SendOutcome``. A request
        interrupted (Ctrl+C, a kill) leaves its intent open: the next run shows
        it as an unknown outcome.
        """
        intent_id = self.open_intent(kind, command, summary, targets)
        try:
            done = await request()
        except CsmsError as error:
            stopped = SubmitStopped.of(error, targets)
            if stopped.nothing_went_out:
                self._forget_intent(intent_id)  # refused before anything went out
                if stopped.cause is error:
                    raise
                raise stopped.cause from None  # the refusal itself, as for one request
            partial, unknown, unsent = stopped.done, stopped.unknown, stopped.unsent
            failure: str | None = str(error)
            answer_lost = isinstance(stopped.cause, OutcomeUnknown)
        else:
            partial, unknown, unsent, failure, answer_lost = done, (), (), None, False
        unknown_record = None
        if unknown:
            noted = f"{summary} ({failure})" if answer_lost else summary
            unknown_record = UnknownOutcome(
                kind, command, noted, list(unknown), self.engine.now(), unsent=list(unsent)
            )
        ids = list(partial.ids) if partial else []
        problem = self._complete(
            intent_id, records(partial) if partial else None, unknown_record, accepted=len(ids)
        )
        if partial is not None:
            self._announce(kind, partial, summary)
        if unknown:
            self.engine.bus.publish(
                events.OutcomeUnknownRecorded(at=self.engine.now(), kind=kind, summary=summary)
            )
        errors = [text for text in (failure, problem) if text]
        return SendOutcome(
            ids=ids,
            unknown=list(unknown),
            unsent=list(unsent),
            error=" ".join(errors) if errors else None,
            unrecorded=problem is not None,
            blocked=list(blocked),
        )

    def open_intent(
        self, kind: str, command: str, summary: str, targets: Sequence[str], ref: str | None = None
    ) -> int:
        """Commit what is about to be sent; a LedgerError here means nothing was sent."""
        try:
            return self.engine.ledger.intents.open_intent(
                kind, command, summary, targets, self.engine.now(), ref=ref
            )
        except LedgerError as error:
            raise LedgerError(
                f"Nothing was sent: csms could not record the {kind} before sending it"
                f" ({error.problem}). Fix that, then send again.",
                problem=error.problem,
            ) from None

    async def journalled(
        self,
        kind: str,
        command: str,
        summary: str,
        targets: Sequence[str],
        request: Callable[[], Awaitable[T]],
        record: Callable[[T], None],
        *,
        ref: str | None = None,
    ) -> T:
        """One submit that is not a quick send (a campaign, an upload, ...), journalled.

        The intent is committed first (nothing leaves if that fails); a lost
        answer becomes an unknown outcome in the same transaction that closes
        the intent; ``record`` stores an accepted result, then the intent is
        closed. If ``record`` fails, the intent stays and shows as an unknown
        outcome: the error says so and never advises sending again.
        """
        intent_id = self.open_intent(kind, command, summary, targets, ref=ref)
        try:
            result = await request()
        except OutcomeUnknown as error:
            self.engine.ledger.complete_submit(
                intent_id,
                unknown=UnknownOutcome(
                    kind, command, f"{summary} ({error})", list(targets), self.engine.now(), ref=ref
                ),
            )
            self.engine.bus.publish(
                events.OutcomeUnknownRecorded(at=self.engine.now(), kind=kind, summary=summary)
            )
            raise
        except CsmsError:
            self._forget_intent(intent_id)  # refused: nothing was done
            raise
        try:
            record(result)
        except LedgerError as error:
            raise LedgerError(
                f"The gateway accepted the {summary} but csms could not record it"
                f" ({error.problem}). Do not send it again: once the ledger can be written,"
                " it shows as an unknown outcome to settle.",
                problem=error.problem,
            ) from None
        self._forget_intent(intent_id)
        return result

    def _forget_intent(self, intent_id: int) -> None:
        try:
            self.engine.ledger.intents.discard_intent(intent_id)
        except LedgerError as error:
            # Left open, it will show as an unknown outcome: cautious, not wrong.
            log.warning("could not close a refused submit's intent: %s", error.problem)

    def _complete(
        self,
        intent_id: int,
        done: SubmitRecords | None,
        unknown: UnknownOutcome | None,
        *,
        accepted: int,
    ) -> str | None:
        """Record the outcome; when that fails, return the sentence saying so
        (never "try again")."""
        try:
            self.engine.ledger.complete_submit(
                intent_id,
                messages=done.messages if done else (),
                calls=done.calls if done else (),
                unknown=unknown,
            )
        except (LedgerError, sqlite3.Error) as error:
            problem = error.problem if isinstance(error, LedgerError) else str(error)
            log.error("a submit's outcome could not be recorded: %s", problem)
            return (
                f"The gateway accepted {plural(accepted, 'recipient')} but csms could not"
                f" record the outcome ({problem}). Do not send it again: "
                + ("the IDs are listed; " if accepted else "")
                + "once the ledger can be written, csms shows this send as an unknown"
                " outcome to settle."
            )
        return None

    def _announce(self, kind: events.ItemKind, done: SubmitIds, summary: str) -> None:
        self.engine.tracker.wake()
        self.engine.bus.publish(
            events.Submitted(at=self.engine.now(), kind=kind, ids=list(done.ids), summary=summary)
        )
