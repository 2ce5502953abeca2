"""The voice campaign wizard: type, name and lists, audio and type options,
delivery (fallback SMS, retries, dates, daily window), review, create.

Each step's fields are checked by the engine (:class:`VoiceCampaigns`) before
moving on, with the document's limits; the review states exactly what will be
created. The wizard is a panel of the Voice campaigns screen, which passes it
the engine's audio events and opens the created campaign in its monitor.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import (
    Button,
    ContentSwitcher,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    SelectionList,
    Static,
)

from tui.engine.voice_campaigns import (
    KIND_LABELS,
    KINDS,
    Problem,
    VoiceCampaigns,
    VoiceDraft,
    VoiceKind,
    VoicePlan,
    sms_units,
)
from tui.gateway.codes import MAX_RETRIES, DynamicDigits, DynamicLanguage, DynamicVoice
from tui.gateway.errors import CsmsError, OutcomeUnknown
from tui.ledger import LedgerError, VoiceCampaign
from tui.screens.base import engine_of
from tui.screens.opted_out_confirm import create_or_ask
from tui.widgets import MessageComposer
from tui.widgets.choice import Choice
from tui.widgets.opted_out_members import OptedOutMembers
from tui.widgets.pending_input import after_pending_input
from tui.widgets.review import review_plain, review_table
from tui.widgets.tick_list import TickList

STEPS = ("kind", "basics", "audio", "delivery", "review")
STEP_TITLES = {
    "kind": "1 of 5 · Type of campaign",
    "basics": "2 of 5 · Name and lists",
    "audio": "3 of 5 · Audio and options",
    "delivery": "4 of 5 · Fallback SMS, retries and schedule",
    "review": "5 of 5 · Review and create",
}
STEP_FIELDS = {
    "kind": {"kind"},
    "basics": {"name", "list_ids"},
    "audio": {
        "file_id",
        "valid_options",
        "valid_file_id",
        "invalid_file_id",
        "language",
        "digits",
        "voice",
        "ending_file_id",
    },
    "delivery": {"text", "max_retries", "start", "end", "daily_start", "daily_end"},
}
FIELD_WIDGETS = {
    "kind": "#wiz-kind",
    "name": "#wiz-name",
    "list_ids": "#wiz-lists",
    "file_id": "#wiz-audio",
    "valid_options": "#wiz-options",
    "valid_file_id": "#wiz-valid-clip",
    "invalid_file_id": "#wiz-invalid-clip",
    "language": "#wiz-language",
    "digits": "#wiz-digits",
    "voice": "#wiz-voice",
    "ending_file_id": "#wiz-ending-clip",
    "text": "#wiz-sms",
    "max_retries": "#wiz-retries",
    "start": "#wiz-start",
    "end": "#wiz-end",
    "daily_start": "#wiz-daily-start",
    "daily_end": "#wiz-daily-end",
}
KIND_HELP = {
    "broadcast": "Plays one recording to every number of the lists.",
    "feedback": "Plays a question and records the key (0-9) each person presses.",
    "dynamic": (
        "Plays a recording, then reads aloud (text-to-speech) the digits the gateway's list"
        " holds for each number. The API document says the lists contain numbers and digits"
        " but gives no way to add the digits (adding contacts takes numbers only): lists"
        " made by csms hold numbers alone. Put the digits in on the portal first; csms"
        " cannot supply per-person amounts."
    ),
}
CLIP_SELECTS = ("#wiz-audio", "#wiz-valid-clip", "#wiz-invalid-clip", "#wiz-ending-clip")


def _value(select: Select[Any]) -> Any:
    value = select.value
    return None if value is Select.NULL else value


class VoiceWizard(Vertical):
    """Collects, checks and creates one voice campaign."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next", "Next", id="voice_wizard.next"),
        Binding("ctrl+b", "back", "Back", id="voice_wizard.back"),
        Binding("ctrl+s", "create", "Create", id="voice_wizard.create"),
        Binding("escape", "cancel", "Cancel", id="voice_wizard.cancel"),
    ]

    class Created(Message):
        def __init__(self, campaign: VoiceCampaign) -> None:
            super().__init__()
            self.campaign = campaign

    class Cancelled(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.step = STEPS[0]
        self.plan: VoicePlan | None = None
        #: The review as shown, in plain text.
        self.review_shown = ""
        self.creating = False

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="wiz-title")
        yield Static("", id="wiz-error", markup=False)
        with ContentSwitcher(initial="step-kind", id="wiz-steps"):
            with VerticalScroll(id="step-kind"):
                with RadioSet(id="wiz-kind"):
                    for kind in KINDS:
                        yield Choice(KIND_LABELS[kind], value=kind == "broadcast", id=kind)
                yield Static("", id="wiz-kind-help")
            with VerticalScroll(id="step-basics"):
                yield Label("Campaign name (unique)", classes="field-label")
                yield Input(placeholder="e.g. March bill reminder", id="wiz-name")
                yield Label("Contact lists (Space ticks a list)", classes="field-label")
                yield TickList(id="wiz-lists")
            with VerticalScroll(id="step-audio"):
                yield Label("Recording to play", classes="field-label")
                with Horizontal(classes="wiz-row"):
                    yield Select[str]([], prompt="Choose a Ready recording", id="wiz-audio")
                    yield Button("Add a recording…", id="wiz-add-audio")
                with Vertical(id="wiz-feedback"):
                    yield Label("Valid options: keys 1 to N (0-9)", classes="field-label")
                    yield Input(placeholder="e.g. 2 for yes/no", id="wiz-options")
                    with Horizontal(classes="wiz-row"):
                        yield Select[str](
                            [], prompt="Clip after a valid key: none", id="wiz-valid-clip"
                        )
                        yield Select[str](
                            [], prompt="Clip after an invalid key: none", id="wiz-invalid-clip"
                        )
                with Vertical(id="wiz-dynamic"):
                    with Horizontal(classes="wiz-row"):
                        yield Select[int](
                            [(lang.name.title(), int(lang)) for lang in DynamicLanguage],
                            prompt="Language",
                            id="wiz-language",
                        )
                        yield Select[int](
                            [
                                ("Digits as money (123: a hundred and twenty-three)", 1),
                                ("Digits as numbers (123: one two three)", 2),
                            ],
                            prompt="Read digits as",
                            id="wiz-digits",
                        )
                        yield Select[int](
                            [(v.name.title(), int(v)) for v in DynamicVoice],
                            prompt="Voice",
                            id="wiz-voice",
                        )
                    yield Select[str]([], prompt="Ending clip: none", id="wiz-ending-clip")
            with VerticalScroll(id="step-delivery"):
                yield Label(
                    "Fallback SMS if the call is not answered (optional)", classes="field-label"
                )
                yield MessageComposer(placeholder="Optional SMS text", id="wiz-sms")
                yield Static("", id="wiz-sms-limit")
                with Horizontal(classes="wiz-row"):
                    yield Select[int](
                        [
                            (f"{n} retr{'y' if n == 1 else 'ies'}", n)
                            for n in range(MAX_RETRIES + 1)
                        ],
                        allow_blank=False,
                        value=0,
                        id="wiz-retries",
                    )
                yield Label("", id="wiz-zone", classes="field-label")
                with Horizontal(classes="wiz-row"):
                    yield Input(id="wiz-start")
                    yield Input(id="wiz-end")
                yield Label("Daily window HH:MM (blank: all day)", classes="field-label")
                with Horizontal(classes="wiz-row"):
                    yield Input(placeholder="Daily start, e.g. 09:00", id="wiz-daily-start")
                    yield Input(placeholder="Daily end, e.g. 18:00", id="wiz-daily-end")
            with VerticalScroll(id="step-review"):
                yield Static("", id="wiz-review", markup=False)
                yield OptedOutMembers(id="wiz-opted-out")
        with Horizontal(id="wiz-buttons"):
            yield Button("Cancel (Esc)", id="wiz-cancel")
            yield Button("Back (Ctrl+B)", id="wiz-back")
            yield Button("Next (Ctrl+N)", variant="primary", id="wiz-next")
            yield Button("Create (Ctrl+S)", variant="success", id="wiz-create")

    def on_mount(self) -> None:
        self.reset()

    @property
    def voice(self) -> VoiceCampaigns:
        return VoiceCampaigns(engine_of(self))

    # -- state ------------------------------------------------------------------

    def reset(self) -> None:
        """A blank campaign of the first step: nothing of an earlier one is kept."""
        self.plan = None
        self.creating = False
        self.query_one(SelectionList).deselect_all()
        self.query_one("#wiz-kind", RadioSet).query_one("#broadcast", RadioButton).value = True
        for selector in ("#wiz-name", "#wiz-options", "#wiz-start", "#wiz-end"):
            self.query_one(selector, Input).value = ""
        self.query_one("#wiz-daily-start", Input).value = ""
        self.query_one("#wiz-daily-end", Input).value = ""
        self.query_one(MessageComposer).text = ""
        self.query_one("#wiz-retries", Select).value = 0
        for selector in ("#wiz-language", "#wiz-digits", "#wiz-voice", *CLIP_SELECTS):
            self.query_one(selector, Select).clear()
        self.reload()
        self.show_step("kind", focus=False)

    def reload(self) -> None:
        """Lists and recordings from the ledger (keeping what was chosen)."""
        ledger = engine_of(self).ledger
        lists = self.query_one(SelectionList)
        chosen = set(lists.selected)
        lists.clear_options()
        for item in ledger.lists():
            label = f"{item.name} ({item.members} number{'' if item.members == 1 else 's'})"
            lists.add_option((label, item.id, item.id in chosen))
        if lists.option_count and lists.highlighted is None:
            lists.highlighted = 0
        self.refresh_audio()
        voice = self.voice
        now = voice.now()
        self.query_one("#wiz-zone", Label).update(
            f"Start and end, YYYY-MM-DD HH:MM in {engine_of(self).profile.timezone}"
        )
        self.query_one(
            "#wiz-start", Input
        ).placeholder = f"Start: blank for now ({now:%Y-%m-%d %H:%M})"
        self.query_one("#wiz-end", Input).placeholder = "End: blank for start + 2 days"

    def refresh_audio(self) -> None:
        """Recordings and their status (an upload turning Ready shows up here)."""
        files = engine_of(self).ledger.audio_files()
        options = [(f"{f.name} · {f.status.label} · ID {f.id}", f.id) for f in files]
        for selector in CLIP_SELECTS:
            select: Select[str] = self.query_one(selector, Select)
            keep = _value(select)
            select.set_options(options)
            if keep is not None and any(value == keep for _, value in options):
                select.value = keep

    @property
    def kind(self) -> VoiceKind:
        pressed = self.query_one("#wiz-kind", RadioSet).pressed_button
        chosen = pressed.id if pressed is not None else None
        return next((kind for kind in KINDS if kind == chosen), "broadcast")

    def draft(self) -> VoiceDraft:
        """Everything entered so far."""

        def text(selector: str) -> str:
            return self.query_one(selector, Input).value

        def clip(selector: str) -> str | None:
            value = _value(self.query_one(selector, Select))
            return str(value) if value is not None else None

        def choice(selector: str, enum: Any) -> Any:
            value = _value(self.query_one(selector, Select))
            return None if value is None else enum(value)

        retries = _value(self.query_one("#wiz-retries", Select))
        return VoiceDraft(
            kind=self.kind,
            name=text("#wiz-name"),
            list_ids=tuple(self.query_one(SelectionList).selected),
            file_id=clip("#wiz-audio"),
            text=self.query_one(MessageComposer).text,
            max_retries=retries if isinstance(retries, int) else 0,
            start=text("#wiz-start"),
            end=text("#wiz-end"),
            daily_start=text("#wiz-daily-start"),
            daily_end=text("#wiz-daily-end"),
            valid_options=text("#wiz-options"),
            valid_file_id=clip("#wiz-valid-clip"),
            invalid_file_id=clip("#wiz-invalid-clip"),
            language=choice("#wiz-language", DynamicLanguage),
            digits=choice("#wiz-digits", DynamicDigits),
            voice=choice("#wiz-voice", DynamicVoice),
            ending_file_id=clip("#wiz-ending-clip"),
        )

    # -- steps ------------------------------------------------------------------

    def show_step(self, step: str, *, focus: bool = True) -> None:
        self.step = step
        self.query_one("#wiz-steps", ContentSwitcher).current = f"step-{step}"
        kind = self.kind
        title = (
            STEP_TITLES[step] if step == "kind" else f"{KIND_LABELS[kind]} · {STEP_TITLES[step]}"
        )
        self.query_one("#wiz-title", Static).update(f"New voice campaign · {title}")
        self.query_one("#wiz-kind-help", Static).update(KIND_HELP[kind])
        self.query_one("#wiz-feedback").display = kind == "feedback"
        self.query_one("#wiz-dynamic").display = kind == "dynamic"
        index = STEPS.index(step)
        self.query_one("#wiz-back", Button).disabled = index == 0
        self.query_one("#wiz-next").display = step != "review"
        self.query_one("#wiz-create").display = step == "review"
        self._show_error([])
        if step == "review" and self.plan is not None:
            plan = self.plan
            rows = plan.review()
            hours = engine_of(self).holds.hours
            late = hours.schedule_warning(plan.start, (plan.daily_start, plan.daily_end))
            if late:
                rows.append(("Warning", late))
            self.review_shown = review_plain(rows)
            self.query_one("#wiz-review", Static).update(review_table(rows))
            names = [plan.list_names.get(i, i) for i in plan.list_ids]
            self.query_one(OptedOutMembers).show(plan.list_ids, names)
        if focus:
            self.focus_step()

    def focus_step(self) -> None:
        """Put the cursor in the current step's first field."""
        first = {
            "kind": "#wiz-kind",
            "basics": "#wiz-name",
            "audio": "#wiz-audio",
            "delivery": "#wiz-sms",
            "review": "#wiz-create",
        }[self.step]
        self.query_one(first).focus()

    def action_next(self) -> None:
        after_pending_input(self, self._next)

    def _next(self) -> None:
        if self.step == "review":
            return
        plan, problems = self.voice.check(self.draft())
        mine = [p for p in problems if p.field in STEP_FIELDS[self.step]]
        if mine:
            self._refuse(mine)
            return
        following = STEPS[STEPS.index(self.step) + 1]
        if following == "review":
            if plan is None:
                self._refuse(problems)
                return
            self.plan = plan
        self.show_step(following)

    def action_back(self) -> None:
        after_pending_input(self, self._back)

    def _back(self) -> None:
        index = STEPS.index(self.step)
        if index > 0:
            self.show_step(STEPS[index - 1])

    def action_cancel(self) -> None:
        if not self.creating:
            self.post_message(self.Cancelled())

    def _refuse(self, problems: list[Problem]) -> None:
        """Show every problem, on the step of the first one, with its field focused."""
        first = problems[0]
        step = next((s for s, fields in STEP_FIELDS.items() if first.field in fields), self.step)
        if step != self.step:
            self.show_step(step)
        shown = [p for p in problems if p.field in STEP_FIELDS.get(step, set())] or problems
        self._show_error([p.message for p in shown])
        self.notify(shown[0].message, severity="error", timeout=8)
        widget = FIELD_WIDGETS.get(first.field)
        if widget:
            self.query_one(widget).focus()

    def _show_error(self, messages: list[str]) -> None:
        error = self.query_one("#wiz-error", Static)
        error.update("\n".join(messages))
        error.display = bool(messages)

    # -- creating -----------------------------------------------------------------

    def action_create(self) -> None:
        # Whether the review was on screen when the key was pressed decides: a
        # second Ctrl+S typed before the review appeared only shows it.
        from_review = self.step == "review"
        after_pending_input(self, lambda: self._create_now(from_review=from_review))

    def _create_now(self, *, from_review: bool) -> None:
        if self.creating:
            return
        plan, problems = self.voice.check(self.draft())
        if plan is None:
            self._refuse(problems)
            return
        shown = self.plan
        self.plan = plan
        if not from_review or self.step != "review":
            self.show_step("review")
            return
        if shown is None or review_plain(shown.review()) != review_plain(plan.review()):
            # What would be created is no longer what the review says.
            self.show_step("review")
            self.notify("The review changed; read it again, then create.", severity="warning")
            return
        create_or_ask(
            self.query_one(OptedOutMembers),
            f"voice campaign {plan.name!r} (wizard)",
            lambda: self._create(plan),
            lambda: self.step == "review" and not self.creating,
        )

    @on(OptedOutMembers.CleanListMade)
    def _use_clean_list(self, event: OptedOutMembers.CleanListMade) -> None:
        """Call the clean list instead of the lists chosen, and review again."""
        event.stop()
        self.reload()
        lists = self.query_one(SelectionList)
        lists.deselect_all()
        lists.select(event.list_id)
        plan, problems = self.voice.check(self.draft())
        if plan is None:
            self._refuse(problems)
            return
        self.plan = plan
        self.show_step("review")

    @work(exclusive=True, group="voice-wizard", exit_on_error=False)
    async def _create(self, plan: VoicePlan) -> None:
        self.creating = True
        button = self.query_one("#wiz-create", Button)
        button.disabled = True
        try:
            campaign = await self.voice.create(plan)
        except OutcomeUnknown as error:
            self._show_error(
                [
                    f"{error} The campaign may have been created: check the gateway's web "
                    "portal, then settle it on the Activity screen."
                ]
            )
            return
        except (CsmsError, LedgerError) as error:
            self._show_error([f"Nothing was created: {error}"])
            self.notify(str(error), severity="error", timeout=10)
            return
        finally:
            self.creating = False
            button.disabled = False
        self.notify(f"Voice campaign {campaign.name!r} created (ID {campaign.id}).")
        self.post_message(self.Created(campaign))

    # -- events -------------------------------------------------------------------

    @on(RadioSet.Changed, "#wiz-kind")
    def _kind_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.plan = None
        self.query_one("#wiz-kind-help", Static).update(KIND_HELP[self.kind])

    @on(MessageComposer.Changed, "#wiz-sms")
    def _sms_changed(self, event: MessageComposer.Changed) -> None:
        used, allowed = sms_units(event.composer.text)
        limit = self.query_one("#wiz-sms-limit", Static)
        if not event.composer.text.strip():
            limit.update("No fallback SMS.")
        elif used > allowed:
            limit.update(f"{used} of {allowed} units: too long for a voice campaign; shorten it.")
        else:
            limit.update(f"{used} of {allowed} units allowed for a voice campaign.")
        limit.set_class(used > allowed, "over-limit")

    @on(Button.Pressed, "#wiz-add-audio")
    def _add_audio(self, event: Button.Pressed) -> None:
        event.stop()
        from tui.screens.audio import AudioFlowModal

        def uploaded(file_id: str | None) -> None:
            if not file_id:
                return
            self.refresh_audio()
            self.query_one("#wiz-audio", Select).value = file_id
            self.notify("The new recording can be used once the gateway says it is Ready.")

        self.app.push_screen(AudioFlowModal(), uploaded)

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        actions = {
            "wiz-next": self.action_next,
            "wiz-back": self.action_back,
            "wiz-cancel": self.action_cancel,
            "wiz-create": self.action_create,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            event.stop()
            action()
