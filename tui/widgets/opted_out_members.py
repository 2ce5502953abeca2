"""The review's warning about opted-out members of a campaign's lists.

The gateway cannot take members off a list, so a campaign to a list holding a
number on the do-not-contact list would reach it. Shown in the SMS and voice
campaign wizards' review: how many members are on the do-not-contact list (from
the ledger), and a button that makes a clean list (the members without them,
uploaded as a new gateway list, ``engine/clean_lists.py``); the wizard then uses
that list instead (:class:`OptedOutMembers.CleanListMade`). Hidden when no
member is opted out. The check is counted in SQL in a thread (the lists may
hold a million members); ``checking`` says it runs, ``Checked`` that it ended.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Static

from tui.app_services import shell_app
from tui.engine.clean_lists import clean_name, make_clean_list, members_sentence
from tui.gateway.errors import CsmsError
from tui.ledger import LedgerError
from tui.ledger.audience import CountCancelled, OptedOutCount

if TYPE_CHECKING:
    from tui.engine.list_upload import UploadProgress
    from tui.engine.service import Engine


#: Opted-out members named in the warning.
SAMPLE = 5


class OptedOutMembers(Vertical):
    DEFAULT_CSS = """
    OptedOutMembers { height: auto; display: none; border: round $warning; padding: 0 1; }
    OptedOutMembers.-shown { display: block; }
    OptedOutMembers #opted-out-text { height: auto; }
    OptedOutMembers Button { margin-top: 1; }
    """

    class CleanListMade(Message):
        """A clean list was made and uploaded: use ``list_id`` instead of the lists."""

        def __init__(self, list_id: str, name: str) -> None:
            super().__init__()
            self.list_id = list_id
            self.name = name

    class Checked(Message):
        """The lists were checked (``OptedOutMembers.count`` is known)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: The first opted-out members of the lists last shown (at most SAMPLE).
        self.listed: list[str] = []
        #: How many distinct members of those lists are opted out.
        self.count = 0
        #: Whether the check of the lists last shown is still running.
        self.checking = False
        self._list_ids: list[str] = []
        self._names: list[str] = []
        self._cancel: threading.Event | None = None
        self.making = False

    def compose(self) -> ComposeResult:
        yield Static("", id="opted-out-text", markup=False)
        yield Button("Make a clean list and use it", id="opted-out-clean", variant="warning")

    @property
    def engine(self) -> Engine | None:
        app = shell_app(self.app)
        return None if app is None else app.engine

    def show(self, list_ids: Sequence[str], names: Sequence[str]) -> None:
        """Check the lists (counted in SQL, in a thread) and show what was found."""
        self._list_ids, self._names = list(list_ids), list(names)
        if self._cancel is not None:
            self._cancel.set()
        self._cancel = threading.Event()
        self.checking = True
        self._check(list(list_ids), self._cancel)

    def forget(self) -> None:
        """Hide the warning and stop a check still running (the wizard starts anew)."""
        if self._cancel is not None:
            self._cancel.set()
        self._cancel, self.checking = None, False
        self._list_ids, self._names = [], []
        self._set(OptedOutCount(0, []))

    @work(exclusive=True, group="opted-out-check", exit_on_error=False)
    async def _check(self, list_ids: list[str], cancel: threading.Event) -> None:
        engine = self.engine
        found = OptedOutCount(0, [])
        if engine is not None and list_ids:

            def count() -> OptedOutCount:
                engine.optouts.scan_incoming()  # a STOP in the inbox counts at once
                return engine.reads.audience.count_opted_out(list_ids, SAMPLE, cancel)

            try:
                found = await asyncio.to_thread(count)
            except CountCancelled:
                return
            except LedgerError as error:
                if cancel.is_set():
                    return
                self.notify(
                    f"The lists could not be checked against the do-not-contact list: {error}",
                    severity="error",
                )
        if cancel.is_set():
            return
        self.checking = False
        self._set(found)
        self.post_message(self.Checked())

    def _set(self, found: OptedOutCount) -> None:
        self.listed, self.count = found.sample, found.count
        self.set_class(bool(found.count), "-shown")
        if not found.count:
            return
        shown = ", ".join(found.sample) + (
            f" and {found.count - len(found.sample):,} more"
            if found.count > len(found.sample)
            else ""
        )
        self.query_one("#opted-out-text", Static).update(
            f"Warning: {members_sentence(found.count)} on the do-not-contact list ({shown})"
            " and would still get this campaign: the gateway cannot take members off a list."
            f" Make a clean list ({clean_name(self._names)!r}, without them) and use it, or"
            " create anyway (you will be asked, and it is recorded)."
        )

    @on(Button.Pressed, "#opted-out-clean")
    def _clean_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if not self.making:
            self._make()

    @work(exclusive=True, group="opted-out-clean", exit_on_error=False)
    async def _make(self) -> None:
        engine = self.engine
        if engine is None:
            return
        button = self.query_one("#opted-out-clean", Button)
        self.making, button.disabled = True, True
        button.label = "Making the clean list…"

        def progress(state: UploadProgress) -> None:
            button.label = f"Uploading: {state.describe()}"

        name = clean_name(self._names)
        try:
            made = await make_clean_list(engine, self._list_ids, name, on_progress=progress)
        except (CsmsError, LedgerError) as error:
            self.notify(f"No clean list was made: {error}", severity="error", timeout=10)
            return
        finally:
            self.making, button.disabled = False, False
            button.label = "Make a clean list and use it"
        if not made.ok:
            problems = "; ".join(line for r in made.results for line in r.lines() if not r.ok)
            self.notify(
                f"The clean list {name!r} is not complete: {problems} Finish it on the Lists"
                " screen (resume) before using it.",
                severity="error",
                timeout=15,
            )
            return
        self.notify(made.sentence(), timeout=10)
        self.post_message(self.CleanListMade(made.made.id, made.made.name))


def confirm_question(count: int, what: str) -> str:
    """The question before creating a campaign that would reach opted-out members."""
    return (
        f"{members_sentence(count)} on the do-not-contact list and will get {what}:"
        " the gateway cannot take members off a list. Create it anyway? The override is"
        " recorded against each of these numbers."
    )
