"""The Lists screen's row for a new list: a name, or a name and the ID of a
list made on the portal (remembered, nothing created), then Create."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Input

from tui.app_services import shell_app
from tui.engine.list_upload import ListUploader
from tui.gateway.errors import CsmsError
from tui.ledger import LedgerError

#: Endings of the files the Lists screen imports: a "name" ending so is a path.
_FILE_ENDINGS = (".csv", ".tsv", ".txt", ".xlsx", ".xls")


def looks_like_path(name: str) -> bool:
    """Whether ``name`` reads as a file's path rather than a list's name
    (``/home/ops/contacts.csv``, ``~/x.xlsx``, ``file:///...``, ``numbers.txt``)."""
    text = name.strip().strip("'\"")
    lowered = text.lower()
    return (
        text.startswith(("/", "~", "./", "../", "file://"))
        or lowered.endswith(_FILE_ENDINGS)
        or (len(text) > 2 and text[1] == ":" and text[2] in "\\/")  # C:\ or C:/
    )


class NewList(Horizontal):
    """Name (and portal ID) of a new list; posts ``Made`` once it is known."""

    class Made(Message):
        """A list was created at the gateway, or a portal list remembered."""

        def __init__(self, list_id: str) -> None:
            super().__init__()
            self.list_id = list_id

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: A name that looked like a path and was asked about once: created if
        #: submitted again unchanged.
        self._path_name_asked: str | None = None

    def compose(self) -> ComposeResult:
        # Compact (one line): the lists table keeps its rows at 80x24.
        yield Input(placeholder="New list name", id="new-list-name", compact=True)
        yield Input(placeholder="or portal ID", id="existing-list-id", compact=True)
        yield Button("Create", id="create-list", compact=True)

    @property
    def uploader(self) -> ListUploader:
        app = shell_app(self.app)
        assert app is not None and app.engine is not None
        return app.engine.lists

    @on(Input.Submitted, "#new-list-name, #existing-list-id")
    @on(Button.Pressed, "#create-list")
    def _create_pressed(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        name = self.query_one("#new-list-name", Input).value
        existing = self.query_one("#existing-list-id", Input).value.strip()
        if existing:
            # A list made on the portal: remembered by its ID, nothing is created.
            try:
                added = self.uploader.add_existing(existing, name)
            except (CsmsError, LedgerError) as error:
                self.notify(str(error), severity="error", timeout=10)
                return
            for selector in ("#new-list-name", "#existing-list-id"):
                self.query_one(selector, Input).value = ""
            self.post_message(self.Made(added.id))
            self.notify(f"List {added.name!r} (ID {added.id}) added; imports go into it.")
            return
        try:
            clean = self.uploader.check_new_name(name)
        except CsmsError as error:
            self.notify(str(error), severity="error")
            return
        if looks_like_path(clean) and self._path_name_asked != clean:
            # A path typed in the wrong box would otherwise become a list's name.
            self._path_name_asked = clean
            self.notify(
                f"{clean!r} looks like a file's path, not a list's name. To import the"
                " file, put it in the file box (Ctrl+O); to create a list with this"
                " name anyway, press Create again.",
                severity="warning",
                timeout=10,
            )
            return
        self._path_name_asked = None
        self._create(clean)

    @work(exclusive=True, group="lists-create", exit_on_error=False)
    async def _create(self, name: str) -> None:
        try:
            created = await self.uploader.create_list(name)
        except (CsmsError, LedgerError) as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.query_one("#new-list-name", Input).value = ""
        self.post_message(self.Made(created.id))
        self.notify(f"Created list {created.name!r} (ID {created.id}).")
