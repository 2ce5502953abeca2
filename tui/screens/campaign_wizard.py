"""The SMS campaign wizard: name, lists, message, when and mask, review, create.

Built on :class:`StepWizard` (``screens/wizard_base.py``: keys, problems per
field, the discard question). Each step is checked by the engine before the
next one opens, so the wizard says exactly what the gateway would refuse. The
lists' member and distinct-number counts are made in SQL in a thread (a list may
hold a million members): the lists step and the review say "counting…" until
they are known, and a count never changes the step. The review shows the whole
message, the lists and the schedule; only its Create button (or Ctrl+S there)
creates the campaign, never Ctrl+N. The wizard dismisses with the new
campaign's ID, which the campaigns screen opens in its monitor.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import (
    Button,
    ContentSwitcher,
    Input,
    Select,
    SelectionList,
    Static,
)
from textual.widgets.select import InvalidSelectValueError

from tui.engine.sms_campaigns import (
    Audience,
    CampaignDraft,
    SmsCampaigns,
)
from tui.gateway.errors import CsmsError, InvalidInput
from tui.gateway.text import TextAnalysis
from tui.ledger import LedgerError, SmsCampaign
from tui.screens.base import engine_of
from tui.screens.campaign_when import WhenStep
from tui.screens.campaign_wizard_parts import (
    COUNTING,
    FIELD_WIDGETS,
    FIRST_FIELD,
    STEP_FIELDS,
    TITLES,
    audience_text,
    compose_form,
    counting_text,
    now_text,
    review_rows,
    segments_text,
)
from tui.screens.opted_out_confirm import create_or_ask, record_override
from tui.screens.sending_hours import ask_to_start_now
from tui.screens.wizard_base import FieldProblem, StepWizard
from tui.widgets import MessageComposer
from tui.widgets.opted_out_members import OptedOutMembers
from tui.widgets.review import review_plain, review_table
from tui.wording import plural


class CampaignWizard(StepWizard, Screen[str | None]):
    """Create an SMS campaign step by step; dismisses with its ID (None if cancelled)."""

    CSS_PATH = "../styles/sms_campaigns.tcss"
    STEPS = tuple(TITLES)
    FIRST_FIELD = FIRST_FIELD
    STEP_FIELDS = STEP_FIELDS
    FIELD_WIDGETS = FIELD_WIDGETS
    ERROR_SELECTOR = "#wizard-error"
    WHAT = "SMS campaign"

    def __init__(self, like: SmsCampaign | None = None) -> None:
        """``like``: a campaign to duplicate (its lists, text and mask; a new name)."""
        super().__init__()
        self.start_wizard()
        self.like = like
        self.name_value = ""
        self.list_ids: list[str] = []
        #: The last counts made, and the lists they are of.
        self.audience: Audience | None = None
        self.audience_for: tuple[str, ...] = ()
        self.counting_for: tuple[str, ...] = ()
        self.text = ""
        self.analysis: TextAnalysis | None = None
        self.checked: CampaignDraft | None = None
        #: The review as shown, in plain text.
        self.review_shown = ""

    @property
    def campaigns(self) -> SmsCampaigns:
        return engine_of(self).campaigns

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from compose_form()

    def on_mount(self) -> None:
        self.query_one(WhenStep).prepare(engine_of(self))
        self._load_lists()
        if self.like is not None:
            self._fill_from(self.like)
        self.go_to(self.STEPS[0])

    def _fill_from(self, like: SmsCampaign) -> None:
        """A duplicate: the same lists, text and mask under a free name; sent when
        the user chooses (the schedule is not copied)."""
        taken = {c.name.casefold() for c in engine_of(self).reads.campaigns.campaigns()}
        name, number = f"{like.name} (copy)", 2
        while name.casefold() in taken:
            name, number = f"{like.name} (copy {number})", number + 1
        self.query_one("#wizard-name", Input).value = name
        selection = self.query_one("#wizard-lists", SelectionList)
        known = {selection.get_option_at_index(i).value for i in range(selection.option_count)}
        for list_id in like.list_ids:
            if list_id in known:
                selection.select(list_id)
        self.query_one(MessageComposer).text = like.text
        if like.mask:
            mask = self.query_one("#wizard-mask", Select)
            with contextlib.suppress(InvalidSelectValueError):
                mask.value = like.mask

    def _load_lists(self) -> None:
        def label(name: str, members: int | None) -> str:
            return f"{name}  ({'counting…' if members is None else plural(members, 'member')})"

        if not self.show_lists("#wizard-lists", label):
            self.query_one("#wizard-audience", Static).update(
                "No lists yet: create one on the Lists screen first."
            )

    # -- steps ----------------------------------------------------------------

    def render_step(self) -> None:
        name = self.step
        self.query_one(ContentSwitcher).current = f"step-{name}"
        marks = [
            f"[b reverse] {i + 1} {title} [/]" if step == name else f" {i + 1} {title} "
            for i, (step, title) in enumerate(TITLES.items())
        ]
        self.query_one("#wizard-steps", Static).update("New SMS campaign  " + "›".join(marks))
        first = name == self.STEPS[0]
        self.query_one("#wizard-back", Button).label = "Cancel (Esc)" if first else "Back (Ctrl+B)"
        self.query_one("#wizard-next").display = not self.on_review
        if name == "when":
            self._show_now()
        elif name == "lists":
            selection = self.query_one("#wizard-lists", SelectionList)
            if selection.option_count and selection.highlighted is None:
                selection.highlighted = 0
            if selection.option_count:
                self._lists_changed()
        elif name == "review":
            self._show_review()
            assert self.checked is not None
            names = [self._names().get(i, i) for i in self.checked.list_ids]
            self.query_one(OptedOutMembers).show(self.checked.list_ids, names)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "create":  # Ctrl+S creates from the review only
            return self.on_review
        return super().check_action(action, parameters)

    def check_step(self, step: str) -> list[FieldProblem]:
        """Check a step by the engine's rules and keep its value."""
        campaigns = self.campaigns
        try:
            if step == "name":
                self.name_value = campaigns.check_name(self.query_one("#wizard-name", Input).value)
            elif step == "lists":
                selected = list(self.query_one("#wizard-lists", SelectionList).selected)
                campaigns.check_lists(selected)
                self.list_ids = selected
            elif step == "message":
                composer = self.query_one(MessageComposer)
                text = composer.text
                campaigns.check_text(text)
                if composer.problem is not None:  # a saved template's {fields} left in
                    raise InvalidInput(composer.problem)
                self.text = text
        except InvalidInput as error:
            return [(next(iter(self.STEP_FIELDS[step])), str(error))]
        if step == "when":
            return self._check_when()
        return []

    def _check_when(self) -> list[FieldProblem]:
        campaigns = self.campaigns
        problems: list[FieldProblem] = []
        when = None
        step = self.query_one(WhenStep)
        if step.later:
            try:
                when = campaigns.parse_when(step.typed_time)
            except InvalidInput as error:
                problems.append(("when", str(error)))
        mask = self.query_one("#wizard-mask", Select).value
        try:
            checked_mask = campaigns.check_mask(mask if isinstance(mask, str) else None)
        except InvalidInput as error:
            problems.append(("mask", str(error)))
        if problems:
            return problems
        draft = CampaignDraft(self.name_value, self.list_ids, self.text, when, checked_mask)
        try:
            self.checked = campaigns.check_draft(draft)
        except InvalidInput as error:
            return [("when", str(error))]
        return []

    def is_filled(self) -> bool:
        return bool(
            self.query_one("#wizard-name", Input).value.strip()
            or self.query_one("#wizard-lists", SelectionList).selected
            or self.query_one(MessageComposer).text.strip()
        )

    def close_wizard(self) -> None:
        self.cancel_count()
        self.dismiss(None)

    # -- counts ------------------------------------------------------------------------

    def _names(self) -> dict[str, str]:
        return engine_of(self).reads.lists.list_names(self.list_ids)

    def _counted(self, list_ids: list[str]) -> Audience | None:
        key = tuple(dict.fromkeys(list_ids))
        return self.audience if self.audience is not None and self.audience_for == key else None

    def _count(self, list_ids: list[str]) -> None:
        """Count the lists' members in a thread unless they are counted already."""
        key = tuple(dict.fromkeys(list_ids))
        if self._counted(list_ids) is not None or (self.counting_for == key and self.counting):
            return
        campaigns = self.campaigns
        self.counting_for = key

        def counted(audience: Audience) -> None:
            self.audience, self.audience_for = audience, key
            self._show_counts()

        def failed(message: str) -> None:
            self.query_one("#wizard-audience", Static).update(message)
            if self.on_review:
                self.show_problems([("review", message)])  # shown here, no step change

        self.start_count(lambda cancel: campaigns.audience(key, cancel), counted, failed)

    def _show_counts(self) -> None:
        """Show the counts wherever they appear (never changing the step or focus)."""
        selected = list(self.query_one("#wizard-lists", SelectionList).selected)
        audience = self._counted(selected)
        if selected:
            shown = audience_text(audience) if audience else COUNTING
            self.query_one("#wizard-audience", Static).update(shown)
        self._show_total()
        if self.on_review:
            self._show_review()

    @on(SelectionList.SelectedChanged, "#wizard-lists")
    def _lists_changed(self) -> None:
        selected = list(self.query_one("#wizard-lists", SelectionList).selected)
        if not selected:
            self.cancel_count()
            self.query_one("#wizard-audience", Static).update("No list chosen yet.")
            return
        self._count(selected)
        self._show_counts()

    @on(MessageComposer.Changed, "#wizard-message")
    def _message_changed(self, event: MessageComposer.Changed) -> None:
        self.analysis = event.analysis if event.composer.text.strip() else None
        self._show_total()

    def _show_total(self) -> None:
        audience = self._counted(self.list_ids)
        total = self.query_one("#wizard-total", Static)
        if self.analysis is None:
            total.update("")
        elif audience is None and self.list_ids:
            total.update(counting_text(self.analysis))
        else:
            total.update(segments_text(self.analysis, audience.unique if audience else 0))

    # -- review --------------------------------------------------------------------------

    def _show_review(self) -> None:
        """What the campaign will send, to whom, when and at what cost: the whole text."""
        draft = self.checked
        assert draft is not None
        audience = self._counted(draft.list_ids)
        if audience is None:
            self._count(draft.list_ids)
        analysis = self.campaigns.check_text(draft.text)
        rows = review_rows(engine_of(self), draft, self._names(), audience, analysis)
        self.review_shown = review_plain(rows)
        self.query_one("#wizard-review", Static).update(review_table(rows))

    @on(OptedOutMembers.CleanListMade)
    def _use_clean_list(self, event: OptedOutMembers.CleanListMade) -> None:
        """Send to the clean list instead of the lists chosen."""
        event.stop()
        self._load_lists()
        selection = self.query_one("#wizard-lists", SelectionList)
        selection.deselect_all()
        selection.select(event.list_id)
        self.list_ids = [event.list_id]
        if self.checked is not None:
            self.checked = CampaignDraft(
                self.checked.name, self.list_ids, self.text, self.checked.when, self.checked.mask
            )
            self._count(self.list_ids)
            self.go_to("review")

    # -- live feedback -------------------------------------------------------------

    def _show_now(self) -> None:
        self.query_one("#wizard-now", Static).update(now_text(engine_of(self)))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "wizard-next":
            self.action_next()
        elif event.button.id == "wizard-back":
            self.action_back()
        elif event.button.id == "wizard-create":
            self.request_create()

    # -- creating ----------------------------------------------------------------------

    def create_now(self) -> None:
        """Create, asking first when "Send now" falls outside the sending hours
        (hold it until they open: a campaign scheduled then; or send anyway)."""
        draft = self.checked
        if draft is None:
            return
        ask_to_start_now(
            self,
            engine_of(self),
            starts_now=draft.when is None,
            question=f"Create campaign {draft.name!r} and send it now?",
            title="Create the campaign",
            start=self._create_checked,
            still=lambda: self.on_review and not self.creating,
        )

    def _create_checked(self, hold_until: datetime | None) -> None:
        create_or_ask(
            self.query_one(OptedOutMembers),
            f"SMS campaign {self.name_value!r} (wizard)",
            lambda override: self._create(override, hold_until),
            lambda: self.on_review and not self.creating,
        )

    @work(exclusive=True, group="campaign-create", exit_on_error=False)
    async def _create(self, override: str | None, hold_until: datetime | None = None) -> None:
        """Create the checked draft; ``hold_until``: scheduled then instead of now."""
        draft = self.checked
        if self.creating or draft is None:
            return
        if hold_until is not None:
            draft = replace(draft, when=hold_until)
        button = self.query_one("#wizard-create", Button)
        self.creating = True
        button.disabled = True
        button.label = "Creating…"
        try:
            await record_override(engine_of(self), draft.list_ids, override)
            campaign = await self.campaigns.create(draft, self._counted(draft.list_ids))
        except (CsmsError, LedgerError) as error:
            self.show_problems([("review", str(error))])
            return
        finally:
            self.creating = False
            button.disabled = False
            button.label = "Create campaign (Ctrl+S)"
        self.notify(f"Campaign {campaign.name!r} created (ID {campaign.id}).")
        self.dismiss(campaign.id)
