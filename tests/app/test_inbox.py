"""The inbox against the simulator: pay and fetch, Urdu, search, paging, reply, export."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.geometry import Region
from textual.widgets import Checkbox, Input, Static

from tests.app.harness import demo_app, wait_until, workers_done
from tui.engine.inbox_view import InboxWriting
from tui.gateway.results import IncomingMessage
from tui.screens.confirm import ConfirmScreen
from tui.screens.inbox import PAGE_SIZE, UNREAD_MARK, InboxScreen, InboxTable, is_rtl
from tui.screens.quick_send import QuickSendScreen
from tui.widgets import MessageComposer, RecipientsBox
from tui.widgets.reply_quote import Reply, ReplyQuote
from tui.widgets.send_results import ResultsTable, SendResults

URDU = "آپ کا آرڈر تیار ہے، کل صبح 10 بجے لے جائیں۔ شکریہ!"
URDU_SENDER = "923451234567"
ENGLISH = "Is the shop open on Sunday?"
ENGLISH_SENDER = "923009876543"
ACCOUNT = "923001234567"


def rendered_text(widget: Static) -> str:
    """What the widget paints on screen, line by line."""
    width, height = widget.size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


def cells(table: InboxTable, column: int) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


async def pay_and_fetch(app: Any, pilot: Any) -> int:
    """Pay and fetch through the screen; returns how many the confirmation named."""
    await pilot.press("P")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirmation")
    confirm = app.screen
    assert isinstance(confirm, ConfirmScreen)
    pending = app.engine.status.unpaid_pending
    assert pending >= 2  # the demo's own and the two pushed here
    assert f"Pay for and fetch {pending} pending messages" in confirm.question
    assert "free allowance" in confirm.question and "charge" in confirm.question
    # Paying: the safe button has the focus, so a stray Enter cannot pay.
    assert confirm.focused is not None and confirm.focused.id == "cancel"
    await pilot.press("right", "enter")
    return int(pending)


async def test_pay_and_fetch_then_read_urdu_search_and_export(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "inbox") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        sim.push_incoming(ENGLISH_SENDER, ENGLISH)
        sim.push_incoming(URDU_SENDER, URDU)
        table = screen.query_one(InboxTable)
        assert table.row_count == 0

        paid = await pay_and_fetch(app, pilot)
        await wait_until(pilot, lambda: table.row_count >= paid, "fetched messages")
        await workers_done(pilot, "inbox-action")
        assert app.engine is not None
        assert app.engine.status.unpaid_pending == 0
        assert set(cells(table, 0)) == {UNREAD_MARK}
        assert {URDU_SENDER, ENGLISH_SENDER} <= set(cells(table, 2))
        fetched = table.row_count

        # Open the Urdu message: shown whole, right-aligned, and marked read.
        row = cells(table, 2).index(URDU_SENDER)
        table.focus()
        table.move_cursor(row=row)
        await pilot.press("enter")
        detail = screen.query_one("#detail-text", Static)
        assert str(detail.content) == URDU
        assert detail.has_class("rtl")
        assert URDU in rendered_text(detail)
        assert URDU_SENDER in str(screen.query_one("#detail-meta", Static).content)
        assert cells(table, 0)[row] == ""
        assert app.engine is not None
        assert app.engine.ledger.inbox.unread_count() == fetched - 1

        # Search (Urdu word), then Escape clears.
        search = screen.query_one("#search", Input)
        search.focus()
        search.value = "تیار"
        await pilot.press("enter")
        assert cells(table, 2) == [URDU_SENDER]
        assert "matching" in str(screen.query_one("#page-info", Static).content)
        assert str(detail.content) == URDU  # the open message is listed: it stays open
        search.focus()
        await pilot.press("escape")
        assert table.row_count == fetched
        assert search.value == ""

        # A search that does not list the open message closes it: neither the
        # pane nor a reply is about a message that is not shown.
        search.focus()
        search.value = "Sunday"
        await pilot.press("enter")
        assert cells(table, 2) == [ENGLISH_SENDER]
        assert str(detail.content) == ""
        assert "Open a message" in str(screen.query_one("#detail-meta", Static).content)
        assert screen.opened is None
        search.value = "no such words anywhere"
        search.focus()
        await pilot.press("enter")
        assert table.row_count == 0
        assert screen.pages.reply(InboxWriting.of(app.engine), screen.opened) is None
        search.focus()
        await pilot.press("escape")
        assert table.row_count == fetched

        # Export to CSV and read it back.
        target = tmp_path / "inbox.csv"
        export = screen.query_one("#export-path", Input)
        export.value = str(target)
        export.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.last_export is not None, "export")
        assert screen.last_export == (target, fetched)
        with target.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        flat = [cell for row in rows[1:] for cell in row]
        assert URDU in flat and ENGLISH in flat
        assert f'="{URDU_SENDER}"' in flat  # spreadsheets keep all 12 digits


async def test_discard_says_what_is_lost(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "inbox") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        sim.push_incoming(ENGLISH_SENDER, ENGLISH)
        sim.push_incoming(URDU_SENDER, URDU)
        credit_before = sim.credit(ACCOUNT)
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirmation")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert app.engine is not None
        pending = app.engine.status.unpaid_pending
        assert pending >= 2
        assert f"Discard {pending} pending messages" in confirm.question
        assert "lost for good" in confirm.question
        assert confirm.focused is not None and confirm.focused.id == "cancel"
        await pilot.press("enter")  # Enter on the focused Cancel: nothing is discarded
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "closed")
        assert sim.pages_requested().count("getdiscardpending.jsp") == 0
        assert app.engine.status.unpaid_pending == pending
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirmation")
        await pilot.press("tab", "enter")
        assert app.engine is not None
        engine = app.engine
        await wait_until(pilot, lambda: engine.status.unpaid_pending == 0, "discarded")
        await workers_done(pilot, "inbox-action")
        assert screen.query_one(InboxTable).row_count == 0
        assert sim.credit(ACCOUNT) == credit_before
        # Nothing is left to pay for.
        await engine.refresh_account()
        assert engine.status.unpaid_pending == 0


async def test_paging_and_reply(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "inbox") as (app, pilot, _sim):
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        assert app.engine is not None
        ledger = app.engine.ledger
        total = 2 * PAGE_SIZE + 50
        raw = ledger.inbox.store_incoming_reply(b"<test/>", datetime.now(UTC))
        ledger.inbox.store_incoming_messages(
            raw,
            [
                IncomingMessage(
                    id=str(n),
                    msisdn=f"92300{n:07d}",
                    message=f"message number {n}",
                    short_code="8111",
                    timestamp_raw="2024,03,04 10:00",
                    timestamp=None,
                )
                for n in range(total)
            ],
        )
        screen.catch_up()
        table = screen.query_one(InboxTable)
        assert table.row_count == PAGE_SIZE
        assert "1-100 of 250" in str(screen.query_one("#page-info", Static).content)
        newest = cells(table, 3)[0]

        table.focus()
        await pilot.press("n")
        assert "101-200 of 250" in str(screen.query_one("#page-info", Static).content)
        assert table.row_count == PAGE_SIZE
        # PageDown on the last row turns to the next page.
        table.move_cursor(row=table.row_count - 1)
        await pilot.press("pagedown")
        assert "201-250 of 250" in str(screen.query_one("#page-info", Static).content)
        assert table.row_count == total - 2 * PAGE_SIZE
        await pilot.press("p", "p")
        assert cells(table, 3)[0] == newest

        # Reply: Quick send opens with the sender filled in.
        table.move_cursor(row=3)
        sender = cells(table, 2)[3]
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, QuickSendScreen), "quick send")
        quick = app.screen
        assert isinstance(quick, QuickSendScreen)
        assert quick.query_one(RecipientsBox).numbers == [sender]
        assert app.focused is quick.query_one(MessageComposer).text_area


async def test_auto_fetch_toggle_reaches_the_engine(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "inbox") as (app, pilot, _sim):
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        assert app.engine is not None
        switch = screen.query_one("#auto-fetch", Checkbox)
        assert switch.value is app.engine.status.auto_fetch is False
        await pilot.click("#auto-fetch")
        assert app.engine.status.auto_fetch is True
        await pilot.click("#auto-fetch")
        assert app.engine.status.auto_fetch is False


async def test_a_slow_fetch_says_it_is_fetching_until_it_answers(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "inbox") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        sim.faults.load("get_incoming_messages:latency=1.0:1x1")
        pending = screen.query_one("#pending", Static)
        fetch = screen.query_one("#fetch")
        screen.query_one(InboxTable).focus()
        await pilot.press("f")
        await wait_until(pilot, lambda: "Fetching from the gateway" in rendered_text(pending))
        assert fetch.disabled
        await workers_done(pilot, "inbox-action")
        assert "Fetching" not in rendered_text(pending) and not fetch.disabled

        def fetched() -> list[str]:
            return [n.message for n in app._notifications if n.message.startswith("Fetched ")]

        await wait_until(pilot, lambda: bool(fetched()), "the fetch's sentence")
        [said] = fetched()
        assert app.engine is not None
        unpaid = app.engine.status.unpaid_pending
        assert unpaid > 0  # the demo's messages waiting to be paid for are named
        assert said.endswith(f"; {unpaid} more wait to be paid for (Pay and fetch).")


def test_direction_is_read_from_the_first_letter() -> None:
    assert is_rtl(URDU)
    assert is_rtl("  123 شکریہ")
    assert not is_rtl(ENGLISH)
    assert not is_rtl("Order 5: شکریہ")
    assert not is_rtl("12345")


async def test_a_reply_after_a_send_starts_empty_and_quotes_the_message(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send") as (app, pilot, sim):
        quick = app.screen
        assert isinstance(quick, QuickSendScreen)
        # An earlier send leaves its text and results on Quick send.
        quick.query_one(RecipientsBox).text = "03001234567"
        quick.query_one(MessageComposer).text = "Your bill of Rs 1500 is due"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirmation")
        await pilot.press("enter")
        await wait_until(pilot, lambda: quick.query_one(ResultsTable).row_count == 1, "result")

        assert app.engine is not None
        ledger = app.engine.ledger
        raw = ledger.inbox.store_incoming_reply(b"<test/>", datetime.now(UTC))
        incoming = IncomingMessage("77", ENGLISH_SENDER, ENGLISH, "8111", "2024,03,04 10:00", None)
        ledger.inbox.store_incoming_messages(raw, [incoming])
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, InboxScreen), "inbox")
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        inbox.catch_up()
        table = inbox.query_one(InboxTable)
        await wait_until(pilot, lambda: ENGLISH_SENDER in cells(table, 2), "the message")
        table.focus()
        table.move_cursor(row=cells(table, 2).index(ENGLISH_SENDER))
        await pilot.press("r")
        await wait_until(pilot, lambda: app.screen is quick, "quick send")

        assert quick.query_one(MessageComposer).text == ""  # never the old text
        assert quick.query_one(RecipientsBox).numbers == [ENGLISH_SENDER]
        assert not quick.query_one(SendResults).display  # old results gone
        quote = quick.query_one(ReplyQuote)
        assert quote.reply is not None and quote.reply.sender == ENGLISH_SENDER
        # From whom, when (as the inbox shows it) and what, above the composer.
        assert (
            str(quote.content) == f"Replying to {ENGLISH_SENDER} (2024,03,04 10:00):\n“{ENGLISH}”"
        )
        assert quote.display and quote.region.bottom <= quick.query_one(MessageComposer).region.y
        sends = sim.pages_requested().count("sendsms.jsp")
        # Ctrl+S, Enter (the keys that used to send the old text): nothing is sent.
        await pilot.press("ctrl+s", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert sim.pages_requested().count("sendsms.jsp") == sends
        # The reply itself goes to the sender only, with its own text.
        quick.query_one(MessageComposer).text = "Yes, 10 to 6."
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirmation")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert f"To: {ENGLISH_SENDER}\nText:\nYes, 10 to 6." in confirm.question
        await pilot.press("enter")
        await wait_until(pilot, lambda: quick.query_one(ResultsTable).row_count == 1, "sent")
        with sim.lock:
            last = list(sim.state.messages.values())[-1]
        assert (last.recipient, last.text) == (ENGLISH_SENDER, "Yes, 10 to 6.")


async def test_a_reply_cancels_a_question_about_the_previous_form(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send") as (app, pilot, sim):
        quick = app.screen
        assert isinstance(quick, QuickSendScreen)
        quick.query_one(RecipientsBox).text = "03001234567, 03217654321"
        quick.query_one(MessageComposer).text = "Your bill of Rs 1500 is due"
        quick.query_one(ResultsTable).focus()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirmation")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        sends = sim.pages_requested().count("sendsms.jsp")
        # A reply begins while the question about the old form is still open: that
        # question is cancelled, and the draft is not dropped without asking.
        quick.start_reply(Reply(ENGLISH_SENDER, "2024-03-04 10:00", ENGLISH))
        await wait_until(pilot, lambda: confirm not in app.screen_stack, "question closed")
        draft_question = app.screen
        assert isinstance(draft_question, ConfirmScreen)
        assert draft_question.question.startswith(
            "Quick send holds a draft to 2 numbers: 'Your bill of Rs 1500 is due'."
            f" Replace it with a reply to {ENGLISH_SENDER}?"
        )
        await pilot.press("enter")  # Keep draft: the focused, safe answer
        await wait_until(pilot, lambda: app.screen is quick, "kept")
        assert quick.query_one(MessageComposer).text == "Your bill of Rs 1500 is due"
        assert sim.pages_requested().count("sendsms.jsp") == sends

        quick.start_reply(Reply(ENGLISH_SENDER, "2024-03-04 10:00", ENGLISH))
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "asked again")
        await pilot.press("right", "enter")  # Replace draft
        await wait_until(pilot, lambda: app.screen is quick, "replaced")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert sim.pages_requested().count("sendsms.jsp") == sends
        assert quick.query_one(MessageComposer).text == "\n"  # Enter typed in the reply
        assert quick.query_one(RecipientsBox).numbers == [ENGLISH_SENDER]


async def test_new_form_asks_before_dropping_a_draft(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send") as (app, pilot, _sim):
        quick = app.screen
        assert isinstance(quick, QuickSendScreen)
        await pilot.press("ctrl+l")  # an empty form: nothing to ask
        assert app.screen is quick
        quick.query_one(RecipientsBox).text = "03001234567"
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert isinstance(app.screen, ConfirmScreen)
        assert "a draft to 1 number. Clear the form?" in app.screen.question
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is quick, "kept")
        assert quick.query_one(RecipientsBox).text == "03001234567"
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "again")
        await pilot.press("right", "enter")
        await wait_until(pilot, lambda: app.screen is quick, "cleared")
        assert quick.query_one(RecipientsBox).text == ""


async def test_a_possible_loss_is_shown_until_acknowledged(tmp_path: Path) -> None:
    from tui.widgets.loss_notice import LossNotice

    async with demo_app(tmp_path, "dashboard") as (app, pilot, _sim):
        assert app.engine is not None
        engine = app.engine
        notice = app.screen.query_one(LossNotice)
        assert not notice.has_class("-shown")
        engine.ledger.inbox_fetches.begin_fetch(
            20, datetime.now(UTC)
        )  # a run died with this in flight
        engine.ledger.inbox_fetches.mark_stale_fetches(datetime.now(UTC), alive=lambda pid: False)
        engine.inbox.announce_losses()
        await wait_until(pilot, lambda: notice.has_class("-shown"), "the dashboard warning")
        assert "Up to 20 incoming messages may have been lost" in str(notice.content)

        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, InboxScreen), "inbox")
        inbox_notice = app.screen.query_one(LossNotice)
        assert inbox_notice.has_class("-shown")
        app.screen.query_one(InboxTable).focus()
        await pilot.press("K")
        await wait_until(pilot, lambda: not inbox_notice.has_class("-shown"), "acknowledged")
        assert engine.ledger.inbox_fetches.possible_losses() == []
        await pilot.press("f2")
        await wait_until(pilot, lambda: not notice.has_class("-shown"), "dashboard cleared")


async def test_the_export_file_is_named_for_the_profiles_day(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """The default export name carries the day it is in the profile's zone
    (Karachi) on the app's clock, not the machine's date: at 20:00 UTC it is
    already the next day in Karachi."""
    from datetime import timedelta

    monkeypatch.setenv("HOME", str(tmp_path))
    async with demo_app(tmp_path, "inbox") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        now = datetime.now(UTC)
        evening = now.replace(hour=20, minute=0, second=0, microsecond=0)
        if evening <= now:
            evening += timedelta(days=1)
        sim.clock.advance_to(evening)
        export = screen.query_one("#export-path", Input)
        export.value = ""  # emptied: Export CSV puts the day's default back
        screen.query_one("#export").focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.last_export is not None, "export")
        assert screen.last_export is not None
        karachi_day = evening + timedelta(hours=5)
        assert export.value == f"~/csms-inbox-{karachi_day:%Y%m%d}.csv"
        assert screen.last_export[0] == tmp_path / f"csms-inbox-{karachi_day:%Y%m%d}.csv"
