"""Screenshots of every dialog and pushed screen at 80x24 and 160x50 on the demo,
compared with the stored SVGs: the confirmations of each kind (send, sending
hours, discard a filled wizard, opted-out members, pay and fetch, discard
pending, replace a file, remove list members, remove an opt-out), the
template and file pickers, the import preview, the path and export prompts,
the audio dialog, and the screens opened over the main ones
(list members, conversation, surveys, personalised send and its rows, the
profile switch's login).

Time is frozen and the simulator's clock is manual (see test_snapshots.py);
the files the dialogs show live in one fixed folder with fixed dates, which
is also the working folder (the default of the export prompts), so the
paths in the pictures do not depend on who runs the tests where. Update
after an intended change with ``pytest --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, DataTable, Static

from tests.app.harness import wait_until
from tests.app.test_shell import SIM_START
from tests.app.test_sms_campaigns_screen import bills
from tests.app.test_snapshots import SMALL_AND_LARGE, make_demo_app, settled, size_id, still
from tests.app.test_wizard_snapshots import list_id, sms_wizard_at, voice_wizard_at
from tui.config import Profile
from tui.screens.audio import AudioFlowModal
from tui.screens.confirm import ConfirmScreen
from tui.screens.conversation import ConversationScreen
from tui.screens.import_preview import ImportPreviewScreen
from tui.screens.list_members import ListMembersScreen
from tui.screens.login import LoginScreen
from tui.screens.path_prompt import PathPrompt
from tui.screens.personalised import PersonalisedScreen
from tui.screens.personalised_jobs import JobsTable
from tui.screens.personalised_results import PersonalisedResultsScreen
from tui.screens.sending_hours import SendingHoursScreen
from tui.screens.surveys import SurveysScreen
from tui.screens.template_picker import TemplatePickerScreen
from tui.widgets import MessageComposer, RecipientsBox
from tui.widgets.file_picker import FilePicker, PickerTree
from tui.widgets.path_input import PathInput

#: One folder for the files the dialogs show, the same for every run and user.
FILES = Path("/tmp/csms-snapshot-files")
#: The files' modification time (the file picker shows it, in the frozen clock's
#: zone: 14:30 in Karachi).
FILE_TIME = datetime(2024, 3, 1, 9, 30, tzinfo=UTC).timestamp()
NIGHT = datetime(2024, 3, 4, 23, 10, tzinfo=ZoneInfo("Asia/Karachi"))
BILL = (
    "Dear customer, your bill of Rs 1500 is due on Friday. Pay at any Telenor "
    "shop or by Easypaisa before the due date to avoid a late fee. Thank you."
)

Opener = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    with time_machine.travel(SIM_START, tick=False):
        yield


@pytest.fixture(autouse=True)
def files(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixed folder, filled (idempotently) and made the working folder."""
    FILES.mkdir(exist_ok=True)
    contacts = "Name,Mobile\nAli,03001234567\nSara,0321 7654321\nBroken,9.23001E+11\n"
    (FILES / "contacts.csv").write_text(contacts, encoding="utf-8")
    (FILES / "do-not-contact.csv").write_text("number\n923001112223\n", encoding="utf-8")
    bills(FILES / "bills.csv", 6)
    for path in FILES.iterdir():
        if path.name not in ("contacts.csv", "do-not-contact.csv", "bills.csv"):
            path.unlink()  # the file picker shows the folder: nothing else in it
            continue
        os.utime(path, (FILE_TIME, FILE_TIME))
    monkeypatch.chdir(FILES)
    return FILES


def activate(screen: Screen[Any], selector: str) -> None:
    """What pressing the button does, without its 0.2 s flash (real time), which
    the picture would catch or not behind the dialog it opens."""
    button = screen.query_one(selector, Button)
    button.post_message(Button.Pressed(button))


async def showing(pilot: Pilot[Any], kind: type[Screen[Any]]) -> Any:
    """The screen on top once it is a mounted ``kind``."""
    app = pilot.app
    await wait_until(
        pilot, lambda: isinstance(app.screen, kind) and app.screen.is_mounted, kind.__name__
    )
    await pilot.pause()
    return app.screen


# -- confirmations --------------------------------------------------------------


async def quick_send_filled(pilot: Pilot[Any], *, at: datetime | None = None) -> None:
    """Quick send filled in, then Ctrl+S (with the engine's clock at ``at``)."""
    await settled(pilot, "quick_send")
    if at is not None:
        pilot.app.engine.holds.clock = lambda: at  # type: ignore[attr-defined]
    screen = pilot.app.screen
    screen.query_one(RecipientsBox).text = "0300-1234567, 0321 7654321, 03331112223"
    screen.query_one(MessageComposer).text = BILL
    await pilot.press("ctrl+s")


async def send_confirmation(pilot: Pilot[Any]) -> None:
    await quick_send_filled(pilot)
    await showing(pilot, ConfirmScreen)


async def sending_hours(pilot: Pilot[Any]) -> None:
    """Send at night: hold until the hours open, or send anyway?"""
    await quick_send_filled(pilot, at=NIGHT)
    await showing(pilot, SendingHoursScreen)


async def discard_wizard(pilot: Pilot[Any]) -> None:
    await sms_wizard_at(pilot, "message")
    await pilot.press("escape")
    await showing(pilot, ConfirmScreen)


async def opted_out_members(pilot: Pilot[Any]) -> None:
    """Creating a campaign whose list holds a number on the do-not-contact list."""
    await settled(pilot, "dashboard")
    engine = pilot.app.engine  # type: ignore[attr-defined]
    [first, *_] = engine.ledger.lists.members(list_id(pilot, "Staff"))
    engine.optouts.add([first.msisdn], "asked to stop")
    wizard = await sms_wizard_at(pilot, "review")
    await wait_until(pilot, lambda: not wizard.counting, "the counts")
    await pilot.press("ctrl+s")
    await showing(pilot, ConfirmScreen)


async def pay_and_fetch(pilot: Pilot[Any]) -> None:
    await settled(pilot, "inbox")
    await pilot.press("P")
    await showing(pilot, ConfirmScreen)


async def discard_pending(pilot: Pilot[Any]) -> None:
    await settled(pilot, "inbox")
    await pilot.press("D")
    await showing(pilot, ConfirmScreen)


async def replace_file(pilot: Pilot[Any]) -> None:
    await settled(pilot, "optouts")
    screen = pilot.app.screen
    screen.query_one("#optouts-path", PathInput).value = str(FILES / "do-not-contact.csv")
    activate(screen, "#optouts-export")
    await showing(pilot, ConfirmScreen)


async def remove_optout(pilot: Pilot[Any]) -> None:
    await settled(pilot, "dashboard")
    optouts = pilot.app.engine.optouts  # type: ignore[attr-defined]
    optouts.add(["923001112223", "923217654321"], "asked to stop")
    await settled(pilot, "optouts")
    screen = pilot.app.screen
    table = screen.query_one("#optouts-table", DataTable)
    await wait_until(pilot, lambda: table.row_count > 0, "the opted-out numbers")
    table.focus()
    await pilot.press("x")
    await showing(pilot, ConfirmScreen)


async def members(pilot: Pilot[Any]) -> ListMembersScreen:
    await settled(pilot, "lists")
    pilot.app.open_list_members(list_id(pilot, "Staff"), "Staff")  # type: ignore[attr-defined]
    screen: ListMembersScreen = await showing(pilot, ListMembersScreen)
    table = screen.query_one("#members-table", DataTable)
    await wait_until(pilot, lambda: table.row_count > 0, "the members")
    return screen


async def list_members(pilot: Pilot[Any]) -> None:
    await members(pilot)


async def remove_members(pilot: Pilot[Any]) -> None:
    screen = await members(pilot)
    screen.query_one("#members-table", DataTable).focus()
    await pilot.press("space", "space", "d")
    await showing(pilot, ConfirmScreen)


# -- pickers and prompts ------------------------------------------------------------


async def template_picker(pilot: Pilot[Any]) -> None:
    await settled(pilot, "quick_send")
    templates = pilot.app.engine.saved_templates  # type: ignore[attr-defined]
    templates.save("Bill due", BILL)
    templates.save("Eid greeting", "Eid Mubarak from all of us at Telenor!")
    templates.save("Appointment", "Your appointment is on {date} at {time}.")
    pilot.app.screen.query_one(MessageComposer).focus()
    await pilot.press("ctrl+t")
    await showing(pilot, TemplatePickerScreen)
    await pilot.pause()


async def file_picker(pilot: Pilot[Any]) -> None:
    """Ctrl+O on the Lists screen goes to the file's path, Ctrl+O again opens the picker."""
    await settled(pilot, "lists")
    await pilot.press("ctrl+o")
    pilot.app.screen.query_one("#file-path", PathInput).value = f"{FILES}/"
    await pilot.press("ctrl+o")
    picker = await showing(pilot, FilePicker)
    tree = picker.query_one(PickerTree)
    await wait_until(pilot, lambda: len(tree.root.children) == 3, "the folder's files")


async def import_preview(pilot: Pilot[Any]) -> None:
    await settled(pilot, "lists")
    screen = pilot.app.screen
    field = screen.query_one("#file-path", PathInput)
    field.value = str(FILES / "contacts.csv")
    hint = screen.query_one("#file-columns", Static)
    await wait_until(pilot, lambda: "Name" in str(hint.content), "the file's columns named")
    field.focus()
    await pilot.press("enter")
    await showing(pilot, ImportPreviewScreen)


async def path_prompt(pilot: Pilot[Any]) -> None:
    """The members' export asks where to write."""
    await members(pilot)
    await pilot.press("e")
    await showing(pilot, PathPrompt)


async def export_prompt(pilot: Pilot[Any]) -> None:
    await settled(pilot, "sms_campaigns")
    await pilot.press("e")
    await showing(pilot, PathPrompt)


async def audio_dialog(pilot: Pilot[Any]) -> None:
    """A new recording from the voice wizard's audio step."""
    await voice_wizard_at(pilot, "audio")
    activate(pilot.app.screen, "#wiz-add-audio")
    await showing(pilot, AudioFlowModal)


# -- screens over the main ones ------------------------------------------------------


async def conversation(pilot: Pilot[Any]) -> None:
    """Enter on the Activity screen's first SMS."""
    await settled(pilot, "activity")
    table = pilot.app.screen.query_one("#items", DataTable)
    await wait_until(pilot, lambda: table.row_count > 0, "the activity")
    table.focus()
    table.move_cursor(row=0)
    await pilot.press("enter")
    screen = await showing(pilot, ConversationScreen)
    await pilot.pause()
    assert screen.is_mounted


async def surveys(pilot: Pilot[Any]) -> None:
    await settled(pilot, "voice_campaigns")
    await pilot.press("y")
    await showing(pilot, SurveysScreen)
    await pilot.pause()


async def personalised_filled(pilot: Pilot[Any]) -> PersonalisedScreen:
    await settled(pilot, "sms_campaigns")
    await pilot.press("p")
    screen: PersonalisedScreen = await showing(pilot, PersonalisedScreen)
    await pilot.press(*"bills.csv", "enter")
    await wait_until(pilot, lambda: screen.sheet is not None, "the sheet")
    await pilot.press(*"Dear {name}, your bill of Rs {amount} is due")
    await wait_until(pilot, lambda: screen.plan is not None, "the plan")
    return screen


async def personalised(pilot: Pilot[Any]) -> None:
    await personalised_filled(pilot)


async def personalised_rows(pilot: Pilot[Any]) -> None:
    screen = await personalised_filled(pilot)
    await pilot.press("ctrl+s")
    await showing(pilot, ConfirmScreen)
    await pilot.press("enter")
    await wait_until(pilot, lambda: screen.last_report is not None, "the send")
    jobs = screen.query_one(JobsTable)
    jobs.focus()
    await pilot.press("enter")
    results = await showing(pilot, PersonalisedResultsScreen)
    table = results.query_one("#res-table", DataTable)
    await wait_until(pilot, lambda: table.row_count > 0, "the rows")


async def profile_switch_login(pilot: Pilot[Any]) -> None:
    """The password asked when switching to a profile without one (the demo has
    one profile, so the login is shown as the switch shows it)."""
    await settled(pilot, "dashboard")
    branch = Profile("branch", msisdn="923331234567")
    pilot.app.push_screen(LoginScreen(branch, back_to="default"))
    await showing(pilot, LoginScreen)


DIALOGS: dict[str, Opener] = {
    "send_confirmation": send_confirmation,
    "sending_hours": sending_hours,
    "discard_wizard": discard_wizard,
    "opted_out_members": opted_out_members,
    "pay_and_fetch": pay_and_fetch,
    "discard_pending": discard_pending,
    "replace_file": replace_file,
    "remove_optout": remove_optout,
    "remove_members": remove_members,
    "template_picker": template_picker,
    "file_picker": file_picker,
    "import_preview": import_preview,
    "path_prompt": path_prompt,
    "export_prompt": export_prompt,
    "audio_dialog": audio_dialog,
    "list_members": list_members,
    "conversation": conversation,
    "surveys": surveys,
    "personalised": personalised,
    "personalised_rows": personalised_rows,
    "profile_switch_login": profile_switch_login,
}

#: Dialogs whose focused button is part of what they mean (Cancel first for
#: what pays or deletes): their focus stays in the picture.
FOCUS_SHOWN = {
    "send_confirmation",
    "sending_hours",
    "discard_wizard",
    "opted_out_members",
    "pay_and_fetch",
    "discard_pending",
    "replace_file",
    "remove_optout",
    "remove_members",
    "import_preview",
}


@pytest.mark.parametrize("size", SMALL_AND_LARGE, ids=size_id)
@pytest.mark.parametrize(
    "dialog",
    [
        # The sending hours' own test sets the clock (see tests/conftest.py).
        pytest.param(name, marks=pytest.mark.sending_hours) if name == "sending_hours" else name
        for name in DIALOGS
    ],
)
def test_dialog(snap_compare: Any, tmp_path: Path, dialog: str, size: tuple[int, int]) -> None:
    app = make_demo_app(tmp_path)

    async def before(pilot: Pilot[Any]) -> None:
        await DIALOGS[dialog](pilot)
        if dialog in FOCUS_SHOWN:
            pilot.app.clear_notifications()
            await pilot.pause()
        else:
            await still(pilot)

    assert snap_compare(app, terminal_size=size, run_before=before)
