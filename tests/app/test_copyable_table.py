"""The shared data table: widths that fit 80 columns, rows updated by key with
the cursor kept on its item, ``c`` copying the ID, the empty state."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui.widgets.copyable_table import Column, CopyableTable, fit_widths

COLUMNS = (
    Column("kind", "Kind", 14, 14),
    Column("id", "ID", 22, 9),
    Column("target", "To", 18, 12),
    Column("status", "Status", None, 22),
)


def test_preferred_widths_when_they_fit_and_shrinkable_columns_give_way() -> None:
    wide = fit_widths(COLUMNS, 120)
    assert wide == {"kind": 14, "id": 22, "target": 18, "status": 66}
    narrow = fit_widths(COLUMNS, 70)
    assert narrow["kind"] == 14 and narrow["status"] >= 22
    assert 9 <= narrow["id"] < 22 and 12 <= narrow["target"] < 18
    assert sum(narrow.values()) <= 70
    # Never below the minimums, even when nothing fits.
    assert fit_widths(COLUMNS, 20) == {"kind": 14, "id": 9, "target": 12, "status": 22}


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.copied: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield CopyableTable(COLUMNS, id="t")

    def copy_text(self, text: str, what: str) -> None:
        self.copied.append((text, what))


async def test_rows_by_key_cursor_kept_copy_and_empty_state() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(CopyableTable)
        assert table.has_class("-empty")
        table.sync([("a", ("SMS", "40000001", "923001234567", "Submitted"))])
        table.sync(
            [
                ("a", ("SMS", "40000001", "923001234567", "Submitted")),
                ("b", ("Call", "60000001", "923001234568", "Call Scheduled")),
            ]
        )
        assert not table.has_class("-empty")
        table.focus()
        await pilot.press("down")
        assert table.cursor_key() == "b"
        # An update in place keeps the cursor on its row.
        table.sync(
            [
                ("a", ("SMS", "40000001", "923001234567", "Sent")),
                ("b", ("Call", "60000001", "923001234568", "Call Sent (pressed 2)")),
            ]
        )
        assert table.cursor_key() == "b"
        assert table.get_cell("b", "status") == "Call Sent (pressed 2)"
        assert table.columns["status"].width >= len("Call Sent (pressed 2)")  # type: ignore[index]
        await pilot.press("c")
        assert app.copied == [("60000001", "ID")]
        table.sync([])
        assert table.has_class("-empty") and table.row_count == 0
