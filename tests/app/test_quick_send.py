"""Quick send against the simulator: pasted numbers, confirmation, live statuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events as textual_events
from textual.pilot import Pilot
from textual.widgets import Button, Select, Static, TextArea

from tests.app.harness import asked_by, demo_app, type_burst, wait_until
from tui.gateway.codes import AudioStatus, CallStatus
from tui.screens.confirm import ConfirmScreen
from tui.screens.quick_send import QuickSendScreen
from tui.widgets import MessageComposer, RecipientsBox
from tui.widgets.send_results import ResultsTable


def sent_pages(sim: Any) -> list[str]:
    return [r.page for r in sim.requests]


async def paste(pilot: Pilot[None], text: str) -> None:
    """Paste as a terminal does: the app hands the text to the focused widget."""
    assert isinstance(pilot.app.focused, TextArea)
    pilot.app.post_message(textual_events.Paste(text))
    await pilot.pause()


async def asked(pilot: Pilot[Any]) -> ConfirmScreen:
    """Ctrl+S, and the confirmation it brings up."""
    return await asked_by(pilot, "ctrl+s", ConfirmScreen)


async def enter_sends_nothing(
    pilot: Pilot[Any], confirm: ConfirmScreen, starts: str, says: str
) -> None:
    """A repeat's question: it starts with ``starts`` and says ``says``; Cancel
    has the focus, so Enter closes it and sends nothing."""
    behind = pilot.app.screen_stack[-2]
    assert confirm.question.startswith(starts) and says in confirm.question
    assert confirm.focused is not None and confirm.focused.id == "cancel"
    await pilot.press("enter")
    await wait_until(pilot, lambda: pilot.app.screen is behind, "closed")
    await pilot.pause(0.2)


def statuses(table: ResultsTable) -> list[str]:
    return [str(table.get_row_at(i)[3]) for i in range(table.row_count)]


async def test_sms_to_three_pasted_numbers_reaches_sent(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, QuickSendScreen)
        # Focus starts in the recipients box; paste numbers in three formats.
        assert app.focused is screen.query_one(RecipientsBox).text_area
        await paste(pilot, "0300-1234567, +92 321 7654321\n0092 333 1112223 03001234567")
        summary = str(screen.query_one(".recipients-summary", Static).content)
        assert "3 valid" in summary and "1 duplicate" in summary
        await pilot.press("tab")
        assert app.focused is screen.query_one(MessageComposer).text_area
        await pilot.press(*"Hello from csms")
        before = len(sim.requests)

        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.question.startswith(
            "Send 1 message of 1 segment (GSM-7) to 3 numbers (3 segments in all)?"
        )
        assert "1 repeated number in the list sent once" in confirm.question
        assert "To: 923001234567, 923217654321, 923331112223" in confirm.question
        assert confirm.question.endswith("Text:\nHello from csms")
        assert confirm.focused is not None and confirm.focused.id == "confirm"
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.query_one(ResultsTable).row_count == 3)

        sends = [r for r in sim.requests[before:] if r.page == "sendsms.jsp"]
        assert len(sends) == 1
        assert sends[0].params["to"].split(",") == [
            "923001234567",
            "923217654321",
            "923331112223",
        ]
        table = screen.query_one(ResultsTable)
        ids = [str(table.get_row_at(i)[2]) for i in range(3)]
        assert all(ids) and len(set(ids)) == 3
        assert [str(table.get_row_at(i)[0]) for i in range(3)] == [
            "923001234567",
            "923217654321",
            "923331112223",
        ]

        summary = screen.query_one("#results-summary", Static)
        assert str(summary.render()) == "3 waiting"
        sim.clock.advance(120)
        await wait_until(pilot, lambda: statuses(table) == ["Sent"] * 3)
        await wait_until(pilot, lambda: str(summary.render()) == "3 sent", "the summary")
        # The rows were updated in place, keyed by message ID.
        assert [str(table.get_row_at(i)[2]) for i in range(3)] == ids

        # The selected row's ID is copied with c.
        table.focus()
        table.move_cursor(row=1)
        await pilot.press("c")
        assert app.clipboard == ids[1]


async def test_keys_typed_right_after_tab_go_to_the_next_field(tmp_path: Path) -> None:
    """A fast typist: number, Tab, message in one burst (none handled before the
    next arrives); the message lands in the message box, not after the number."""
    async with demo_app(tmp_path, "quick_send") as (app, pilot, _sim):
        screen = app.screen
        assert isinstance(screen, QuickSendScreen)
        box = screen.query_one(RecipientsBox)
        composer = screen.query_one(MessageComposer)
        type_burst(app, "03001234567", "tab", *"Hello test", "shift+tab", *",03011234567")
        await wait_until(pilot, lambda: box.text.endswith("03011234567"), "the second number")
        assert box.text == "03001234567,03011234567"
        assert composer.text_area.text == "Hello test"
        assert app.focused is box.text_area


async def test_invalid_number_blocks_sending_and_is_named(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, QuickSendScreen)
        await paste(pilot, "03001234567, 0300123\n+44 20 7946 0958")
        await pilot.press("tab", *"Hi")
        before = len(sim.requests)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        error = str(screen.query_one("#send-error", Static).content)
        assert "Nothing was sent: 2 invalid numbers" in error
        assert "'0300123'" in error
        assert "'+44 20 7946 0958'" in error
        assert "sendsms.jsp" not in sent_pages(sim)[before:]
        # The cursor is back in the recipients box to correct them.
        assert app.focused is screen.query_one(RecipientsBox).text_area


async def test_cancelled_confirmation_sends_nothing(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, QuickSendScreen)
        await paste(pilot, "03001234567")
        await pilot.press("tab", *"Salaam")
        before = len(sim.requests)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert "sendsms.jsp" not in sent_pages(sim)[before:]
        assert screen.query_one(ResultsTable).row_count == 0


def sent_texts(sim: Any) -> list[str]:
    """The text of every SMS the gateway accepted."""
    with sim.lock:
        return [m.text for m in sim.state.messages.values()]


async def test_enter_presses_the_focused_button_of_the_confirmation(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send", size=(80, 24)) as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, QuickSendScreen)
        await paste(pilot, "03001234567, 03217654321")
        await pilot.press("tab", *"Meeting moved to 3 pm")
        assert app.engine is not None
        ledger = app.engine.ledger
        tracked = ledger.tracking.in_flight().messages
        seeded = sent_texts(sim)  # the demo's own

        async def ask() -> ConfirmScreen:
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "question")
            confirm = app.screen
            assert isinstance(confirm, ConfirmScreen)
            # The whole dialog, buttons included, is on the 80x24 screen.
            for button in confirm.query(Button):
                assert button.region.height and button.region.bottom <= 24
            return confirm

        # Cancel focused, Enter: nothing goes out.
        confirm = await ask()
        await pilot.press("left")
        assert confirm.focused is not None and confirm.focused.id == "cancel"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, "closed")
        # Send focused, Escape: nothing goes out either.
        confirm = await ask()
        assert confirm.focused is not None and confirm.focused.id == "confirm"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "closed")
        await pilot.pause(0.2)
        assert "sendsms.jsp" not in sent_pages(sim) and sent_texts(sim) == seeded
        assert ledger.tracking.in_flight().messages == tracked  # nothing recorded as sent
        # Tab from Cancel to Send, Enter: sent once.
        confirm = await ask()
        await pilot.press("left", "tab")
        assert confirm.focused is not None and confirm.focused.id == "confirm"
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.query_one(ResultsTable).row_count == 2, "sent")
        assert sent_texts(sim) == [*seeded, "Meeting moved to 3 pm", "Meeting moved to 3 pm"]

        # The form keeps what was sent: Ctrl+S again says it went already, and a
        # stray Enter (Cancel has the focus) does not send it twice.
        await enter_sends_nothing(
            pilot,
            await ask(),
            "Already sent in the last hour: the same text went to all 2 of these numbers",
            "Sending again sends it twice.",
        )
        assert sent_texts(sim).count("Meeting moved to 3 pm") == 2
        # Another text to the same numbers is not a repeat.
        composer = screen.query_one(MessageComposer)
        composer.text = "Meeting moved to 4 pm"
        confirm = await ask()
        assert not confirm.question.startswith("Already sent")
        assert confirm.focused is not None and confirm.focused.id == "confirm"
        await pilot.press("escape")


async def test_empty_message_is_refused(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send") as (app, pilot, _sim):
        screen = app.screen
        assert isinstance(screen, QuickSendScreen)
        await paste(pilot, "03001234567")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "Write the message text" in str(screen.query_one("#send-error", Static).content)
        assert app.focused is screen.query_one(MessageComposer).text_area


async def test_unknown_outcome_is_shown_as_such(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, QuickSendScreen)
        sim.faults.add("sendsms", kind="drop", probability=1.0, count=1)
        await paste(pilot, "03001234567 03217654321")
        await pilot.press("tab", *"Are you there?")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        table = screen.query_one(ResultsTable)
        await wait_until(pilot, lambda: table.row_count == 2)
        assert statuses(table) == ["Unknown outcome", "Unknown outcome"]
        assert [str(table.get_row_at(i)[2]) for i in range(2)] == ["—", "—"]
        assert app.engine is not None
        assert len(app.engine.ledger.unknown.unknown_submits()) == 1

        # Ctrl+S again, as after a failure: the question says it may have gone
        # out, and Enter (Cancel has the focus) sends nothing.
        submits = sent_pages(sim).count("sendsms.jsp")
        await enter_sends_nothing(
            pilot,
            await asked(pilot),
            "Outcome unknown: the same text was sent to all 2 of these numbers at ",
            "Sending again may send it twice.",
        )
        assert sent_pages(sim).count("sendsms.jsp") == submits


async def test_call_with_a_ready_recording(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, QuickSendScreen)
        assert app.engine is not None
        ready = app.engine.ledger.audio.audio_files(AudioStatus.READY)
        assert ready, "the demo has ready recordings"
        await pilot.click("#kind-call")
        assert screen.kind == "call"
        assert not screen.query_one("#sms-fields").display
        screen.query_one(RecipientsBox).text = "03001234567, 0321 7654321"
        before = len(sim.requests)

        # No recording chosen yet: refused, nothing sent.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "Choose the recording" in str(screen.query_one("#send-error", Static).content)

        screen.query_one("#audio", Select).value = ready[0].id
        screen.query_one("#retries", Select).value = 1
        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert f"Call 2 numbers with the recording {ready[0].name!r}" in confirm.question
        assert "(1 retry)" in confirm.question
        await pilot.press("enter")
        table = screen.query_one(ResultsTable)
        await wait_until(pilot, lambda: table.row_count == 2, "call rows")
        calls = [r for r in sim.requests[before:] if r.page == "makecall.jsp"]
        assert len(calls) == 1
        assert calls[0].params["file_id"] == ready[0].id
        assert calls[0].params["max_retries"] == "1"
        assert [str(table.get_row_at(i)[1]) for i in range(2)] == ["Call", "Call"]
        sim.clock.advance(600)
        await wait_until(
            pilot,
            lambda: all(s != "Submitted" for s in statuses(table)),
            "call statuses",
        )
        assert all(s.startswith(("Call", "Recipient", "Not")) for s in statuses(table))


async def test_feedback_call_needs_both_clips(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, QuickSendScreen)
        assert app.engine is not None
        ready = app.engine.ledger.audio.audio_files(AudioStatus.READY)
        assert len(ready) >= 2
        await pilot.click("#kind-feedback")
        assert screen.query_one("#feedback-fields").display
        screen.query_one(RecipientsBox).text = "03001234567"
        screen.query_one("#audio", Select).value = ready[0].id
        screen.query_one("#valid-options", Select).value = 3
        screen.query_one("#valid-clip", Select).value = ready[1].id
        before = len(sim.requests)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "invalid key" in str(screen.query_one("#send-error", Static).content)

        screen.query_one("#invalid-clip", Select).value = ready[0].id
        sim.script_call("923001234567", [CallStatus.SENT], option="2")
        await pilot.press("ctrl+s")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "Valid keys: 1-3" in confirm.question
        await pilot.press("enter")
        table = screen.query_one(ResultsTable)
        await wait_until(pilot, lambda: table.row_count == 1, "feedback row")
        [call] = [r for r in sim.requests[before:] if r.page == "make_feedback_call.jsp"]
        assert call.params["valid_options"] == "3"
        assert call.params["valid_feedback_file_id"] == ready[1].id
        assert call.params["invalid_feedback_file_id"] == ready[0].id
        assert str(table.get_row_at(0)[1]) == "Feedback call"
        # The key pressed shows in the live status.
        sim.clock.advance(300)
        await wait_until(pilot, lambda: statuses(table) == ["Call Sent (pressed 2)"], "the key")
        # The column takes the width the table leaves (not the first statuses' width).
        assert table.columns["status"].width >= len("Call Sent (pressed 2)")  # type: ignore[index]
        summary = screen.query_one("#results-summary", Static)
        assert str(summary.render()) == "1 sent"


async def test_numbers_on_the_do_not_contact_list_are_named_and_left_out(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, QuickSendScreen) and app.engine is not None
        app.engine.optouts.add(["03217654321"], note="asked by phone")
        await paste(pilot, "03001234567, 03217654321, 03331112223")
        await pilot.press("tab", *"Sale ends today")
        confirm = await asked(pilot)
        # What it costs counts only the numbers it goes to.
        assert confirm.question.startswith(
            "Send 1 message of 1 segment (GSM-7) to 2 numbers (2 segments in all)?"
        )
        assert "Left out, on the do-not-contact list: 923217654321." in confirm.question
        assert "To: 923001234567, 923331112223\n" in confirm.question
        await pilot.press("enter")
        table = screen.query_one(ResultsTable)
        await wait_until(pilot, lambda: table.row_count == 3, "results")
        rows = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[3]) for i in range(3)}
        assert rows["923217654321"] == "Not sent: do-not-contact list"
        summary = str(screen.query_one("#results-summary", Static).render())
        assert summary == "2 waiting · 1 blocked"
        sends = [r for r in sim.requests if r.page == "sendsms.jsp"]
        assert sends[-1].params["to"].split(",") == ["923001234567", "923331112223"]

        # Everyone on the list: refused before any question.
        screen.query_one(RecipientsBox).text = "03217654321"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "every recipient is on the do-not-contact list" in str(
            screen.query_one("#send-error", Static).content
        )
