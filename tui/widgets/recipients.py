"""The recipients box: numbers pasted in any format, with a live summary.

Typing or pasting updates a summary line (valid, duplicates, invalid) and lists
the invalid tokens with the reason each was refused. Large pastes are parsed
after a short pause in typing rather than on every keystroke; ``parsed`` is
always current whatever the pause.
"""

from __future__ import annotations

from typing import Self

from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static, TextArea

from tui.gateway.numbers import ParsedRecipients, parse_recipients
from tui.widgets._styled import StyledWidget

#: Texts longer than this are summarised after a pause in typing (a 100,000
#: number paste takes most of a second to parse).
IMMEDIATE_LIMIT = 20_000
DEBOUNCE_SECONDS = 0.25
#: Invalid tokens listed under the summary (all of them are named when sending).
SHOWN_INVALID = 20

PLACEHOLDER = "Paste or type numbers: 0300 1234567, +92 321 7654321; one or many per line"


def summary_content(parsed: ParsedRecipients) -> Content:
    """One line: how many numbers are valid, repeated and invalid."""
    if parsed.total == 0:
        return Content.from_markup("[dim]No numbers yet.[/]")
    return Content.from_markup(
        "[b $success]$valid[/] valid  ·  [b $warning]$dups[/] duplicate$dup_s  ·  "
        "[b $error]$bad[/] invalid",
        valid=len(parsed.valid),
        dups=len(parsed.duplicates),
        dup_s="" if len(parsed.duplicates) == 1 else "s",
        bad=len(parsed.invalid),
    )


def invalid_content(parsed: ParsedRecipients, limit: int = SHOWN_INVALID) -> Content:
    """The invalid tokens, one per line, with the reason (at most ``limit``)."""
    lines = [
        Content.from_markup("[$error]✗[/] $raw  [dim]$reason[/]", raw=repr(raw), reason=reason)
        for raw, reason in parsed.invalid[:limit]
    ]
    hidden = len(parsed.invalid) - limit
    if hidden > 0:
        lines.append(Content.from_markup("[dim]… and $n more[/]", n=hidden))
    return Content("\n").join(lines)


class RecipientsBox(StyledWidget):
    """A text box for recipients and a live summary of what was understood."""

    class Changed(Message):
        """The recipients were re-read after an edit."""

        def __init__(self, box: RecipientsBox, parsed: ParsedRecipients) -> None:
            super().__init__()
            self.box = box
            self.parsed = parsed

        @property
        def control(self) -> RecipientsBox:
            return self.box

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
        self._parsed_text: str | None = None
        self._parsed = parse_recipients("")
        self._shown_text: str | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield TextArea(
            self._initial,
            tab_behavior="focus",
            soft_wrap=True,
            placeholder=self._placeholder,
            classes="recipients-input",
        )
        yield Static(classes="recipients-summary")
        yield Static(classes="recipients-invalid")

    def on_mount(self) -> None:
        self._show()

    @property
    def text_area(self) -> TextArea:
        return self.query_one(".recipients-input", TextArea)

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
    def parsed(self) -> ParsedRecipients:
        """The current text's recipients (parsed now if the summary lags behind)."""
        text = self.text
        if text != self._parsed_text:
            self._parsed = parse_recipients(text)
            self._parsed_text = text
        return self._parsed

    @property
    def numbers(self) -> list[str]:
        """Valid numbers, normalised (923XXXXXXXXX), without repeats, in order."""
        return list(self.parsed.valid)

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focusing the box puts the cursor in its text area."""
        if self.is_mounted:
            self.text_area.focus(scroll_visible)
        return self

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if len(event.text_area.text) > IMMEDIATE_LIMIT:
            self.query_one(".recipients-summary", Static).update(
                Content.from_markup("[dim]Reading numbers…[/]")
            )
            self._timer = self.set_timer(DEBOUNCE_SECONDS, self._show)
        else:
            self._show()

    def _show(self) -> None:
        self._timer = None
        parsed = self.parsed
        if self._shown_text == self._parsed_text:
            return
        self._shown_text = self._parsed_text
        self.query_one(".recipients-summary", Static).update(summary_content(parsed))
        invalid = self.query_one(".recipients-invalid", Static)
        invalid.update(invalid_content(parsed))
        invalid.display = bool(parsed.invalid)
        self.post_message(self.Changed(self, parsed))
