"""The Surveys screen: per-key results of feedback calls, live; resume; export."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static

from tests.app.harness import demo_app, wait_until
from tests.app.test_voice_screens import ids
from tui.gateway.codes import CallStatus
from tui.ledger.surveys import SurveyTally
from tui.screens.confirm import ConfirmScreen
from tui.screens.surveys import SurveysScreen
from tui.screens.voice_campaigns import VoiceCampaignsScreen

NUMBERS = ["923001110001", "923001110002", "923001110003", "923001110004"]


def text_of(screen: SurveysScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def test_a_survey_is_resumed_and_its_keys_show_live(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "voice_campaigns", size=(80, 24)) as (app, pilot, sim):
        engine = app.engine
        known = ids(engine)
        for number, key in zip(NUMBERS, ("2", "2", "1", None), strict=True):
            outcome = CallStatus.SENT if key else CallStatus.BUSY
            sim.script_call(number, [outcome], option=key)
        survey = engine.surveys.create(
            "Service poll",
            NUMBERS,
            source="numbers given",
            file_id=known["Welcome message"],
            valid_options=3,
            valid_file_id=known["Payment reminder"],
            invalid_file_id=known["Welcome message"],
        )
        assert isinstance(app.screen, VoiceCampaignsScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, SurveysScreen), "the screen")
        screen = app.screen
        assert isinstance(screen, SurveysScreen)
        await wait_until(pilot, lambda: "Service poll" in text_of(screen, "#survey-status"))
        assert text_of(screen, "#survey-keys") == "Keys pressed: none yet."

        await pilot.press("r")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "Call the 4 numbers still waiting" in confirm.question
        await pilot.press("enter")

        def called() -> list[str]:
            calls = [r for r in sim.requests if r.page == "make_feedback_call.jsp"]
            return sorted(",".join(r.params["to"] for r in calls).split(",")) if calls else []

        await wait_until(pilot, lambda: called() == NUMBERS, "the calls")
        await wait_until(pilot, lambda: survey.id not in engine.surveys_running, "the run's end")
        sim.clock.advance(300)
        await engine.tracker.run_round()
        await wait_until(
            pilot, lambda: "Keys pressed (3 answers with a key)" in text_of(screen, "#survey-keys")
        )
        keys = text_of(screen, "#survey-keys").splitlines()
        assert keys[1].startswith("Key 1") and keys[1].endswith("1   33%")
        assert keys[2].startswith("Key 2") and keys[2].endswith("2   67%")
        outcomes = text_of(screen, "#survey-outcomes")
        assert "Busy" in outcomes and "Outcomes of 4 numbers" in outcomes
        assert called() == NUMBERS  # once each

        out = tmp_path / "poll.csv"
        screen.query_one("#survey-export-path", Input).value = str(out)
        await pilot.press("e")
        await wait_until(pilot, lambda: out.exists(), "the export")
        with out.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        assert len(rows) == 5 and sorted(r[5] for r in rows[1:]) == ["", "1", "2", "2"]
        # Again to the same file: it asks, and Enter (on Cancel) keeps the file.
        out.write_text("kept", encoding="utf-8")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "replace?")
        assert "poll.csv exists. Replace it with the results of survey" in app.screen.question
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, "back")
        assert out.read_text(encoding="utf-8") == "kept"
        await pilot.press("escape")
        assert isinstance(app.screen, VoiceCampaignsScreen)


async def test_a_survey_is_started_from_the_screen(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "voice_campaigns", size=(120, 40)) as (app, pilot, sim):
        engine = app.engine
        known = ids(engine)
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, SurveysScreen), "the screen")
        screen = app.screen
        assert isinstance(screen, SurveysScreen)
        await pilot.press("n")
        assert app.focused is screen.query_one("#new-name")
        await pilot.press(*"Staff poll")
        screen.query_one("#new-list", Select).value = "Staff"
        screen.query_one("#new-numbers", Input).value = "0300 1110009"
        screen.query_one("#new-audio", Select).value = known["Welcome message"]
        screen.query_one("#new-valid", Select).value = known["Payment reminder"]
        await pilot.click("#new-start")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)  # a clip is missing: refused
        assert engine.ledger.surveys.surveys() == []
        screen.query_one("#new-invalid", Select).value = known["Welcome message"]
        await pilot.pause(0.3)
        await pilot.click("#new-start")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "call 6 numbers from list 'Staff'" in confirm.question
        # The clips are named as the user knows them, next to the gateway's IDs.
        question, valid = known["Welcome message"], known["Payment reminder"]
        assert (
            f"play 'Welcome message' (ID {question}), keys 1-2, then 'Payment reminder'"
            f" (ID {valid}) (valid) or 'Welcome message' (ID {question}) (another key)?"
        ) in confirm.question
        await pilot.press("enter")
        staff = {m.msisdn for m in engine.ledger.lists.members(known["Staff"])} | {"923001110009"}

        def called() -> set[str]:
            calls = [r for r in sim.requests if r.page == "make_feedback_call.jsp"]
            return set(",".join(r.params["to"] for r in calls).split(",")) if calls else set()

        await wait_until(pilot, lambda: called() == staff, "the calls")
        [survey] = engine.ledger.surveys.surveys()
        assert survey.name == "Staff poll" and survey.valid_options == 2
        await wait_until(pilot, lambda: "Staff poll (survey" in text_of(screen, "#survey-status"))
        assert f"question 'Welcome message' (ID {question})" in text_of(screen, "#survey-status")


async def test_the_screen_reads_the_ledger_only_when_something_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = [0]
    real = SurveysScreen._show

    def counted(self: SurveysScreen, tallies: dict[int, SurveyTally]) -> None:
        reads[0] += 1
        real(self, tallies)

    monkeypatch.setattr(SurveysScreen, "_show", counted)
    async with demo_app(tmp_path, "voice_campaigns") as (app, pilot, _sim):
        known = ids(app.engine)
        for name in ("First", "Second"):
            app.engine.surveys.create(
                name, NUMBERS[:1], source="numbers given", file_id=known["Welcome message"],
                valid_options=2, valid_file_id=known["Welcome message"],
                invalid_file_id=known["Welcome message"],
            )  # fmt: skip
        await pilot.press("y")
        await pilot.pause(3)
        assert reads[0] < 10  # idle: no reading in a loop
        screen = app.screen
        assert isinstance(screen, SurveysScreen)
        await pilot.press("down")
        await wait_until(pilot, lambda: "First (survey" in text_of(screen, "#survey-status"))
