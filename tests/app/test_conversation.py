"""The conversation with one number: sent and received in time order, a reply
box with the usual confirmation; opened from the palette and from Activity."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from tests.app.harness import demo_app, wait_until
from tui.screens.confirm import ConfirmScreen
from tui.screens.conversation import ConversationScreen
from tui.widgets import MessageComposer

CUSTOMER = "923007778889"


def lines(screen: ConversationScreen) -> list[str]:
    return [str(s.content) for s in screen.query(".conv-item").results(Static)]


async def test_a_conversation_from_the_palette_shows_both_sides_and_replies(
    tmp_path: Path,
) -> None:
    async with demo_app(tmp_path, "dashboard", size=(80, 24)) as (app, pilot, sim):
        engine = app.engine
        await engine.send_sms([CUSTOMER], "Your order has shipped")
        # The demo's clock stands still until moved: the answer comes a second later.
        sim.clock.advance(1)
        sim.push_incoming(CUSTOMER, "Thanks, when will it arrive?", "8111", at=engine.now())
        await engine.pay_and_fetch()

        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"0300 777 8889")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConversationScreen), "the screen")
        screen = app.screen
        assert isinstance(screen, ConversationScreen) and screen.number == CUSTOMER
        await wait_until(pilot, lambda: len(lines(screen)) == 2, "the thread")
        sent, received = lines(screen)
        assert "→ SMS" in sent and sent.endswith(": Your order has shipped")
        assert "← Received" in received and received.endswith(": Thanks, when will it arrive?")
        # Opening the conversation read the message.
        assert engine.threads.conversations()[0].unread == 0

        assert app.focused is screen.query_one(MessageComposer).text_area
        await pilot.press(*"Tomorrow by noon")
        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "To: 923007778889" in confirm.question
        assert confirm.question.endswith("Text:\nTomorrow by noon")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(lines(screen)) == 3, "the reply in the thread")
        assert [line for line in lines(screen) if line.endswith(": Tomorrow by noon")]
        assert screen.query_one(MessageComposer).text == ""
        sent_to = [r.params["to"] for r in sim.requests if r.page == "sendsms.jsp"]
        assert sent_to == [CUSTOMER, CUSTOMER]
        await pilot.press("escape")
        assert not isinstance(app.screen, ConversationScreen)


async def test_enter_on_an_sms_in_activity_opens_its_conversation(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "activity") as (app, pilot, _sim):
        await app.engine.send_sms([CUSTOMER], "Hello from the branch")
        await pilot.press("ctrl+r")
        table = app.screen.query_one("#items", DataTable)
        await wait_until(pilot, lambda: table.row_count > 0, "the rows")
        keys = [row.key.value for row in table.ordered_rows]
        [key] = [k for k in keys if k and k.startswith("message:")
                 and table.get_cell(k, "target") == CUSTOMER]  # fmt: skip
        table.move_cursor(row=table.get_row_index(key))
        table.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConversationScreen), "the screen")
        screen = app.screen
        await wait_until(pilot, lambda: len(lines(screen)) == 1, "the thread")
        assert lines(screen)[0].endswith(": Hello from the branch")


async def test_enter_again_on_an_inbox_message_opens_its_conversation(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "inbox") as (app, pilot, sim):
        sim.push_incoming(CUSTOMER, "Is my order ready?", "8111")
        await app.engine.pay_and_fetch()
        table = app.screen.query_one("#messages", DataTable)
        await wait_until(pilot, lambda: table.row_count > 0, "the messages")
        table.focus()
        table.move_cursor(row=0)
        sender = str(table.get_row_at(0)[2])
        await pilot.press("enter")  # opens the message below the table
        await pilot.pause()
        assert not isinstance(app.screen, ConversationScreen)
        await pilot.press("enter")  # again: the conversation with its sender
        await wait_until(pilot, lambda: isinstance(app.screen, ConversationScreen), "the screen")
        screen = app.screen
        assert isinstance(screen, ConversationScreen) and screen.number == sender
        await wait_until(pilot, lambda: len(lines(screen)) >= 1, "the thread")
        assert "← Received (read)" in lines(screen)[-1]
