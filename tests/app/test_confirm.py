"""The confirmation dialog: Enter presses the focused button, never the other one."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Label

from tui.screens.confirm import ConfirmScreen


class Host(App[None]):
    def __init__(self, dialog: ConfirmScreen) -> None:
        super().__init__()
        self.dialog = dialog
        self.answers: list[bool | None] = []

    def compose(self) -> ComposeResult:
        yield Label("behind the dialog")

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.answers.append)


@pytest.mark.parametrize(
    ("options", "first", "keys", "answer"),
    [
        ({}, "confirm", ["enter"], True),
        ({}, "confirm", ["left", "enter"], False),
        ({"danger": True}, "cancel", ["enter"], False),  # Discard, Delete, Resend
        ({"danger": True}, "cancel", ["right", "enter"], True),
        ({"safe_default": True}, "cancel", ["enter"], False),  # Pay
        ({"safe_default": True}, "cancel", ["tab", "enter"], True),
        ({}, "confirm", ["escape"], False),
        ({"danger": True}, "cancel", ["right", "escape"], False),
    ],
)
async def test_enter_presses_the_focused_button(
    options: dict[str, bool], first: str, keys: list[str], answer: bool
) -> None:
    app = Host(ConfirmScreen("Send 1 message to 3 numbers (3 segments)?", **options))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.focused is not None and app.screen.focused.id == first
        await pilot.press(*keys)
        await pilot.pause()
    assert app.answers == [answer]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_long_question_scrolls_and_the_buttons_stay_on_screen(
    size: tuple[int, int],
) -> None:
    question = "\n".join(f"Line {n}: 0300-12345{n:02d} will be charged." for n in range(60))
    app = Host(ConfirmScreen(question, confirm_label="Pay", safe_default=True))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        width, height = size
        for button in app.screen.query(Button):
            region = button.region
            # Whole buttons, above the footer that says Escape cancels.
            assert region.height == 3 and region.bottom <= height - 1 and region.right <= width
        body = app.screen.query_one("#confirm-body")
        assert body.max_scroll_y > 0  # the rest of the question is a scroll away
        assert body.region.height >= height - 12
        footer = {b.binding.key for b in app.screen.active_bindings.values() if b.binding.show}
        assert "escape" in footer and "enter" not in footer


async def test_there_is_no_enter_binding_to_bypass_the_focus() -> None:
    keys = {
        key.strip()
        for binding in ConfirmScreen.BINDINGS
        if isinstance(binding, Binding)
        for key in binding.key.split(",")
    }
    assert "enter" not in keys
    app = Host(ConfirmScreen("Send?"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # Enter is the focused button's own key, nobody else's.
        enter = app.screen.active_bindings["enter"]
        assert enter.node is app.screen.focused and isinstance(enter.node, Button)


@pytest.mark.parametrize("dialog", ["confirm", "hours"])
async def test_tab_only_visits_the_buttons_and_the_keys_scroll_a_long_question(
    dialog: str,
) -> None:
    """The question's scroll area never takes the focus (a focus nobody can see,
    where Enter does nothing); up/down/page keys scroll it from any button."""
    from tui.screens.sending_hours import SendingHoursScreen

    question = "\n".join(f"Line {n}: 0300-12345{n:02d} will be sent." for n in range(60))
    screen: ConfirmScreen | SendingHoursScreen = (
        ConfirmScreen(question, safe_default=True)
        if dialog == "confirm"
        else SendingHoursScreen(
            "It is 23:10 (Fri), outside the hours.", question, "09:00", title="Send"
        )
    )
    app = Host(screen)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            focused = app.screen.focused
            assert isinstance(focused, Button), focused
            seen.append(focused.id)
        assert len(set(seen)) == len(app.screen.query(Button))
        body = app.screen.query_one("#confirm-body" if dialog == "confirm" else "#hours-body")
        assert body.scroll_y == 0
        await pilot.press("down", "down", "pagedown")
        await pilot.pause()
        assert body.scroll_y == 12
        assert isinstance(app.screen.focused, Button)
