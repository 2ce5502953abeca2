"""The one path input: pasted forms read, Tab completion, the picker (Ctrl+O)
with sizes and dates, Backspace up a folder; replacing a file is asked first."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Static

from tests.app.harness import demo_app, wait_until
from tui.screens.confirm import ConfirmScreen
from tui.screens.file_choice import open_picker
from tui.screens.inbox import InboxScreen
from tui.widgets.file_picker import FilePicker, PickerTree, size_text
from tui.widgets.path_input import PathInput, complete, typed_path


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ('"/tmp/My Recordings/eid.mp3"', "/tmp/My Recordings/eid.mp3"),
        ("'/tmp/a.csv'", "/tmp/a.csv"),
        ("file:///tmp/My%20Recordings/eid.mp3", "/tmp/My Recordings/eid.mp3"),
        ("/tmp/My\\ Recordings/eid.mp3", "/tmp/My Recordings/eid.mp3"),
        ("  /tmp/a.csv  ", "/tmp/a.csv"),
    ],
)
def test_pasted_paths_are_read_as_meant(typed: str, expected: str) -> None:
    assert typed_path(typed) == Path(expected)


def test_home_and_blank() -> None:
    assert typed_path("~/x.csv") == Path.home() / "x.csv"
    assert typed_path("   ") is None


def test_tab_completion_goes_as_far_as_is_unambiguous(tmp_path: Path) -> None:
    (tmp_path / "My Recordings").mkdir()
    (tmp_path / "My Recordings" / "eid.mp3").write_bytes(b"x")
    (tmp_path / "My Recordings" / "eid2.wav").write_bytes(b"x")
    assert complete(f"{tmp_path}/My") == f"{tmp_path}/My Recordings/"
    assert complete(f"{tmp_path}/My Recordings/e") == f"{tmp_path}/My Recordings/eid"
    assert complete(f"{tmp_path}/My Recordings/eid") is None  # two ways on: nothing added
    assert complete(f"{tmp_path}/nothing-here") is None


def test_sizes_read_as_people_say_them() -> None:
    assert [size_text(n) for n in (812, 4300, 13_631_488)] == ["812 B", "4.2 KB", "13.0 MB"]


class PickScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield PathInput(id="path")
        yield Input(id="next")

    def on_path_input_pick_requested(self, event: PathInput.PickRequested) -> None:
        open_picker(self, event, suffixes=frozenset({".csv"}))


class PickApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(PickScreen())


async def test_tab_completes_then_moves_on_and_the_picker_fills_the_field(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "customers.csv").write_text("number\n03001234567\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a csv", encoding="utf-8")
    app = PickApp()
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.screen.query_one("#path", PathInput)
        field.focus()
        field.value = f"{tmp_path}/exp"
        await pilot.press("tab")
        assert field.value == f"{folder}/"
        await pilot.press("tab")  # nothing left to complete: focus moves on
        assert app.screen.focused is app.screen.query_one("#next")

        field.focus()
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, FilePicker), "the picker")
        picker = app.screen
        assert isinstance(picker, FilePicker) and picker.folder == folder
        tree = picker.query_one(PickerTree)
        await wait_until(pilot, lambda: len(tree.root.children) == 1, "the folder's files")
        [node] = tree.root.children
        assert str(node.label) == "customers.csv"  # notes.txt is not a .csv
        label = tree.render_label(node, tree.rich_style, tree.rich_style).plain
        assert "customers.csv" in label and " B · " in label
        tree.focus()
        tree.move_cursor(node)
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, FilePicker), "chosen")
        assert field.value == str(folder / "customers.csv")

        # Opened again, it starts in the file's folder; Backspace goes up one.
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, FilePicker), "the picker again")
        picker = app.screen
        assert isinstance(picker, FilePicker) and picker.folder == folder
        await pilot.press("backspace")
        assert picker.folder == tmp_path
        await pilot.press("escape")
        assert field.value == str(folder / "customers.csv")


async def test_exporting_over_a_file_asks_first_with_cancel_focused(tmp_path: Path) -> None:
    target = tmp_path / "inbox.csv"
    target.write_text("keep me", encoding="utf-8")
    async with demo_app(tmp_path, "inbox", size=(80, 24)) as (app, pilot, _sim):
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        field = screen.query_one("#export-path", PathInput)
        field.value = f'"{target}"'  # pasted with quotes
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert f"{target} exists" in confirm.question
        assert confirm.focused is not None and confirm.focused.id == "cancel"
        await pilot.press("enter")  # a stray Enter keeps the file
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "closed")
        assert target.read_text(encoding="utf-8") == "keep me"
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "asked again")
        await pilot.press("right", "enter")
        await wait_until(pilot, lambda: screen.last_export is not None, "the export")
        assert target.read_text(encoding="utf-8-sig").startswith("ID,Received at")


async def test_the_lists_import_reads_a_pasted_path_and_opens_the_picker(tmp_path: Path) -> None:
    from tui.widgets.import_source import ImportSource

    sheet = tmp_path / "My Contacts.csv"
    sheet.write_text("Name,Mobile\nAli,03001234567\n", encoding="utf-8")
    async with demo_app(tmp_path, "lists", size=(80, 24)) as (app, pilot, _sim):
        source = app.screen.query_one(ImportSource)
        field = source.query_one("#file-path", PathInput)
        field.value = f"'{sheet}'"  # pasted from a file manager
        assert source.path_text == str(sheet)
        field.value = str(tmp_path) + "/"
        field.focus()
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, FilePicker), "the picker")
        picker = app.screen
        assert isinstance(picker, FilePicker) and picker.folder == tmp_path


async def test_the_path_prompt_reads_a_pasted_path_as_meant(tmp_path: Path) -> None:
    """Every export's "where to write?" dialog takes a path as it is pasted:
    quoted, as a file:// URL, with ~; Escape answers None."""
    from textual.widgets import Label

    from tui.screens.path_prompt import PathPrompt

    answers: list[Path | None] = []

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("behind")

    def prompt() -> PathPrompt:
        return PathPrompt("Write to", tmp_path / "x.csv", replacing="the rows")

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        target = tmp_path / "my exports" / "eid.csv"
        # An empty field, a folder, or a folder that is not there: said, and
        # the dialog stays (an empty field closed it as if cancelled).
        app.push_screen(prompt(), answers.append)
        await pilot.pause()
        field = app.screen.query_one("#path-input", PathInput)
        problem = app.screen.query_one("#path-problem", Static)
        for typed, said in (
            ("", "Write the file's path first"),
            (str(tmp_path), "is a folder; add a file name"),
            (str(target), "my exports does not exist; create it or choose another"),
        ):
            field.value = typed
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, PathPrompt) and said in str(problem.content), typed
        await pilot.press("x")  # typing clears the sentence
        assert str(problem.content) == ""
        await pilot.press("escape")
        await pilot.pause()
        assert answers == [None]
        answers.clear()
        target.parent.mkdir()
        for typed in (f"'{target}'", target.as_uri()):
            app.push_screen(
                PathPrompt("Write to", tmp_path / "x.csv", replacing="the rows"), answers.append
            )
            await pilot.pause()
            field = app.screen.query_one("#path-input", PathInput)
            assert app.focused is field and field.value == str(tmp_path / "x.csv")
            field.value = typed
            await pilot.press("enter")
            await pilot.pause()
        app.push_screen(
            PathPrompt("Write to", tmp_path / "x.csv", replacing="the rows"), answers.append
        )
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert answers == [target, target, None]
