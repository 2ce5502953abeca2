"""``Engine``: what the app and the command line ask for, and what runs behind them.

It owns the client, the ledger, the event bus and the background tasks
(``background.py``: status tracker, inbox fetcher, held sends, session
keepalive). Quick sends are in ``quick_sends.py``, the account's status in
``account.py``. Screens call its async methods from workers and react to its
events; nothing above it talks to the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from tui import logs
from tui.config import Profile
from tui.engine import events
from tui.engine.account import EngineStatus
from tui.engine.background import BackgroundLoops
from tui.engine.clock import SYSTEM_CLOCK, Clock
from tui.engine.costs import CostEstimate, estimate
from tui.engine.events import EventBus, Subscription
from tui.engine.holds import Holds
from tui.engine.inbox import FetchOutcome, InboxFetcher
from tui.engine.jobs import Jobs
from tui.engine.optouts import OptOuts
from tui.engine.profile_time import profile_zone
from tui.engine.quick_sends import QuickSends
from tui.engine.send_request import SendRequest
from tui.engine.submit_journal import SendOutcome, SubmitJournal, plural
from tui.engine.tracker import PollBackoff, StatusTracker
from tui.engine.unknown_outcomes import UnknownOutcomes
from tui.gateway.client import CsmsClient
from tui.gateway.errors import CsmsError, InvalidInput
from tui.gateway.session import SessionState
from tui.gateway.text import TextAnalysis, analyze
from tui.ledger import Ledger, LedgerError

if TYPE_CHECKING:
    from tui.engine.audio_upload import AudioUploader
    from tui.engine.list_upload import ListUploader
    from tui.engine.personalised import PersonalisedSender
    from tui.engine.saved_templates import SavedTemplates
    from tui.engine.sms_campaigns import SmsCampaigns
    from tui.engine.surveys import SurveyRun, Surveys
    from tui.engine.threads import Threads
    from tui.engine.voice_campaigns import VoiceCampaigns

log = logging.getLogger("csms.engine")

LEDGER_FILE = "ledger.sqlite3"

#: Recorded with each opt-out confirmation SMS (it goes to an opted-out number).
CONFIRMATION_REASON = "opt-out confirmation (the profile's optout_confirmation)"

__all__ = ["Engine", "EngineStatus", "FetchOutcome", "SendOutcome", "plural"]


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


class Engine(QuickSends):
    def __init__(
        self,
        profile: Profile,
        client: CsmsClient,
        ledger: Ledger,
        *,
        demo: bool = False,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.profile = profile
        self.client = client
        self.ledger = ledger
        #: The one clock of everything the engine records and compares.
        self.clock = clock
        #: The ledger on a read-only connection of its own, for the screens: a
        #: background write never holds up what a key press reads.
        self.reads = ledger.reader()
        self.bus = EventBus()
        #: Long jobs (uploads, personalised sends): the engine's, not a screen's.
        self.jobs = Jobs(self.bus, clock.now)
        self.demo = demo
        self.tracker = StatusTracker(
            client,
            ledger,
            self.bus,
            backoff=PollBackoff(profile.poll_initial, profile.poll_max, profile.poll_backoff),
            concurrency=profile.concurrency,
            now=clock.now,
        )
        self.inbox = InboxFetcher(client, ledger, self.bus, now=clock.now)
        self._status = EngineStatus(
            account=profile.msisdn, demo=demo, auto_fetch=profile.auto_fetch
        )
        self._tasks: list[asyncio.Task[None]] = []
        self._stopped = False
        #: The coroutines of the background tasks.
        self.loops = BackgroundLoops(self)
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
        #: Sends held until the sending hours open.
        self.holds = Holds(self, clock.now)
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
        clock: Clock = SYSTEM_CLOCK,
    ) -> Engine:
        ledger = await asyncio.to_thread(_open_ledger, data_dir)
        client = CsmsClient.from_profile(
            profile, transport=transport, redactor=logs.REDACTOR, now=clock.now
        )
        return cls(profile, client, ledger, demo=demo, clock=clock)

    async def start(self) -> None:
        """Resume tracking and start the background tasks."""
        self.ledger.recover_interrupted(self.now())
        self.journal.recover_intents()
        self.inbox.recover()
        self.tracker.resume()
        self._spawn(self.loops.track(), "tracker")
        self._spawn(self.loops.inbox(), "inbox")
        self._spawn(self.loops.keepalive(), "keepalive")
        self._spawn(self.loops.holds(), "holds")

    async def stop(self) -> None:
        """Stop the background tasks and close the client and the ledger."""
        if self._stopped:
            return
        self._stopped = True
        await self.jobs.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            # A library that swallows a cancel (none is known to) must not make
            # the stop hang: cancel again until the task has ended.
            while not task.done():
                await asyncio.wait({task}, timeout=1.0)
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        self.bus.close()
        await self.client.aclose()
        self.reads.close()
        self.ledger.close()

    def now(self) -> datetime:
        """The engine's clock (``clock``): this machine's, or the demo simulator's."""
        return self.clock.now()

    def gateway_now(self) -> datetime:
        """The gateway's current time (aware): the engine's clock corrected by the
        gateway's replies' Date header (a gateway whose clock runs ahead refuses
        a "now" schedule it thinks is past). Schedules are checked against it."""
        return self.now() + self.client.clock_offset

    @property
    def status(self) -> EngineStatus:
        self._status.last_poll = self.tracker.last_round
        self._status.next_poll = self.tracker.next_round
        return self._status

    # Feature services: one of each, made on first use (their modules load then).

    @cached_property
    def lists(self) -> ListUploader:
        """Lists: create, import (journalled, resumable), export."""
        from tui.engine.list_upload import ListUploader

        return ListUploader(self)

    @cached_property
    def campaigns(self) -> SmsCampaigns:
        """SMS campaigns: checks, creation, progress, export."""
        from tui.engine.sms_campaigns import SmsCampaigns

        return SmsCampaigns(self)

    @cached_property
    def voice(self) -> VoiceCampaigns:
        """Voice broadcast, feedback and text-to-speech campaigns."""
        from tui.engine.voice_campaigns import VoiceCampaigns

        return VoiceCampaigns(self)

    @cached_property
    def threads(self) -> Threads:
        """Conversations: everything exchanged with one number."""
        from tui.engine.threads import Threads

        return Threads(self)

    @cached_property
    def surveys(self) -> Surveys:
        """Surveys (feedback calls journalled per number): one runner, owned here so
        a run outlives the screen that began it."""
        from tui.engine.surveys import Surveys

        return Surveys(self)

    @cached_property
    def personalised(self) -> PersonalisedSender:
        """Personalised sends: one runner, owned here so a send outlives its screen."""
        from tui.engine.personalised import PersonalisedSender

        return PersonalisedSender(self)

    @cached_property
    def saved_templates(self) -> SavedTemplates:
        """Saved message templates (name, text, fields)."""
        from tui.engine.saved_templates import SavedTemplates

        return SavedTemplates(self.ledger.saved_templates, self.clock.now)

    @cached_property
    def audio(self) -> AudioUploader:
        """Recordings: upload, follow to Ready, add one made on the portal."""
        from tui.engine.audio_upload import AudioUploader

        return AudioUploader(self)

    def poll_now(self) -> None:
        """Ask the gateway for every tracked status now (not at the next round)."""
        self.tracker.wake()

    def subscribe(self) -> Subscription:
        return self.bus.subscribe()

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        self._tasks.append(asyncio.create_task(work, name=f"csms-{name}"))

    def _on_session(self, state: SessionState, reason: str) -> None:
        self._status.session_state = state.value
        self._status.session_reason = reason
        self.bus.publish(events.SessionChanged(at=self.now(), state=state.value, reason=reason))

    def background_error(self, source: str, error: Exception) -> None:
        """Report a failure of background work (logged, and told to the screens)."""
        message = str(error) if isinstance(error, CsmsError) else f"Unexpected error: {error!r}"
        if not isinstance(error, CsmsError):
            log.exception("%s failed", source)
        self.bus.publish(events.BackgroundError(at=self.now(), source=source, message=message))

    def sync_account(self) -> None:
        """Take the credit and incoming counts of the inbox fetcher's last answer."""
        self._status.take_info(self.inbox.info, self.inbox.info_at)

    async def cost_of(self, recipients: int, text: str | TextAnalysis) -> CostEstimate:
        """What sending ``text`` (or a text already analysed) to ``recipients``
        numbers costs. The credit is asked
        of the gateway first when the profile knows the price of a segment (it is
        only needed then, to say whether it is enough)."""
        price = self.profile.price_per_segment
        if price is not None and self._status.credit is None:
            await self.refresh_account()
        analysis = text if isinstance(text, TextAnalysis) else analyze(text)
        return estimate(recipients, analysis.segments, price=price, credit=self._status.credit)

    def settle_unknown(self, unknown_id: int, note: str) -> None:
        self.ledger.unknown.settle(unknown_id, note, self.now())

    async def refresh_account(self) -> None:
        await self.inbox.refresh_info()
        self.sync_account()

    async def fetch_inbox(self) -> FetchOutcome:
        outcome = await self.inbox.fetch()
        self.sync_account()
        self.apply_keyword_replies()
        await self.confirm_optouts()
        return outcome

    async def pay_and_fetch(self) -> FetchOutcome:
        outcome = await self.inbox.pay_and_fetch()
        self.sync_account()
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
            outcome = await self.submit(
                SendRequest.parse("sms", numbers, text=text, override_reason=CONFIRMATION_REASON)
            )
        except CsmsError as error:
            self.background_error("opt-out confirmation", error)
            return 0
        if outcome.error:
            self.background_error("opt-out confirmation", CsmsError(outcome.error))
        return len(outcome.ids)

    def apply_keyword_replies(self) -> int:
        """Put senders of STOP (and equivalents) on the do-not-contact list, and take
        senders of START off it; returns how many changed the list."""
        changed = [o for o in self.optouts.scan_incoming() if o.changed]
        if changed:
            self.bus.publish(events.OptOutsChanged(at=self.now(), changed=len(changed)))
        return len(changed)

    async def discard_pending(self) -> int:
        discarded = await self.inbox.discard_pending()
        self.sync_account()
        return discarded

    def apply_settings(self, profile: Profile) -> list[str]:
        """Settings saved for this profile: they apply at once, but for those of
        the connection, whose labels are returned (``live_settings.py``)."""
        from tui.engine.live_settings import apply_settings

        return apply_settings(self, profile)

    def set_auto_fetch(self, on: bool) -> None:
        self._status.auto_fetch = on
        if on:
            self.loops.wake_inbox()

    async def export_inbox(self, path: Path) -> int:
        zone = profile_zone(self)
        return await asyncio.to_thread(self.ledger.export_inbox_csv, path, zone)
