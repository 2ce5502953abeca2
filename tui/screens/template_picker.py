"""Saved message templates: insert one into a message box, save its text as one, delete.

Every message box (``MessageComposer``: Quick send, both campaign wizards, a
conversation's reply) opens this dialog with Ctrl+T; the palette's "Templates"
opens it for the current screen's message box, or to look through and delete
templates when the screen has none. Enter on a template inserts it (asking
first when the box holds another text); Enter in the name field saves the
box's text under that name (asking first when the name is taken); Delete on a
template deletes it after asking. Every question has Cancel focused first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.engine.saved_templates import (
    NAME_LIMIT,
    SavedTemplate,
    SavedTemplates,
    TemplateExists,
    fields_phrase,
)
from tui.gateway.errors import InvalidInput
from tui.screens.base import engine_of, has_engine
from tui.screens.confirm import ConfirmScreen
from tui.widgets.app_footer import AppFooter
from tui.widgets.dialog import Dialog
from tui.wording import plural

if TYPE_CHECKING:
    from tui.widgets.composer import MessageComposer

__all__ = ["TemplatePickerScreen", "open_template_picker"]

NO_BOX = "Open the templates with Ctrl+T in a message box to insert one or save its text."


class TemplateList(OptionList):
    """The templates found; Enter inserts the highlighted one, Delete deletes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Insert"),
        Binding("delete", "screen.delete_template", "Delete", id="templates.delete"),
    ]


class TemplatePickerScreen(Dialog[str | None]):
    """The saved templates; dismisses with the template text to insert, or None.

    ``current`` is the message box's text (None when opened without one: then
    nothing can be inserted or saved, only looked through and deleted).
    """

    DIALOG_NAME = "Templates"
    DIALOG_HELP = """\
Saved message templates. Type to search their names and texts; Down moves to
the list, where Enter inserts the selected template into the message box and
Delete removes it (after a question). To keep the message box's text as a
template, give it a name and press **Save current text**.
"""

    DEFAULT_CSS = """
    TemplatePickerScreen { align: center middle; }
    TemplatePickerScreen > #tpl-dialog {
        width: 90; max-width: 100%; height: 100%; max-height: 30; padding: 0 1;
        border: thick $primary; background: $surface;
    }
    TemplatePickerScreen #tpl-title { text-style: bold; }
    TemplatePickerScreen #tpl-search { margin: 1 0 0 0; }
    TemplatePickerScreen #tpl-list { height: 1fr; min-height: 3; }
    TemplatePickerScreen #tpl-preview-box { height: auto; max-height: 5; }
    TemplatePickerScreen #tpl-preview { color: $text-muted; }
    TemplatePickerScreen .tpl-row { height: auto; margin-top: 1; }
    TemplatePickerScreen #tpl-name { width: 1fr; }
    TemplatePickerScreen .tpl-row Button { margin-left: 1; }
    TemplatePickerScreen #tpl-message { height: auto; color: $warning; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("down", "to_list", "Templates", show=False),
    ]

    def __init__(self, current: str | None) -> None:
        super().__init__()
        self.current = current
        self.found: list[SavedTemplate] = []

    @property
    def templates(self) -> SavedTemplates:
        return engine_of(self).saved_templates

    def compose(self) -> ComposeResult:
        with Vertical(id="tpl-dialog"):
            yield Static("Templates", id="tpl-title")
            yield Input(placeholder="Search names and texts", id="tpl-search", compact=True)
            yield TemplateList(id="tpl-list", compact=True)
            with VerticalScroll(id="tpl-preview-box"):
                yield Static(id="tpl-preview", markup=False)
            with Horizontal(classes="tpl-row"):
                yield Input(
                    placeholder="Name for the text in the message box",
                    id="tpl-name",
                    max_length=NAME_LIMIT,
                    compact=True,
                )
                yield Button("Save current text", id="tpl-save", compact=True)
            with Horizontal(classes="tpl-row"):
                yield Button("Insert (Enter)", variant="primary", id="tpl-insert", compact=True)
                yield Button("Delete", variant="error", id="tpl-delete", compact=True)
                yield Button("Close (Esc)", id="tpl-close", compact=True)
            yield Static(id="tpl-message", markup=False)
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#tpl-name", Input).disabled = self.current is None
        self.query_one("#tpl-save", Button).disabled = self.current is None
        self.query_one("#tpl-insert", Button).disabled = self.current is None
        if self.current is None:
            self._say(NO_BOX)
        self._load()
        if not self.found and self.current and self.current.strip():
            self.query_one("#tpl-name", Input).focus()
        else:
            self.query_one("#tpl-search", Input).focus()

    # Showing ------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.query_one("#tpl-message", Static).update(text)

    def _load(self, highlight: str | None = None) -> None:
        """Read the templates matching the search; highlight ``highlight`` if found."""
        words = self.query_one("#tpl-search", Input).value
        self.found = self.templates.search(words)
        listing = self.query_one(TemplateList)
        listing.clear_options()
        listing.add_options(_option(item) for item in self.found)
        names = [item.name.casefold() for item in self.found]
        if self.found:
            wanted = highlight.casefold() if highlight else None
            listing.highlighted = names.index(wanted) if wanted in names else 0
        self.query_one("#tpl-delete", Button).disabled = not self.found
        self._preview()
        title = "Templates" if not words.strip() else f"Templates matching {words.strip()!r}"
        self.query_one("#tpl-title", Static).update(f"{title} ({len(self.found)})")

    def _preview(self) -> None:
        preview = self.query_one("#tpl-preview", Static)
        chosen = self.chosen
        if chosen is not None:
            fields = SavedTemplates.fields(chosen.text)
            uses = f"\nFields to replace: {fields_phrase(fields)}" if fields else ""
            preview.update(chosen.text + uses)
        elif self.query_one("#tpl-search", Input).value.strip():
            preview.update("No template matches the search.")
        else:
            preview.update(
                "No saved templates yet. Write the text in the message box, type a name"
                " below and press Enter to save it."
            )

    @property
    def chosen(self) -> SavedTemplate | None:
        """The highlighted template."""
        index = self.query_one(TemplateList).highlighted
        if index is None or not 0 <= index < len(self.found):
            return None
        return self.found[index]

    @on(Input.Changed, "#tpl-search")
    def _search(self) -> None:
        self._load()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._preview()

    def action_to_list(self) -> None:
        if self.focused is self.query_one("#tpl-search", Input) and self.found:
            self.query_one(TemplateList).focus()

    # Inserting ----------------------------------------------------------------------

    @on(OptionList.OptionSelected)
    @on(Input.Submitted, "#tpl-search")
    @on(Button.Pressed, "#tpl-insert")
    def _insert(self) -> None:
        chosen = self.chosen
        if chosen is None:
            self._say("Choose a template first: none matches the search.")
            return
        if self.current is None:
            self._say(NO_BOX)
            return
        if not self.current.strip() or self.current == SavedTemplates.composer_text(chosen):
            self.dismiss(chosen.text)
            return

        def answered(replace: bool | None) -> None:
            if replace:
                self.dismiss(chosen.text)

        self.app.push_screen(
            ConfirmScreen(
                f"Replace the text in the message box with the template {chosen.name!r}? The"
                " text there now is lost (save it as a template first to keep it).",
                title="Replace the text?",
                confirm_label="Replace",
                danger=True,
            ),
            answered,
        )

    # Saving -------------------------------------------------------------------------

    @on(Input.Submitted, "#tpl-name")
    @on(Button.Pressed, "#tpl-save")
    def _save(self) -> None:
        if self.current is None:
            self._say(NO_BOX)
            return
        if not self.current.strip():
            self._say("The message box is empty; write the text there first, then save it.")
            return
        name_input = self.query_one("#tpl-name", Input)
        try:
            self._saved(self.templates.save(name_input.value, self.current).template, False)
        except TemplateExists as taken:
            self._ask_to_replace(taken.existing, name_input.value)
        except InvalidInput as error:
            self._say(str(error))
            name_input.focus()

    def _ask_to_replace(self, existing: SavedTemplate, name: str) -> None:
        def answered(replace: bool | None) -> None:
            if not replace or self.current is None:
                self._say("Nothing was saved; type another name to keep both.")
                return
            try:
                saved = self.templates.save(name, self.current, replace=True).template
            except InvalidInput as error:
                self._say(str(error))
                return
            self._saved(saved, True)

        self.app.push_screen(
            ConfirmScreen(
                f"A template called {existing.name!r} exists already. Replace its text with"
                " the text in the message box? Its old text is lost.",
                title="Replace the template?",
                confirm_label="Replace",
                danger=True,
            ),
            answered,
        )

    def _saved(self, saved: SavedTemplate, replaced: bool) -> None:
        self.query_one("#tpl-name", Input).value = ""
        self.query_one("#tpl-search", Input).value = ""
        self._load(highlight=saved.name)
        fields = SavedTemplates.fields(saved.text)
        uses = f"; it uses {fields_phrase(fields)}" if fields else ""
        self._say(f"{'Replaced' if replaced else 'Saved'} the template {saved.name!r}{uses}.")

    # Deleting -----------------------------------------------------------------------

    @on(Button.Pressed, "#tpl-delete")
    def action_delete_template(self) -> None:
        chosen = self.chosen
        if chosen is None:
            self._say("There is no template to delete here.")
            return

        def answered(delete: bool | None) -> None:
            if not delete:
                return
            try:
                self.templates.delete(chosen.name)
            except InvalidInput as error:
                self._say(str(error))
            else:
                self._say(f"Deleted the template {chosen.name!r}.")
            self._load()

        self.app.push_screen(
            ConfirmScreen(
                f"Delete the template {chosen.name!r}? It cannot be undone.",
                title="Delete the template?",
                confirm_label="Delete",
                danger=True,
            ),
            answered,
        )

    @on(Button.Pressed, "#tpl-close")
    def action_close(self) -> None:
        self.dismiss(None)


def _option(item: SavedTemplate) -> Option:
    fields = SavedTemplates.fields(item.text)
    suffix = f"  {plural(len(fields), 'field')}" if fields else ""
    prompt = Content.from_markup("$name[dim]$suffix[/]", name=item.name, suffix=suffix)
    return Option(prompt)


def _composer_on(screen: Screen[Any]) -> MessageComposer | None:
    """The message box the user is in, else the only one shown on ``screen``."""
    from tui.widgets.composer import MessageComposer

    node = screen.focused
    while node is not None:
        if isinstance(node, MessageComposer):
            return node
        node = node.parent  # type: ignore[assignment]
    shown = [box for box in screen.query(MessageComposer) if box.display and box.is_on_screen]
    return shown[0] if len(shown) == 1 else None


def open_template_picker(app: App[Any], composer: MessageComposer | None) -> None:
    """Show the templates for ``composer`` (None: the current screen's message box)."""
    if not has_engine(app):
        app.notify("Log in first: templates are kept with the account's ledger.")
        return
    box = composer if composer is not None else _composer_on(app.screen)

    def chosen(text: str | None) -> None:
        if text is not None and box is not None and box.is_attached:
            box.insert_template(text)

    callback: Callable[[str | None], None] = chosen
    app.push_screen(TemplatePickerScreen(None if box is None else box.text), callback)


def open_text_template_picker(app: App[Any], current: str, insert: Callable[[str], None]) -> None:
    """The templates for a plain text box (the personalised send's template):
    the chosen one's text, fields and all, goes to ``insert``."""
    if not has_engine(app):
        app.notify("Log in first: templates are kept with the account's ledger.")
        return

    def chosen(text: str | None) -> None:
        if text is not None:
            insert(text)

    callback: Callable[[str | None], None] = chosen
    app.push_screen(TemplatePickerScreen(current), callback)
