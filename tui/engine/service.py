"""``Engine``: what the app and the command line ask for, and what runs behind them.

It owns the client, the ledger, the event bus and the background tasks
(status tracker, inbox fetcher, session keepalive). Screens call its async
methods from workers and react to its events; nothing above it talks to the
network.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx

from tui import logs
from tui.config import Profile
from tui.engine import events
from tui.engine.costs import CostEstimate, estimate
from tui.engine.events import EventBus, Subscription
from tui.engine.holds import Holds
from tui.engine.inbox import FetchOutcome, InboxFetcher
from tui.engine.optouts import OptOuts
from tui.engine.personalised import PersonalisedSender
from tui.engine.saved_templates import SavedTemplates
from tui.engine.sms_campaigns import profile_zone
from tui.engine.submit_journal import SendOutcome, SubmitJournal, SubmitRecords, plural
from tui.engine.surveys import SurveyRun, Surveys
from tui.engine.threads import Threads
from tui.engine.tracker import Backoff, StatusTracker
from tui.engine.unknown_outcomes import UnknownOutcomes
from tui.gateway.client import CsmsClient
from tui.gateway.errors import CsmsError, InvalidInput
from tui.gateway.results import Submitted
from tui.gateway.session import SessionState
from tui.gateway.text import analyze
from tui.ledger import Ledger, LedgerError, NewCall, NewMessage

log = logging.getLogger("csms.engine")

LEDGER_FILE = "ledger.sqlite3"

T = TypeVar("T")

#: Seconds between reachability probes while the gateway is idle: with two failed
#: probes needed and a 2 s probe timeout, "offline" shows within 10 seconds.
#: Recorded with each opt-out confirmation SMS (it goes to an opted-out number).
CONFIRMATION_REASON = "opt-out confirmation (the profile's optout_confirmation)"
#: Seconds between looks for held sends that are due.
HOLDS_INTERVAL = 30.0
PROBE_INTERVAL = 3.0

__all__ = ["Engine", "EngineStatus", "FetchOutcome", "SendOutcome"]


@dataclass
class EngineStatus:
    """A snapshot of what the header and dashboard show."""

    account: str
    demo: bool
    session_state: str = SessionState.LOGGED_OUT.value
    session_reason: str = ""
    credit: float | None = None
    unpaid_pending: int = 0
    free_incoming: int = 0
    last_poll: datetime | None = None
    next_poll: datetime | None = None
    auto_fetch: bool = True


def _now() -> datetime:
    return datetime.now(UTC)


def _open_ledger(data_dir: Path) -> Ledger:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        problem = f"the data folder {data_dir} cannot be created ({error.strerror})"
        raise LedgerError(
            f"{problem[0].upper()}{problem[1:]}; point XDG_DATA_HOME at a folder you can"
            " write, or fix that path.",
            problem=problem,
        ) from None
    return Ledger.open(data_dir / LEDGER_FILE)


class Engine:
    def __init__(
        self,
        profile: Profile,
        client: CsmsClient,
        ledger: Ledger,
        *,
        demo: bool = False,
    ) -> None:
        self.profile = profile
        self.client = client
        self.ledger = ledger
        self.bus = EventBus()
        self.demo = demo
        self.tracker = StatusTracker(
            client,
            ledger,
            self.bus,
            backoff=Backoff(profile.poll_initial, profile.poll_max, profile.poll_backoff),
            concurrency=profile.concurrency,
        )
        self.inbox = InboxFetcher(client, ledger, self.bus)
        self._status = EngineStatus(
            account=profile.msisdn, demo=demo, auto_fetch=profile.auto_fetch
        )
        self._tasks: list[asyncio.Task[None]] = []
        self._stopped = False
        self._inbox_wake = asyncio.Event()
        client.add_listener(self._on_session)
        #: Set in demo mode: the in-process simulator behind the client.
        self.simulator: Any = None
        self.tracker.gateway_now = self.gateway_now
        #: Every submit is written down before it leaves.
        self.journal = SubmitJournal(self)
        #: Settling submits whose outcome is unknown, for every kind.
        self.unknown = UnknownOutcomes(self)
        #: The do-not-contact list, checked before every send.
        self.optouts = OptOuts(self)
        #: Conversations: everything exchanged with one number.
        self.threads = Threads(self)
        #: Sends held until the sending hours open.
        self.holds = Holds(self)
        #: Surveys (feedback calls journalled per number) and personalised sends:
        #: one runner each, owned here so a run outlives the screen that began it.
        self.surveys = Surveys(self)
        self.personalised = PersonalisedSender(self)
        #: Saved message templates (name, text, fields).
        self.saved_templates = SavedTemplates(ledger)
        #: Surveys calling now (through ``run_survey``).
        self.surveys_running: set[int] = set()

    # Life cycle --------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        profile: Profile,
        *,
        data_dir: Path,
        transport: httpx.AsyncBaseTransport | None = None,
        demo: bool = False,
    ) -> Engine:
        ledger = await asyncio.to_thread(_open_ledger, data_dir)
        client = CsmsClient.from_profile(profile, transport=transport, redactor=logs.REDACTOR)
        return cls(profile, client, ledger, demo=demo)

    async def start(self) -> None:
        """Resume tracking and start the background tasks."""
        self.ledger.recover_interrupted(_now())
        self.journal.recover_intents()
        self.inbox.recover()
        self.tracker.resume()
        self._spawn(self._track(), "tracker")
        self._spawn(self._inbox_loop(), "inbox")
        self._spawn(self._keepalive_loop(), "keepalive")
        self._spawn(self._holds_loop(), "holds")

    async def stop(self) -> None:
        """Stop the background tasks and close the client and the ledger."""
        if self._stopped:
            return
        self._stopped = True
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            # Python 3.11's wait_for can lose a cancel that lands as it times out:
            # cancel again until the task has ended.
            while not task.done():
                await asyncio.wait({task}, timeout=1.0)
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        self.bus.close()
        await self.client.aclose()
        self.ledger.close()

    def gateway_now(self) -> datetime:
        """The gateway's current time (aware): the simulator's clock in the demo,
        else this machine's clock corrected by the gateway's replies' Date header
        (a gateway whose clock runs ahead refuses a "now" schedule it thinks is
        past). Schedules are checked against it."""
        clock = getattr(self.simulator, "clock", None)
        if clock is not None:
            now: datetime = clock.now()
            return now
        return _now() + self.client.clock_offset

    @property
    def status(self) -> EngineStatus:
        self._status.last_poll = self.tracker.last_round
        self._status.next_poll = self.tracker.next_round
        return self._status

    def subscribe(self) -> Subscription:
        return self.bus.subscribe()

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        self._tasks.append(asyncio.create_task(work, name=f"csms-{name}"))

    def _on_session(self, state: SessionState, reason: str) -> None:
        self._status.session_state = state.value
        self._status.session_reason = reason
        self.bus.publish(events.SessionChanged(at=_now(), state=state.value, reason=reason))

    def _background_error(self, source: str, error: Exception) -> None:
        message = str(error) if isinstance(error, CsmsError) else f"Unexpected error: {error!r}"
        if not isinstance(error, CsmsError):
            log.exception("%s failed", source)
        self.bus.publish(events.BackgroundError(at=_now(), source=source, message=message))

    # Background loops ------------------------------------------------------------------

    async def _track(self) -> None:
        while True:
            try:
                await self.tracker.run(idle=min(5.0, self.profile.poll_max))
            except asyncio.CancelledError:
                raise
            except Exception as error:  # keep tracking whatever one round did
                self._background_error("status tracker", error)
                await asyncio.sleep(self.profile.poll_initial)

    async def _inbox_loop(self) -> None:
        while True:
            if self._status.auto_fetch:
                try:
                    await self.inbox.cycle(auto_pay=self.profile.auto_pay)
                    self._sync_account()
                    self.apply_keyword_replies()
                    await self.confirm_optouts()
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    self._background_error("inbox", error)
            self._inbox_wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._inbox_wake.wait(), self.profile.inbox_interval)

    async def _holds_loop(self) -> None:
        """Send held sends once the sending hours open (whether or not the inbox
        is fetched automatically); a long held survey delays nothing else."""
        while True:
            try:
                if self.client.session is SessionState.LOGGED_IN:
                    await self.holds.run_due()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self._background_error("held sends", error)
            await asyncio.sleep(HOLDS_INTERVAL)

    async def _keepalive_loop(self) -> None:
        """Keep the session alive, and notice within seconds when the gateway goes
        away (or comes back) while nothing else is talking to it."""
        interval = max(1.0, min(60.0, self.profile.keepalive_idle / 4))
        since_keepalive = 0.0
        while True:
            await asyncio.sleep(PROBE_INTERVAL)
            since_keepalive += PROBE_INTERVAL
            try:
                await self.client.probe(idle_for=PROBE_INTERVAL)
                if since_keepalive >= interval:
                    since_keepalive = 0.0
                    await self.client.keepalive()
            except asyncio.CancelledError:
                raise
            except CsmsError as error:
                log.info("keepalive failed: %s", error)

    def _sync_account(self) -> None:
        info = self.inbox.info
        if info is not None:
            self._status.credit = info.credit
            self._status.unpaid_pending = info.unpaid_pending
            self._status.free_incoming = info.free_incoming

    # Quick sends ------------------------------------------------------------------------

    async def send_sms(
        self,
        recipients: Sequence[str],
        text: str,
        *,
        mask: str | None = None,
        operator: int | None = None,
        override_reason: str | None = None,
    ) -> SendOutcome:
        """Send one text to ``recipients``. Invalid input raises before anything
        goes out; what did go out is recorded and tracked whatever happens later.
        Numbers on the do-not-contact list are left out (``outcome.blocked``)
        unless ``override_reason`` says why they are sent to anyway."""
        analysis = analyze(text)
        mask = mask or self.profile.default_mask
        targets, blocked = self.journal.allowed(recipients, override_reason)

        def records(done: Submitted) -> SubmitRecords:
            at = _now()
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

        def records(done: Submitted) -> SubmitRecords:
            at = _now()
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

        def records(done: Submitted) -> SubmitRecords:
            at = _now()
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

    async def cost_of(self, recipients: int, text: str) -> CostEstimate:
        """What sending ``text`` to ``recipients`` numbers costs. The credit is asked
        of the gateway first when the profile knows the price of a segment (it is
        only needed then, to say whether it is enough)."""
        price = self.profile.price_per_segment
        if price is not None and self._status.credit is None:
            await self.refresh_account()
        return estimate(recipients, analyze(text).segments, price=price, credit=self._status.credit)

    def settle_unknown(self, unknown_id: int, note: str) -> None:
        self.ledger.settle(unknown_id, note, _now())

    async def refresh_account(self) -> None:
        await self.inbox.refresh_info()
        self._sync_account()

    async def fetch_inbox(self) -> FetchOutcome:
        outcome = await self.inbox.fetch()
        self._sync_account()
        self.apply_keyword_replies()
        await self.confirm_optouts()
        return outcome

    async def pay_and_fetch(self) -> FetchOutcome:
        outcome = await self.inbox.pay_and_fetch()
        self._sync_account()
        self.apply_keyword_replies()
        await self.confirm_optouts()
        return outcome

    async def run_survey(self, job_id: int) -> SurveyRun:
        """Call the survey's numbers still waiting (one run at a time per survey)."""
        if job_id in self.surveys_running:
            raise InvalidInput(f"Survey {job_id} is calling already.")
        self.surveys_running.add(job_id)
        try:
            return await self.surveys.run(job_id)
        finally:
            self.surveys_running.discard(job_id)

    async def confirm_optouts(self) -> int:
        """Send the profile's ``optout_confirmation`` (if any) once to each number
        that just opted out by a reply; returns how many it was accepted for. It
        is sent at most once: a failure is reported, never retried by itself."""
        numbers = self.optouts.take_confirmations()
        text = self.profile.optout_confirmation.strip()
        if not numbers or not text:
            return 0
        try:
            outcome = await self.send_sms(numbers, text, override_reason=CONFIRMATION_REASON)
        except CsmsError as error:
            self._background_error("opt-out confirmation", error)
            return 0
        if outcome.error:
            self._background_error("opt-out confirmation", CsmsError(outcome.error))
        return len(outcome.ids)

    def apply_keyword_replies(self) -> int:
        """Put senders of STOP (and equivalents) on the do-not-contact list, and take
        senders of START off it; returns how many changed the list."""
        changed = [o for o in self.optouts.scan_incoming() if o.changed]
        if changed:
            self.bus.publish(events.OptOutsChanged(at=_now(), changed=len(changed)))
        return len(changed)

    async def discard_pending(self) -> int:
        discarded = await self.inbox.discard_pending()
        self._sync_account()
        return discarded

    def set_auto_fetch(self, on: bool) -> None:
        self._status.auto_fetch = on
        if on:
            self._inbox_wake.set()

    async def export_inbox(self, path: Path) -> int:
        zone = profile_zone(self)
        return await asyncio.to_thread(self.ledger.export_inbox_csv, path, zone)
