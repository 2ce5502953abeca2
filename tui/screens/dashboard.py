"""Dashboard: the account at a glance, kept current from the engine's events.

Cards show the session, credit, incoming messages waiting and what is in
flight; under them, how many numbers went on the do-not-contact list in the
last 24 hours; below, the last few events (sent, delivered, replies, problems).
Counts come from one ledger query, run at most once per burst of events.
"""

from __future__ import annotations

import asyncio
from collections import deque
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Label, Static

from tui.gateway.errors import CsmsError
from tui.screens.base import EngineScreen, has_engine
from tui.screens.display_time import local
from tui.widgets.history_chart import HistoryChart
from tui.widgets.loss_notice import LossNotice
from tui.wording import plural, sentence

if TYPE_CHECKING:
    from tui.engine import events
    from tui.engine.dashboard_figures import DashboardFigures
    from tui.engine.optouts import OptOutCounts

RECENT_EVENTS = 12
#: The window of the do-not-contact line: numbers added in the last 24 hours.
#: Seconds between re-counts caused by events.
COUNT_EVERY = 0.5
#: The cards, in order: id and title.
CARDS = (
    ("session", "Session"),
    ("credit", "Credit"),
    ("incoming", "Incoming"),
    ("in-flight", "In flight"),
    ("campaigns", "Campaigns and audio"),
    ("polling", "Status polling"),
)
#: How each kind of item is named in the recent-events list.
KIND_NAMES = {
    "message": "Message",
    "call": "Call",
    "sms_campaign": "SMS campaign",
    "voice_campaign": "Voice campaign",
    "audio": "Audio file",
    "list_import": "List upload",
}


def optout_line(counts: OptOutCounts) -> str:
    """``Opt-outs: 3 new in 24 h (2 replies, 1 manual)``: numbers added to the
    do-not-contact list in the window and still on it, by how they came."""
    if not counts.total:
        return "Opt-outs: none new in 24 h"
    parts = [
        f"{counts.replies:,} {'reply' if counts.replies == 1 else 'replies'}"
        if counts.replies
        else "",
        f"{counts.imports:,} imported" if counts.imports else "",
        f"{counts.manual:,} manual" if counts.manual else "",
    ]
    return f"Opt-outs: {counts.total:,} new in 24 h ({', '.join(p for p in parts if p)})"


def clock(at: datetime | None) -> str:
    """A time as HH:MM:SS in the display zone, or a dash."""
    return "—" if at is None else local(at).strftime("%H:%M:%S")


def describe_event(event: events.Event) -> str | None:
    """One line for the recent-events list, or None for events not worth listing."""
    # Imported here, not at the top: the dashboard is painted before the engine
    # is opened, and only then are there events.
    from tui.engine import events

    if isinstance(event, events.Submitted):
        count = len(event.ids)
        noun = {
            "message": "message",
            "call": "call",
            "sms_campaign": "SMS campaign",
            "voice_campaign": "voice campaign",
            "audio": "audio file",
            "list_import": "list batch",
        }.get(event.kind, event.kind)
        return event.summary or f"Submitted {count} {noun}{'' if count == 1 else 's'}."
    if isinstance(event, events.StatusChanged):
        if not event.final and event.kind in ("message", "call"):
            return None
        target = f" to {event.recipient}" if event.recipient else ""
        kind = KIND_NAMES.get(event.kind, event.kind)
        detail = f" ({event.detail})" if event.detail else ""
        return f"{kind} {event.item_id}{target}: {event.status}{detail}."
    if isinstance(event, events.InboxChanged):
        if event.new_messages == 0:
            return None
        arrived = plural(event.new_messages, "new incoming message")
        return f"{arrived} ({event.unread} unread)."
    if isinstance(event, events.OutcomeUnknownRecorded):
        return sentence(f"Outcome unknown: {event.summary}")
    if isinstance(event, events.OptOutsChanged):
        numbers = plural(event.changed, "number")
        return f"Keyword replies changed the do-not-contact list for {numbers}."
    if isinstance(event, events.BackgroundError):
        return f"{event.source}: {event.message}"
    if isinstance(event, events.SessionChanged):
        reason = f" ({event.reason})" if event.reason else ""
        return f"Session {event.state}{reason}."
    return None


class DashboardScreen(EngineScreen):
    """Session, credit, pending incoming, what is in flight, and recent events."""

    CSS_PATH = "../styles/dashboard.tcss"
    DEFAULT_CSS = """
    DashboardScreen #optouts {
        height: auto;
        padding: 0 1;
    }
    """
    light_first_frame = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh account", id="dashboard.refresh"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recent: deque[tuple[datetime, str]] = deque(maxlen=RECENT_EVENTS)
        self._counts_pending = False
        self._cards_shown = False
        self._unpaid: int | None = None
        self._free: int | None = None
        self._unread = 0

    def compose(self) -> ComposeResult:
        # The first frame holds a blank block the size of the cards (styling
        # the cards' widgets would delay it); the cards replace it right after.
        with VerticalScroll(id="dashboard"):
            yield LossNotice(
                how_to_acknowledge="Acknowledge it in the Inbox (K).", id="loss-notice"
            )
            yield Static(id="cards-placeholder")
            yield Static("", id="optouts")
            with Horizontal(id="charts"):
                yield HistoryChart("SMS sent per hour, last 24 h", id="chart-sent")
                yield HistoryChart("Replies per hour, last 24 h", id="chart-replies")
                yield HistoryChart("Segments sent per day, last 30 days", id="chart-segments")
            yield Label("Recent events", classes="section-title")
            yield Static("Nothing yet.", id="recent")

    def on_mount(self) -> None:
        self.call_after_refresh(self._show_cards)

    async def _show_cards(self) -> None:
        placeholder = self.query_one("#cards-placeholder", Static)
        cards = Grid(
            *(
                VerticalScroll(
                    Label(title, classes="card-title"),
                    Static("—", id=f"{card}-value", classes="card-value"),
                    classes="card",
                    id=f"card-{card}",
                )
                for card, title in CARDS
            ),
            id="cards",
        )
        # Awaited: the cards' values exist only once mounted, and catch_up fills
        # them (events that came before the screen existed are not sent again).
        await self.query_one("#dashboard", VerticalScroll).mount(cards, before=placeholder)
        await placeholder.remove()
        self._cards_shown = True
        self.catch_up()

    def catch_up(self) -> None:
        if not has_engine(self) or not self.query("#cards"):
            return
        status = self.engine.status
        self._show_session(status.session_state, status.session_reason, status.account)
        self._show_account(
            status.credit, status.unpaid_pending, status.free_incoming, status.credit_at
        )
        self._show_polling(status.last_poll, status.next_poll, None)
        self._show_counts()
        self._show_losses()
        self._show_recent()

    def _show_losses(self) -> None:
        losses = self.engine.inbox.possible_losses()
        when = local(losses[-1].started_at).strftime("%Y-%m-%d %H:%M") if losses else None
        self.query_one(LossNotice).show_losses(losses, when)

    # -- cards ------------------------------------------------------------------

    def _set(self, card: str, content: Content) -> None:
        # Before the cards are mounted there is nothing to update: they are
        # filled from the engine's status once mounted (catch_up).
        for value in self.query(f"#{card}-value").results(Static):
            value.update(content)

    def _show_session(self, state: str, reason: str, account: str) -> None:
        style = {"logged in": "$success", "offline": "$error"}.get(state, "$warning")
        self._set(
            "session",
            Content.from_markup(
                f"[b {style}]$state[/]\n$account$reason",
                state=state.capitalize() or "—",
                account=account,
                reason=f"\n{reason}" if reason else "",
            ),
        )

    def _show_account(
        self, credit: float | None, unpaid: int, free: int, at: datetime | None = None
    ) -> None:
        # The gateway's figure, and when it gave it (r asks again).
        if credit is None:
            shown = Content.from_markup("[b]unknown[/] (press r)")
        else:
            text = "[b]Rs $credit[/]\ngateway at $at"
            shown = Content.from_markup(text, credit=f"{credit:,.2f}", at=clock(at))
        self._set("credit", shown)
        # Never reported (at is None): the gateway's counts are unknown, not 0.
        self._unpaid, self._free = (None, None) if at is None else (unpaid, free)
        self._show_incoming()

    def _show_incoming(self, unread: int | None = None) -> None:
        if unread is not None:
            self._unread = unread
        self._set(
            "incoming",
            Content.from_markup(
                "[b]$unpaid[/] waiting to be paid for\n"
                "[b]$free[/] left in the free allowance\n"
                "[b]$unread[/] unread in the inbox",
                unpaid="unknown" if self._unpaid is None else f"{self._unpaid:,}",
                free="unknown" if self._free is None else f"{self._free:,}",
                unread=self._unread,
            ),
        )

    def _show_polling(
        self, last: datetime | None, following: datetime | None, in_flight: int | None
    ) -> None:
        # Every kind the tracker polls: messages, calls, campaigns, audio files.
        flight = "" if in_flight is None else f"\n{plural(in_flight, 'item')} polled (all kinds)"
        self._set(
            "polling",
            Content.from_markup(
                "Last poll [b]$last[/]\nNext poll [b]$next[/]$flight",
                last=clock(last),
                next=clock(following),
                flight=flight,
            ),
        )

    def _schedule_counts(self) -> None:
        """Re-count once after a burst of events (at most every ``COUNT_EVERY``
        seconds), in a thread, not once per event on the event loop."""
        if not self._counts_pending:
            self._counts_pending = True
            self.set_timer(COUNT_EVERY, self._count_in_background)

    def _show_counts(self) -> None:
        """Count now and show (when the screen is drawn, so it is never blank)."""
        self._counts_pending = False
        if has_engine(self):
            # Imported here: it loads the ledger, which must not delay the first paint.
            from tui.engine.dashboard_figures import read_figures

            self._show_figures(read_figures(self.engine.reads, local(self.engine.now())))

    @work(exclusive=True, group="dashboard-counts", exit_on_error=False)
    async def _count_in_background(self) -> None:
        self._counts_pending = False
        if not has_engine(self):
            return
        engine = self.engine
        from tui.engine.dashboard_figures import read_figures

        figures = await asyncio.to_thread(read_figures, engine.reads, local(engine.now()))
        if has_engine(self) and self.engine is engine:
            self._show_figures(figures)

    def _show_figures(self, figures: DashboardFigures) -> None:
        counts = figures.counts
        self._set(
            "in-flight",
            Content.from_markup(
                "[b]$messages[/] not final yet\n[b]$calls[/] not final yet\n"
                "[b $unknown_style]$unknown[/] to settle",
                messages=plural(counts.in_flight_messages, "message"),
                calls=plural(counts.in_flight_calls, "call"),
                unknown=plural(counts.unknown, "unknown outcome"),
                unknown_style="$warning" if counts.unknown else "$text",
            ),
        )
        self._set(
            "campaigns",
            Content.from_markup(
                "[b]$sms[/] not finished\n[b]$voice[/] not finished\n[b]$audio[/] not ready yet",
                sms=plural(counts.running_sms_campaigns, "SMS campaign"),
                voice=plural(counts.running_voice_campaigns, "voice campaign"),
                audio=plural(counts.audio_not_ready, "audio file"),
            ),
        )
        self._show_incoming(counts.unread)
        self.query_one("#optouts", Static).update(optout_line(figures.optouts))
        self._show_history(figures)

    def _show_history(self, figures: DashboardFigures) -> None:
        """The charts, counted from the ledger (what csms sent and fetched)."""
        sent, replies, segments = figures.sent, figures.replies, figures.segments
        self.query_one("#chart-sent", HistoryChart).show(
            sent.counts, f"{plural(sent.total, 'message')}, peak {max(sent.counts):,} an hour"
        )
        self.query_one("#chart-replies", HistoryChart).show(
            replies.counts,
            f"{replies.total:,} {'reply' if replies.total == 1 else 'replies'},"
            f" peak {max(replies.counts):,} an hour",
        )
        price = self.engine.profile.price_per_segment
        credit = (
            f" ≈ {segments.total * price:,.2f} credit at the profile's price"
            if price is not None
            else ""
        )
        self.query_one("#chart-segments", HistoryChart).show(
            segments.counts, f"{plural(segments.total, 'segment')}{credit} (from the ledger)"
        )

    def _show_recent(self) -> None:
        if not self.recent:
            return
        self.query_one("#recent", Static).update(
            Content("\n").join(
                Content.from_markup("[dim]$at[/]  $line", at=clock(when), line=text)
                for when, text in self.recent
            )
        )

    # -- events -------------------------------------------------------------------

    def on_engine_event(self, event: events.Event) -> None:
        from tui.engine import events

        line = describe_event(event)
        if line is not None:
            self.recent.appendleft((event.at, line))
        if not self.is_active or not self._cards_shown:
            # Not drawn yet, or hidden: catch_up shows it all when the screen is
            # shown (a hidden dashboard redrawn for each event slowed other screens).
            return
        if line is not None:
            self._show_recent()
        if isinstance(event, events.SessionChanged):
            status = self.engine.status
            self._show_session(event.state, event.reason, status.account)
        elif isinstance(event, events.AccountChanged):
            self._show_account(event.credit, event.unpaid_pending, event.free_incoming, event.at)
        elif isinstance(event, events.PollCycle):
            self._show_polling(event.last_poll, event.next_poll, event.in_flight)
            self._schedule_counts()  # opt-outs age out of the 24 hours
        elif isinstance(event, events.InboxLossNoticed):
            self._show_losses()
        if isinstance(
            event,
            events.StatusChanged
            | events.Submitted
            | events.InboxChanged
            | events.OutcomeUnknownRecorded
            | events.OptOutsChanged
            | events.Dropped,
        ):
            self._schedule_counts()

    # -- actions --------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Ask the gateway for the account, and count the ledger again."""
        self._refresh_account()
        self._schedule_counts()

    @work(exclusive=True, group="dashboard-refresh", exit_on_error=False)
    async def _refresh_account(self) -> None:
        try:
            await self.engine.refresh_account()
        except CsmsError as error:
            self.notify(str(error), severity="error", timeout=10)
