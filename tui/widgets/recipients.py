"""The recipients box: numbers pasted in any format, with a live summary.

Typing or pasting updates a summary line (valid, duplicates, invalid) and lists
the invalid tokens with the reason each was refused. Large pastes are parsed
after a short pause in typing rather than on every keystroke; ``parsed`` is
always current whatever the pause.

The number still being typed at the end of the box is not listed as invalid
until typing pauses (``VERDICT_PAUSE``) or a separator follows it: "0300 12" is
not yet wrong. Besides sparing the user a flickering verdict, this keeps the
box's height still while a number is typed: each change of height re-lays out
the whole screen (about 40 ms on Quick send), once per key press.
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
#: Seconds without typing before the number at the end of the box is judged.
VERDICT_PAUSE = 0.6
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


def _typed_last(text: str, parsed: ParsedRecipients) -> bool:
    """Whether the last invalid token is the one still being typed at the end."""
    if not parsed.invalid or not text or text[-1].isspace() or text[-1] in ",;|":
        return False
    return text.endswith(parsed.invalid[-1][0])


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
        self._verdict_timer: Timer | None = None
        self._shown_invalid: list[tuple[str, str]] | None = None
        self._last_text = text

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
        for timer in (self._timer, self._verdict_timer):
            if timer is not None:
                timer.stop()
        self._timer = self._verdict_timer = None
        text, previous = event.text_area.text, self._last_text
        self._last_text = text
        # A key typed or rubbed out at the end; a paste, a loaded text or an edit
        # elsewhere is judged at once.
        typing = (
            abs(len(text) - len(previous)) == 1
            and (text.startswith(previous) or previous.startswith(text))
            and event.text_area.cursor_at_end_of_text
        )
        if len(text) > IMMEDIATE_LIMIT:
            self.query_one(".recipients-summary", Static).update(
                Content.from_markup("[dim]Reading numbers…[/]")
            )
            self._timer = self.set_timer(DEBOUNCE_SECONDS, self._show)
        else:
            self._show(typing=typing)

    def _show(self, *, typing: bool = False) -> None:
        self._timer = None
        parsed = self.parsed
        shown = parsed
        if typing and _typed_last(self._parsed_text or "", parsed):
            shown = ParsedRecipients(parsed.valid, parsed.duplicates, parsed.invalid[:-1])
            self._verdict_timer = self.set_timer(VERDICT_PAUSE, self._show_verdict)
        elif self._shown_text == self._parsed_text:
            return
        self._shown_text = self._parsed_text if shown is parsed else None
        # The summary is one line (its height is fixed), so its update needs no
        # layout; the invalid list is laid out again only when it changes.
        summary = self.query_one(".recipients-summary", Static)
        summary.update(summary_content(shown), layout=False)
        if shown.invalid != self._shown_invalid:
            self._shown_invalid = list(shown.invalid)
            invalid = self.query_one(".recipients-invalid", Static)
            invalid.update(invalid_content(shown))
            invalid.display = bool(shown.invalid)
        self.post_message(self.Changed(self, parsed))

    def _show_verdict(self) -> None:
        self._verdict_timer = None
        self._show()
