"""SMS campaigns: every campaign with its state and progress, and below it a
live monitor of the highlighted one (details, Sent against Not sent, each
recipient's status). ``n`` starts the wizard, ``p`` a personalised send, ``e``
exports the monitored campaign to CSV."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from tui.engine import events
from tui.engine.personalised import JOB_KIND as PERSONALISED_JOB
from tui.engine.sms_campaigns import CampaignProgress, SmsCampaigns, profile_zone
from tui.gateway.errors import CsmsError
from tui.ledger import LedgerError, SmsCampaign
from tui.screens.base import EngineScreen, has_engine
from tui.screens.path_prompt import PathPrompt
from tui.screens.personalised_runs import tell_outcome
from tui.widgets.copyable_table import Column, CopyableTable
from tui.widgets.progress_chart import ProgressChart
from tui.wording import plural

#: Recipients shown in the monitor's table (the CSV export has all of them).
RECIPIENT_ROWS = 2_000


def state_label(campaign: SmsCampaign) -> str:
    return campaign.state[:1].upper() + campaign.state[1:]


class CampaignCommands(Provider):
    """Palette entries of the SMS campaigns screen."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return [
            ("New SMS campaign", "Create a campaign to contact lists (wizard)", "new_campaign"),
            (
                "Personalised send",
                "One message per row of a sheet, from a {column} template",
                "personalised",
            ),
            ("Export campaign to CSV", "Each recipient's status of the monitored one", "export"),
        ]

    async def discover(self) -> Hits:
        screen = self.screen
        if isinstance(screen, SmsCampaignsScreen):
            for name, help_text, action in self._commands():
                yield DiscoveryHit(name, screen.command(action), help=help_text)

    async def search(self, query: str) -> Hits:
        screen = self.screen
        if not isinstance(screen, SmsCampaignsScreen):
            return
        matcher = self.matcher(query)
        for name, help_text, action in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), screen.command(action), help=help_text)


CAMPAIGN_COLUMNS = (
    Column("name", "Name", 24, 12),
    Column("id", "ID", 8, 5),
    Column("lists", "Lists", 24, 16),
    Column("when", "When", 16),
    Column("state", "State", 10, 9),
    Column("sent", "Sent", None, 8),
)
RECIPIENT_COLUMNS = (
    Column("number", "Number", 14),
    Column("status", "Status", 12),
    Column("changed", "Changed", None, 19),
)


class CampaignsTable(CopyableTable):
    """SMS campaigns; ``c`` copies the selected one's ID."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_id", "Copy ID", id="sms_campaigns.copy_id"),
    ]


class RecipientsTable(CopyableTable):
    """The monitored campaign's recipients; ``c`` copies the number."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_id", "Copy number", id="sms_campaigns.copy_number"),
    ]


class SmsCampaignsScreen(EngineScreen):
    """SMS campaigns and the monitor of the highlighted one."""

    CSS_PATH = "../styles/sms_campaigns.tcss"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {CampaignCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_campaign", "New", id="sms_campaigns.new"),
        Binding("d", "duplicate", "Duplicate", id="sms_campaigns.duplicate"),
        Binding("p", "personalised", "Personalised", id="sms_campaigns.personalised"),
        Binding("e", "export", "Export", id="sms_campaigns.export"),
        Binding("r", "refresh", "Check", id="sms_campaigns.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.shown: str | None = None
        self._expected: dict[str, int] = {}
        #: Campaigns whose lists are being counted (in a thread).
        self._counting: set[str] = set()

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield CampaignsTable(CAMPAIGN_COLUMNS, id="campaigns", copy_what="campaign ID")
        with Vertical(id="monitor"):
            yield Static("No campaign yet: press n to create one.", id="monitor-title")
            yield Static("", id="monitor-details", markup=False)
            yield ProgressChart(id="monitor-chart")
            yield RecipientsTable(
                RECIPIENT_COLUMNS, id="recipients", copy_column="number", copy_what="number"
            )

    def on_mount(self) -> None:
        self.query_one("#monitor-chart").display = False
        self.catch_up()

    @property
    def campaigns(self) -> SmsCampaigns:
        return self.engine.campaigns

    # -- data -------------------------------------------------------------------

    def catch_up(self) -> None:
        if not has_engine(self):
            return
        self.load_campaigns()
        if self.shown is not None:
            self.show_campaign(self.shown)

    def _when(self, campaign: SmsCampaign) -> str:
        at = campaign.scheduled_at or campaign.created_at
        return at.astimezone(profile_zone(self.engine)).strftime("%Y-%m-%d %H:%M")

    def _progress_text(self, campaign: SmsCampaign, progress: CampaignProgress) -> str:
        if progress.total:
            return f"{progress.sent} of {progress.total}"
        expected = self._expected.get(campaign.id)
        if expected is None:
            # A million-member list takes a while to count: never on the event loop.
            self._count_expected(campaign)
            return "not checked yet (counting…)"
        return f"0 of {expected:,} (not checked yet)"

    @work(group="campaign-counts", exit_on_error=False)
    async def _count_expected(self, campaign: SmsCampaign) -> None:
        if campaign.id in self._counting:
            return
        self._counting.add(campaign.id)
        try:
            count = await asyncio.to_thread(self.campaigns.expected_recipients, campaign)
        finally:
            self._counting.discard(campaign.id)
        self._expected[campaign.id] = count
        if campaign.id in self.query_one("#campaigns", DataTable).rows:
            self._campaign_row(campaign)

    def _list_names(self, campaign: SmsCampaign) -> str:
        names = self.engine.reads.lists.list_names(campaign.list_ids)
        return ", ".join(names.get(list_id, list_id) for list_id in campaign.list_ids)

    def load_campaigns(self) -> None:
        """Re-read every campaign; rows are updated in place, keyed by campaign ID."""
        table = self.query_one("#campaigns", DataTable)
        campaigns = self.engine.reads.campaigns.campaigns()
        keys = {c.id for c in campaigns}
        with self.app.batch_update():
            for key in [k for k in table.rows if k.value not in keys]:
                table.remove_row(key)
            for campaign in campaigns:
                self._campaign_row(campaign)
        if self.shown is None and campaigns:
            self.show_campaign(campaigns[0].id)

    def _campaign_row(self, campaign: SmsCampaign) -> None:
        table = self.query_one("#campaigns", DataTable)
        progress = self.campaigns.progress(campaign.id)
        cells = {
            "name": campaign.name,
            "id": campaign.id,
            "lists": self._list_names(campaign),
            "when": self._when(campaign),
            "state": state_label(campaign),
            "sent": self._progress_text(campaign, progress),
        }
        if campaign.id in table.rows:
            for column, value in cells.items():
                if table.get_cell(campaign.id, column) != value:
                    table.update_cell(campaign.id, column, value)
        else:
            table.add_row(*cells.values(), key=campaign.id)

    def show_campaign(self, campaign_id: str) -> None:
        """Show ``campaign_id`` in the monitor (and highlight its row)."""
        campaign = self.engine.reads.campaigns.campaign(campaign_id)
        if campaign is None:
            return
        if self.shown != campaign_id:
            self.shown = campaign_id
            self.query_one("#recipients", DataTable).clear()
            table = self.query_one("#campaigns", DataTable)
            if campaign_id in table.rows:
                table.move_cursor(row=table.get_row_index(campaign_id))
        progress = self.campaigns.progress(campaign_id)
        self.query_one("#monitor-title", Static).update(
            f"[b]{_escape(campaign.name)}[/b]  (campaign {campaign.id})  ·  {state_label(campaign)}"
        )
        mask = campaign.mask or "account default"
        zone = profile_zone(self.engine)
        checked = (
            campaign.checked_at.astimezone(zone).strftime("%H:%M:%S")
            if campaign.checked_at
            else "not yet"
        )
        self.query_one("#monitor-details", Static).update(
            f"When: {self._when(campaign)}  ·  Mask: {mask}  ·  Last checked: {checked}\n"
            f"Lists: {self._list_names(campaign)}\nText: {campaign.text}"
        )
        chart = self.query_one(ProgressChart)
        chart.display = True
        chart.update_counts(progress.sent, progress.not_sent, progress.total)
        self._load_recipients(campaign_id)

    def _load_recipients(self, campaign_id: str) -> None:
        table = self.query_one("#recipients", DataTable)
        zone = profile_zone(self.engine)
        rows = self.engine.reads.campaigns.campaign_recipients(campaign_id, limit=RECIPIENT_ROWS)
        keys = {r.msisdn for r in rows}
        with self.app.batch_update():
            for key in [k for k in table.rows if k.value not in keys]:
                table.remove_row(key)
            for row in rows:
                changed = row.changed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
                if row.msisdn in table.rows:
                    if table.get_cell(row.msisdn, "status") != row.status.label:
                        table.update_cell(row.msisdn, "status", row.status.label)
                        table.update_cell(row.msisdn, "changed", changed)
                else:
                    table.add_row(row.msisdn, row.status.label, changed, key=row.msisdn)

    # -- events -------------------------------------------------------------------

    def on_engine_event(self, event: events.Event) -> None:
        if isinstance(event, events.StatusChanged) and event.kind == "sms_campaign":
            if not self.is_active:
                return
            campaign = self.engine.reads.campaigns.campaign(event.item_id)
            if campaign is not None:
                self._campaign_row(campaign)
            if event.item_id == self.shown:
                self.show_campaign(event.item_id)
        elif isinstance(event, events.Submitted) and event.kind == "sms_campaign":
            if self.is_active:
                self.load_campaigns()
        elif isinstance(event, events.JobEnded) and event.kind == PERSONALISED_JOB:
            # A personalised send started here ended after its screen was closed.
            send = self.engine.jobs.get(event.job_id)
            if send is not None:
                tell_outcome(self, send)

    @on(DataTable.RowHighlighted, "#campaigns")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if key is not None and key != self.shown:
            self.show_campaign(key)

    # -- actions ------------------------------------------------------------------

    def command(self, action: str) -> Callable[[], None]:
        """A palette callback running ``action_<action>`` on this screen."""
        method: Callable[[], None] = getattr(self, f"action_{action}")
        return method

    def action_new_campaign(self) -> None:
        self._open_wizard(None)

    def action_duplicate(self) -> None:
        """A new campaign like the one shown: its lists, text and mask."""
        like = self.engine.reads.campaigns.campaign(self.shown) if self.shown is not None else None
        if like is None:
            self.notify("Choose the campaign to duplicate first.", severity="warning")
            return
        self._open_wizard(like)

    def _open_wizard(self, like: SmsCampaign | None) -> None:
        from tui.screens.campaign_wizard import CampaignWizard

        def created(campaign_id: str | None) -> None:
            if campaign_id:
                self.load_campaigns()
                self.show_campaign(campaign_id)
                self.query_one("#recipients", DataTable).focus()

        self.app.push_screen(CampaignWizard(like), created)

    def action_personalised(self) -> None:
        from tui.screens.personalised import PersonalisedScreen

        self.app.push_screen(PersonalisedScreen())

    def action_refresh(self) -> None:
        if self.shown is None:
            self.notify("No campaign to check.", severity="warning")
            return
        self.campaigns.refresh(self.shown)
        self.notify(f"Checking campaign {self.shown} now.")

    def action_export(self) -> None:
        campaign_id = self.shown
        if campaign_id is None:
            self.notify("Choose a campaign to export first.", severity="warning")
            return
        default = Path.cwd() / f"campaign-{campaign_id}.csv"

        def chosen(path: Path | None) -> None:
            if path is not None:
                self._export(campaign_id, path)

        self.app.push_screen(
            PathPrompt(
                f"Export campaign {campaign_id} to CSV",
                default,
                replacing=f"the recipients of campaign {campaign_id}",
                accept_label="Export",
            ),
            chosen,
        )

    @work(exclusive=True, group="campaign-export", exit_on_error=False)
    async def _export(self, campaign_id: str, path: Path) -> None:
        try:
            count = await self.campaigns.export(campaign_id, path)
        except (CsmsError, LedgerError) as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.notify(f"Exported {plural(count, 'recipient')} of campaign {campaign_id} to {path}.")


def _escape(text: str) -> str:
    return text.replace("[", "\\[")
