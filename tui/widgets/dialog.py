"""The base of every dialog (a modal screen over the app): F1 says how it works.

Textual's modal screens do not pass keys to the app's own bindings, so without
this F1 did nothing in a dialog. ``Dialog`` binds it, and the app's help shows
the dialog's ``DIALOG_HELP`` and the keys the dialog has at that moment.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A modal dialog with help on F1 (``help_title``, ``help_markdown``)."""

    #: What the dialog is for and how it answers, in markdown (F1 shows it).
    DIALOG_HELP: ClassVar[str] = ""
    #: The dialog's name in its help, when it has no title of its own.
    DIALOG_NAME: ClassVar[str] = "Dialog"

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f1", "app.help", "Help", id="dialog.help")]

    def help_title(self) -> str:
        """The help's title: the dialog's own title where it has one."""
        return self.DIALOG_NAME

    def help_markdown(self) -> str:
        """The dialog's help and the keys it has now, as markdown."""
        rows = [self.DIALOG_HELP.strip(), "", "## Keys in this dialog", ""]
        rows += ["| Key | Does |", "| --- | --- |"]
        for key, active in self.active_bindings.items():
            binding = active.binding
            if not binding.show or not active.enabled or key == "f1":
                continue
            rows.append(f"| {self.app.get_key_display(binding)} | {binding.description} |")
        rows.append("| tab / shift+tab | Next or previous field or button |")
        rows.append("| enter | Presses the focused button |")
        return "\n".join(rows) + "\n"
