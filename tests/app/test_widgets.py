"""The recipients box and the message composer, driven in a headless app."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.widgets import RadioSet, Static, TextArea

from tui.gateway.numbers import ParsedRecipients
from tui.gateway.text import TextAnalysis
from tui.widgets import MessageComposer, RecipientsBox
from tui.widgets import recipients as recipients_module
from tui.widgets.choice import Choice
from tui.widgets.recipients import VERDICT_PAUSE
from tui.widgets.reply_quote import QUOTE_CHARS, Reply, quote_text
from tui.widgets.tick import Tick
from tui.widgets.tick_list import TickList


class WidgetApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.parsed: list[ParsedRecipients] = []
        self.analyses: list[TextAnalysis] = []
        self.parsed_event = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield RecipientsBox(id="rcpt")
        yield MessageComposer(id="msg")

    def on_mount(self) -> None:
        self.query_one(RecipientsBox).focus()

    def on_recipients_box_changed(self, event: RecipientsBox.Changed) -> None:
        self.parsed.append(event.parsed)
        self.parsed_event.set()

    def on_message_composer_changed(self, event: MessageComposer.Changed) -> None:
        self.analyses.append(event.analysis)


def shown(widget: RecipientsBox | MessageComposer, selector: str) -> str:
    return str(widget.query_one(selector, Static).content)


async def test_recipients_summary_counts_valid_duplicate_and_invalid() -> None:
    app = WidgetApp()
    async with app.run_test(size=(110, 40)) as pilot:
        box = app.query_one(RecipientsBox)
        box.text = "0300-1234567, +92 321 7654321\n03001234567 abc\n0300"
        await pilot.pause()
        assert box.numbers == ["923001234567", "923217654321"]
        assert box.parsed.duplicates == ["923001234567"]
        assert [raw for raw, _ in box.parsed.invalid] == ["abc", "0300"]
        summary = shown(box, ".recipients-summary")
        assert "2 valid" in summary
        assert "1 duplicate " in summary
        assert "2 invalid" in summary
        invalid = shown(box, ".recipients-invalid")
        assert "'abc'" in invalid and "'0300'" in invalid
        assert box.query_one(".recipients-invalid").display
        assert app.parsed[-1].valid == box.numbers


async def test_typing_updates_the_summary_live() -> None:
    app = WidgetApp()
    async with app.run_test(size=(110, 40)) as pilot:
        box = app.query_one(RecipientsBox)
        assert isinstance(app.focused, TextArea)
        assert box.text_area is app.focused
        await pilot.press(*"03001234567")
        assert "1 valid" in shown(box, ".recipients-summary")
        await pilot.press("comma", *"12")
        # The number still being typed is judged once typing pauses.
        assert "0 invalid" in shown(box, ".recipients-summary")
        assert not box.query_one(".recipients-invalid").display
        assert [raw for raw, _ in box.parsed.invalid] == ["12"]  # sending sees it
        await pilot.pause(VERDICT_PAUSE + 0.2)
        assert "1 invalid" in shown(box, ".recipients-summary")
        assert "'12'" in shown(box, ".recipients-invalid")
        await pilot.press("backspace", *"2", "space")  # a separator ends it at once
        assert "1 invalid" in shown(box, ".recipients-summary")
        await pilot.press("backspace")
        await pilot.press("backspace", "backspace", "backspace")
        assert "0 invalid" in shown(box, ".recipients-summary")
        assert not box.query_one(".recipients-invalid").display


async def test_tab_moves_from_recipients_to_message() -> None:
    app = WidgetApp()
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.press(*"03001234567")
        await pilot.press("tab")
        composer = app.query_one(MessageComposer)
        assert app.focused is composer.text_area
        assert app.query_one(RecipientsBox).text == "03001234567"


async def test_large_paste_is_summarised_after_a_pause_but_parsed_exactly() -> None:
    numbers = [f"0300{n:07d}" for n in range(2_500)]
    text = "\n".join(numbers)
    assert len(text) > recipients_module.IMMEDIATE_LIMIT
    app = WidgetApp()
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        box = app.query_one(RecipientsBox)
        app.parsed_event.clear()
        box.text_area.load_text(text)
        await pilot.pause()
        # The summary waits for typing to pause; the property is exact at once.
        assert len(box.numbers) == 2_500
        await asyncio.wait_for(app.parsed_event.wait(), timeout=5)
        assert "2500 valid" in shown(box, ".recipients-summary")


async def test_composer_counts_gsm7_and_segments() -> None:
    app = WidgetApp()
    async with app.run_test(size=(110, 40)) as pilot:
        composer = app.query_one(MessageComposer)
        composer.text = "Hello"
        await pilot.pause()
        counter = shown(composer, ".composer-counter")
        assert "5 characters" in counter
        assert "GSM-7" in counter
        assert "1 segment " in counter
        assert "155 left" in counter
        assert not composer.query_one(".composer-forcing").display

        composer.text = "x" * 161
        await pilot.pause()
        assert composer.analysis.segments == 2
        assert "2 segments" in shown(composer, ".composer-counter")
        assert "153 per segment" in shown(composer, ".composer-counter")

        composer.text = "Price {5}"  # extension characters count two units each
        await pilot.pause()
        assert "9 characters" in shown(composer, ".composer-counter")
        assert "11 units" in shown(composer, ".composer-counter")
        assert app.analyses[-1].units == 11


async def test_composer_names_the_characters_that_forced_unicode() -> None:
    app = WidgetApp()
    async with app.run_test(size=(110, 40)) as pilot:
        composer = app.query_one(MessageComposer)
        composer.focus()
        await pilot.press(*"Its fine")
        assert "GSM-7" in shown(composer, ".composer-counter")
        composer.text = "It’s\u00a0fine, شکریہ"
        await pilot.pause()
        counter = shown(composer, ".composer-counter")
        assert "Unicode (UCS-2)" in counter
        assert "70 per segment" in counter
        forcing = shown(composer, ".composer-forcing")
        assert "’" in forcing
        assert "U+00A0 NO-BREAK SPACE" in forcing
        assert "ش" in forcing
        assert composer.query_one(".composer-forcing").display
        assert composer.analysis.is_unicode


class TickApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TickList(("Customers", "1001"), ("Staff", "1002", True), id="ticks")


async def test_tick_list_marks_only_ticked_options() -> None:
    app = TickApp()
    async with app.run_test(size=(40, 6)) as pilot:
        ticks = app.query_one(TickList)
        ticks.focus()
        await pilot.pause()

        def boxes() -> list[str]:
            return [ticks.render_line(y).text[:3] for y in range(2)]

        # On a monochrome screen the state is in the glyph, not in the colour.
        assert boxes() == ["▐ ▌", "▐X▌"]
        await pilot.press("space")  # ticks the highlighted first option
        await pilot.pause()
        assert boxes() == ["▐X▌", "▐X▌"]
        assert set(ticks.selected) == {"1001", "1002"}


def test_reply_quote_says_from_whom_when_and_what() -> None:
    reply = Reply("923001234567", "2026-12-04 09:15", "Is the Eid sale\nstill on?")
    assert quote_text(reply) == (
        "Replying to 923001234567 (2026-12-04 09:15):\n“Is the Eid sale still on?”"
    )
    long = quote_text(Reply("92300", "", "x" * 500))
    assert long.startswith("Replying to 92300:\n“") and long.endswith("…”")
    assert len(long.splitlines()[1]) == QUOTE_CHARS + 2


class ChoiceApp(App[None]):
    def compose(self) -> ComposeResult:
        with RadioSet(id="when"):
            yield Choice("Send now", value=True, id="now")
            yield Choice("At a date and time", id="later")


async def test_choice_shows_which_button_is_chosen_without_colour() -> None:
    app = ChoiceApp()
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.pause()

        def buttons() -> list[str]:
            return [str(app.query_one(f"#{i}", Choice).render())[:3] for i in ("now", "later")]

        assert buttons() == ["▐●▌", "▐ ▌"]
        app.query_one(RadioSet).focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert buttons() == ["▐ ▌", "▐●▌"]


class CheckboxApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Tick("Auto-fetch", value=True, id="on")
        yield Tick("Remember the password", id="off")


async def test_tick_shows_its_state_without_colour() -> None:
    app = CheckboxApp()
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.pause()

        def boxes() -> list[str]:
            return [str(app.query_one(f"#{i}", Tick).render())[:3] for i in ("on", "off")]

        assert boxes() == ["▐X▌", "▐ ▌"]
        app.query_one("#off", Tick).focus()
        await pilot.press("enter")
        app.query_one("#on", Tick).value = False
        await pilot.pause()
        assert boxes() == ["▐ ▌", "▐X▌"]


async def test_typing_a_number_does_not_lay_out_the_screen_again(monkeypatch) -> None:
    """Each key press in the box repaints it, never re-lays out the screen (which
    costs tens of milliseconds on a full screen); the half-typed number's verdict
    comes once typing pauses."""
    from textual.screen import Screen

    layouts: list[int] = []
    original = Screen._refresh_layout

    def counted(self: Screen, *args: object, **kwargs: object) -> None:
        layouts.append(1)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    app = WidgetApp()
    async with app.run_test(size=(110, 40)) as pilot:
        box = app.query_one(RecipientsBox)
        await pilot.pause()
        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        for key in "0300123456712":
            await pilot.press(key)
            await pilot.pause()
        assert "No numbers yet." in shown(box, ".recipients-summary")
        assert layouts == []
        await pilot.pause(VERDICT_PAUSE + 0.2)
        assert "1 invalid" in shown(box, ".recipients-summary")
        assert layouts  # the invalid list appeared: laid out once it shows
