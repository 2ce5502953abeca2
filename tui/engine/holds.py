"""Sends held until the sending hours open, and sent once they do.

A send outside the profile's sending hours asks first (``csms send|call|survey``
need ``--hold`` or ``--now``; the app asks "hold until 09:00, or send anyway?").
A held send is kept in the ledger and goes out at the next ``csms hold run`` once
the window is open (run it from cron every few minutes), or by itself while the
app runs. Held SMS, calls and feedback calls keep their request (``SendRequest``:
recipients, text, settings, override reason) and go out through ``Engine.submit``;
a held survey or personalised send is already journalled and is run then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tui.engine import events
from tui.engine.quiet_hours import SendingHours
from tui.engine.send_request import FeedbackOptions, SendKind, SendRequest
from tui.gateway.errors import CsmsError, InvalidInput
from tui.ledger.holds import HeldSend

if TYPE_CHECKING:
    from tui.engine.service import Engine

__all__ = ["HoldRun", "Holds", "describe", "held_request"]


@dataclass(frozen=True, slots=True)
class HoldRun:
    sent: list[tuple[HeldSend, str]]
    failed: list[tuple[HeldSend, str]]


def describe(held: HeldSend) -> str:
    """What a hold sends, in a few words: ``SMS to 3 numbers: "Your bill..."``."""
    payload = held.payload
    if held.kind in ("survey", "personalised"):
        name = "Survey" if held.kind == "survey" else "Personalised send"
        return f"{name} {payload['job_id']}"
    count = len(payload.get("to", []))
    whom = "1 number" if count == 1 else f"{count:,} numbers"
    if held.kind == "sms":
        return f"SMS to {whom}: {payload['text']}"
    label = "Call" if held.kind == "call" else "Feedback call"
    return f"{label} to {whom}, audio {payload['file_id']}"


class Holds:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] | None = None) -> None:
        self.engine = engine
        self.clock = clock or (lambda: datetime.now(UTC))

    @property
    def hours(self) -> SendingHours:
        return SendingHours.of(self.engine.profile)

    def outside(self, now: datetime | None = None) -> str | None:
        """The sentence saying the hours are closed now, or None when they are open."""
        at = now or self.clock()
        return None if self.hours.allows(at) else self.hours.sentence(at)

    def hold(self, kind: str, payload: dict[str, Any], *, now: datetime | None = None) -> HeldSend:
        """Keep a send until the window opens; returns the hold (with its due time)."""
        at = now or self.clock()
        due = self.hours.next_open(at)
        hold_id = self.engine.ledger.holds.hold(kind, payload, at, due)
        held = self.engine.ledger.holds.held_send(hold_id)
        assert held is not None
        self._changed()
        return held

    def hold_send(self, request: SendRequest, *, now: datetime | None = None) -> HeldSend:
        """Keep a checked SMS, call or feedback call until the window opens."""
        payload: dict[str, Any] = {"to": list(request.recipients), "mask": request.mask}
        if request.kind == "sms":
            payload.update(text=request.text, operator=request.operator)
        else:
            payload.update(file_id=request.file_id, retries=request.max_retries)
        if request.feedback is not None:
            payload.update(
                options=request.feedback.valid_options,
                valid_file_id=request.feedback.valid_file_id,
                invalid_file_id=request.feedback.invalid_file_id,
            )
        if request.override_reason is not None:
            payload["override_reason"] = request.override_reason
        return self.hold(request.kind, payload, now=now)

    def hold_job(self, kind: str, job_id: int, *, now: datetime | None = None) -> HeldSend:
        """Hold a journalled survey or personalised send: it is run when the window opens."""
        return self.hold(kind, {"job_id": job_id}, now=now)

    def goes_out(self, now: datetime | None = None) -> datetime:
        """When the holds go out: the next opening of the sending hours as the
        profile has them now (changed hours move it; ``now`` when open)."""
        return self.hours.next_open(now or self.clock())

    def waiting(self) -> list[HeldSend]:
        return self.engine.ledger.holds.holds()

    def cancel(self, hold_id: int) -> HeldSend:
        """Cancel a hold that has not gone out; says why when it cannot."""
        held = self.engine.ledger.holds.held_send(hold_id)
        if held is None:
            raise InvalidInput(f"No hold {hold_id} is known; `csms hold` lists them.")
        if not self.engine.ledger.holds.mark_hold(hold_id, "cancelled"):
            raise InvalidInput(
                f"Hold {hold_id} is {held.state} already, so it cannot be cancelled."
            )
        self._changed()
        return held

    async def run_due(self, now: datetime | None = None) -> HoldRun:
        """Send every hold once the window is open: a hold waits for the sending
        hours as they are now (hours widened since it was held open it sooner,
        narrowed ones later), not for the time it was first due."""
        at = now or self.clock()
        sent: list[tuple[HeldSend, str]] = []
        failed: list[tuple[HeldSend, str]] = []
        if not self.hours.allows(at):
            return HoldRun(sent, failed)
        for held in self.engine.ledger.holds.holds(("held",)):
            if not self.engine.ledger.holds.mark_hold(held.id, "sending"):
                continue  # another run took it
            self._changed()
            try:
                result, error = await self._send(held)
            except CsmsError as refused:
                self.engine.ledger.holds.mark_hold(held.id, "cancelled", f"refused: {refused}")
                failed.append((held, str(refused)))
                continue
            self.engine.ledger.holds.mark_hold(held.id, "sent", result)
            (failed if error else sent).append((held, result))
        if sent or failed:
            self._changed()
        return HoldRun(sent, failed)

    def _changed(self) -> None:
        waiting = len(self.engine.ledger.holds.holds(("held",)))
        self.engine.bus.publish(events.HoldsChanged(at=self.engine.now(), waiting=waiting))

    async def _send(self, held: HeldSend) -> tuple[str, bool]:
        """Send one hold; returns what happened and whether part of it failed."""
        engine, payload = self.engine, held.payload
        if held.kind == "survey":
            run = await engine.run_survey(int(payload["job_id"]))
            rows = run.survey.rows
            counts = ", ".join(f"{count} {state}" for state, count in rows.items() if count)
            return f"survey: {run.stopped or counts or 'nobody to call'}", bool(run.stopped)
        if held.kind == "personalised":
            report = await engine.personalised.run(int(payload["job_id"]))
            rows = report.summary.rows
            counts = ", ".join(f"{count} {state}" for state, count in rows.items() if count)
            return f"personalised send: {counts or 'nothing to send'}", bool(report.stopped)
        outcome = await engine.submit(held_request(held))
        result = f"{len(outcome.ids)} sent" + (f"; {outcome.error}" if outcome.error else "")
        return result, bool(outcome.error)


_SEND_KINDS: dict[str, SendKind] = {"sms": "sms", "call": "call", "feedback": "feedback"}


def held_request(held: HeldSend) -> SendRequest:
    """The request a held SMS, call or feedback call keeps (its numbers were
    parsed when it was held); ``InvalidInput`` when it cannot be sent as kept."""
    payload = held.payload
    kind = _SEND_KINDS.get(held.kind)
    if kind is None:
        raise InvalidInput(f"Hold {held.id} is a {held.kind}, not an SMS or a call.")
    feedback = None
    if kind == "feedback":
        feedback = FeedbackOptions(
            payload["options"], payload["valid_file_id"], payload["invalid_file_id"]
        )
    return SendRequest(
        kind=kind,
        recipients=tuple(payload["to"]),
        text=payload.get("text", ""),
        mask=payload.get("mask"),
        operator=payload.get("operator"),
        file_id=payload.get("file_id", ""),
        max_retries=payload.get("retries", 0),
        feedback=feedback,
        override_reason=payload.get("override_reason"),
    )
