"""The step wizard both campaign wizards are built on.

:class:`StepWizard` gives the SMS campaign wizard (a screen,
``screens/campaign_wizard.py``) and the voice campaign wizard (a panel,
``screens/voice_wizard.py``) the same behaviour:

- the same keys: Ctrl+N (or Enter in a one-line field) goes on, Ctrl+B goes
  back, Ctrl+S creates from the review, Escape cancels; a step is read only
  after every key typed before the key that acts (``widgets/pending_input.py``);
- problems listed per field, one line each, on the step of the first one with
  its field focused; a field's line goes as soon as that field changes;
- Escape on a wizard holding anything typed or chosen asks before discarding it,
  with "Keep editing" focused;
- member counts (a million members take a second) run in a thread, one at a
  time: a newer count cancels the older one, and a count's result only updates
  what is shown, never the step or the focus. Create pressed while the review
  is still counting waits for the counts, then goes on (asking first when the
  lists hold opted-out members).

A subclass sets the class attributes below and implements ``render_step``,
``check_step``, ``is_filled``, ``create_now`` and ``close_wizard``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from typing import ClassVar, TypeVar

from textual import on
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, RadioSet, Select, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from tui.gateway.errors import CsmsError
from tui.ledger import LedgerError
from tui.ledger.audience import CountCancelled
from tui.screens.base import engine_of
from tui.screens.confirm import ConfirmScreen
from tui.widgets.key_hold import HoldsKeys, KeyHold
from tui.widgets.opted_out_members import OptedOutMembers
from tui.widgets.pending_input import after_pending_input
from tui.wording import plural

T = TypeVar("T")
#: One problem: the field it is about and one sentence saying what to do.
FieldProblem = tuple[str, str]


class StepWizard(Widget):
    """Steps, keys, problems per field, counts in threads and the discard question."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: run as the key arrives, so the keys typed after it wait in
        # the KeyHold for the next step's field; those typed before it reach
        # their fields first (the step is read after them, pending_input.py).
        Binding("ctrl+n", "next", "Next", id="wizard.next", priority=True),
        Binding("enter", "next_on_enter", "Next", show=False, priority=True),
        Binding("ctrl+b", "back", "Back", id="wizard.back"),
        Binding("ctrl+s", "create", "Create", id="wizard.create"),
        Binding("escape", "cancel", "Cancel", id="wizard.cancel"),
    ]

    #: The steps in order; the last is the review.
    STEPS: ClassVar[tuple[str, ...]] = ()
    #: The widget focused when a step opens.
    FIRST_FIELD: ClassVar[dict[str, str]] = {}
    #: Each step's fields, and each field's widget (a selector).
    STEP_FIELDS: ClassVar[dict[str, set[str]]] = {}
    FIELD_WIDGETS: ClassVar[dict[str, str]] = {}
    #: The Static showing the problems, and what is being made ("SMS campaign").
    ERROR_SELECTOR: ClassVar[str] = ""
    WHAT: ClassVar[str] = "campaign"

    step: str
    creating: bool
    #: Problems shown, by field, in the order found.
    problems: dict[str, str]
    create_pending: bool
    _count_cancel: threading.Event | None = None
    #: Whether the lists' member counts (their labels) are still being made.
    _labelling = False

    def start_wizard(self) -> None:
        """Forget everything of an earlier run (call from ``__init__`` and resets)."""
        self.step = self.STEPS[0]
        self.creating = False
        self.problems = {}
        self.create_pending = False
        self.cancel_count()

    @property
    def step_name(self) -> str:
        return self.step

    @property
    def on_review(self) -> bool:
        return self.step == self.STEPS[-1]

    # -- what a subclass provides ----------------------------------------------------

    def render_step(self) -> None:
        """Show the current step (titles, buttons, the review)."""

    def check_step(self, step: str) -> list[FieldProblem]:
        """The step's problems (none: keep its values and go on)."""
        return []

    def is_filled(self) -> bool:
        """Whether anything was typed or chosen (Escape then asks first)."""
        return False

    def create_now(self) -> None:
        """Create from the review, every count being known."""

    def close_wizard(self) -> None:
        """Leave the wizard without creating anything."""

    # -- steps -----------------------------------------------------------------------

    def go_to(self, step: str, *, focus: bool = True) -> None:
        self.step = step
        self.problems = {}
        self.create_pending = False
        self._show_problems()
        self.render_step()
        self.refresh_bindings()
        if focus:
            self.focus_step()

    def focus_step(self) -> None:
        hold = _key_hold(self)
        if hold is None or not hold.active:  # else the hold focuses it, with the keys
            self.query_one(self.FIRST_FIELD[self.step]).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Ctrl+N never creates; Ctrl+S is the review's (a subclass may widen it).
        if action == "next":
            return not self.on_review
        return True

    def action_next(self) -> None:
        self._next_holding_keys()

    def action_next_on_enter(self) -> None:
        """Enter in a one-line field goes on, as Ctrl+N does (a step refused
        says why and focuses the field to fix); elsewhere Enter is the focused
        widget's (a new line, a button, a choice)."""
        focused = self.screen.focused
        if self.on_review or not isinstance(focused, Input) or self not in focused.ancestors:
            raise SkipAction()
        self._next_holding_keys()

    def _next_holding_keys(self) -> None:
        """Go on once the keys typed before have reached their fields; those
        typed after wait for the next step's first field (``KeyHold``)."""
        hold = _key_hold(self)
        if hold is None:
            after_pending_input(self, self._next)
            return
        hold.hold()

        def move() -> None:
            before = self.step
            try:
                self._next()
            except BaseException:
                hold.release(None)
                raise
            if self.step == before:  # problems to fix (their field has the focus)
                dropped = hold.release(None)
                if dropped:
                    self.notify(
                        f"{plural(dropped, 'key')} typed after going on"
                        f" {'was' if dropped == 1 else 'were'} not used:"
                        " this step has something to fix first.",
                        severity="warning",
                    )
                return
            hold.release(self.query_one(self.FIRST_FIELD[self.step]))

        after_pending_input(self, move)

    def _next(self) -> None:
        if self.creating or self.on_review:
            return
        problems = self.check_step(self.step)
        if problems:
            self.show_problems(problems)
            return
        self.go_to(self.STEPS[self.STEPS.index(self.step) + 1])

    def action_back(self) -> None:
        after_pending_input(self, self._back)

    def _back(self) -> None:
        if self.creating:
            return
        index = self.STEPS.index(self.step)
        if index == 0:
            self._cancel()
        else:
            self.go_to(self.STEPS[index - 1])

    def action_cancel(self) -> None:
        after_pending_input(self, self._cancel)

    def _cancel(self) -> None:
        if self.creating:
            self.notify("The campaign is being created; wait for the gateway's answer.")
            return
        if not self.is_filled():
            self.close_wizard()
            return

        def answered(discard: bool | None) -> None:
            if discard and not self.creating:
                self.close_wizard()

        self.app.push_screen(
            ConfirmScreen(
                f"Discard this {self.WHAT}? What you entered is not kept.",
                title=f"Discard the new {self.WHAT}?",
                confirm_label="Discard",
                cancel_label="Keep editing",
                danger=True,
            ),
            answered,
        )

    # -- problems, one line per field ------------------------------------------------

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        """Every problem of the first one's step, with that field focused."""
        first_field = problems[0][0]
        step = next(
            (s for s, fields in self.STEP_FIELDS.items() if first_field in fields), self.step
        )
        if step != self.step:
            self.go_to(step)
        fields = self.STEP_FIELDS.get(step, set())
        shown = [p for p in problems if p[0] in fields] or list(problems)
        self.problems = {}
        for field, message in shown:
            self.problems.setdefault(field, message)  # one line per field
        self._show_problems()
        self.notify(shown[0][1], severity="error", timeout=8)
        widget = self.FIELD_WIDGETS.get(first_field)
        if widget:
            self.query_one(widget).focus()

    def clear_problem(self, field: str) -> None:
        if self.problems.pop(field, None) is not None:
            self._show_problems()

    def _show_problems(self) -> None:
        error = self.query_one(self.ERROR_SELECTOR, Static)
        error.update("\n".join(self.problems.values()))
        error.display = bool(self.problems)

    def _field_of(self, node: DOMNode | None) -> str | None:
        fields = {selector.removeprefix("#"): f for f, selector in self.FIELD_WIDGETS.items()}
        while node is not None and node is not self:
            if node.id in fields:
                return fields[node.id]
            node = node.parent
        return None

    @on(Input.Changed)
    @on(SelectionList.SelectedChanged)
    @on(Select.Changed)
    @on(RadioSet.Changed)
    @on(TextArea.Changed)
    def _field_changed(self, event: Message) -> None:
        if not self.problems:
            return
        control = getattr(event, "control", None)
        field = self._field_of(control if isinstance(control, DOMNode) else None)
        if field is not None:
            self.clear_problem(field)

    # -- counts in a thread ------------------------------------------------------------

    def show_lists(self, selector: str, label: Callable[[str, int | None], str]) -> int:
        """Fill the lists' choice by name at once (keeping what was ticked), their
        member counts following from a thread; returns how many lists there are."""
        ledger = engine_of(self).reads
        choices = ledger.audience.list_choices()
        lists: SelectionList[str] = self.query_one(selector, SelectionList)
        chosen = set(lists.selected)
        lists.clear_options()
        lists.add_options([Selection(label(name, None), i, i in chosen) for i, name in choices])
        self._labelling = True

        async def count() -> None:
            counts = await asyncio.to_thread(ledger.audience.count_list_members)
            for index, (list_id, name) in enumerate(choices):
                lists.replace_option_prompt_at_index(index, label(name, counts.get(list_id, 0)))
            self._labelling = False
            self.count_settled()

        self.run_worker(count(), group="wizard-lists", exclusive=True, exit_on_error=False)
        return len(choices)

    @property
    def counting(self) -> bool:
        """Whether a count runs, or the review's opted-out check."""
        if self._count_cancel is not None or self._labelling:
            return True
        return any(warning.checking for warning in self.query(OptedOutMembers))

    def start_count(
        self,
        work: Callable[[threading.Event], T],
        done: Callable[[T], None],
        failed: Callable[[str], None],
    ) -> None:
        """Run ``work`` in a thread (cancelling a count still running), then ``done``
        with its result, or ``failed`` with the sentence of its error."""
        if self._count_cancel is not None:
            self._count_cancel.set()
        cancel = self._count_cancel = threading.Event()

        async def run() -> None:
            try:
                result = await asyncio.to_thread(work, cancel)
            except CountCancelled:
                return
            except (CsmsError, LedgerError) as error:
                if cancel.is_set():
                    return
                self._count_cancel = None
                self.create_pending = False
                failed(str(error))
                return
            if cancel.is_set():
                return
            self._count_cancel = None
            done(result)
            self.count_settled()

        self.run_worker(run(), group="wizard-count", exclusive=True, exit_on_error=False)

    def cancel_count(self) -> None:
        if self._count_cancel is not None:
            self._count_cancel.set()
            self._count_cancel = None

    def count_settled(self) -> None:
        """A count (or the opted-out check) finished: a waiting Create goes on."""
        if self.create_pending and not self.counting:
            self.create_pending = False
            self.request_create()

    @on(OptedOutMembers.Checked)
    def _opted_out_checked(self) -> None:
        self.count_settled()

    # -- creating -------------------------------------------------------------------------

    def action_create(self) -> None:
        after_pending_input(self, self.request_create)

    def request_create(self) -> None:
        """Create from the review, once every count is known."""
        if self.creating or not self.on_review:
            return
        if self.counting:
            if not self.create_pending:
                self.create_pending = True
                self.notify("Still counting the lists' members: the campaign is created then.")
            return
        self.create_now()


def _key_hold(node: Widget) -> KeyHold | None:
    """The app's hold for the keys typed while a step changes (None: not kept)."""
    app = node.app
    return app.key_hold if isinstance(app, HoldsKeys) else None
