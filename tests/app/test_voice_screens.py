"""The voice campaign wizard and monitor on the demo engine: each type through
to a created campaign, one run to the end with a stepped clock, refusals."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList, Static

from tests.app.harness import burst, paste, type_burst, wait_until
from tests.app.test_audio_screen import demo_engine_app, make_clip
from tui.engine.service import Engine
from tui.engine.voice_campaigns import VoiceCampaigns
from tui.gateway.codes import AudioStatus
from tui.screens.audio import AudioFlowModal
from tui.screens.audio_flow import AudioFlow
from tui.screens.confirm import ConfirmScreen
from tui.screens.voice_campaigns import CampaignsTable, VoiceCampaignsScreen
from tui.screens.voice_wizard import VoiceWizard
from tui.widgets import MessageComposer

FMT = "%Y-%m-%d %H:%M"
CREATE_PAGES = (
    "voice_broadcast_campaign.jsp",
    "voice_feedback_campaign.jsp",
    "voice_dynamic_campaign.jsp",
)


#: File trees open on the user's home: a folder of the test's own (conftest.py).
pytestmark = pytest.mark.usefixtures("home")


def ids(engine: Engine) -> dict[str, str]:
    found = {item.name: item.id for item in engine.ledger.lists.lists()}
    found.update({audio.name: audio.id for audio in engine.ledger.audio.audio_files()})
    return found


def creations(engine: Engine) -> list[tuple[str, dict[str, str]]]:
    return [(r.page, dict(r.params)) for r in engine.simulator.requests if r.page in CREATE_PAGES]


def text_of(node: Any, selector: str) -> str:
    return str(node.query_one(selector, Static).content)


async def open_wizard(pilot: Pilot[Any], screen: VoiceCampaignsScreen) -> VoiceWizard:
    screen.query_one(CampaignsTable).focus()
    await pilot.press("n")
    wizard = screen.query_one(VoiceWizard)
    assert wizard.step == "kind" and wizard.display
    return wizard


async def fill_basics(pilot: Pilot[Any], wizard: VoiceWizard, name: str, *lists: str) -> None:
    """On the kind step: go on to the basics and fill them."""
    await pilot.press("ctrl+n")
    assert wizard.step == "basics"
    assert wizard.app.focused is wizard.query_one("#wiz-name")
    wizard.query_one("#wiz-name", Input).value = name
    for list_id in lists:
        wizard.query_one(SelectionList).select(list_id)
    await pilot.press("ctrl+n")


def choose(wizard: VoiceWizard, selector: str, value: object) -> None:
    wizard.query_one(selector, Select).value = value


async def test_broadcast_created_and_followed_to_sent(tmp_path: Path) -> None:
    async with demo_engine_app(tmp_path, "voice_campaigns") as (app, pilot, engine):
        screen = app.screen
        assert isinstance(screen, VoiceCampaignsScreen)
        table = screen.query_one(CampaignsTable)
        # The seeded campaign is listed and shown.
        assert [str(table.get_row_at(0)[0])] == ["Bill reminder"]
        assert "Bill reminder" in text_of(screen, "#monitor-title")
        known = ids(engine)

        wizard = await open_wizard(pilot, screen)
        await fill_basics(pilot, wizard, "Clinic reminder", known["Staff"])
        assert wizard.step == "audio"
        choose(wizard, "#wiz-audio", known["Welcome message"])
        await pilot.press("ctrl+n")
        assert wizard.step == "delivery"
        assert wizard.app.focused is wizard.query_one(MessageComposer).text_area
        wizard.query_one(MessageComposer).text = "Sorry we missed you"
        await pilot.pause()
        assert "19 of 160 units" in text_of(wizard, "#wiz-sms-limit")
        await pilot.press("ctrl+n")
        assert wizard.step == "review"
        review = wizard.review_shown
        assert "Clinic reminder" in review and "Staff (ID" in review and "(5 numbers" in review
        assert "Welcome message (ID" in review and "Sorry we missed you" in review
        assert "as soon as approved" in review
        assert creations(engine) == []

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(creations(engine)) == 1, "create request")
        await wait_until(pilot, lambda: not wizard.display, "back to the list")
        page, params = creations(engine)[0]
        assert page == "voice_broadcast_campaign.jsp"
        assert params["group_ids"] == known["Staff"] and params["max_retries"] == "0"
        created = next(
            c for c in engine.ledger.voice.voice_campaigns() if c.name == "Clinic reminder"
        )
        assert screen.monitored == created.id
        assert "Clinic reminder" in text_of(screen, "#monitor-title")
        assert created.id in table.rows

        engine.simulator.clock.advance(61 + 5 * 10 + 5)
        await wait_until(
            pilot, lambda: "Status: Sent (code 4, finished" in text_of(screen, "#monitor-status")
        )
        counters = text_of(screen, "#monitor-counters")
        assert counters.startswith("Attempts 5  ·  Answered ")
        bars = text_of(screen, "#monitor-bars").splitlines()
        assert bars[0] == "Outcomes" and len(bars) == 5
        assert bars[1].startswith("Answered") and bars[4].startswith("Busy")
        assert str(table.get_row(created.id)[3]) == "Sent"
        assert str(table.get_row(created.id)[4]) == "5"

        out = tmp_path / "clinic.csv"
        screen.query_one("#export-path", Input).value = str(out)
        table.focus()
        await pilot.press("e")
        await wait_until(pilot, lambda: screen.last_export is not None, "export")
        with out.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0][:4] == ["At (Asia/Karachi)", "Status code", "Status", "Call attempts"]
        assert rows[-1][2] == "Sent" and rows[-1][3] == "5"
        assert screen.last_export == (out, len(rows) - 1)


async def test_feedback_campaign_says_the_gateway_reports_no_keys(tmp_path: Path) -> None:
    async with demo_engine_app(tmp_path, "voice_campaigns") as (app, pilot, engine):
        screen = app.screen
        assert isinstance(screen, VoiceCampaignsScreen)
        known = ids(engine)
        wizard = await open_wizard(pilot, screen)
        await pilot.press("down", "enter")
        assert wizard.kind == "feedback"
        await fill_basics(pilot, wizard, "Service survey", known["Customers"], known["Staff"])
        assert wizard.query_one("#wiz-feedback").display
        choose(wizard, "#wiz-audio", known["Welcome message"])
        wizard.query_one("#wiz-options", Input).value = "3"
        choose(wizard, "#wiz-valid-clip", known["Payment reminder"])
        await pilot.press("ctrl+n", "ctrl+n")
        review = wizard.review_shown
        assert "Valid options" in review and "3 (keys 1-3)" in review
        assert "Payment reminder (ID" in review
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(creations(engine)) == 1, "create request")
        page, params = creations(engine)[0]
        assert page == "voice_feedback_campaign.jsp"
        assert params["valid_options"] == "3"
        assert params["valid_feedback_file_id"] == known["Payment reminder"]
        assert params["group_ids"] == f"{known['Customers']},{known['Staff']}"
        await wait_until(pilot, lambda: not wizard.display, "back to the list")
        # The gateway reports no keys for a campaign: no chart is borrowed from
        # unrelated feedback calls (the demo has one playing the same question).
        tally = text_of(screen, "#monitor-tally")
        assert "reports no per-key figures" in tally and "survey" in tally
        assert "Key " not in tally
        details = text_of(screen, "#monitor-details")
        assert (
            f"Valid: keys 1-3; after a valid key Payment reminder (ID {known['Payment reminder']})"
            in details
        )


async def test_dynamic_campaign_is_created(tmp_path: Path) -> None:
    async with demo_engine_app(tmp_path, "voice_campaigns") as (app, pilot, engine):
        screen = app.screen
        assert isinstance(screen, VoiceCampaignsScreen)
        known = ids(engine)
        wizard = await open_wizard(pilot, screen)
        await pilot.press("down", "down", "enter")
        assert wizard.kind == "dynamic"
        await fill_basics(pilot, wizard, "Balance due", known["Customers"])
        choose(wizard, "#wiz-audio", known["Payment reminder"])
        await pilot.press("ctrl+n")
        # Language, digits and voice are required.
        assert wizard.step == "audio"
        assert "English or Urdu" in text_of(wizard, "#wiz-error")
        choose(wizard, "#wiz-language", 2)
        choose(wizard, "#wiz-digits", 2)
        choose(wizard, "#wiz-voice", 1)
        choose(wizard, "#wiz-ending-clip", known["Welcome message"])
        start = VoiceCampaigns(engine).now() + timedelta(hours=3)
        await pilot.press("ctrl+n")
        wizard.query_one("#wiz-start", Input).value = start.strftime(FMT)
        wizard.query_one("#wiz-daily-start", Input).value = "09:00"
        wizard.query_one("#wiz-daily-end", Input).value = "17:30"
        await pilot.press("ctrl+n")
        review = wizard.review_shown
        assert "Urdu" in review and "numbers" in review and "Male" in review
        lines = dict(line.split(None, 1) for line in review.splitlines())
        assert lines["End"].strip() == (start + timedelta(days=2)).strftime(FMT)
        assert lines["Lists"].strip() == f"Customers (ID {known['Customers']}) (12 numbers in all)"
        assert "09:00 to 17:30" in review
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(creations(engine)) == 1, "create request")
        page, params = creations(engine)[0]
        assert page == "voice_dynamic_campaign.jsp"
        assert (params["language"], params["digits"], params["voice"]) == ("2", "2", "1")
        assert params["ending_audio_id"] == known["Welcome message"]
        assert params["start_date"] == start.strftime(FMT) + ":00"
        assert params["end_date"] == (start + timedelta(days=2)).strftime(FMT) + ":00"
        assert (params["start_time"], params["end_time"]) == ("09:00", "17:30")
        await wait_until(pilot, lambda: not wizard.display, "back to the list")
        assert "Balance due" in text_of(screen, "#monitor-title")
        # The monitor shows every setting of the campaign.
        details = text_of(screen, "#monitor-details")
        assert "Reads in Urdu, digits as numbers, male voice" in details
        assert f"ending clip Welcome message (ID {known['Welcome message']})" in details


async def test_refusals_name_the_field_and_send_nothing(tmp_path: Path) -> None:
    async with demo_engine_app(tmp_path, "voice_campaigns") as (app, pilot, engine):
        screen = app.screen
        assert isinstance(screen, VoiceCampaignsScreen)
        known = ids(engine)
        now = VoiceCampaigns(engine).now()
        wizard = await open_wizard(pilot, screen)

        await pilot.press("ctrl+n", "ctrl+n")
        assert wizard.step == "basics"
        assert "name is empty" in text_of(wizard, "#wiz-error")
        assert "at least one contact list" in text_of(wizard, "#wiz-error")
        assert app.focused is wizard.query_one("#wiz-name")
        await pilot.press(*"Checks")
        wizard.query_one(SelectionList).select(known["Staff"])
        await pilot.press("ctrl+n")

        # Audio not Ready yet (the demo's newest upload).
        choose(wizard, "#wiz-audio", known["Eid greeting"])
        await pilot.press("ctrl+n")
        assert wizard.step == "audio"
        assert "'Eid greeting' is not Ready yet" in text_of(wizard, "#wiz-error")
        choose(wizard, "#wiz-audio", known["Welcome message"])
        await pilot.press("ctrl+n")
        assert wizard.step == "delivery"

        # SMS too long.
        wizard.query_one(MessageComposer).text = "x" * 161
        await pilot.pause()
        assert "161 of 160 units: too long" in text_of(wizard, "#wiz-sms-limit")
        await pilot.press("ctrl+n")
        assert wizard.step == "delivery"
        assert "allows 160" in text_of(wizard, "#wiz-error")
        wizard.query_one(MessageComposer).text = ""

        # A start in the past.
        start = wizard.query_one("#wiz-start", Input)
        start.value = (now - timedelta(hours=1)).strftime(FMT)
        await pilot.press("ctrl+n")
        assert "is in the past" in text_of(wizard, "#wiz-error")
        assert app.focused is start

        # An end before the start.
        start.value = (now + timedelta(hours=1)).strftime(FMT)
        wizard.query_one("#wiz-end", Input).value = (now + timedelta(minutes=30)).strftime(FMT)
        await pilot.press("ctrl+n")
        assert "is not after the start" in text_of(wizard, "#wiz-error")
        assert wizard.step == "delivery"

        # Valid options out of range (a feedback campaign).
        for _ in range(3):
            await pilot.press("ctrl+b")
        assert wizard.step == "kind"
        await pilot.press("down", "enter")
        assert wizard.kind == "feedback"
        await pilot.press("ctrl+n", "ctrl+n")
        assert wizard.step == "audio"
        wizard.query_one("#wiz-options", Input).value = "12"
        await pilot.press("ctrl+n")
        assert "from 0 to 9, not '12'" in text_of(wizard, "#wiz-error")
        assert wizard.step == "audio"

        # Create from any step checks everything, and goes to the first problem.
        wizard.query_one("#wiz-options", Input).value = "2"
        await pilot.press("ctrl+s")
        assert wizard.step == "delivery"
        assert "is not after the start" in text_of(wizard, "#wiz-error")
        assert creations(engine) == []

        # Escape asks before discarding what was entered ("Keep editing" first),
        # then leaves the wizard; nothing was created.
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert app.screen.focused is not None and app.screen.focused.id == "cancel"
        await pilot.press("right", "enter")
        await wait_until(pilot, lambda: not wizard.display, "wizard closed")
        assert [c.name for c in engine.ledger.voice.voice_campaigns()] == ["Bill reminder"]


async def test_a_recording_added_from_the_wizard_is_used_once_ready(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "question.m4a")
    async with demo_engine_app(tmp_path, "voice_campaigns") as (app, pilot, engine):
        screen = app.screen
        assert isinstance(screen, VoiceCampaignsScreen)
        wizard = await open_wizard(pilot, screen)
        await fill_basics(pilot, wizard, "With a new clip", ids(engine)["Staff"])
        assert wizard.step == "audio"
        await pilot.click("#wiz-add-audio")
        await wait_until(pilot, lambda: isinstance(app.screen, AudioFlowModal), "audio dialog")
        modal = app.screen
        flow = modal.query_one(AudioFlow)
        path = modal.query_one("#audio-path", Input)
        await wait_until(pilot, lambda: app.focused is path, "cursor in the path box")
        path.value = str(clip)
        await pilot.press("enter")
        await wait_until(pilot, lambda: flow.analysis is not None, "analysis")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen, "dialog closed after upload")
        new = engine.ledger.audio.audio_by_name("question")
        assert new is not None and new.status is AudioStatus.NOT_READY
        assert (tmp_path / "question-8k.wav").is_file()
        assert wizard.query_one("#wiz-audio", Select).value == new.id

        await pilot.press("ctrl+n")
        assert wizard.step == "audio"
        assert "'question' is not Ready yet" in text_of(wizard, "#wiz-error")

        engine.simulator.clock.advance(31)
        await wait_until(
            pilot,
            lambda: (engine.ledger.audio.audio(new.id) or new).status is AudioStatus.READY,
            "recording Ready",
        )
        await pilot.press("ctrl+n")
        assert wizard.step == "delivery"
        assert wizard.query_one("#wiz-audio", Select).value == new.id


REMINDER = "Dear customer, your bill of Rs 1500 is due on Friday; call 111 to pay."


def flat(text: str) -> str:
    """``text`` with every run of spaces and line ends made one space."""
    return " ".join(text.split())


async def test_every_step_reads_what_a_fast_typist_sent(tmp_path: Path) -> None:
    async with demo_engine_app(tmp_path, "voice_campaigns", size=(80, 24)) as (
        app,
        pilot,
        engine,
    ):
        screen = app.screen
        assert isinstance(screen, VoiceCampaignsScreen)
        known = ids(engine)
        wizard = await open_wizard(pilot, screen)
        # A radio button chosen and the step left in one burst: the choice counts.
        burst(app, "down", "enter", "ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "basics", "the basics")
        assert wizard.kind == "feedback"
        type_burst(app, "Payment survey", "ctrl+n")
        await wait_until(pilot, lambda: "contact list" in text_of(wizard, "#wiz-error"), "refusal")
        assert wizard.draft().name == "Payment survey"
        lists = wizard.query_one(SelectionList)
        lists.focus()
        lists.highlighted = next(
            i
            for i in range(lists.option_count)
            if lists.get_option_at_index(i).value == known["Staff"]
        )
        burst(app, "space", "ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "audio", "the audio step")
        assert wizard.draft().list_ids == (known["Staff"],)
        choose(wizard, "#wiz-audio", known["Welcome message"])
        wizard.query_one("#wiz-options", Input).focus()
        type_burst(app, "3", "ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "delivery", "the delivery step")
        assert wizard.draft().valid_options == "3"
        type_burst(app, REMINDER, "ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "review", "the review")
        assert f"Fallback SMS {REMINDER} Retries" in flat(wizard.review_shown)
        # Pasted, then Ctrl+N at once.
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: wizard.step == "delivery", "back to delivery")
        wizard.query_one(MessageComposer).text = ""
        paste(app, "Missed you.\nCall 111.")
        burst(app, "ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "review", "the review again")
        assert "Fallback SMS Missed you. Call 111. Retries" in flat(wizard.review_shown)
        # A start time typed and Create pressed twice in one burst: the review
        # shows the whole time and nothing is created until Create is pressed on it.
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: wizard.step == "delivery", "delivery again")
        start = (VoiceCampaigns(engine).now() + timedelta(hours=3)).strftime(FMT)
        wizard.query_one("#wiz-start", Input).focus()
        type_burst(app, start, "ctrl+s", "ctrl+s")
        await wait_until(pilot, lambda: wizard.step == "review", "the review, by Create")
        await pilot.pause(0.2)
        assert creations(engine) == []
        assert f"Start {start} End" in flat(wizard.review_shown)
        create = wizard.query_one("#wiz-create")
        assert app.focused is create and 0 < create.region.bottom <= 24
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(creations(engine)) == 1, "create request")
        page, params = creations(engine)[0]
        assert page == "voice_feedback_campaign.jsp"
        assert params["valid_options"] == "3" and params["group_ids"] == known["Staff"]
        assert params["start_date"] == f"{start}:00"


async def test_a_new_voice_wizard_starts_empty(tmp_path: Path) -> None:
    async with demo_engine_app(tmp_path, "voice_campaigns") as (app, pilot, engine):
        screen = app.screen
        assert isinstance(screen, VoiceCampaignsScreen)
        known = ids(engine)
        wizard = await open_wizard(pilot, screen)
        await pilot.press("down", "enter")
        await fill_basics(pilot, wizard, "Left over", known["Staff"])
        choose(wizard, "#wiz-audio", known["Welcome message"])
        wizard.query_one("#wiz-options", Input).value = "4"
        await pilot.press("ctrl+n")
        assert wizard.step == "delivery"
        await pilot.press(*"Old text")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("right", "enter")
        await wait_until(pilot, lambda: not wizard.display, "wizard closed")

        wizard = await open_wizard(pilot, screen)
        draft = wizard.draft()
        assert (draft.kind, draft.name, draft.list_ids, draft.text) == ("broadcast", "", (), "")
        assert (draft.file_id, draft.valid_options, draft.start) == (None, "", "")
        assert list(wizard.query_one(SelectionList).selected) == []


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 50), (200, 60)])
async def test_the_campaign_table_keeps_every_column_at_each_size(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """Side by side with the monitor only where the table still fits whole; a
    wider terminal never shows less of the list than a narrow one."""
    async with demo_engine_app(tmp_path, "voice_campaigns", size=size) as (app, pilot, _):
        screen = app.screen
        assert isinstance(screen, VoiceCampaignsScreen)
        await pilot.pause()
        table = screen.query_one(CampaignsTable)
        assert table.row_count > 0
        drawn = sum(column.get_render_width(table) for column in table.columns.values())
        assert drawn <= table.scrollable_content_region.width, (drawn, table.region)
        assert all(column.width >= len(str(column.label)) for column in table.columns.values())
        labels = [str(column.label) for column in table.columns.values()]
        assert labels[-3:] == ["Attempts", "Answered", "Cost"]
