"""The message composer: a text box with a live SMS counter.

The counter shows characters, encoding (GSM-7 or Unicode), units, segments and
what is left in the last segment, and names the characters that forced Unicode
so they can be replaced if the cost matters.
"""

from __future__ import annotations

import unicodedata
from typing import Self

from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.widgets import Static, TextArea

from tui.gateway.text import TextAnalysis, analyze
from tui.widgets._styled import StyledWidget

PLACEHOLDER = "Write the message"
#: Characters that forced Unicode, named under the counter (the rest are counted).
SHOWN_FORCING = 12


def describe_char(char: str) -> str:
    """A character as the user can recognise it, even when invisible."""
    category = unicodedata.category(char)
    if category[0] in "ZC" or char.isspace():
        name = unicodedata.name(char, "")
        code = f"U+{ord(char):04X}"
        return f"{code} {name}".strip()
    return char


def counter_content(analysis: TextAnalysis) -> Content:
    """The counter line for ``analysis``."""
    encoding = "[b $warning]Unicode (UCS-2)[/]" if analysis.is_unicode else "[b $success]GSM-7[/]"
    segments = analysis.segments
    return Content.from_markup(
        "$chars character$chars_s  ·  " + encoding + "  ·  $units unit$units_s  ·  "
        "[b]$segments[/] segment$seg_s [dim]($per per segment)[/]  ·  $left left",
        chars=analysis.characters,
        chars_s="" if analysis.characters == 1 else "s",
        units=analysis.units,
        units_s="" if analysis.units == 1 else "s",
        segments=segments,
        seg_s="" if segments == 1 else "s",
        per=analysis.per_segment,
        left=analysis.remaining,
    )


def forcing_content(analysis: TextAnalysis, limit: int = SHOWN_FORCING) -> Content:
    """Which characters forced Unicode (empty when the text is GSM-7)."""
    if not analysis.unicode_chars:
        return Content("")
    shown = "  ".join(describe_char(c) for c in analysis.unicode_chars[:limit])
    hidden = len(analysis.unicode_chars) - limit
    more = f"  … and {hidden} more" if hidden > 0 else ""
    return Content.from_markup(
        "[$warning]Unicode because of:[/] $shown$more", shown=shown, more=more
    )


class MessageComposer(StyledWidget):
    """A message text box and its live counter."""

    class Changed(Message):
        """The text changed; ``analysis`` describes the new text."""

        def __init__(self, composer: MessageComposer, analysis: TextAnalysis) -> None:
            super().__init__()
            self.composer = composer
            self.analysis = analysis

        @property
        def control(self) -> MessageComposer:
            return self.composer

    def __init__(
        self,
        text: str = "",
        *,
        placeholder: str = PLACEHOLDER,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._initial = text
        self._placeholder = placeholder
        self._analysis_text: str | None = None
        self._analysis = analyze("")

    def compose(self) -> ComposeResult:
        yield TextArea(
            self._initial,
            tab_behavior="focus",
            soft_wrap=True,
            placeholder=self._placeholder,
            classes="composer-input",
        )
        yield Static(classes="composer-counter")
        yield Static(classes="composer-forcing")

    def on_mount(self) -> None:
        self._show()

    @property
    def text_area(self) -> TextArea:
        return self.query_one(".composer-input", TextArea)

    @property
    def text(self) -> str:
        if not self.is_mounted:
            return self._initial
        return self.text_area.text

    @text.setter
    def text(self, value: str) -> None:
        if not self.is_mounted:
            self._initial = value
            return
        self.text_area.load_text(value)
        self._show()

    @property
    def analysis(self) -> TextAnalysis:
        """Encoding, units and segments of the current text."""
        text = self.text
        if text != self._analysis_text:
            self._analysis = analyze(text)
            self._analysis_text = text
        return self._analysis

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focusing the composer puts the cursor in its text area."""
        if self.is_mounted:
            self.text_area.focus(scroll_visible)
        return self

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._show()

    def _show(self) -> None:
        analysis = self.analysis
        self.query_one(".composer-counter", Static).update(counter_content(analysis))
        forcing = self.query_one(".composer-forcing", Static)
        forcing.update(forcing_content(analysis))
        forcing.display = analysis.is_unicode
        self.post_message(self.Changed(self, analysis))
