"""The voice campaign wizard: type, name and lists, audio and type options,
delivery (fallback SMS, retries, dates, daily window), review, create.

Built on :class:`StepWizard` (``screens/wizard_base.py``: keys, problems per
field, the discard question); its form is ``screens/voice_wizard_form.py``.
Each step's fields are checked by the engine (:class:`VoiceCampaigns`) before
moving on, with the document's limits; the review states exactly what will be
created. The lists' distinct numbers are counted in SQL in a thread: the basics
step and the review say "counting" until they are known. The wizard is a panel
of the Voice campaigns screen, which opens the created campaign in its monitor.
"""

from __future__ import annotations

from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
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
    VoiceCampaigns,
    VoiceDraft,
    VoiceKind,
    VoicePlan,
)
from tui.gateway.errors import CsmsError, OutcomeUnknown
from tui.ledger import LedgerError, VoiceCampaign
from tui.screens.base import engine_of
from tui.screens.opted_out_confirm import create_or_ask, record_override
from tui.screens.sending_hours import ask_to_start_now
from tui.screens.voice_wizard_form import (
    CLIP_SELECTS,
    DAILY_FIELDS,
    FIELD_WIDGETS,
    FIRST_FIELD,
    KIND_HELP,
    STEP_FIELDS,
    STEP_TITLES,
    STEPS,
    TEXT_FIELDS,
    compose_form,
    kind_of,
    read_draft,
    select_value,
    show_sms_limit,
)
from tui.screens.wizard_base import FieldProblem, StepWizard
from tui.widgets import MessageComposer
from tui.widgets.opted_out_members import OptedOutMembers
from tui.widgets.pending_input import after_pending_input
from tui.widgets.review import review_plain, review_table
from tui.wording import plural


class VoiceWizard(StepWizard, Vertical):
    """Collects, checks and creates one voice campaign."""

    STEPS = STEPS
    FIRST_FIELD = FIRST_FIELD
    STEP_FIELDS = STEP_FIELDS
    FIELD_WIDGETS = FIELD_WIDGETS
    ERROR_SELECTOR = "#wiz-error"
    WHAT = "voice campaign"

    class Created(Message):
        def __init__(self, campaign: VoiceCampaign) -> None:
            super().__init__()
            self.campaign = campaign

    class Cancelled(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.start_wizard()
        self.plan: VoicePlan | None = None
        #: The last count of distinct numbers, and the lists it is of.
        self.recipients: int | None = None
        self.counted_for: tuple[str, ...] = ()
        self.counting_for: tuple[str, ...] = ()
        #: The review as shown, in plain text.
        self.review_shown = ""

    def compose(self) -> ComposeResult:
        yield from compose_form()

    def on_mount(self) -> None:
        self.reset()

    @property
    def voice(self) -> VoiceCampaigns:
        return engine_of(self).voice

    # -- state ------------------------------------------------------------------

    def reset(self) -> None:
        """A blank campaign of the first step: nothing of an earlier one is kept."""
        self.start_wizard()
        self.plan, self.recipients, self.counted_for = None, None, ()
        self.review_shown = ""
        self.query_one(SelectionList).deselect_all()
        self.query_one("#wiz-kind", RadioSet).query_one("#broadcast", RadioButton).value = True
        for selector in (*TEXT_FIELDS, *DAILY_FIELDS):
            self.query_one(selector, Input).value = ""
        self.query_one(MessageComposer).text = ""
        self.query_one("#wiz-retries", Select).value = 0
        for selector in ("#wiz-language", "#wiz-digits", "#wiz-voice", *CLIP_SELECTS):
            self.query_one(selector, Select).clear()
        self.query_one("#wiz-recipients", Static).update("")
        self.query_one(OptedOutMembers).forget()
        self.reload()
        self.go_to(STEPS[0], focus=False)

    def reload(self) -> None:
        """Lists and recordings from the ledger (keeping what was chosen)."""

        def label(name: str, members: int | None) -> str:
            return f"{name} ({'counting…' if members is None else plural(members, 'number')})"

        self.show_lists("#wiz-lists", label)
        lists = self.query_one(SelectionList)
        if lists.option_count and lists.highlighted is None:
            lists.highlighted = 0
        self.refresh_audio()
        self.query_one("#wiz-zone", Label).update(
            f"Start and end, YYYY-MM-DD HH:MM in {engine_of(self).profile.timezone}"
        )
        start = self.query_one("#wiz-start", Input)
        # No clock time here: it would be stale by the time it is read.
        start.placeholder = "Start: blank for as soon as approved"
        self.query_one("#wiz-end", Input).placeholder = "End: blank for start + 2 days"

    def refresh_audio(self) -> None:
        """Recordings and their status (an upload turning Ready shows up here)."""
        files = engine_of(self).reads.audio.audio_files()
        options = [(f"{f.name} · {f.status.label} · ID {f.id}", f.id) for f in files]
        for selector in CLIP_SELECTS:
            select: Select[str] = self.query_one(selector, Select)
            keep = select_value(select)
            select.set_options(options)
            if keep is not None and any(value == keep for _, value in options):
                select.value = keep

    @property
    def kind(self) -> VoiceKind:
        return kind_of(self)

    def draft(self) -> VoiceDraft:
        """Everything entered so far."""
        return read_draft(self)

    def is_filled(self) -> bool:
        return read_draft(self) != VoiceDraft(kind="broadcast")

    def close_wizard(self) -> None:
        self.cancel_count()
        self.query_one(OptedOutMembers).forget()
        self.post_message(self.Cancelled())

    # -- steps ------------------------------------------------------------------

    def render_step(self) -> None:
        step, kind = self.step, kind_of(self)
        self.query_one("#wiz-steps", ContentSwitcher).current = f"step-{step}"
        title = STEP_TITLES[step]
        if step != "kind":
            title = f"{KIND_LABELS[kind]} · {title}"
        self.query_one("#wiz-title", Static).update(f"New voice campaign · {title}")
        self.query_one("#wiz-kind-help", Static).update(KIND_HELP[kind])
        self.query_one("#wiz-feedback").display = kind == "feedback"
        self.query_one("#wiz-dynamic").display = kind == "dynamic"
        self.query_one("#wiz-back", Button).disabled = step == STEPS[0]
        self.query_one("#wiz-next").display = not self.on_review
        self.query_one("#wiz-create").display = self.on_review
        if self.on_review and self.plan is not None:
            self._show_review()
            plan = self.plan
            names = [plan.list_names.get(i, i) for i in plan.list_ids]
            self.query_one(OptedOutMembers).show(plan.list_ids, names)

    def _show_review(self) -> None:
        plan = self.plan
        assert plan is not None
        rows = plan.review()
        hours = engine_of(self).holds.hours
        late = hours.schedule_warning(plan.start, (plan.daily_start, plan.daily_end))
        if late:
            rows.append(("Warning", late))
        self.review_shown = review_plain(rows)
        self.query_one("#wiz-review", Static).update(review_table(rows))

    def check_step(self, step: str) -> list[FieldProblem]:
        plan, problems = self.voice.check(self.draft(), count=False)
        mine = [(p.field, p.message) for p in problems if p.field in STEP_FIELDS[step]]
        sms = self.query_one("#wiz-sms", MessageComposer)
        if "text" in STEP_FIELDS[step] and sms.problem is not None:
            mine.append(("text", sms.problem))  # a saved template's {fields} left in
        if mine:
            return mine
        following = STEPS[STEPS.index(step) + 1]
        if following == "review":
            if plan is None:
                return [(p.field, p.message) for p in problems]
            self.plan = self._with_count(plan)
        return []

    # -- counting ---------------------------------------------------------------------

    def _with_count(self, plan: VoicePlan) -> VoicePlan:
        """The plan with its recipients once counted (a count starts if needed)."""
        if self.recipients is not None and self.counted_for == plan.list_ids:
            return replace(plan, recipients=self.recipients)
        self._count(plan.list_ids)
        return plan

    def _count(self, list_ids: tuple[str, ...]) -> None:
        already = self.recipients is not None and self.counted_for == list_ids
        if already or not list_ids or (self.counting_for == list_ids and self.counting):
            return
        voice, self.counting_for = self.voice, list_ids

        def counted(recipients: int) -> None:
            self.recipients, self.counted_for = recipients, list_ids
            self._show_recipients()
            if self.plan is not None and self.plan.list_ids == list_ids:
                self.plan = replace(self.plan, recipients=recipients)
                if self.on_review:
                    self._show_review()

        def failed(message: str) -> None:
            self.query_one("#wiz-recipients", Static).update(message)

        self.start_count(lambda cancel: voice.count_recipients(list_ids, cancel), counted, failed)

    def _show_recipients(self) -> None:
        chosen = tuple(self.query_one(SelectionList).selected)
        shown = self.query_one("#wiz-recipients", Static)
        if not chosen:
            shown.update("No list chosen yet.")
        elif self.recipients is not None and self.counted_for == chosen:
            shown.update(f"{plural(self.recipients, 'distinct number')} in these lists.")
        else:
            shown.update("Counting the lists' numbers…")

    @on(SelectionList.SelectedChanged, "#wiz-lists")
    def _lists_changed(self) -> None:
        chosen = tuple(self.query_one(SelectionList).selected)
        if chosen:
            self._count(chosen)
        else:
            self.cancel_count()
        self._show_recipients()

    # -- creating -----------------------------------------------------------------

    def action_create(self) -> None:
        # Whether the review was on screen when the key was pressed decides: a
        # second Ctrl+S typed before the review appeared only shows it.
        from_review = self.on_review
        after_pending_input(self, lambda: self._create_now(from_review=from_review))

    def _create_now(self, *, from_review: bool) -> None:
        if self.creating:
            return
        plan, problems = self.voice.check(self.draft(), count=False)
        if plan is None:
            self.show_problems([(p.field, p.message) for p in problems])
            return
        plan = self._with_count(plan)
        shown, self.plan = self.plan, plan
        if not from_review or not self.on_review:
            self.go_to("review")
            return
        if shown is None or not plan.same_review_as(shown):
            # What would be created is no longer what the review says.
            self.go_to("review")
            self.notify("The review changed; read it again, then create.", severity="warning")
            return
        self.request_create()

    def create_now(self) -> None:
        """Create, asking first when a campaign that calls as soon as it is
        approved falls outside the sending hours (hold: it starts when they
        open; or call anyway), as the SMS wizard and Quick send do."""
        plan = self.plan
        assert plan is not None
        ask_to_start_now(
            self,
            engine_of(self),
            starts_now=not plan.start_given,
            question=f"Create voice campaign {plan.name!r} and start calling now?",
            title="Create the voice campaign",
            start=lambda opens: self._create_checked(
                plan if opens is None else replace(plan, start=opens, start_given=True)
            ),
            still=lambda: self.on_review and not self.creating,
        )

    def _create_checked(self, plan: VoicePlan) -> None:
        create_or_ask(
            self.query_one(OptedOutMembers),
            f"voice campaign {plan.name!r} (wizard)",
            lambda override: self._create(plan, override),
            lambda: self.on_review and not self.creating,
        )

    @on(OptedOutMembers.CleanListMade)
    def _use_clean_list(self, event: OptedOutMembers.CleanListMade) -> None:
        """Call the clean list instead of the lists chosen, and review again."""
        event.stop()
        self.reload()
        lists = self.query_one(SelectionList)
        lists.deselect_all()
        lists.select(event.list_id)
        plan, problems = self.voice.check(self.draft(), count=False)
        if plan is None:
            self.show_problems([(p.field, p.message) for p in problems])
            return
        self.plan = self._with_count(plan)
        self.go_to("review")

    @work(exclusive=True, group="voice-wizard", exit_on_error=False)
    async def _create(self, plan: VoicePlan, override: str | None) -> None:
        self.creating = True
        button = self.query_one("#wiz-create", Button)
        button.disabled = True
        try:
            await record_override(engine_of(self), plan.list_ids, override)
            campaign = await self.voice.create(plan)
        except OutcomeUnknown as error:
            problem = (
                f"{error} The campaign may have been created: check the gateway's web "
                "portal, then settle it on the Activity screen."
            )
            self.show_problems([("review", problem)])
            return
        except (CsmsError, LedgerError) as error:
            self.show_problems([("review", f"Nothing was created: {error}")])
            return
        finally:
            self.creating = False
            button.disabled = False
        self.notify(f"Voice campaign {campaign.name!r} created (ID {campaign.id}).")
        self.query_one(OptedOutMembers).forget()
        self.post_message(self.Created(campaign))

    # -- events -------------------------------------------------------------------

    @on(RadioSet.Changed, "#wiz-kind")
    def _kind_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.plan = None
        self.query_one("#wiz-kind-help", Static).update(KIND_HELP[kind_of(self)])

    @on(MessageComposer.Changed, "#wiz-sms")
    def _sms_changed(self, event: MessageComposer.Changed) -> None:
        show_sms_limit(self, event.composer.text)

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
