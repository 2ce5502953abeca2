"""Nobody is messaged at 23:00 by mistake: a send outside the sending hours is refused
unless held (then it leaves when they open, at `csms hold run`) or forced."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.test_cli_call import ready_audio
from tui.cli.main import main
from tui.config import Profile
from tui.engine.quiet_hours import SendingHours
from tui.simulator import Simulator

pytestmark = pytest.mark.sending_hours
KARACHI = ZoneInfo("Asia/Karachi")
NIGHT = datetime(2026, 12, 4, 23, 10, tzinfo=KARACHI)


def sends(simulator: Simulator) -> int:
    return simulator.pages_requested().count("sendsms.jsp")


def test_the_window_and_when_it_opens() -> None:
    hours = SendingHours.of(Profile("p"))
    assert not hours.allows(NIGHT)
    assert hours.next_open(NIGHT) == datetime(2026, 12, 5, 9, 0, tzinfo=KARACHI)
    assert "It is 23:10 (Fri) in Asia/Karachi" in hours.sentence(NIGHT)
    assert hours.allows(NIGHT.replace(hour=12))
    weekdays = SendingHours.of(Profile("p", send_days=["mon", "tue", "wed", "thu", "fri"]))
    assert weekdays.next_open(NIGHT) == datetime(2026, 12, 7, 9, 0, tzinfo=KARACHI)
    late = SendingHours.of(Profile("p", send_from="22:00", send_until="02:00"))
    assert late.allows(NIGHT) and not late.allows(NIGHT.replace(hour=3))


def test_a_send_at_night_is_refused_held_and_sent_at_nine(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["send", "--to", "03001234567", "--text", "Your bill is due"]
    with time_machine.travel(NIGHT, tick=False):
        assert main(argv) == 2
        assert "It is 23:10 (Fri) in Asia/Karachi" in capsys.readouterr().err
        assert main([*argv, "--hold", "--json"]) == 0
        held = json.loads(capsys.readouterr().out)
        assert held["due"].startswith("2026-12-05T09:00")
        assert main(["hold", "run"]) == 0  # still night: nothing goes
        assert "outside the sending hours" in capsys.readouterr().out
        assert sends(simulator) == 0
    with time_machine.travel(NIGHT + timedelta(hours=10), tick=False):  # 09:10
        assert main(["hold", "run", "--json"]) == 0
        ran = json.loads(capsys.readouterr().out)
        assert [item["id"] for item in ran["sent"]] == [held["held"]]
        assert sends(simulator) == 1
        assert main(["hold", "run"]) == 0  # sent once, never again
        assert sends(simulator) == 1
    with time_machine.travel(NIGHT, tick=False):
        assert main([*argv, "--now"]) == 0  # the user's explicit choice
        assert sends(simulator) == 2


def customers_list(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A list "Customers" of one number, imported at noon."""
    people = home / "people.txt"
    people.write_text("03001112223\n")
    with time_machine.travel(NIGHT.replace(hour=12), tick=False):
        assert main(["lists", "import", "Customers", str(people), "--yes"]) == 0
        capsys.readouterr()


def test_a_campaign_scheduled_outside_the_hours_is_warned_about(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    customers_list(account_env, capsys)
    with time_machine.travel(NIGHT.replace(hour=12), tick=False):
        argv = ["campaign", "create", "Late", "--list", "Customers", "--text", "Hi"]
        assert main([*argv, "--at", "2026-12-04 23:30"]) == 0
        assert "starts outside the sending hours" in capsys.readouterr().out
        assert main([*argv, "--at", "2026-12-04 15:00"]) == 0
        assert "outside the sending hours" not in capsys.readouterr().out


def test_a_call_and_a_feedback_call_at_night_are_held_and_made_at_nine(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    for file_id, name in (("151", "Question"), ("152", "Thanks"), ("153", "Sorry")):
        ready_audio(simulator, file_id, name)
    call = ["call", "--to", "03001234567", "--audio", "151", "--retries", "1"]
    feedback = ["call", "--to", "03007654321", "--audio", "151", "--feedback"]
    feedback += ["--options", "2", "--valid-audio", "152", "--invalid-audio", "153"]
    with time_machine.travel(NIGHT, tick=False):
        assert main(call) == 2
        assert "Add --hold to send it then, or --now" in capsys.readouterr().err
        assert main([*call, "--hold"]) == 0
        assert "Call to 1 number, audio 151" in capsys.readouterr().out
        assert main([*feedback, "--hold", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["kind"] == "feedback"
        assert main(["hold", "--json"]) == 0
        listed = json.loads(capsys.readouterr().out)
        assert [(h["kind"], h["to"]) for h in listed] == [
            ("call", ["923001234567"]),
            ("feedback", ["923007654321"]),
        ]
    pages = lambda: [r.page for r in simulator.requests if "call" in r.page]  # noqa: E731
    assert pages() == []
    with time_machine.travel(NIGHT + timedelta(hours=10), tick=False):
        assert main(["hold", "run"]) == 0
        assert pages() == ["makecall.jsp", "make_feedback_call.jsp"]
        [made] = [r for r in simulator.requests if r.page == "make_feedback_call.jsp"]
        assert made.params["to"] == "923007654321"
        assert main(["hold", "run"]) == 0
        assert len(pages()) == 2


def test_a_held_survey_calls_at_nine_and_a_cancelled_hold_never_leaves(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    for file_id, name in (("151", "Question"), ("152", "Thanks"), ("153", "Sorry")):
        ready_audio(simulator, file_id, name)
    survey = ["survey", "start", "Night poll", "--to", "03001112223,03004445556"]
    survey += ["--audio", "151", "--options", "2", "--valid-audio", "152"]
    survey += ["--invalid-audio", "153", "--yes"]
    with time_machine.travel(NIGHT, tick=False):
        assert main(survey) == 2  # refused before anything is saved
        capsys.readouterr()
        assert main(["survey", "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == []
        assert main([*survey, "--hold"]) == 0
        assert "Survey 1" in capsys.readouterr().out
        assert main(["send", "--to", "03009998887", "--text", "Later", "--hold", "--json"]) == 0
        sms = json.loads(capsys.readouterr().out)["held"]
        assert main(["hold", "cancel", str(sms)]) == 0
        assert "nothing was sent" in capsys.readouterr().out
        assert main(["hold", "cancel", str(sms), "--json"]) == 1
        assert "cancelled already" in json.loads(capsys.readouterr().out)["error"]
    with time_machine.travel(NIGHT + timedelta(hours=10), tick=True):
        assert main(["hold", "run"]) == 0
        assert "survey:" in capsys.readouterr().out
    called = [r.params["to"] for r in simulator.requests if r.page == "make_feedback_call.jsp"]
    assert sorted(",".join(called).split(",")) == ["923001112223", "923004445556"]
    assert sends(simulator) == 0


def test_a_voice_campaign_outside_the_hours_is_warned_about(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    people = account_env / "people.txt"
    people.write_text("03001112223\n03004445556\n")
    ready_audio(simulator, "151", "Welcome")
    with time_machine.travel(NIGHT.replace(hour=12), tick=False):
        assert main(["lists", "import", "Customers", str(people), "--yes"]) == 0
        capsys.readouterr()
        argv = ["voice", "create", "Clinic", "--list", "Customers", "--audio", "151"]
        assert main([*argv, "--start", "2026-12-04 15:00"]) == 0
        assert "Warning" not in capsys.readouterr().out
        assert main([*argv, "--start", "2026-12-04 22:30"]) == 0
        assert "It starts outside the sending hours" in capsys.readouterr().out
        window = ["--start", "2026-12-05 10:00", "--daily-start", "08:00", "--daily-end", "22:00"]
        assert main([*argv, *window]) == 0
        assert (
            "Its daily window 08:00-22:00 reaches outside the sending hours 09:00-21:00"
            in capsys.readouterr().out
        )


def test_a_campaign_starting_now_at_night_is_refused_held_or_forced(
    account_env: Path, simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    customers_list(account_env, capsys)
    argv = ["campaign", "create", "Night", "--list", "Customers", "--text", "Hi", "--yes"]
    simulator.clock.advance_to(NIGHT)  # the gateway's clock: the same night
    with time_machine.travel(NIGHT, tick=False):
        # The review says what to add; with --yes and no choice nothing is created.
        assert main(argv[:-1]) == 0
        assert "add --hold (it starts when they open) or --now" in capsys.readouterr().out
        assert main([*argv, "--json"]) == 2
        refused = json.loads(capsys.readouterr().out)
        assert refused["code"] == "sending_hours"
        assert "Add --hold to start it then (2026-12-05 09:00)" in refused["error"]
        assert "campaign.jsp" not in simulator.pages_requested()
        # --hold: created, scheduled for when the hours open.
        assert main([*argv, "--hold", "--json"]) == 0
        held = json.loads(capsys.readouterr().out)
        assert held["created"] is True
        [sent] = [r for r in simulator.requests if r.page == "campaign.jsp"]
        assert sent.params["time"] == "2026-12-05 09:00:00"
        # --now: the user's explicit choice, started at once.
        assert main(["campaign", "create", "Night 2", *argv[3:], "--now"]) == 0
        capsys.readouterr()
        now = [r for r in simulator.requests if r.page == "campaign.jsp"][-1]
        assert now.params["time"] == "2026-12-04 23:10:00"  # now
