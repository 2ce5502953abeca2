"""The message composer: a text box with a live SMS counter.

The counter shows characters, encoding (GSM-7 or Unicode), units, segments and
what is left in the last segment, and names the characters that forced Unicode
so they can be replaced if the cost matters.

Ctrl+T asks for the saved templates (the app shows ``screens/template_picker.py``):
insert one, or save the text as one. Fields such as ``{name}`` left in the text are named
under the counter, and ``problem`` says why such a text cannot be sent as is.
"""

from __future__ import annotations

import unicodedata
from typing import ClassVar, Self

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Static, TextArea
from textual.widgets.text_area import Selection

from tui.engine.saved_templates import (
    FIELD_TOKEN,
    fields_phrase,
    message_box_text,
    placeholder_problem,
    placeholders,
)
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


def fields_content(fields: list[str]) -> Content:
    """The hint naming the template fields left in the text (empty when none)."""
    if not fields:
        return Content("")
    them = "it" if len(fields) == 1 else "each"
    return Content.from_markup(
        "[b $warning]Replace $fields[/] "
        "[$warning]before sending: type the real value over $them.[/]",
        fields=fields_phrase(fields),
        them=them,
    )


def _location(text: str, index: int) -> tuple[int, int]:
    """(row, column) of ``index`` in ``text``, as a text area counts them."""
    row = text.count("\n", 0, index)
    return row, index - (text.rfind("\n", 0, index) + 1)


class MessageComposer(StyledWidget):
    """A message text box and its live counter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "templates", "Templates", id="composer.templates"),
    ]

    class Changed(Message):
        """The text changed; ``analysis`` describes the new text."""

        def __init__(self, composer: MessageComposer, analysis: TextAnalysis) -> None:
            super().__init__()
            self.composer = composer
            self.analysis = analysis

        @property
        def control(self) -> MessageComposer:
            return self.composer

    class TemplatesWanted(Message):
        """Ctrl+T: show the saved templates for this box (the app opens
        ``screens/template_picker.py``; widgets never import screens)."""

        def __init__(self, composer: MessageComposer) -> None:
            super().__init__()
            self.composer = composer

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
        #: Braced names an inserted template wrote as literal braces (not fields).
        self._literal: frozenset[str] = frozenset()

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
        fields = Static(classes="composer-fields")
        fields.styles.height = "auto"
        fields.styles.padding = (0, 1)
        yield fields

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
        self._literal = frozenset()
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

    @property
    def fields(self) -> list[str]:
        """The template fields (``{name}``) still in the text, in first-use order."""
        return [name for name in placeholders(self.text) if name not in self._literal]

    @property
    def problem(self) -> str | None:
        """Why the text cannot be sent as it is (fields left in it), or None."""
        return placeholder_problem(self.text, self.fields)

    def insert_template(self, template_text: str) -> None:
        """Put a saved template's text in the box (``{{`` written ``{`` when it has no
        fields), with the first field (if any) selected so that typing replaces it."""
        text, literal = message_box_text(template_text)
        if not self.is_mounted:
            self._initial = text
            self._literal = frozenset(literal)
            return
        area = self.text_area
        area.load_text(text)
        self._literal = frozenset(literal)
        self._show()
        loaded = area.text
        fields = set(self.fields)
        first = next(
            (
                m
                for m in FIELD_TOKEN.finditer(loaded)
                if " ".join((m.group(1) or "").split()) in fields
            ),
            None,
        )
        if first is None:
            area.move_cursor(area.document.end)
        else:
            area.selection = Selection(
                _location(loaded, first.start()), _location(loaded, first.end())
            )
        area.focus()

    def action_templates(self) -> None:
        """Ask for the saved templates: insert one here, or save this text as one."""
        self.post_message(self.TemplatesWanted(self))

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
        fields = self.fields
        hint = self.query_one(".composer-fields", Static)
        hint.update(fields_content(fields))
        hint.display = bool(fields)
        self.post_message(self.Changed(self, analysis))
