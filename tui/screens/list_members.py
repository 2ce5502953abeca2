"""One list's members: a paged table, search, make-up by network, export, removal.

Opened with Enter (or ``m``) on a list of the Lists screen. Pages of members
are read in SQL in a worker (a list may have a million members); the search
takes any part of a number typed in any format (``0300 12``, ``+92-300``) or
text of the columns kept with the members (a name). Removing numbers changes
only csms's copy: the gateway has no command for it, so the confirmation says
that its list keeps them, and offers a clean list made from the rest.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Static

from tui.engine.clean_lists import clean_name, make_clean_list
from tui.engine.list_members import GATEWAY_KEEPS, ListMembers, Search, parse_search
from tui.engine.list_upload import UploadProgress
from tui.gateway.errors import CsmsError
from tui.ledger import LedgerError, Member
from tui.screens.base import EngineScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.display_time import local
from tui.screens.import_preview import slug
from tui.screens.path_prompt import PathPrompt
from tui.wording import plural

#: Members per page of the table.
PAGE_SIZE = 100
#: Kept columns shown in the table (the export has them all).
SHOWN_FIELDS = 4
#: Seconds a search waits for more typing before it runs.
SEARCH_PAUSE = 0.15


class ListMembersScreen(EngineScreen):
    """The members of one list as csms knows them."""

    DEFAULT_CSS = """
    ListMembersScreen #members-title { height: auto; padding: 0 1; text-style: bold; }
    ListMembersScreen #members-makeup { height: auto; max-height: 2; padding: 0 1;
        color: $text-muted; }
    ListMembersScreen #members-bar { height: auto; padding: 0 1; }
    ListMembersScreen #members-search { width: 2fr; max-width: 44; }
    ListMembersScreen #members-status { width: 1fr; height: auto; padding: 0 1; }
    ListMembersScreen #members-table { height: 1fr; }
    ListMembersScreen #members-buttons { height: auto; }
    ListMembersScreen #members-buttons Button { margin-right: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="members.close"),
        Binding("space", "mark", "Mark", id="members.mark"),
        Binding("delete,d", "remove", "Remove", id="members.remove"),
        Binding("e", "export", "Export", id="members.export"),
        Binding("n,pagedown", "page(1)", "Pages", id="members.next", key_display="n/p"),
        Binding("p,pageup", "page(-1)", "Previous page", id="members.previous", show=False),
        Binding("slash", "search", "Search", id="members.search"),
    ]

    def __init__(self, list_id: str, name: str) -> None:
        super().__init__()
        self.list_id = list_id
        self.list_name = name
        self.search = Search()
        self.first = 0
        #: Members matching the search, as last counted.
        self.matching = 0
        #: Numbers marked for removal (kept across pages and searches).
        self.marked: set[str] = set()
        self._fields: list[str] = []
        #: Whether a clean list was made here (the Lists screen reloads).
        self.made_clean: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(f"Members of {self.list_name!r}", id="members-title", markup=False)
        yield Static("", id="members-makeup", markup=False)
        with Horizontal(id="members-bar"):
            yield Input(
                placeholder="Search: part of a number, or a name (/)",
                id="members-search",
                compact=True,
            )
            yield Static("", id="members-status", markup=False)
        yield DataTable[str](id="members-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="members-buttons"):
            yield Button("Export… (e)", id="members-export", compact=True)
            yield Button("Remove marked (d)", id="members-remove", compact=True)
            yield Button("Back (Esc)", id="members-back", compact=True)

    @property
    def members(self) -> ListMembers:
        return ListMembers(self.engine, self.list_id)

    def on_mount(self) -> None:
        self.query_one("#members-table", DataTable).focus()
        self.catch_up()

    def catch_up(self) -> None:
        self._load()
        self._load_makeup()

    # -- reading -------------------------------------------------------------------

    @work(exclusive=True, group="members-makeup", exit_on_error=False)
    async def _load_makeup(self) -> None:
        makeup = await asyncio.to_thread(self.members.makeup)
        total = sum(makeup.prefixes.values())
        self.query_one("#members-title", Static).update(
            f"Members of {self.list_name!r} (ID {self.list_id}): {plural(total, 'member')}"
        )
        self.query_one("#members-makeup", Static).update(
            f"By network that issued the prefix: {makeup.line()}" if total else ""
        )

    @work(exclusive=True, group="members-load", exit_on_error=False)
    async def _load(self, pause: float = 0.0) -> None:
        if pause:
            await asyncio.sleep(pause)  # typing goes on: only the last search runs
        try:
            page = await asyncio.to_thread(self.members.page, self.search, self.first, PAGE_SIZE)
        except (CsmsError, LedgerError) as error:
            self.query_one("#members-status", Static).update(str(error))
            return
        if page.matching and self.first >= page.matching:
            self.first = max(0, (page.matching - 1) // PAGE_SIZE * PAGE_SIZE)
            self._load()
            return
        self.matching = page.matching
        self._show(page.members, page.fields)

    def _show(self, members: list[Member], fields: list[str]) -> None:
        table = self.query_one("#members-table", DataTable)
        shown = fields[:SHOWN_FIELDS]
        with self.app.batch_update():
            if shown != self._fields or not table.columns:
                table.clear(columns=True)
                table.add_column("", key="mark", width=1)
                table.add_column("Number", key="number")
                table.add_column("Added", key="added")
                for name in shown:
                    table.add_column(name, key=f"f:{name}")
                self._fields = shown
            else:
                table.clear()
            for member in members:
                table.add_row(
                    "X" if member.msisdn in self.marked else "",
                    member.msisdn,
                    local(member.added_at).strftime("%Y-%m-%d %H:%M"),
                    *(member.fields.get(name, "") for name in shown),
                    key=member.msisdn,
                )
        self._status()

    def _status(self) -> None:
        if not self.matching:
            text = "No member matches." if self.search else "No members."
        else:
            last = min(self.first + PAGE_SIZE, self.matching)
            text = f"{self.first + 1:,}–{last:,} of {self.matching:,}"
            if self.search:
                text += " matching"
        if self.marked:
            text += f" · {len(self.marked):,} marked"
        self.query_one("#members-status", Static).update(text)

    # -- searching and paging ------------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#members-search", Input).focus()

    @on(Input.Changed, "#members-search")
    def _search_changed(self, event: Input.Changed) -> None:
        try:
            search = parse_search(event.value)
        except CsmsError as error:
            self.query_one("#members-status", Static).update(str(error))
            return
        if search != self.search:
            self.search, self.first = search, 0
            self._load(SEARCH_PAUSE)

    @on(Input.Submitted, "#members-search")
    def _search_submitted(self) -> None:
        self.query_one("#members-table", DataTable).focus()

    def action_page(self, step: int) -> None:
        offset = self.first + step * PAGE_SIZE
        if offset < 0 or offset >= self.matching:
            return
        self.first = offset
        self._load()

    # -- marking and removing ------------------------------------------------------

    def _current(self) -> str | None:
        table = self.query_one("#members-table", DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_mark(self) -> None:
        number = self._current()
        if number is None:
            return
        table = self.query_one("#members-table", DataTable)
        if number in self.marked:
            self.marked.discard(number)
        else:
            self.marked.add(number)
        table.update_cell(number, "mark", "X" if number in self.marked else "")
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)
        self._status()

    @on(Button.Pressed, "#members-remove")
    def action_remove(self) -> None:
        numbers = sorted(self.marked) or [n for n in [self._current()] if n is not None]
        if not numbers:
            self.notify("There is no member to remove.")
            return
        question = (
            f"Remove {plural(len(numbers), 'number')} from csms's copy of {self.list_name!r}"
            f" ({', '.join(numbers[:3])}{' …' if len(numbers) > 3 else ''})? {GATEWAY_KEEPS}"
            " To stop reaching them, make a clean list from the rest and use it instead."
        )

        def decided(remove: bool | None) -> None:
            if remove:
                self._remove(numbers)

        self.app.push_screen(
            ConfirmScreen(
                question,
                title="Remove from the local copy",
                confirm_label="Remove",
                danger=True,
            ),
            decided,
        )

    @work(exclusive=True, group="members-remove", exit_on_error=False)
    async def _remove(self, numbers: list[str]) -> None:
        try:
            removed = await asyncio.to_thread(self.members.remove, numbers)
        except CsmsError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.marked.difference_update(numbers)
        self.catch_up()
        self.notify(
            f"Removed {plural(removed, 'number')} from csms's copy of {self.list_name!r}; "
            "the gateway list keeps them."
        )
        self._offer_clean()

    def _offer_clean(self) -> None:
        name = clean_name([self.list_name])
        question = (
            f"Campaigns using {self.list_name!r} still reach the removed numbers. Make a new "
            f"list {name!r} from the rest (without the do-not-contact list) and upload it? "
            "Campaigns then use that list instead."
        )

        def decided(make: bool | None) -> None:
            if make:
                self._make_clean(name)

        self.app.push_screen(
            ConfirmScreen(
                question,
                title="Make a clean list",
                confirm_label="Make clean list",
                cancel_label="Not now",
                safe_default=True,
            ),
            decided,
        )

    @work(exclusive=True, group="members-clean", exit_on_error=False)
    async def _make_clean(self, name: str) -> None:
        status = self.query_one("#members-status", Static)

        def progress(state: UploadProgress) -> None:
            status.update(f"Uploading {name!r}: {state.describe()}")

        try:
            self.engine.lists.check_new_name(name)
            made = await make_clean_list(self.engine, [self.list_id], name, on_progress=progress)
        except (CsmsError, LedgerError) as error:
            self.notify(f"No clean list was made: {error}", severity="error", timeout=10)
            self._status()
            return
        self.made_clean = made.made.id
        self._status()
        if made.ok:
            self.notify(made.sentence(), timeout=10)
        else:
            extra = " It is not complete: finish it on the Lists screen."
            self.notify(made.sentence() + extra, severity="warning", timeout=10)

    @on(Button.Pressed, "#members-export")
    def action_export(self) -> None:
        export_members(self, self.members, self.list_name)

    @on(Button.Pressed, "#members-back")
    def action_close(self) -> None:
        self.dismiss()


def export_members(node: Widget, members: ListMembers, name: str) -> None:
    """Ask for a file (and before replacing one), then write the members of
    list ``name`` with their kept columns to it, in a worker of ``node``."""
    app = node.app

    async def write(path: Path) -> None:
        try:
            rows = await members.export(path)
        except CsmsError as error:
            app.notify(str(error), severity="error", timeout=10)
            return
        app.notify(f"Wrote {plural(rows, 'member')} of {name!r} to {path}.")

    def start(path: Path) -> None:
        node.run_worker(write(path), group="members-export", exclusive=True, exit_on_error=False)

    def chosen(path: Path | None) -> None:
        if path is not None:
            start(path)

    default = Path.cwd() / f"{slug(name)}-members.csv"
    prompt = PathPrompt(
        f"Write the members of {name!r} (and their columns) to",
        default,
        replacing=f"the members of {name!r}",
    )
    app.push_screen(prompt, chosen)
