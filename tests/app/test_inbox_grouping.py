"""The Inbox grouped by number (``g``) and keyword replies marked in its rows.

The app runs on the demo engine against the simulator over loopback HTTP; the
messages arrive at the simulator and are paid for and fetched into the ledger,
as a user's would be.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input, Static

from tests.app.harness import demo_app, wait_until
from tui.gateway.results import IncomingMessage
from tui.screens.conversation import ConversationScreen
from tui.screens.inbox import PAGE_SIZE, UNREAD_MARK, InboxScreen, InboxTable
from tui.widgets.conversation_table import ConversationTable

ALI = "923001112233"
SARA = "923214445566"


def column(table: DataTable[Any], key: str) -> list[str]:
    index = table.get_column_index(key)
    return [str(table.get_row_at(i)[index]) for i in range(table.row_count)]


def row_of(table: DataTable[Any], key: str, value: str) -> dict[str, str]:
    """The cells of the row whose ``key`` column holds ``value``, by column key."""
    values = column(table, key)
    assert values.count(value) == 1, f"{value} in {values}"
    cells = table.get_row_at(values.index(value))
    return {str(k.value): str(c) for k, c in zip(table.columns, cells, strict=True)}


def page_info(screen: InboxScreen) -> str:
    return str(screen.query_one("#page-info", Static).content)


async def arrive(app: Any, pilot: Any, sim: Any, *messages: tuple[str, str]) -> None:
    """Messages reach the gateway, then are paid for and fetched (as "P" does)."""
    for number, text in messages:
        sim.push_incoming(number, text)
    assert app.engine is not None
    await app.engine.pay_and_fetch()
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    screen.catch_up()
    await pilot.pause()


async def test_grouped_by_number_counts_and_back(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "inbox") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        messages = screen.query_one(InboxTable)
        grouped = screen.query_one(ConversationTable)
        await arrive(
            app, pilot, sim,
            (ALI, "Is the shop open?"), (SARA, "Send the price list"),
            (ALI, "And on Sunday?"), (ALI, "Thanks, see you"),
        )  # fmt: skip
        assert app.engine is not None
        ledger = app.engine.ledger
        stored = ledger.inbox.inbox_page(0, 10 * PAGE_SIZE)
        per_message = column(messages, "from")
        assert len(per_message) == len(stored) and per_message.count(ALI) == 3
        assert not grouped.display and "Grouped" not in page_info(screen)

        # Ali opens one of his messages first: one of his three is read.
        messages.focus()
        messages.move_cursor(row=per_message.index(ALI))
        await pilot.press("enter")

        await pilot.press("g")
        assert screen.grouped and grouped.display and not messages.display
        assert app.focused is grouped
        numbers = column(grouped, "number")
        assert sorted(numbers) == sorted({m.msisdn for m in stored})  # one row per number
        assert numbers[0] == ALI  # the most recently heard from first
        ali = row_of(grouped, "number", ALI)
        assert (ali["messages"], ali["unread"]) == ("3", "2")
        assert ali["last"] == "Thanks, see you"
        zone = screen._zone()
        newest = max((m for m in stored if m.msisdn == ALI), key=lambda m: m.id)
        assert newest.timestamp is not None
        assert ali["last_at"] == newest.timestamp.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        sara = row_of(grouped, "number", SARA)
        assert (sara["messages"], sara["unread"]) == ("1", "1")
        assert sara["last"] == "Send the price list"
        info = page_info(screen)
        assert info.startswith("Grouped by number")
        assert f"1-{len(numbers)} of {len(numbers)} numbers" in info

        unread = ledger.inbox.unread_count()
        # c copies the number of the conversation under the cursor.
        grouped.move_cursor(row=numbers.index(SARA))
        await pilot.press("c")
        assert app.clipboard == SARA

        # Enter opens the conversation with Sara, which reads it; back, it is read.
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConversationScreen), "conversation")
        conversation = app.screen
        assert isinstance(conversation, ConversationScreen)
        assert conversation.number == SARA
        await wait_until(pilot, lambda: ledger.inbox.unread_count() == unread - 1, "marked read")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back in the inbox")
        assert screen.grouped and grouped.display
        assert row_of(grouped, "number", SARA)["unread"] == "0"
        assert row_of(grouped, "number", ALI)["unread"] == "2"

        # A new message from Sara moves her to the top with the new count.
        await arrive(app, pilot, sim, (SARA, "Also the Eid offer"))
        assert column(grouped, "number")[0] == SARA
        sara = row_of(grouped, "number", SARA)
        assert (sara["messages"], sara["unread"], sara["last"]) == ("2", "1", "Also the Eid offer")

        # g again: one row per message, every message back.
        await pilot.press("g")
        assert not screen.grouped and messages.display and not grouped.display
        assert app.focused is messages
        assert messages.row_count == len(stored) + 1
        assert column(messages, "from").count(ALI) == 3
        assert column(messages, "from").count(SARA) == 2
        assert column(messages, "unread").count(UNREAD_MARK) == ledger.inbox.unread_count()
        assert "Grouped" not in page_info(screen)
        assert f"of {len(stored) + 1} in the inbox" in page_info(screen)


async def test_grouped_paging_and_search(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "inbox") as (app, pilot, _sim):
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        assert app.engine is not None
        ledger = app.engine.ledger
        senders = PAGE_SIZE + 30
        raw = ledger.inbox.store_incoming_reply(b"<test/>", datetime.now(UTC))
        ledger.inbox.store_incoming_messages(
            raw,
            [
                IncomingMessage(str(n), f"92300{n % senders:07d}", f"note {n}", "8111",
                                f"2024,03,04 10:{n % 60:02d}", None)
                for n in range(2 * senders)
            ],
        )  # fmt: skip
        screen.catch_up()
        grouped = screen.query_one(ConversationTable)
        screen.query_one(InboxTable).focus()
        await pilot.press("g")
        total = app.engine.threads.conversation_count()
        assert total >= senders
        assert grouped.row_count == PAGE_SIZE
        assert f"1-{PAGE_SIZE} of {total:,} numbers · page 1/2" in page_info(screen)
        first_page = column(grouped, "number")
        assert set(column(grouped, "messages")) <= {"1", "2"}
        await pilot.press("n")
        assert f"{PAGE_SIZE + 1}-{total} of {total:,} numbers · page 2/2" in page_info(screen)
        assert grouped.row_count == total - PAGE_SIZE
        assert not set(column(grouped, "number")) & set(first_page)
        await pilot.press("p")
        assert column(grouped, "number") == first_page

        # Searching while grouped lists the matching messages, one row each.
        search = screen.query_one("#search", Input)
        search.focus()
        search.value = "note 7"
        await pilot.press("enter")
        assert not screen.grouped
        table = screen.query_one(InboxTable)
        assert table.display and table.row_count >= 1
        assert all(text.startswith("note 7") for text in column(table, "message"))
        assert "matching 'note 7'" in page_info(screen)
        # Grouping again clears the search: every conversation is listed.
        table.focus()
        await pilot.press("g")
        assert screen.grouped and search.value == "" and screen.search is None
        assert f"of {total:,} numbers" in page_info(screen)


async def test_keyword_replies_are_marked(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "inbox") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        await arrive(
            app, pilot, sim,
            (ALI, "stop the bill"), (SARA, " Stop. "), (ALI, "START"), (SARA, "band karo"),
        )  # fmt: skip
        table = screen.query_one(InboxTable)
        texts = column(table, "message")
        assert "stop the bill" in texts  # not the whole message: not marked
        assert "Opt-out: Stop." in texts
        assert "Opt-in: START" in texts
        assert "Opt-out: band karo" in texts
        assert sum(text.startswith(("Opt-out: ", "Opt-in: ")) for text in texts) == 3

        # Opened, the message says what it is.
        table.focus()
        table.move_cursor(row=texts.index("Opt-out: Stop."))
        await pilot.press("enter")
        meta = str(screen.query_one("#detail-meta", Static).content)
        assert "· Opt-out keyword ·" in meta
        table.move_cursor(row=texts.index("stop the bill"))
        await pilot.press("enter")
        assert "keyword" not in str(screen.query_one("#detail-meta", Static).content)

        # Grouped, the newest message of each number is marked the same way.
        await pilot.press("g")
        grouped = screen.query_one(ConversationTable)
        assert row_of(grouped, "number", SARA)["last"] == "Opt-out: band karo"
        assert row_of(grouped, "number", ALI)["last"] == "Opt-in: START"
