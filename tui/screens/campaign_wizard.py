"""The SMS campaign wizard: name, lists, message, when and mask, review, create.

Each step is checked before the next one opens (the checks are the engine's,
so the wizard says exactly what the gateway would refuse). Enter or Ctrl+N
goes on, Escape or Ctrl+B goes back; Escape on the first step cancels. A step
is read only after every key typed or pasted before Ctrl+N has reached its
field. The review shows the whole message, the lists and the schedule; only
its Create button (or Ctrl+S there) creates the campaign, never Ctrl+N. The
wizard dismisses with the new campaign's ID, which the campaigns screen opens
in its monitor.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    ContentSwitcher,
    Footer,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    SelectionList,
    Static,
)
from textual.widgets.select import InvalidSelectValueError

from tui.engine.costs import CostEstimate, estimate
from tui.engine.sms_campaigns import (
    WHEN_FORMATS,
    WHEN_HINT,
    Audience,
    CampaignDraft,
    CampaignReview,
    SmsCampaigns,
    gateway_now,
    profile_zone,
)
from tui.gateway.errors import CsmsError, InvalidInput
from tui.gateway.text import TextAnalysis
from tui.ledger import LedgerError, SmsCampaign
from tui.screens.base import engine_of
from tui.screens.opted_out_confirm import create_or_ask
from tui.widgets import MessageComposer
from tui.widgets.choice import Choice
from tui.widgets.opted_out_members import OptedOutMembers
from tui.widgets.pending_input import after_pending_input
from tui.widgets.review import review_plain, review_table
from tui.widgets.tick_list import TickList
from tui.wording import plural

STEPS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("lists", "Lists"),
    ("message", "Message"),
    ("when", "When and mask"),
    ("review", "Review"),
)


def audience_text(audience: Audience) -> str:
    text = (
        f"{plural(len(audience.lists), 'list')} · {plural(audience.total, 'member')} · "
        f"{plural(audience.unique, 'distinct number')}"
    )
    if audience.repeats:
        text += f" ({audience.repeats:,} in more than one list get it once)"
    return text


def segments_text(analysis: TextAnalysis, recipients: int) -> str:
    encoding = "Unicode" if analysis.is_unicode else "GSM-7"
    total = analysis.segments * recipients
    return (
        f"{plural(analysis.segments, 'segment')} each ({encoding}) × "
        f"{plural(recipients, 'recipient')} = {plural(total, 'segment')} in all"
    )


def review_rows(review: CampaignReview, cost: CostEstimate | None = None) -> list[tuple[str, str]]:
    """Exactly what the campaign will send, to whom, when and at what cost: the
    whole text, as (label, value) rows."""
    draft = review.draft
    lists = ", ".join(f"{item.name} ({item.members:,})" for item in review.audience.lists)
    segments = segments_text(review.analysis, review.audience.unique)
    return [
        ("Name", draft.name),
        ("Lists", f"{lists}\n{audience_text(review.audience)}"),
        ("Message", draft.text),
        ("Cost", segments if cost is None else f"{segments}\n{cost.sentence()}"),
        ("When", review.when_text),
        ("Mask", draft.mask or "the account default"),
    ]


class CampaignWizard(Screen[str | None]):
    """Create an SMS campaign step by step; dismisses with its ID (None if cancelled)."""

    CSS_PATH = "../styles/sms_campaigns.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Not priority bindings: Ctrl+N travels behind the keys typed before it.
        Binding("ctrl+n", "next", "Next", id="campaign_wizard.next"),
        Binding("ctrl+b", "back", "Back", id="campaign_wizard.back"),
        Binding("ctrl+s", "create", "Create", id="campaign_wizard.create"),
        Binding("escape", "back", "Back / cancel", id="campaign_wizard.cancel"),
    ]

    def __init__(self, like: SmsCampaign | None = None) -> None:
        """``like``: a campaign to duplicate (its lists, text and mask; a new name)."""
        super().__init__()
        self.like = like
        self.step = 0
        self.name_value = ""
        self.list_ids: list[str] = []
        self.audience: Audience | None = None
        self.text = ""
        self.review: CampaignReview | None = None
        #: The review as shown, in plain text.
        self.review_shown = ""
        self.creating = False

    @property
    def campaigns(self) -> SmsCampaigns:
        return SmsCampaigns(engine_of(self))

    @property
    def step_name(self) -> str:
        return STEPS[self.step][0]

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="wizard-steps")
        with ContentSwitcher(initial="step-name", id="wizard-switcher"):
            with Vertical(id="step-name", classes="wizard-step"):
                yield Label("Campaign name (unique among your campaigns)")
                yield Input(placeholder="e.g. Eid greetings", id="wizard-name")
            with Vertical(id="step-lists", classes="wizard-step"):
                yield Label("Lists to send to (Space toggles a list)")
                yield TickList(id="wizard-lists")
                yield Static("", id="wizard-audience", markup=False)
            with Vertical(id="step-message", classes="wizard-step"):
                yield Label("Message (one text for every recipient)")
                yield MessageComposer(id="wizard-message")
                yield Static("", id="wizard-total", markup=False)
            with Vertical(id="step-when", classes="wizard-step"):
                yield Label("When")
                with RadioSet(id="wizard-when-choice"):
                    yield Choice("Send now", value=True, id="when-now")
                    yield Choice("At a date and time", id="when-later")
                yield Input(id="wizard-when")
                yield Static("", id="wizard-now", markup=False)
                yield Label("Mask")
                yield Select[str]([], prompt="The account's default mask", id="wizard-mask")
            with Vertical(id="step-review", classes="wizard-step"):
                with VerticalScroll(id="wizard-review-scroll"):
                    yield Static("", id="wizard-review", markup=False)
                    yield OptedOutMembers(id="wizard-opted-out")
                yield Button("Create campaign (Ctrl+S)", variant="primary", id="wizard-create")
        yield Static("", id="wizard-error", markup=False)
        with Horizontal(id="wizard-buttons"):
            yield Button("Back (Ctrl+B)", id="wizard-back")
            yield Button("Next (Ctrl+N)", variant="primary", id="wizard-next")
        yield Footer()

    def on_mount(self) -> None:
        engine = engine_of(self)
        zone = profile_zone(engine)
        now = gateway_now(engine)
        when = self.query_one("#wizard-when", Input)
        when.placeholder = f"{WHEN_HINT} ({getattr(zone, 'key', zone)})"
        soon = (now + timedelta(hours=1)).astimezone(zone)
        later = soon.replace(minute=0, second=0, microsecond=0)
        if later < soon:
            later += timedelta(hours=1)
        when.value = later.strftime(WHEN_FORMATS[0])
        when.disabled = True
        profile = engine.profile
        masks = list(
            dict.fromkeys(
                [*([profile.default_mask] if profile.default_mask else []), *profile.masks]
            )
        )
        select = self.query_one("#wizard-mask", Select)
        select.set_options([(mask, mask) for mask in masks])
        if profile.default_mask:
            select.value = profile.default_mask
        self._load_lists()
        if self.like is not None:
            self._fill_from(self.like)
        self._show_step()

    def _fill_from(self, like: SmsCampaign) -> None:
        """A duplicate: the same lists, text and mask under a free name; sent when
        the user chooses (the schedule is not copied)."""
        taken = {c.name.casefold() for c in engine_of(self).ledger.campaigns()}
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
        lists = engine_of(self).ledger.lists()
        selection = self.query_one("#wizard-lists", SelectionList)
        selection.clear_options()
        selection.add_options(
            [(f"{item.name}  ({plural(item.members, 'member')})", item.id) for item in lists]
        )
        if not lists:
            self.query_one("#wizard-audience", Static).update(
                "No lists yet: create one on the Lists screen first."
            )

    # -- steps ----------------------------------------------------------------

    def _show_step(self) -> None:
        name = self.step_name
        self.query_one(ContentSwitcher).current = f"step-{name}"
        marks = [
            f"[b reverse] {i + 1} {title} [/]" if i == self.step else f" {i + 1} {title} "
            for i, (_, title) in enumerate(STEPS)
        ]
        self.query_one("#wizard-steps", Static).update("New SMS campaign   " + " › ".join(marks))
        self.query_one("#wizard-back", Button).label = (
            "Cancel (Esc)" if self.step == 0 else "Back (Ctrl+B)"
        )
        self.query_one("#wizard-next").display = name != "review"
        self.refresh_bindings()
        self._error(None)
        focus = {
            "name": "#wizard-name",
            "lists": "#wizard-lists",
            "message": "#wizard-message",
            "when": "#wizard-when-choice",
            "review": "#wizard-create",
        }[name]
        if name == "when":
            self._show_now()
        if name == "lists":
            selection = self.query_one("#wizard-lists", SelectionList)
            if selection.option_count and selection.highlighted is None:
                selection.highlighted = 0
            if selection.option_count:
                self._lists_changed()
        self.query_one(focus).focus()

    def _error(self, message: str | None) -> None:
        error = self.query_one("#wizard-error", Static)
        error.update(message or "")
        error.display = bool(message)

    def _refuse(self, message: str) -> None:
        self._error(message)
        self.notify(message, severity="error")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Ctrl+S creates from the review only; Ctrl+N never creates.
        if action == "create":
            return self.step_name == "review"
        if action == "next":
            return self.step_name != "review"
        return True

    def action_next(self) -> None:
        after_pending_input(self, self._next)

    def _next(self) -> None:
        if self.creating or self.step_name == "review":
            return
        try:
            self._check_step()
        except InvalidInput as error:
            self._refuse(str(error))
            return
        self.step += 1
        self._show_step()

    def action_back(self) -> None:
        after_pending_input(self, self._back)

    def action_create(self) -> None:
        after_pending_input(self, self._create_from_review)

    def _create_from_review(self) -> None:
        if self.step_name != "review" or self.creating:
            return
        create_or_ask(
            self.query_one(OptedOutMembers),
            f"SMS campaign {self.name_value!r} (wizard)",
            self._create,
            lambda: self.step_name == "review" and not self.creating,
        )

    @on(OptedOutMembers.CleanListMade)
    def _use_clean_list(self, event: OptedOutMembers.CleanListMade) -> None:
        """Send to the clean list instead of the lists chosen."""
        event.stop()
        self._load_lists()
        selection = self.query_one("#wizard-lists", SelectionList)
        selection.deselect_all()
        selection.select(event.list_id)
        self.list_ids = [event.list_id]
        self.audience = self.campaigns.audience(self.list_ids)
        self._build_review()

    def _back(self) -> None:
        if self.creating:
            return
        if self.step == 0:
            self.dismiss(None)
            return
        self.step -= 1
        self._show_step()

    def _check_step(self) -> None:
        """Check the current step (InvalidInput says what to fix) and keep its value."""
        campaigns = self.campaigns
        name = self.step_name
        if name == "name":
            self.name_value = campaigns.check_name(self.query_one("#wizard-name", Input).value)
        elif name == "lists":
            selected = list(self.query_one("#wizard-lists", SelectionList).selected)
            self.audience = campaigns.audience(selected)
            self.list_ids = selected
        elif name == "message":
            text = self.query_one(MessageComposer).text
            campaigns.check_text(text)
            self.text = text
        elif name == "when":
            self._build_review()

    def _build_review(self) -> None:
        """The review of what the form says now, and the lists' opted-out members."""
        campaigns = self.campaigns
        draft = self._draft()
        self.review = review = campaigns.review(draft)
        self.query_one(OptedOutMembers).show(
            draft.list_ids, [item.name for item in review.audience.lists]
        )
        engine = engine_of(self)
        cost = estimate(
            review.audience.unique,
            review.analysis.segments,
            price=engine.profile.price_per_segment,
            credit=engine.status.credit,
        )
        rows = review_rows(review, cost)
        late = engine.holds.hours.schedule_warning(draft.when or engine.holds.clock())
        if late:
            rows.append(("Warning", late))
        self.review_shown = review_plain(rows)
        self.query_one("#wizard-review", Static).update(review_table(rows))

    def _draft(self) -> CampaignDraft:
        campaigns = self.campaigns
        later = self.query_one("#when-later", RadioButton).value
        when = campaigns.parse_when(self.query_one("#wizard-when", Input).value) if later else None
        mask = self.query_one("#wizard-mask", Select).value
        return CampaignDraft(
            name=self.name_value,
            list_ids=self.list_ids,
            text=self.text,
            when=when,
            mask=campaigns.check_mask(mask if isinstance(mask, str) else None),
        )

    # -- live feedback -------------------------------------------------------------

    @on(SelectionList.SelectedChanged, "#wizard-lists")
    def _lists_changed(self) -> None:
        selected = list(self.query_one("#wizard-lists", SelectionList).selected)
        audience = self.query_one("#wizard-audience", Static)
        if not selected:
            audience.update("No list chosen yet.")
            return
        try:
            audience.update(audience_text(self.campaigns.audience(selected)))
        except InvalidInput as error:
            audience.update(str(error))

    @on(MessageComposer.Changed, "#wizard-message")
    def _message_changed(self, event: MessageComposer.Changed) -> None:
        recipients = self.audience.unique if self.audience else 0
        self.query_one("#wizard-total", Static).update(
            segments_text(event.analysis, recipients) if event.composer.text.strip() else ""
        )

    @on(RadioSet.Changed, "#wizard-when-choice")
    def _when_changed(self) -> None:
        later = self.query_one("#when-later", RadioButton).value
        field = self.query_one("#wizard-when", Input)
        field.disabled = not later
        if later:
            field.focus()

    def _show_now(self) -> None:
        engine = engine_of(self)
        zone = profile_zone(engine)
        now = gateway_now(engine).astimezone(zone).strftime(WHEN_FORMATS[0])
        self.query_one("#wizard-now", Static).update(
            f"It is now {now} in {getattr(zone, 'key', zone)} (the profile's time zone)."
        )

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
            self._create_from_review()

    # -- creating ----------------------------------------------------------------------

    @work(exclusive=True, group="campaign-create", exit_on_error=False)
    async def _create(self) -> None:
        if self.creating:
            return
        try:
            draft = self._draft()
        except InvalidInput as error:
            self._refuse(str(error))
            return
        button = self.query_one("#wizard-create", Button)
        self.creating = True
        button.disabled = True
        button.label = "Creating…"
        try:
            campaign = await self.campaigns.create(draft)
        except (CsmsError, LedgerError) as error:
            self._refuse(str(error))
            return
        finally:
            self.creating = False
            button.disabled = False
            button.label = "Create campaign (Ctrl+S)"
        self.notify(f"Campaign {campaign.name!r} created (ID {campaign.id}).")
        self.dismiss(campaign.id)
