"""The grouped Inbox table on its own: the last message is cut so its time shows."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App, ComposeResult

from tui.engine.threads import Conversation
from tui.widgets.conversation_table import ConversationTable, fit

LONG = "Please send me the full price list for the Eid collection and the delivery charges"


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield ConversationTable(id="conversations")


def test_fit_cuts_with_an_ellipsis() -> None:
    assert fit("a  b\nc", 10) == "a b c"
    assert fit("abcdefghij", 5) == "abcd…"


async def test_every_column_fits_at_80_columns() -> None:
    at = datetime(2024, 3, 4, 5, 6, tzinfo=UTC)
    talks = [Conversation("923001112233", 12, 3, 7, LONG, at)]
    async with Host().run_test(size=(80, 24)) as pilot:
        table = pilot.app.query_one(ConversationTable)
        table.show(talks, lambda moment: moment.strftime("%Y-%m-%d %H:%M"), lambda _: "")
        await pilot.pause()
        assert table.get_row_at(0)[:3] == ["923001112233", "12", "3"]
        last = str(table.get_row_at(0)[3])
        assert last.endswith("…") and LONG.startswith(last[:-1])
        width = sum(column.get_render_width(table) for column in table.ordered_columns)
        assert width <= table.size.width
        assert table.get_row_at(0)[4] == "2024-03-04 05:06"
        # Wider, more of the message shows.
        await pilot.resize_terminal(160, 24)
        await pilot.pause()
        assert len(str(table.get_row_at(0)[3])) > len(last)
