"""Personalised send: one message per row of a sheet, from a ``{column}`` template.

Load a CSV, TSV or TXT file, choose the column with the numbers and write the
template. The preview shows the first rows as they will read, flags rows with
an empty field or an invalid number, and gives the longest message's segments,
the total and the encoding of each message. Sending runs in the background
with a progress bar; it can be stopped and resumed, and never sends a row
twice. Earlier sends are listed below with their row counts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
    TextArea,
)

from tui.engine import events
from tui.engine.personalised import (
    PersonalisedPlan,
    PersonalisedSender,
    SendReport,
    job_name,
    plan_send,
)
from tui.engine.sms_campaigns import profile_zone
from tui.engine.templates import Sheet, guess_number_column, read_sheet
from tui.gateway.errors import CsmsError
from tui.ledger import LedgerError, SendJobSummary
from tui.screens.base import engine_of, has_engine
from tui.screens.confirm import ConfirmScreen
from tui.screens.sending_hours import ask_to_send, opens_label

if TYPE_CHECKING:
    from tui.engine.service import Engine

#: Rows shown in the preview.
PREVIEW_ROWS = 20
#: Pause in typing before the plan is worked out again (longer for big sheets,
#: where a plan takes about a second per 100,000 rows).
REPLAN_DELAY = 0.2
REPLAN_DELAY_BIG = 0.8
BIG_SHEET = 20_000
JOB_STATES = ("sent", "pending", "failed", "unknown")


def send_question(plan: PersonalisedPlan, mask: str | None, engine: Engine) -> str:
    """The confirmation: what goes out and what it costs, and the first message
    as its recipient will read it."""
    lines = [plan.summary(), f"Mask: {mask or 'the account default'}."]
    price = engine.profile.price_per_segment
    if price is not None:
        lines.append(
            f"About {plan.total_segments * price:,.2f} credit at {price:g} a segment "
            "(the profile's price)."
        )
    credit = engine.status.credit
    if credit is not None:
        lines.append(f"Credit now {credit:,.2f}.")
    first = plan.to_send[0] if plan.to_send else None
    if first is not None:
        lines += [f"First message (row {first.row}, to {first.recipient}):", first.text]
    return "\n".join(lines)


class JobsTable(DataTable[str]):
    """Earlier personalised sends: ``r`` resumes, ``t`` retries failed rows,
    ``u`` also resends rows of unknown outcome (after a warning)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "resume", "Resume", id="personalised.resume"),
        Binding("t", "retry", "Retry failed", id="personalised.retry"),
        Binding("u", "retry_unknown", "Resend unknown", id="personalised.retry_unknown"),
    ]

    def selected_job(self) -> int | None:
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def action_resume(self) -> None:
        self._ask("resume")

    def action_retry(self) -> None:
        self._ask("retry")

    def action_retry_unknown(self) -> None:
        self._ask("retry_unknown")

    def _ask(self, what: str) -> None:
        job = self.selected_job()
        screen = self.screen
        if job is not None and isinstance(screen, PersonalisedScreen):
            screen.job_action(what, job)


class PersonalisedScreen(Screen[None]):
    """Send one message per row of a sheet."""

    CSS_PATH = "../styles/sms_campaigns.tcss"
    AUTO_FOCUS = "#pers-path"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "load", "Load file", id="personalised.load"),
        Binding("ctrl+s", "send", "Send", id="personalised.send"),
        Binding("ctrl+t", "stop", "Stop sending", id="personalised.stop"),
        Binding("escape", "close", "Back", id="personalised.close"),
    ]

    def __init__(self, path: str | Path | None = None, *, host: DOMNode | None = None) -> None:
        """``host`` (the screen that opened this one) runs the sends, so they go on
        after this screen is closed; the engine keeps the sender (``engine.personalised``)."""
        super().__init__()
        self.initial_path = str(path) if path is not None else ""
        self.host = host
        self.sheet: Sheet | None = None
        self.plan: PersonalisedPlan | None = None
        self.problem: str | None = None
        self.sender: PersonalisedSender | None = None
        self.last_report: SendReport | None = None
        self._timer: Timer | None = None
        self._plan_round = 0

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("[b]Personalised send[/b]  ·  one message per row of a sheet", id="pers-title")
        with VerticalScroll(id="pers-form"):
            with Horizontal(classes="pers-row"):
                yield Input(
                    self.initial_path,
                    placeholder="Path to a CSV, TSV or TXT file with a header row",
                    id="pers-path",
                )
                yield Button("Load (Ctrl+O)", id="pers-load")
            yield Static("", id="pers-sheet", markup=False)
            with Horizontal(classes="pers-row"):
                yield Select[int]([], prompt="Column with the numbers", id="pers-number")
                yield Select[str]([], prompt="The account's default mask", id="pers-mask")
                yield Checkbox("Skip rows with an empty field", value=True, id="pers-skip")
            yield Label("Template: {column} puts the row's value there; {{ and }} are braces")
            yield TextArea(
                "", id="pers-template", tab_behavior="focus", soft_wrap=True,
                placeholder="Dear {name}, your bill of Rs {amount} is due",
            )  # fmt: skip
            yield Static("", id="pers-fields", markup=False)
            yield Static("", id="pers-error", markup=False)
            yield Static("", id="pers-summary", markup=False)
            yield DataTable(id="pers-preview", zebra_stripes=True)
        with Vertical(id="pers-bottom"):
            with Horizontal(classes="pers-row"):
                yield Button("Send (Ctrl+S)", variant="primary", id="pers-send")
                yield Button("Stop (Ctrl+T)", id="pers-stop", disabled=True)
                yield ProgressBar(total=1, show_eta=False, id="pers-progress")
                yield Static("", id="pers-progress-text", markup=False)
            yield Label("Earlier sends: r resume · t retry failed · u resend unknown")
            yield JobsTable(id="pers-jobs", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        preview = self.query_one("#pers-preview", DataTable)
        for label, key, width in (
            ("Row", "row", 4),
            ("Number", "number", 13),
            ("Seg.", "segments", 4),
            ("Encoding", "encoding", 8),
            ("Note", "note", None),
            ("Message", "message", None),
        ):
            preview.add_column(label, key=key, width=width)
        jobs = self.query_one(JobsTable)
        for label, key in (("Job", "job"), ("Source", "source"), ("Created", "created"),
                           ("State", "state"), *((s.title(), s) for s in JOB_STATES)):  # fmt: skip
            jobs.add_column(label, key=key)
        self.query_one("#pers-error").display = False
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

    def _shared_sender(self) -> PersonalisedSender:
        """The engine's runner: a send outlives this screen and is found again."""
        return engine_of(self).personalised

    @property
    def running(self) -> int | None:
        """The job being sent, if any."""
        return self.sender.current if self.sender is not None else None

    def _runner(self) -> DOMNode:
        host = self.host
        return host if host is not None and host.is_attached else self

    # -- the sheet --------------------------------------------------------------

    def action_load(self) -> None:
        path = self.query_one("#pers-path", Input).value.strip()
        if not path:
            self._problem("Write the path of the file to load.")
            self.query_one("#pers-path").focus()
            return
        self._load(path)

    @work(exclusive=True, group="personalised-load", exit_on_error=False)
    async def _load(self, path: str) -> None:
        try:
            sheet = await asyncio.to_thread(read_sheet, path)
        except CsmsError as error:
            self.sheet = None
            self.plan = None
            self._problem(str(error))
            return
        self.show_sheet(sheet)

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
    @on(Checkbox.Changed, "#pers-skip")
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
        shown = 0
        invalid = {r.row: r for r in plan.invalid}
        planned = {r.row: r for r in plan.rows}
        repeats = set(plan.repeats)
        assert self.sheet is not None
        for sheet_row in self.sheet.rows:
            if shown >= PREVIEW_ROWS:
                break
            shown += 1
            number = sheet_row.number
            if number in invalid:
                bad = invalid[number]
                # "is a landline; ..." reads after the value, as the lists' report says it.
                why = f"{bad.raw!r} {bad.reason}" if bad.reason.startswith("is ") else bad.reason
                preview.add_row(str(number), bad.raw, "", "", f"Invalid number: {why}", "")
                continue
            if number in repeats:
                preview.add_row(str(number), "", "", "", "Same number and text as above", "")
                continue
            row = planned[number]
            note = ""
            if row.empty:
                fields = ", ".join("{" + f + "}" for f in row.empty)
                note = f"Empty {fields}" + (" (skipped)" if plan.skip_empty else "")
            preview.add_row(
                str(number),
                row.recipient,
                str(row.segments),
                "Unicode" if row.is_unicode else "GSM-7",
                note,
                row.text,
            )

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
        ask_to_send(
            self,
            engine,
            question=send_question(plan, mask, engine),
            title="Send personalised messages",
            confirm_label="Send",
            send=lambda: self._start(plan, mask),
            hold=lambda: self._hold(plan, mask),
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
            f" or at `csms hold run` (`csms hold cancel {held.id}` cancels it).",
            timeout=10,
        )

    def _start(self, plan: PersonalisedPlan, mask: str | None) -> None:
        self._launch(self._create_and_send(plan, mask))

    def _launch(self, work: Coroutine[Any, Any, None]) -> None:
        """Run a send on the host screen, so it outlives this one."""
        self._set_running(True)
        self._runner().run_worker(work, group="personalised-send", exit_on_error=False)

    async def _create_and_send(self, plan: PersonalisedPlan, mask: str | None) -> None:
        assert self.sender is not None
        try:
            job = await asyncio.to_thread(self.sender.create_job, plan, mask=mask)
        except (CsmsError, LedgerError) as error:
            self._set_running(False)
            self._problem(str(error))
            return
        if self.is_attached:
            self.load_jobs()
        await self._send(job, None)

    async def _send(self, job: int, retry: str | None) -> None:
        """Send a job (after queueing its failed or unknown rows again if asked)."""
        sender = self.sender
        assert sender is not None
        app = self.app
        try:
            if retry is not None:
                count = await asyncio.to_thread(
                    sender.retry, job, include_unknown=retry == "retry_unknown"
                )
                if not count and retry == "retry":
                    app.notify(f"Send {job} has no failed rows; resuming it.")
            report = await sender.run(job)
        except (CsmsError, LedgerError) as error:
            app.notify(str(error), severity="error", timeout=10)
            return
        finally:
            if self.is_attached:
                self._set_running(False)
                self.load_jobs()
        self.last_report = report
        self._report(report)

    def _report(self, report: SendReport) -> None:
        notify = self.app.notify
        rows = report.summary.rows
        counts = ", ".join(f"{rows[s]} {s}" for s in JOB_STATES if rows.get(s))
        if report.stopped:
            notify(
                f"Personalised send {report.job_id} stopped: {report.stopped} ({counts}). "
                "Resume it with r once fixed.",
                severity="error",
                timeout=15,
            )
        elif report.cancelled:
            notify(f"Personalised send {report.job_id} stopped ({counts}); r resumes it.")
        elif report.summary.needs_attention:
            notify(
                f"Personalised send {report.job_id} finished with problems ({counts}); "
                "see Activity for unknown outcomes.",
                severity="warning",
                timeout=10,
            )
        else:
            notify(f"Personalised send {report.job_id} finished: {counts}.")

    def _set_running(self, running: bool) -> None:
        self.query_one("#pers-send", Button).disabled = running
        self.query_one("#pers-stop", Button).disabled = not running
        if running:
            self.query_one("#pers-progress").display = True

    def _on_progress(self, progress: events.Progress) -> None:
        self._set_running(True)
        bar = self.query_one("#pers-progress", ProgressBar)
        bar.update(total=max(1, progress.total), progress=progress.done)
        text = f"{progress.done:,} of {progress.total:,}"
        if progress.detail:
            text += f" ({progress.detail})"
        self.query_one("#pers-progress-text", Static).update(text)

    def action_stop(self) -> None:
        if self.running is None or self.sender is None:
            return
        self.sender.cancel()
        self.notify("Stopping after the requests already out…")

    def job_action(self, what: str, job: int) -> None:
        """Resume a job, or queue its failed (or unknown) rows again and resume it."""
        if self.running is not None or self.sender is None:
            self.notify("Wait for the running send to finish or stop it.", severity="warning")
            return
        if what == "retry_unknown":

            def confirmed(ok: bool | None) -> None:
                if ok:
                    self._launch(self._send(job, "retry_unknown"))

            self.app.push_screen(
                ConfirmScreen(
                    "Rows of unknown outcome may have been delivered already; sending them "
                    "again can deliver them twice. Send them again?",
                    title=f"Resend unknown rows of send {job}",
                    confirm_label="Resend",
                    danger=True,
                    safe_default=True,
                ),
                confirmed,
            )
            return
        self._launch(self._send(job, "retry" if what == "retry" else None))

    # -- jobs -----------------------------------------------------------------------

    def load_jobs(self) -> None:
        table = self.query_one(JobsTable)
        jobs = engine_of(self).ledger.send_jobs(open_only=False)
        with self.app.batch_update():
            keys = {str(job.job_id) for job in jobs}
            for key in [k for k in table.rows if k.value not in keys]:
                table.remove_row(key)
            for job in reversed(jobs):
                self._job_row(job)

    def _job_row(self, job: SendJobSummary) -> None:
        table = self.query_one(JobsTable)
        key = str(job.job_id)
        state = "running" if self.running == job.job_id else job.state
        cells = [
            key,
            job.source,
            job.created_at.astimezone(profile_zone(engine_of(self))).strftime("%Y-%m-%d %H:%M"),
            state,
            *(str(job.rows.get(s, 0)) for s in JOB_STATES),
        ]
        if key in table.rows:
            for column, value in zip(table.columns, cells, strict=True):
                table.update_cell(key, column, value, update_width=True)
        else:
            table.add_row(*cells, key=key)

    @work(exclusive=True, group="personalised-events", exit_on_error=False)
    async def _follow_progress(self) -> None:
        """Keep the jobs table current while any job sends (also from other screens)."""
        subscription = engine_of(self).subscribe()
        try:
            async for event in subscription:
                if isinstance(event, events.Progress) and event.job.startswith("personalised:"):
                    job = int(event.job.removeprefix("personalised:"))
                    if job_name(job) != event.job:
                        continue
                    if job == self.running:
                        self._on_progress(event)
                    summary = engine_of(self).ledger.send_job_summary(job)
                    self._job_row(summary)
        finally:
            subscription.close()

    # -- buttons --------------------------------------------------------------------

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {"pers-load": self.action_load, "pers-send": self.action_send,
                   "pers-stop": self.action_stop}  # fmt: skip
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
