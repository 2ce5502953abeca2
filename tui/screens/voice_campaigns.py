"""Voice campaigns: the list, the live monitor of the selected one, and the
wizard that creates new ones.

The monitor shows the campaign's status by its appendix G name, its counters
(attempts, answered, not answered, not responding, busy, cost) and a bar chart
of the outcomes, refreshed from the ledger whenever the tracker records a new
status. The gateway's campaign status does not say which keys were pressed,
so a feedback campaign's monitor says so and points to surveys (feedback calls
tracked one by one, with per-key results). Any campaign's snapshots export to CSV.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from enum import IntEnum
from pathlib import Path
from typing import Any, ClassVar

from textual import events as textual_events
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, ContentSwitcher, DataTable, Input, Label, Static

from tui.app_services import shell_app
from tui.engine import events
from tui.engine.voice_campaigns import KIND_LABELS, profile_zone
from tui.gateway.codes import DynamicDigits, DynamicLanguage, DynamicVoice
from tui.ledger import LedgerError, VoiceCampaign, VoiceSnapshot
from tui.screens.base import EngineScreen, has_engine
from tui.screens.file_choice import may_write, open_picker
from tui.screens.voice_wizard import VoiceWizard
from tui.widgets.copyable_table import Column, CopyableTable
from tui.widgets.path_input import PathInput
from tui.widgets.share_bars import bar_lines
from tui.wording import plural

#: Narrower than this, the list is above the monitor rather than beside it: side
#: by side needs the table's columns (86 cells with their padding) and a monitor
#: of about 44.
NARROW_BELOW = 130
COLUMNS = (
    Column("name", "Name", 20, 10),
    Column("id", "ID", 6),
    Column("type", "Type", 9),
    Column("status", "Status", None, 10),
    Column("attempts", "Attempts", 8),
    Column("answered", "Answered", 8),
    Column("cost", "Cost", 8),
)


def outcome_rows(snapshot: VoiceSnapshot) -> list[tuple[str, int]]:
    return [
        ("Answered", snapshot.answered),
        ("Not answered", snapshot.not_answered),
        ("Not responding", snapshot.not_responding),
        ("Busy", snapshot.busy),
    ]


def _named(kind: type[IntEnum], value: object) -> str:
    """``English``, ``money``, ``female``: an enum value as the monitor words it."""
    try:
        return (
            kind(int(str(value))).name.lower().replace("english", "English").replace("urdu", "Urdu")
        )
    except ValueError:
        return "?"


def default_export_path(campaign_id: str, today: date | None = None) -> str:
    return f"~/csms-voice-{campaign_id}-{(today or date.today()):%Y%m%d}.csv"


class CampaignsTable(CopyableTable):
    """Voice campaigns; ``c`` copies the selected one's ID."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_id", "Copy ID", id="voice_campaigns.copy_id"),
    ]


class VoiceCampaignsScreen(EngineScreen):
    """Voice campaigns, the monitor of the selected one, and the wizard."""

    CSS_PATH = "../styles/voice_campaigns.tcss"
    AUTO_FOCUS = "#voice-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New", id="voice_campaigns.new"),
        Binding("e", "export", "Export", id="voice_campaigns.export"),
        Binding("r", "refresh", "Check", id="voice_campaigns.refresh"),
        Binding("y", "surveys", "Surveys", id="voice_campaigns.surveys"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The campaign shown in the monitor.
        self.monitored: str | None = None
        #: The last export's file and row count.
        self.last_export: tuple[Path, int] | None = None

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="voice-main", id="voice-views"):
            with Horizontal(id="voice-main"):
                with Vertical(id="voice-list"):
                    yield Label("Voice campaigns (n new, c copies the ID)", classes="field-label")
                    yield CampaignsTable(COLUMNS, id="voice-table", copy_what="campaign ID")
                with VerticalScroll(id="voice-monitor"):
                    yield Static("", id="monitor-title", markup=False)
                    yield Static("", id="monitor-status", markup=False)
                    yield Static("", id="monitor-details", markup=False)
                    yield Static("", id="monitor-counters", markup=False)
                    yield Static("", id="monitor-bars", markup=False)
                    yield Static("", id="monitor-tally", markup=False)
                    with Horizontal(id="monitor-export"):
                        yield PathInput(id="export-path")
                        yield Button("Export CSV (e)", id="export")
            yield VoiceWizard(id="voice-wizard")

    def on_mount(self) -> None:
        self.catch_up()

    def on_resize(self, event: textual_events.Resize) -> None:
        # Side by side needs room for the table's columns; else one above the other.
        self.set_class(event.size.width < NARROW_BELOW, "-narrow")

    # -- the list -----------------------------------------------------------------

    def catch_up(self) -> None:
        if not has_engine(self):
            return
        campaigns = self.engine.reads.voice.voice_campaigns()
        self._load(campaigns)
        if self.monitored is None and campaigns:
            self.monitored = campaigns[0].id
        self.show_monitor(self.monitored)
        if self.query_one(ContentSwitcher).current == "voice-wizard":
            self.query_one(VoiceWizard).reload()

    def _row(self, campaign: VoiceCampaign) -> tuple[str, ...]:
        latest = self.engine.reads.voice.voice_latest(campaign.id)
        status = "Submitted" if campaign.last_status is None else campaign.last_status.label
        return (
            campaign.name,
            campaign.id,
            campaign.kind.title(),
            status,
            "—" if latest is None else str(latest.call_attempts),
            "—" if latest is None else str(latest.answered),
            "—" if latest is None else f"{latest.cost:.2f}",
        )

    def _load(self, campaigns: list[VoiceCampaign]) -> None:
        """Diff the table against the ledger by campaign ID."""
        table = self.query_one(CampaignsTable)
        wanted = {c.id: c for c in campaigns}
        with self.app.batch_update():
            for key in [k for k in table.rows if k.value not in wanted]:
                table.remove_row(key)
            for campaign in campaigns:
                self._update_row(campaign)

    def _update_row(self, campaign: VoiceCampaign) -> None:
        self.query_one(CampaignsTable).upsert(campaign.id, self._row(campaign))

    @on(DataTable.RowHighlighted, "#voice-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None and event.row_key.value != self.monitored:
            self.show_monitor(event.row_key.value)

    def select(self, campaign_id: str) -> None:
        """Put the cursor on ``campaign_id`` and show it in the monitor."""
        table = self.query_one(CampaignsTable)
        if campaign_id in table.rows:
            table.move_cursor(row=table.get_row_index(campaign_id))
        self.show_monitor(campaign_id)

    # -- the monitor ----------------------------------------------------------------

    def show_monitor(self, campaign_id: str | None) -> None:
        changed = campaign_id != self.monitored
        self.monitored = campaign_id
        campaign = self.engine.reads.voice.voice_campaign(campaign_id) if campaign_id else None
        title = self.query_one("#monitor-title", Static)
        self.query_one("#monitor-export").display = campaign is not None
        if campaign is None:
            title.update("No voice campaign yet: press n to create one.")
            for part in ("status", "details", "counters", "bars", "tally"):
                self.query_one(f"#monitor-{part}", Static).update("")
            return
        if changed or not self.query_one("#export-path", Input).value:
            self.query_one("#export-path", Input).value = default_export_path(campaign.id)
        latest = self.engine.reads.voice.voice_latest(campaign.id)
        title.update(f"{campaign.name}  ·  ID {campaign.id}  ·  {KIND_LABELS[campaign.kind]}")
        self.query_one("#monitor-status", Static).update(self._status_line(campaign))
        self.query_one("#monitor-details", Static).update(self._details(campaign))
        counters, bars = self._counters(latest)
        self.query_one("#monitor-counters", Static).update(counters)
        self.query_one("#monitor-bars", Static).update(bars)
        self.query_one("#monitor-tally", Static).update(self._tally(campaign))

    def _status_line(self, campaign: VoiceCampaign) -> str:
        if campaign.last_status is None:
            return "Status: submitted, waiting for the gateway's first answer."
        status = campaign.last_status
        state = "finished" if campaign.final else "in progress"
        checked = ""
        if campaign.checked_at is not None:
            local = campaign.checked_at.astimezone(profile_zone(self.engine))
            checked = f", checked {local:%H:%M:%S}"
        return f"Status: {status.label} (code {int(status)}, {state}{checked})"

    def _details(self, campaign: VoiceCampaign) -> str:
        params = campaign.params
        ledger = self.engine.reads

        def when(key: str) -> str:
            value = params.get(key)
            if not value:
                return "?"
            try:
                at = datetime.fromisoformat(str(value))
            except ValueError:
                return str(value)
            # In the zone of every other time on the screen (a stored time
            # keeps the zone it was made in).
            if at.tzinfo is not None:
                at = at.astimezone(profile_zone(self.engine))
            return at.strftime("%Y-%m-%d %H:%M")

        window = "all day"
        if params.get("daily_start") or params.get("daily_end"):
            window = f"{params.get('daily_start') or '00:00'}-{params.get('daily_end') or '23:59'}"
        names = []
        for list_id in params.get("list_ids", []):
            summary = ledger.lists.list_by_id(str(list_id))
            names.append(summary.name if summary is not None else f"list {list_id}")
        recipients = params.get("recipients")
        numbers = f" ({recipients} numbers)" if recipients is not None else ""

        def clip(key: str) -> str:
            file_id = str(params.get(key) or "")
            if not file_id:
                return "none"
            audio = ledger.audio.audio(file_id)
            return f"{audio.name} (ID {file_id})" if audio is not None else f"audio {file_id}"

        lines = [
            f"From {when('start')} to {when('end')}, daily {window}; "
            f"retries {params.get('max_retries', 0)}",
            f"Lists: {', '.join(names) or '?'}{numbers}",
            f"Plays: {clip('file_id')}",
        ]
        if campaign.kind == "feedback":
            options = params.get("valid_options")
            keys = f"keys 1-{options}" if options else "no valid keys"
            lines.append(
                f"Valid: {keys}; after a valid key {clip('valid_file_id')}, after another"
                f" {clip('invalid_file_id')}"
            )
        elif campaign.kind == "dynamic":
            lines.append(
                f"Reads in {_named(DynamicLanguage, params.get('language'))},"
                f" digits as {_named(DynamicDigits, params.get('digits'))},"
                f" {_named(DynamicVoice, params.get('voice'))} voice;"
                f" ending clip {clip('ending_file_id')}"
            )
        if params.get("text"):
            lines.append(f"Fallback SMS: {params['text']}")
        return "\n".join(lines)

    @staticmethod
    def _counters(latest: VoiceSnapshot | None) -> tuple[str, str]:
        if latest is None:
            return "No counters yet.", ""
        counters = (
            f"Attempts {latest.call_attempts}  ·  Answered {latest.answered}  ·  "
            f"Cost {latest.cost:.2f}\n"
            f"Not answered {latest.not_answered}  ·  Not responding {latest.not_responding}  ·  "
            f"Busy {latest.busy}"
        )
        if not latest.call_attempts:
            return counters, "Outcomes: no calls made yet."
        return counters, "\n".join(["Outcomes", *bar_lines(outcome_rows(latest))])

    def _tally(self, campaign: VoiceCampaign) -> str:
        if campaign.kind != "feedback":
            return ""
        return (
            "Keys pressed: the gateway's voice campaign status reports no per-key figures,"
            " so no key results can be shown for a campaign. For results per key, run a"
            " survey (Surveys, or `csms survey start`): feedback calls tracked one by one"
            " with the key each person pressed."
        )

    # -- actions -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The list's keys do nothing while the wizard is shown.
        if action in ("new", "export", "refresh", "surveys"):
            return self.query_one(ContentSwitcher).current == "voice-main"
        return True

    def action_surveys(self) -> None:
        app = shell_app(self.app)
        if app is not None:
            app.open_surveys()

    def action_new(self) -> None:
        wizard = self.query_one(VoiceWizard)
        wizard.reset()
        self._show_view("voice-wizard")
        wizard.focus_step()

    def _show_view(self, view: str) -> None:
        self.query_one(ContentSwitcher).current = view
        self.refresh_bindings()

    def on_voice_wizard_created(self, event: VoiceWizard.Created) -> None:
        self._show_view("voice-main")
        self._update_row(event.campaign)
        self.select(event.campaign.id)
        self.query_one(CampaignsTable).focus()

    def on_voice_wizard_cancelled(self, event: VoiceWizard.Cancelled) -> None:
        self._show_view("voice-main")
        self.query_one(CampaignsTable).focus()

    def action_refresh(self) -> None:
        if has_engine(self):
            self.engine.poll_now()
            self.catch_up()

    @on(Button.Pressed, "#export")
    def _export_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_export()

    @on(Input.Submitted, "#export-path")
    def _export_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def action_export(self) -> None:
        if self.monitored is None:
            self.notify("Choose a campaign to export first.", severity="warning")
            return
        path = self.query_one("#export-path", PathInput).path
        if path is None:
            self.notify("Give the file to export to.", severity="warning")
            return
        self._export(self.monitored, path)

    @on(PathInput.PickRequested, "#export-path")
    def _pick_export(self, event: PathInput.PickRequested) -> None:
        open_picker(self, event, suffixes=frozenset({".csv"}), title="Export to (a .csv file)")

    @work(exclusive=True, group="voice-export", exit_on_error=False)
    async def _export(self, campaign_id: str, path: Path) -> None:
        if not await may_write(self, path, f"campaign {campaign_id}'s statuses"):
            return
        try:
            ledger, zone = self.engine.reads, profile_zone(self.engine)
            count = await asyncio.to_thread(ledger.export_voice_csv, campaign_id, path, zone)
        except LedgerError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.last_export = (path, count)
        self.notify(
            f"Exported {plural(count, 'status snapshot')} of campaign {campaign_id} to {path}."
        )

    # -- live updates -------------------------------------------------------------------

    def on_engine_event(self, event: events.Event) -> None:
        if isinstance(event, events.StatusChanged):
            if event.kind == "voice_campaign":
                campaign = self.engine.reads.voice.voice_campaign(event.item_id)
                if campaign is not None:
                    self._update_row(campaign)
                if event.item_id == self.monitored:
                    self.show_monitor(self.monitored)
            elif event.kind == "audio":
                self.query_one(VoiceWizard).refresh_audio()
            elif event.kind == "call" and self.monitored is not None:
                self.show_monitor(self.monitored)
        elif isinstance(event, events.Submitted) and event.kind == "voice_campaign":
            self.catch_up()
        elif isinstance(event, events.Submitted) and event.kind == "audio":
            self.query_one(VoiceWizard).refresh_audio()
