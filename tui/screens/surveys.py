"""Surveys: feedback calls tracked one by one, with the key each person pressed.

A survey (``engine/surveys.py``) calls every number of a list, or of numbers
given, with a feedback (keypress) call, in rounds under the account's limits;
each call is tracked to its final status and key. Unlike a feedback campaign
(whose status the gateway reports without keys), a survey has results per key.

This screen lists the surveys; for the highlighted one it shows, live, the keys
pressed (counts and shares), who answered, was busy or did not answer, and
what is still waiting. ``r`` resumes a stopped survey (outside the sending
hours it asks: hold until they open, or call anyway); ``e`` exports its
per-number results to CSV; ``n`` starts a new one (a list csms knows and/or
numbers typed, the question, keys 1-N and the two answer clips). A run goes on
when this screen is closed. ``csms survey start`` does the same from cron.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, Select, Static

from tui.engine import events
from tui.gateway.codes import AudioStatus
from tui.gateway.errors import CsmsError
from tui.ledger import LedgerError
from tui.ledger.surveys import Survey, SurveyTally
from tui.screens.base import EngineScreen
from tui.screens.file_choice import replace_question
from tui.screens.sending_hours import ask_to_send, opens_label
from tui.widgets.survey_tally import key_lines, outcome_lines

#: Seconds between refreshes while a survey is calling.
REFRESH = 2.0


def default_export_path(survey: Survey, today: date | None = None) -> str:
    return f"~/csms-survey-{survey.id}-{(today or date.today()):%Y%m%d}.csv"


class SurveysScreen(EngineScreen):
    DEFAULT_CSS = """
    SurveysScreen #surveys-title { height: auto; padding: 0 1; text-style: bold; }
    SurveysScreen #surveys-table { height: auto; max-height: 8; }
    SurveysScreen #survey-monitor { height: 1fr; padding: 0 1; }
    SurveysScreen #survey-export-row { height: auto; }
    SurveysScreen #survey-export-path { width: 1fr; }
    SurveysScreen #survey-new { height: auto; padding: 0 1; }
    SurveysScreen .survey-row { height: auto; }
    SurveysScreen .survey-row > * { width: 1fr; margin-right: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="surveys.close"),
        Binding("r", "resume", "Resume", id="surveys.resume"),
        Binding("e", "export", "Export", id="surveys.export"),
        Binding("ctrl+r", "reload", "Reload", id="surveys.reload"),
        Binding("n", "new", "New survey", id="surveys.new"),
    ]

    AUTO_FOCUS = "#surveys-table"

    def __init__(self) -> None:
        super().__init__()
        self.surveys: dict[str, Survey] = {}
        #: Each survey's results as last read (the monitor shows the highlighted one).
        self.tallies: dict[int, SurveyTally] = {}
        #: Calls changed since the last read: read again at the next tick.
        self._stale = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "Surveys: feedback calls with the key each person pressed", id="surveys-title"
            )
            table: DataTable[str] = DataTable(id="surveys-table", cursor_type="row")
            yield table
            with VerticalScroll(id="survey-monitor"):
                yield Static("", id="survey-status", markup=False)
                yield Static("", id="survey-keys", markup=False)
                yield Static("", id="survey-outcomes", markup=False)
            with Horizontal(id="survey-export-row"):
                yield Input(placeholder="CSV file for the results", id="survey-export-path")
                yield Button("Export (e)", id="survey-export")
                yield Button("Resume (r)", id="survey-resume", variant="primary")
            with Vertical(id="survey-new"):
                yield Static("New survey (n): the question, keys 1-N, then a clip for a"
                             " valid or another key", classes="field-label")  # fmt: skip
                with Horizontal(classes="survey-row"):
                    yield Input(placeholder="Name", id="new-name", compact=True)
                    yield Select[str]([], prompt="List", id="new-list", compact=True)
                    yield Input(placeholder="or numbers", id="new-numbers", compact=True)
                with Horizontal(classes="survey-row"):
                    yield Select[str]([], prompt="Question clip", id="new-audio", compact=True)
                    yield Select[int](
                        [(f"keys 1-{n}", n) for n in range(1, 10)],
                        value=2, allow_blank=False, id="new-options", compact=True,
                    )  # fmt: skip
                with Horizontal(classes="survey-row"):
                    yield Select[str]([], prompt="After a valid key", id="new-valid", compact=True)
                    yield Select[str]([], prompt="After another", id="new-invalid", compact=True)
                    yield Button("Start", id="new-start", variant="primary", compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#surveys-table", DataTable)
        for label, key in (("ID", "id"), ("Name", "name"), ("Answered", "answered"),
                           ("Waiting", "waiting"), ("State", "state")):  # fmt: skip
            table.add_column(label, key=key)
        self._load_choices()
        self.catch_up()
        self.set_interval(REFRESH, self._tick)

    # -- reading ------------------------------------------------------------------

    def catch_up(self) -> None:
        self._load()

    def action_reload(self) -> None:
        self._load()

    def action_close(self) -> None:
        self.dismiss()

    def _tick(self) -> None:
        # One read per tick at most, however many call statuses arrived meanwhile.
        if self.is_active and (self._stale or self.engine.surveys_running):
            self._stale = False
            self._load()

    def on_engine_event(self, event: events.Event) -> None:
        if isinstance(event, events.StatusChanged) and event.kind == "call":
            self._stale = True

    @work(exclusive=True, group="surveys-load", exit_on_error=False)
    async def _load(self) -> None:
        engine = self.engine
        surveys = await asyncio.to_thread(engine.reads.surveys.surveys)
        tallies = {s.id: await asyncio.to_thread(engine.surveys.tally, s.id) for s in surveys}
        table = self.query_one("#surveys-table", DataTable)
        current = self.selected
        self.surveys = {str(s.id): s for s in surveys}
        self.tallies = tallies
        with self.app.batch_update():
            table.clear()
            for survey in reversed(surveys):  # newest first
                tally = tallies[survey.id]
                running = " (calling)" if survey.id in engine.surveys_running else ""
                table.add_row(
                    str(survey.id),
                    survey.name,
                    f"{tally.answered:,} of {tally.total:,}",
                    f"{survey.waiting:,}",
                    survey.state + running,
                    key=str(survey.id),
                )
            if current is not None and str(current.id) in table.rows:
                table.move_cursor(row=table.get_row_index(str(current.id)))
        self._show(tallies)

    @property
    def selected(self) -> Survey | None:
        table = self.query_one("#surveys-table", DataTable)
        if not table.row_count:
            return None
        key = str(table.get_row_at(table.cursor_row)[0])
        return self.surveys.get(key)

    @on(DataTable.RowHighlighted, "#surveys-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        # The results already read: reading again here would rebuild the table,
        # which highlights a row again.
        event.stop()
        self._show(self.tallies)

    def _show(self, tallies: dict[int, SurveyTally]) -> None:
        survey = self.selected
        status = self.query_one("#survey-status", Static)
        keys = self.query_one("#survey-keys", Static)
        outcomes = self.query_one("#survey-outcomes", Static)
        if survey is None:
            status.update("No surveys yet: start one below (n), or `csms survey start` from cron.")
            keys.update("")
            outcomes.update("")
            return
        tally = tallies.get(survey.id) or self.engine.surveys.tally(survey.id)
        clip = self._clip_name
        status.update(
            f"{survey.name} (survey {survey.id}): question {clip(survey.file_id)}, keys 1-"
            f"{survey.valid_options}, then {clip(survey.valid_file_id)} (valid) or"
            f" {clip(survey.invalid_file_id)} (other); {survey.max_retries} retries; from"
            f" {survey.source}"
        )
        keys.update("\n".join(key_lines(survey, tally)))
        outcomes.update("\n".join(outcome_lines(tally)))
        path = self.query_one("#survey-export-path", Input)
        if not path.value:
            path.value = default_export_path(survey)

    # -- starting -------------------------------------------------------------------

    def _load_choices(self) -> None:
        """Lists and Ready recordings csms knows, for the new survey."""
        ledger = self.engine.reads
        lists = [(f"{item.name} ({item.members:,})", item.name) for item in ledger.lists.lists()]
        self.query_one("#new-list", Select).set_options(lists)
        clips = [(f"{a.name} ({a.id})", a.id) for a in ledger.audio.audio_files(AudioStatus.READY)]
        for selector in ("#new-audio", "#new-valid", "#new-invalid"):
            self.query_one(selector, Select).set_options(clips)

    def action_new(self) -> None:
        self.query_one("#new-name").focus()

    @on(Button.Pressed, "#new-start")
    def _start_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._start()

    def _chosen(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else None

    def _start(self) -> None:
        engine = self.engine
        name = self.query_one("#new-name", Input).value.strip()
        typed = self.query_one("#new-numbers", Input).value
        clips = [self._chosen(s) for s in ("#new-audio", "#new-valid", "#new-invalid")]
        options = self.query_one("#new-options", Select).value
        problem = None
        if not name:
            problem = "Name the survey first."
        elif engine.reads.surveys.survey_by_name(name) is not None:
            problem = f"A survey named {name!r} exists; choose another name, or resume it (r)."
        elif None in clips:
            problem = "Choose the question clip and the clips played after a valid and another key."
        if problem:
            self.notify(problem, severity="error", timeout=8)
            return
        try:
            numbers, source = engine.surveys.recipients(
                list_name=self._chosen("#new-list"),
                numbers=[typed] if typed.strip() else [],
            )
        except CsmsError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        question, valid, invalid = (str(c) for c in clips)
        keys = options if isinstance(options, int) else 2

        def create() -> Survey:
            return engine.surveys.create(
                name, numbers, source=source, file_id=question, valid_options=keys,
                valid_file_id=valid, invalid_file_id=invalid,
            )  # fmt: skip

        ask_to_send(
            self,
            engine,
            question=(
                f"Start survey {name!r}: call {len(numbers):,} numbers from {source};"
                f" play {self._clip_name(question)}, keys 1-{keys}, then"
                f" {self._clip_name(valid)} (valid) or {self._clip_name(invalid)} (another key)?"
            ),
            title="Start a survey",
            confirm_label="Call",
            send=lambda: self._created_then(create, self._run),
            hold=lambda: self._created_then(create, self._hold),
        )

    def _clip_name(self, file_id: str | None) -> str:
        """A recording as the user knows it: its name and the gateway's ID."""
        if not file_id:
            return "none"
        audio = self.engine.reads.audio.audio(file_id)
        return f"{audio.name!r} (ID {file_id})" if audio is not None else f"ID {file_id}"

    def _created_then(self, create: Callable[[], Survey], then: Callable[[Survey], None]) -> None:
        try:
            survey = create()
        except (CsmsError, LedgerError) as error:
            self.notify(f"Nothing was started: {error}", severity="error", timeout=10)
            return
        for selector in ("#new-name", "#new-numbers"):
            self.query_one(selector, Input).value = ""
        then(survey)
        self._load()

    # -- resuming -------------------------------------------------------------------

    @on(Button.Pressed, "#survey-resume")
    def _resume_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_resume()

    def action_resume(self) -> None:
        survey = self.selected
        engine = self.engine
        if survey is None:
            return
        if survey.id in engine.surveys_running:
            self.notify(f"Survey {survey.id} is calling already.")
            return
        if not survey.waiting:
            self.notify(f"Survey {survey.id} has nobody left to call.")
            return
        ask_to_send(
            self,
            engine,
            question=(
                f"Call the {survey.waiting:,} numbers still waiting in survey"
                f" {survey.name!r}? Nobody already called is called again."
            ),
            title="Resume the survey",
            confirm_label="Call",
            send=lambda: self._run(survey),
            hold=lambda: self._hold(survey),
        )

    def _run(self, survey: Survey) -> None:
        engine, app = self.engine, self.app

        async def calling() -> None:
            try:
                run = await engine.run_survey(survey.id)
            except (CsmsError, LedgerError) as error:
                app.notify(f"Survey {survey.name!r}: {error}", severity="error", timeout=10)
                return
            if run.stopped:
                app.notify(f"Survey {survey.name!r} stopped: {run.stopped}", severity="error")
            else:
                app.notify(f"Survey {survey.name!r}: every waiting number was called.")

        # Run on the app, so the survey goes on when this screen is closed.
        app.run_worker(calling(), group=f"survey-{survey.id}", exit_on_error=False)
        self.notify(f"Survey {survey.name!r} is calling; results follow here.")
        self._load()

    def _hold(self, survey: Survey) -> None:
        holds = self.engine.holds
        try:
            held = holds.hold_job("survey", survey.id)
        except (CsmsError, LedgerError) as error:
            self.notify(f"Nothing was held: {error}", severity="error")
            return
        due = opens_label(held.due_at.astimezone(holds.hours.zone), holds.clock())
        self.notify(
            f"Survey {survey.name!r} is held until {due}. Activity lists it as hold {held.id};"
            " x there cancels it.",
            timeout=10,
        )

    # -- exporting ------------------------------------------------------------------

    @on(Button.Pressed, "#survey-export")
    def _export_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_export()

    def action_export(self) -> None:
        survey = self.selected
        if survey is None:
            return
        raw = self.query_one("#survey-export-path", Input).value.strip().strip("'\"")
        if not raw:
            self.notify("Write the path of the CSV file first.", severity="error")
            return
        path = Path(raw).expanduser()
        if path.exists():

            def confirmed(ok: bool | None) -> None:
                if ok:
                    self._export(survey, path)

            self.app.push_screen(
                replace_question(path, f"the results of survey {survey.name!r}"), confirmed
            )
            return
        self._export(survey, path)

    @work(exclusive=True, group="surveys-export", exit_on_error=False)
    async def _export(self, survey: Survey, path: Path) -> None:
        try:
            count = await self.engine.surveys.export(survey.id, path, self.engine.profile.timezone)
        except (CsmsError, LedgerError, OSError) as error:
            self.notify(f"Nothing was exported: {error}", severity="error", timeout=10)
            return
        self.notify(f"{count:,} numbers written to {path}.")
