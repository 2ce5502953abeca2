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
from tui.gateway.errors import CsmsError, InvalidInput, OutcomeUnknown
from tui.gateway.numbers import NumberError, normalize
from tui.gateway.results import SubmitIds
from tui.ledger import LedgerError, NewCall, NewMessage, UnknownOutcome
from tui.wording import plural

if TYPE_CHECKING:
    from tui.engine.service import Engine

log = logging.getLogger("csms.engine")

T = TypeVar("T")


@dataclass
class SendOutcome:
    """What happened to a quick send: IDs for what went out, and what did not."""

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


def _gateway_form(number: str) -> str:
    """``number`` as the gateway writes it (923XXXXXXXXX), or as given when it is
    not a mobile number (the client then refuses it, naming it)."""
    try:
        return normalize(number)
    except NumberError:
        return number


class SubmitJournal:
    """Sends through the engine's client with an intent first (see the module)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def recover_intents(self) -> int:
        """Submits left in flight by a run that has gone become unknown outcomes."""
        promoted = self.engine.ledger.promote_stale_intents(self.engine.now())
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
        """Recipients to send to, and those left out for being on the do-not-contact
        list; with ``override_reason`` nobody is left out and the override is recorded."""
        numbers = [_gateway_form(number) for number in recipients]
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
    ) -> SendOutcome:
        """Send with an intent committed first; its outcome replaces it in one transaction.

        Nothing leaves when the intent cannot be written. A request interrupted
        (Ctrl+C, a kill) leaves its intent open: the next run shows it as an
        unknown outcome.
        """
        intent_id = self.open_intent(kind, command, summary, targets)
        try:
            done = await request()
        except CsmsError as error:
            partial, unknown, unsent = error.done, error.unknown_recipients, error.unsent_recipients
            if partial is None and not unknown:
                self._forget_intent(intent_id)  # refused before anything went out
                raise
            outcome = SendOutcome(
                ids=list(partial.ids) if partial else [],
                unknown=list(unknown),
                unsent=list(unsent),
                error=str(error),
            )
            unknown_record = None
            if unknown:
                unknown_record = UnknownOutcome(
                    kind,
                    command,
                    f"{summary} ({error})" if isinstance(error, OutcomeUnknown) else summary,
                    list(unknown),
                    self.engine.now(),
                    unsent=list(unsent),
                )
            self._complete(
                intent_id, outcome, records(partial) if partial else None, unknown_record
            )
            if partial is not None:
                self._announce(kind, partial, summary)
            if unknown:
                self.engine.bus.publish(
                    events.OutcomeUnknownRecorded(at=self.engine.now(), kind=kind, summary=summary)
                )
            return outcome
        outcome = SendOutcome(ids=list(done.ids))
        self._complete(intent_id, outcome, records(done), None)
        self._announce(kind, done, summary)
        return outcome

    def open_intent(
        self, kind: str, command: str, summary: str, targets: Sequence[str], ref: str | None = None
    ) -> int:
        """Commit what is about to be sent; a LedgerError here means nothing was sent."""
        try:
            return self.engine.ledger.open_intent(
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
            self.engine.ledger.discard_intent(intent_id)
        except LedgerError as error:
            # Left open, it will show as an unknown outcome: cautious, not wrong.
            log.warning("could not close a refused submit's intent: %s", error.problem)

    def _complete(
        self,
        intent_id: int,
        outcome: SendOutcome,
        done: SubmitRecords | None,
        unknown: UnknownOutcome | None,
    ) -> None:
        """Record the outcome; when that fails, say so on ``outcome`` (never "try again")."""
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
            outcome.unrecorded = True
            accepted = len(outcome.ids)
            parts = [outcome.error] if outcome.error else []
            parts.append(
                f"The gateway accepted {plural(accepted, 'recipient')} but csms could not"
                f" record the outcome ({problem}). Do not send it again: "
                + ("the IDs are listed; " if accepted else "")
                + "once the ledger can be written, csms shows this send as an unknown"
                " outcome to settle."
            )
            outcome.error = " ".join(parts)

    def _announce(self, kind: events.ItemKind, done: SubmitIds, summary: str) -> None:
        self.engine.tracker.wake()
        self.engine.bus.publish(
            events.Submitted(at=self.engine.now(), kind=kind, ids=list(done.ids), summary=summary)
        )
