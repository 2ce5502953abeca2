"""Personalised send: one message per row of a sheet, from a ``{column}`` template.

Load a CSV, TSV or TXT file, choose the column with the numbers and write the
template. The preview shows the first rows as they will read, flags rows with
an empty field or an invalid number, and gives the longest message's segments,
the total and the encoding of each message. Sending runs in the background
with a progress bar; it can be stopped and resumed, and never sends a row
twice. Earlier sends are listed below with their row counts; Enter on one
(or Ctrl+R) shows its rows (``screens/personalised_results.py``). The preview
table and the question asked before sending are in
``screens/personalised_preview.py``, the sends' table in
``screens/personalised_jobs.py``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
    TextArea,
)

from tui.engine.personalised import (
    PersonalisedPlan,
    plan_send,
)
from tui.engine.repeat_sends import personalised_repeats
from tui.engine.sheets import SheetError, sheet_names
from tui.engine.templates import Sheet, guess_number_column, read_sheet
from tui.gateway.errors import CsmsError
from tui.ledger import LedgerError
from tui.screens.base import engine_of, has_engine
from tui.screens.display_time import local
from tui.screens.personalised_jobs import JobsTable
from tui.screens.personalised_preview import PreviewTable, send_question, show_preview
from tui.screens.personalised_results import PersonalisedResultsScreen
from tui.screens.personalised_runs import SendRunner
from tui.screens.sending_hours import ask_to_send, opens_label
from tui.screens.template_picker import open_text_template_picker
from tui.widgets.app_footer import AppFooter
from tui.widgets.tick import Tick

__all__ = ["JobsTable", "PersonalisedResultsScreen", "PersonalisedScreen", "send_question"]


def workbook_sheets(path: str) -> list[str]:
    """The sheets of an .xlsx workbook (empty for any other file, or one that
    cannot be read: reading the file then says what is wrong)."""
    if not path.strip().lower().endswith(".xlsx"):
        return []
    try:
        return sheet_names(Path(path.strip()).expanduser())
    except (SheetError, OSError):
        return []


#: Pause in typing before the plan is worked out again (longer for big sheets,
#: where a plan takes about a second per 100,000 rows).
REPLAN_DELAY = 0.2
REPLAN_DELAY_BIG = 0.8
BIG_SHEET = 20_000


class PersonalisedScreen(SendRunner):
    """Send one message per row of a sheet."""

    CSS_PATH = ["../styles/sms_campaigns.tcss", "../styles/personalised.tcss"]  # noqa: RUF012
    AUTO_FOCUS = "#pers-path"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "load", "Load file", id="personalised.load"),
        Binding("ctrl+s", "send", "Send", id="personalised.send"),
        Binding("ctrl+t", "templates", "Templates", id="personalised.templates"),
        Binding("ctrl+g", "stop", "Stop", id="personalised.stop"),
        Binding("ctrl+r", "results", "Rows", id="personalised.rows"),
        Binding("escape", "close", "Back", id="personalised.close"),
    ]

    def __init__(self, path: str | Path | None = None) -> None:
        """Sends are jobs of the engine (``engine.personalised``): they go on after
        this screen is closed."""
        super().__init__()
        self.initial_path = str(path) if path is not None else ""
        self.sheet: Sheet | None = None
        #: The file whose sheets the Sheet choice lists.
        self._sheet_path = ""
        self.plan: PersonalisedPlan | None = None
        self.problem: str | None = None
        self._timer: Timer | None = None
        self._plan_round = 0

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("[b]Personalised send[/b]  ·  one message per row of a sheet", id="pers-title")
        with VerticalScroll(id="pers-form"):
            with Horizontal(classes="pers-row"):
                yield Input(
                    self.initial_path,
                    placeholder="Path to a CSV, TSV, TXT or .xlsx file with a header row",
                    id="pers-path",
                    compact=True,
                )
                yield Button("Load (Ctrl+O)", id="pers-load", compact=True)
            with Horizontal(classes="pers-row", id="pers-sheet-row"):
                yield Select[str]([], prompt="Sheet", id="pers-sheet-choice", compact=True)
                yield Static("", id="pers-sheet", markup=False)
            with Horizontal(classes="pers-row"):
                yield Select[int]([], prompt="Numbers column", id="pers-number", compact=True)
                yield Select[str]([], prompt="Default mask", id="pers-mask", compact=True)
                yield Tick(
                    "Skip rows with an empty field", value=True, id="pers-skip", compact=True
                )
            yield Label(
                "Template: {column} puts the row's value there; {{ and }} are braces;"
                " Ctrl+T: saved templates"
            )
            yield TextArea(
                "", id="pers-template", tab_behavior="focus", soft_wrap=True,
                placeholder="Dear {name}, your bill of Rs {amount} is due",
            )  # fmt: skip
            yield Static("", id="pers-fields", markup=False)
            yield Static("", id="pers-error", markup=False)
            yield Static("", id="pers-summary", markup=False)
            yield PreviewTable(id="pers-preview")
        with Vertical(id="pers-bottom"):
            with Horizontal(classes="pers-row", id="pers-actions"):
                yield Button("Send (Ctrl+S)", variant="primary", id="pers-send", compact=True)
                yield Button("Stop (Ctrl+G)", id="pers-stop", disabled=True, compact=True)
                yield Button("Rows (Ctrl+R)", id="pers-rows", compact=True)
                yield ProgressBar(total=1, show_eta=False, id="pers-progress")
                yield Static("", id="pers-progress-text", markup=False)
            yield Label(
                "Sends: Enter rows · r resume · t retry failed · u resend unknown", id="pers-hint"
            )
            yield JobsTable(id="pers-jobs", cursor_type="row", zebra_stripes=True)
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#pers-error").display = False
        self.query_one("#pers-sheet-choice").display = False
        self.query_one("#pers-progress").display = False
        if has_engine(self):
            engine = engine_of(self)
            self.sender = self._shared_sender()
            profile = engine.profile
            masks = list(dict.fromkeys(
                [*([profile.default_mask] if profile.default_mask else []), *profile.masks]
            ))  # fmt: skip
            select = self.query_one("#pers-mask", Select)
            select.set_options([(mask, mask) for mask in masks])
            if profile.default_mask:
                select.value = profile.default_mask
            self.load_jobs()
            self._set_running(self.running is not None)
            self._follow_progress()
        if self.initial_path:
            self.action_load()

    # -- the sheet --------------------------------------------------------------

    def action_load(self) -> None:
        path = self.query_one("#pers-path", Input).value.strip()
        if not path:
            self._problem("Write the path of the file to load.")
            self.query_one("#pers-path").focus()
            return
        self._load(path)

    @work(exclusive=True, group="personalised-load", exit_on_error=False)
    async def _load(self, path: str, sheet_name: str | None = None) -> None:
        try:
            names = await asyncio.to_thread(workbook_sheets, path)
            if sheet_name is None and names:
                sheet_name = names[0]
            sheet = await asyncio.to_thread(read_sheet, path, sheet=sheet_name if names else None)
        except CsmsError as error:
            self.sheet = None
            self.plan = None
            self._problem(str(error))
            return
        self._show_sheet_choice(path, names, sheet_name)
        self.show_sheet(sheet)

    def _show_sheet_choice(self, path: str, names: list[str], chosen: str | None) -> None:
        """A workbook with several sheets: which one is read (choosing re-reads)."""
        choice: Select[str] = self.query_one("#pers-sheet-choice", Select)
        choice.display = len(names) > 1
        self._sheet_path = path
        if len(names) > 1:
            with choice.prevent(Select.Changed):
                choice.set_options([(name, name) for name in names])
                choice.value = chosen or names[0]

    @on(Select.Changed, "#pers-sheet-choice")
    def _sheet_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and self._sheet_path:
            self._load(self._sheet_path, event.value)

    def action_templates(self) -> None:
        """The saved templates: the chosen one becomes this send's template."""
        area = self.query_one("#pers-template", TextArea)

        def insert(text: str) -> None:
            area.load_text(text)
            area.focus()

        open_text_template_picker(self.app, area.text, insert)

    def show_sheet(self, sheet: Sheet) -> None:
        """Use ``sheet`` (read from a file or built by the caller)."""
        self.sheet = sheet
        header = "with a header row" if sheet.has_header else "no header row (columns numbered)"
        self.query_one("#pers-sheet", Static).update(
            f"{sheet.source}: {len(sheet.rows):,} rows, {header}; columns: "
            + ", ".join(sheet.columns)
        )
        self.query_one("#pers-fields", Static).update(
            "Fields: " + "  ".join("{" + name + "}" for name in sheet.columns)
        )
        number = self.query_one("#pers-number", Select)
        number.set_options([(name, i) for i, name in enumerate(sheet.columns)])
        guess = guess_number_column(sheet)
        if guess is not None:
            number.value = guess
        self.query_one("#pers-template").focus()
        self._replan_now()

    # -- the plan ------------------------------------------------------------------

    @on(TextArea.Changed, "#pers-template")
    @on(Select.Changed, "#pers-number")
    @on(Tick.Changed, "#pers-skip")
    def _inputs_changed(self) -> None:
        self.plan = None
        if self._timer is not None:
            self._timer.stop()
        big = self.sheet is not None and len(self.sheet.rows) > BIG_SHEET
        self._timer = self.set_timer(REPLAN_DELAY_BIG if big else REPLAN_DELAY, self._replan_now)

    def _replan_now(self) -> None:
        self._timer = None
        self._replan()

    @work(exclusive=True, group="personalised-plan", exit_on_error=False)
    async def _replan(self) -> None:
        await self._make_plan()

    async def _make_plan(self) -> PersonalisedPlan | None:
        """Work out the plan for what the form says now, show it and return it
        (None, with the problem shown, when it cannot be sent)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._plan_round += 1
        round_ = self._plan_round
        sheet = self.sheet
        if sheet is None:
            return None
        template = self.query_one("#pers-template", TextArea).text
        column = self.query_one("#pers-number", Select).value
        skip = self.query_one("#pers-skip", Checkbox).value
        if not template.strip():
            self.plan = None
            self._problem(None)
            self._show_plan(None)
            return None
        if not isinstance(column, int):
            self.plan = None
            self._problem("Choose the column that holds the phone numbers.")
            return None
        try:
            plan = await asyncio.to_thread(plan_send, sheet, template, column, skip_empty=skip)
        except CsmsError as error:
            if round_ == self._plan_round:
                self.plan = None
                self._problem(str(error))
            return None
        if round_ != self._plan_round:
            return None  # the form changed meanwhile; a newer plan follows
        self.plan = plan
        self._problem(None)
        self._show_plan(plan)
        return plan

    def _problem(self, message: str | None) -> None:
        self.problem = message
        error = self.query_one("#pers-error", Static)
        error.update(message or "")
        error.display = bool(message)
        if message:
            self._show_plan(None)

    def _show_plan(self, plan: PersonalisedPlan | None) -> None:
        summary = self.query_one("#pers-summary", Static)
        preview = self.query_one("#pers-preview", DataTable)
        preview.clear()
        if plan is None:
            summary.update("")
            return
        summary.update(plan.summary())
        assert self.sheet is not None
        show_preview(preview, self.sheet, plan)

    # -- sending -------------------------------------------------------------------

    def action_send(self) -> None:
        if self.running is not None:
            self.notify("A personalised send is already running.", severity="warning")
            return
        if self.sheet is None:
            self._problem("Load the sheet first (Ctrl+O).")
            return
        self._confirm_send()

    @work(exclusive=True, group="personalised-plan", exit_on_error=False)
    async def _confirm_send(self) -> None:
        """Plan what the form says now (never a stale plan), then ask to send it."""
        plan = await self._make_plan()
        if plan is None:
            if not self.problem:
                self._problem("Write the template first.")
            return
        if not plan.to_send:
            self._problem("No row can be sent; fix the numbers or the template first.")
            return
        mask_value = self.query_one("#pers-mask", Select).value
        mask = mask_value if isinstance(mask_value, str) else None

        engine = engine_of(self)
        question = send_question(plan, mask, engine, engine.personalised.opted_out(plan))
        pairs = [(row.recipient, row.text) for row in plan.to_send]
        repeat = await asyncio.to_thread(personalised_repeats, engine.reads, pairs, engine.now())
        if repeat is not None:  # the same sheet again by habit: Cancel has the focus
            question = f"{repeat.rows_sentence(f'{local(repeat.last_at):%H:%M}')}\n{question}"
        ask_to_send(
            self,
            engine,
            question=question,
            title="Send personalised messages",
            confirm_label="Send",
            send=lambda: self._start(plan, mask),
            hold=lambda: self._hold(plan, mask),
            safe_first=repeat is not None,
        )

    @work(exclusive=True, group="personalised-plan", exit_on_error=False)
    async def _hold(self, plan: PersonalisedPlan, mask: str | None) -> None:
        """Journal the rows now; the engine sends them when the hours open."""
        engine = engine_of(self)
        try:
            job = await asyncio.to_thread(engine.personalised.create_job, plan, mask=mask)
            held = await asyncio.to_thread(engine.holds.hold_job, "personalised", job)
        except (CsmsError, LedgerError) as error:
            self._problem(f"Nothing was held or sent: {error}")
            return
        due = opens_label(held.due_at.astimezone(engine.holds.hours.zone), engine.holds.clock())
        self.load_jobs()
        self.notify(
            f"Personalised send {job} is held until {due}: it goes out then while csms runs,"
            f" or at `csms hold run`. Activity lists it as hold {held.id}; x there cancels it.",
            timeout=10,
        )

    # -- buttons --------------------------------------------------------------------

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {"pers-load": self.action_load, "pers-send": self.action_send,
                   "pers-stop": self.action_stop, "pers-rows": self.action_results}  # fmt: skip
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    @on(Input.Submitted, "#pers-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_load()

    def action_close(self) -> None:
        if self.running is not None:
            self.notify("Sending goes on in the background; p on SMS campaigns shows it again.")
        self.dismiss(None)
