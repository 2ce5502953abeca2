"""The audio form's conversion options: four ticks (Normalise, Trim silence,
Phone band, Cut to fit), the From/To range and the silence threshold, read as
one :class:`~tui.audio.ConvertOptions`.

Typing a range posts :class:`ConvertOptionsForm.RangeChanged` (the waveform
marks it); Enter in the threshold posts
:class:`ConvertOptionsForm.ThresholdEntered` (the recording is measured again).
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Checkbox, Input, Label

from tui.audio import ConvertOptions
from tui.audio.fields import parse_seconds, parse_threshold
from tui.audio.units import SILENCE_THRESHOLD_DB
from tui.widgets.tick import Tick

_TYPED = ("#opt-start", "#opt-end", "#opt-threshold")
#: Narrower than this, the ticks and the fields wrap into two rows (audio.tcss).
NARROW_BELOW = 66


class ConvertOptionsForm(Vertical):
    """Ticks ``#opt-normalize``, ``#opt-trim``, ``#opt-band``, ``#opt-fit`` and
    fields ``#opt-start``, ``#opt-end``, ``#opt-threshold``."""

    DEFAULT_CSS = """
    ConvertOptionsForm { height: auto; }
    """

    class RangeChanged(Message):
        """From or To was edited: the range as far as it reads (None: open)."""

        def __init__(self, start_s: float | None, end_s: float | None) -> None:
            super().__init__()
            self.start_s = start_s
            self.end_s = end_s

    class ThresholdEntered(Message):
        """Enter was pressed in the silence threshold field."""

        def __init__(self, value: str) -> None:
            super().__init__()
            self.value = value

    def compose(self) -> ComposeResult:
        # Labels outside the fields, so they read whole and stay once typed in.
        with Horizontal(id="opt-ticks"):
            yield Tick("Normalise", id="opt-normalize", compact=True)
            yield Tick("Trim silence", id="opt-trim", compact=True)
            yield Tick("Phone band", id="opt-band", compact=True)
            yield Tick("Cut to fit", id="opt-fit", compact=True)
        with Horizontal(id="opt-fields"):
            with Horizontal(classes="opt-group"):
                yield Label("From", classes="opt-label")
                yield Input(placeholder="s or M:SS", id="opt-start", compact=True)
                yield Label("To", classes="opt-label")
                yield Input(placeholder="s or M:SS", id="opt-end", compact=True)
            with Horizontal(classes="opt-group"):
                yield Label("Silence (dB under loudest)", classes="opt-label")
                yield Input(
                    placeholder=f"{SILENCE_THRESHOLD_DB:g}", id="opt-threshold", compact=True
                )

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW_BELOW, "-narrow")

    def options(self) -> ConvertOptions:
        """The options ticked and typed; ValueError names a bad time or level."""

        def seconds(selector: str, what: str) -> float | None:
            value = self.query_one(selector, Input).value
            try:
                return parse_seconds(value)
            except ValueError as error:
                raise ValueError(f"The {what} {error}") from None

        return ConvertOptions(
            silence_threshold_db=parse_threshold(self.query_one("#opt-threshold", Input).value),
            normalize=self.query_one("#opt-normalize", Checkbox).value,
            trim_silence=self.query_one("#opt-trim", Checkbox).value,
            phone_band=self.query_one("#opt-band", Checkbox).value,
            cut_to_fit=self.query_one("#opt-fit", Checkbox).value,
            start_s=seconds("#opt-start", "start"),
            end_s=seconds("#opt-end", "end"),
        )

    def threshold_db(self) -> float:
        """The silence threshold typed, or the default when it does not read."""
        try:
            return parse_threshold(self.query_one("#opt-threshold", Input).value)
        except ValueError:
            return SILENCE_THRESHOLD_DB

    def reset(self) -> None:
        """Options belong to one recording: a new pick starts from the defaults."""
        for box in self.query(Checkbox).results(Checkbox):
            box.value = False
        for selector in _TYPED:
            self.query_one(selector, Input).value = ""

    @on(Input.Changed, "#opt-start")
    @on(Input.Changed, "#opt-end")
    def _range_typed(self, event: Input.Changed) -> None:
        def value(selector: str) -> float | None:
            try:
                return parse_seconds(self.query_one(selector, Input).value)
            except ValueError:
                return None

        self.post_message(self.RangeChanged(value("#opt-start"), value("#opt-end")))

    @on(Input.Submitted, "#opt-threshold")
    def _threshold_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.ThresholdEntered(event.value))
