"""F1 in a dialog: help on the dialog itself, and the dialog is still there after.

Textual's modal screens do not pass keys to the app's bindings; every dialog
is a ``Dialog``, which binds F1 to the app's help.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from textual.widgets import Static

import tui.screens
import tui.widgets
from tests.app.harness import asked_by, demo_app, wait_until
from tests.app.test_quick_send import paste
from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.widgets.dialog import Dialog


def _dialogs() -> list[type[Dialog[object]]]:
    for package in (tui.screens, tui.widgets):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
    found: list[type[Dialog[object]]] = []
    pending = list(Dialog.__subclasses__())
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return found


def test_every_dialog_says_what_it_is_for() -> None:
    dialogs = {kind.__name__: kind for kind in _dialogs()}
    # The dialogs of the app; a new one must say how it works too.
    assert {"ConfirmScreen", "PathPrompt", "FilePicker", "ImportPreviewScreen"} <= set(dialogs)
    for name, kind in dialogs.items():
        assert len(kind.DIALOG_HELP.split()) >= 20, f"{name} has no help of its own"
        assert kind.DIALOG_NAME != "Dialog", f"{name} has no name"


async def test_f1_in_the_send_question_shows_its_help_then_returns_to_it(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "quick_send", size=(80, 24)) as (app, pilot, sim):
        await paste(pilot, "03001234567")
        await pilot.press("tab", *"Hello")
        question = await asked_by(pilot, "ctrl+s", ConfirmScreen)
        sent_before = len(sim.requests)

        help_screen = await asked_by(pilot, "f1", HelpScreen)
        assert help_screen.help_title == question.title_text
        body = help_screen.markdown
        assert "Enter\npresses the button that has the focus" in body
        assert "## Keys in this dialog" in body
        assert "| esc | Cancel |" in body
        title = str(help_screen.query_one("#help-title", Static).content)
        assert title == f"Help: {question.title_text}"

        await pilot.press("escape")  # closes the help only
        await wait_until(pilot, lambda: app.screen is question, "the question again")
        await pilot.press("escape")  # cancels the send
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "cancelled")
        assert len(sim.requests) == sent_before
