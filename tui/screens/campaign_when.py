"""The "When" step of the SMS campaign wizard: send now or at a time, and the mask.

The time field is always next in the Tab order after the choice (a fast
typist's Tab never depends on whether the choice was handled yet); it is muted
while "Send now" is chosen, and typing a time chooses "At a date and time".
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, RadioButton, RadioSet, Select, Static

from tui.engine.sms_campaigns import WHEN_FORMATS, WHEN_HINT, gateway_now, profile_zone
from tui.widgets.choice import Choice

if TYPE_CHECKING:
    from tui.engine.service import Engine


class WhenStep(Vertical):
    """Send now, or at the time typed (the profile's zone); and the mask."""

    def compose(self) -> ComposeResult:
        yield Label("When")
        with RadioSet(id="wizard-when-choice"):
            yield Choice("Send now", value=True, id="when-now")
            yield Choice("At a date and time", id="when-later")
        yield Input(id="wizard-when", classes="-unused")
        yield Static("", id="wizard-now", markup=False)
        yield Label("Mask")
        yield Select[str]([], prompt="The account's default mask", id="wizard-mask")

    def prepare(self, engine: Engine) -> None:
        """The zone in the hint, the next whole hour after an hour from now as the
        time offered, and the profile's masks (its default chosen)."""
        zone = profile_zone(engine)
        when = self.query_one("#wizard-when", Input)
        when.placeholder = f"{WHEN_HINT} ({getattr(zone, 'key', zone)})"
        soon = (gateway_now(engine) + timedelta(hours=1)).astimezone(zone)
        later = soon.replace(minute=0, second=0, microsecond=0)
        if later < soon:
            later += timedelta(hours=1)
        when.value = later.strftime(WHEN_FORMATS[0])
        profile = engine.profile
        defaults = [profile.default_mask] if profile.default_mask else []
        masks = list(dict.fromkeys([*defaults, *profile.masks]))
        select = self.query_one("#wizard-mask", Select)
        select.set_options([(mask, mask) for mask in masks])
        if profile.default_mask:
            select.value = profile.default_mask

    @property
    def later(self) -> bool:
        """Whether "At a date and time" is chosen."""
        return self.query_one("#when-later", RadioButton).value

    @property
    def typed_time(self) -> str:
        """The date and time as typed (used only when :attr:`later`)."""
        return self.query_one("#wizard-when", Input).value

    @on(RadioSet.Changed, "#wizard-when-choice")
    def _choice_changed(self) -> None:
        self.query_one("#wizard-when", Input).set_class(not self.later, "-unused")

    @on(Input.Changed, "#wizard-when")
    def _time_typed(self, event: Input.Changed) -> None:
        if event.input.has_focus and not self.later:
            self.query_one("#when-later", RadioButton).value = True
