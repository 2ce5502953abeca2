"""The SMS campaign wizard's form and review text (``screens/campaign_wizard.py``).

:func:`compose_form` lays out the steps; :func:`review_rows` says exactly what
the campaign will send, to whom, when and at what cost, with "counting…" in
place of the lists' counts until they are known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    ContentSwitcher,
    Input,
    Label,
    Static,
)

from tui.engine.costs import estimate
from tui.engine.sms_campaigns import (
    WHEN_FORMATS,
    Audience,
    CampaignDraft,
    gateway_now,
    profile_zone,
    when_text,
)
from tui.gateway.text import TextAnalysis
from tui.screens.campaign_when import WhenStep
from tui.widgets import MessageComposer
from tui.widgets.app_footer import AppFooter
from tui.widgets.opted_out_members import OptedOutMembers
from tui.widgets.tick_list import TickList
from tui.wording import plural

if TYPE_CHECKING:
    from tui.engine.service import Engine

TITLES = {
    "name": "Name",
    "lists": "Lists",
    "message": "Message",
    "when": "When and mask",
    "review": "Review",
}
COUNTING = "counting the lists' members…"
#: The widget focused when a step opens.
FIRST_FIELD = {
    "name": "#wizard-name",
    "lists": "#wizard-lists",
    "message": "#wizard-message",
    "when": "#wizard-when-choice",
    "review": "#wizard-create",
}
#: Each step's fields, and each field's widget.
STEP_FIELDS = {
    "name": {"name"},
    "lists": {"lists"},
    "message": {"text"},
    "when": {"when", "mask"},
}
FIELD_WIDGETS = {
    "name": "#wizard-name",
    "lists": "#wizard-lists",
    "text": "#wizard-message",
    "when": "#wizard-when",
    "mask": "#wizard-mask",
}


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


def counting_text(analysis: TextAnalysis) -> str:
    return f"{plural(analysis.segments, 'segment')} each × {COUNTING}"


def now_text(engine: Engine) -> str:
    zone = profile_zone(engine)
    now = gateway_now(engine).astimezone(zone).strftime(WHEN_FORMATS[0])
    return f"It is now {now} in {getattr(zone, 'key', zone)} (the profile's time zone)."


def review_rows(
    engine: Engine,
    draft: CampaignDraft,
    names: dict[str, str],
    audience: Audience | None,
    analysis: TextAnalysis,
) -> list[tuple[str, str]]:
    """(label, value) rows of the review: the whole text; the counts once known."""
    if audience is None:
        lists = ", ".join(names.get(i, i) for i in draft.list_ids) + f"\n{COUNTING}"
        cost = counting_text(analysis)
    else:
        lists = ", ".join(f"{item.name} ({item.members:,})" for item in audience.lists)
        lists += f"\n{audience_text(audience)}"
        price = engine.profile.price_per_segment
        money = estimate(
            audience.unique, analysis.segments, price=price, credit=engine.status.credit
        )
        cost = f"{segments_text(analysis, audience.unique)}\n{money.sentence(with_segments=False)}"
    rows = [
        ("Name", draft.name),
        ("Lists", lists),
        ("Message", draft.text),
        ("Cost", cost),
        ("When", when_text(draft.when, profile_zone(engine))),
        ("Mask", draft.mask or "the account default"),
    ]
    late = engine.holds.hours.schedule_warning(draft.when or engine.holds.clock())
    if late:
        rows.append(("Warning", late))
    return rows


def compose_form() -> ComposeResult:
    """The steps, the problems line and the buttons."""
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
        yield WhenStep(id="step-when", classes="wizard-step")
        with Vertical(id="step-review", classes="wizard-step"):
            with VerticalScroll(id="wizard-review-scroll"):
                yield Static("", id="wizard-review", markup=False)
                yield OptedOutMembers(id="wizard-opted-out")
            yield Button("Create campaign (Ctrl+S)", variant="primary", id="wizard-create")
    yield Static("", id="wizard-error", markup=False)
    with Horizontal(id="wizard-buttons"):
        yield Button("Back (Ctrl+B)", id="wizard-back")
        yield Button("Next (Ctrl+N)", variant="primary", id="wizard-next")
    yield AppFooter()
