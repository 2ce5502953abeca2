"""SMS campaigns screen against the simulator: the wizard to a scheduled campaign
delivered on a stepped clock, refusals (past time, duplicate name), export, and
a personalised send of 200 rows from the screen."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, SelectionList, Static, TextArea

from tests.app.harness import burst, demo_app, paste, type_burst, wait_until
from tui.engine.sms_campaigns import SmsCampaigns
from tui.screens.campaign_wizard import CampaignWizard
from tui.screens.confirm import ConfirmScreen
from tui.screens.path_prompt import PathPrompt
from tui.screens.personalised import PersonalisedScreen
from tui.screens.sms_campaigns import SmsCampaignsScreen
from tui.widgets import MessageComposer
from tui.widgets.progress_chart import ProgressChart

KARACHI = ZoneInfo("Asia/Karachi")


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def pages(sim: Any) -> list[str]:
    return [r.page for r in sim.requests]


def delivered(sim: Any) -> Counter[tuple[str, str]]:
    """(recipient, text) of every message the gateway accepted, with counts."""
    with sim.lock:
        return Counter((m.recipient, m.text) for m in sim.state.messages.values())


async def open_wizard(app: Any, pilot: Pilot[None]) -> CampaignWizard:
    assert isinstance(app.screen, SmsCampaignsScreen)
    await pilot.press("n")
    await pilot.pause()
    wizard = app.screen
    assert isinstance(wizard, CampaignWizard)
    return wizard


async def test_wizard_schedules_a_campaign_that_delivers_on_the_stepped_clock(
    tmp_path: Path,
) -> None:
    async with demo_app(tmp_path, "sms_campaigns") as (app, pilot, sim):
        engine = app.engine
        lists = {item.name: item for item in engine.ledger.lists.lists()}
        chosen = [lists["Customers"].id, lists["Staff"].id]
        audience = SmsCampaigns(engine).audience(chosen)
        now = sim.clock.now().astimezone(KARACHI)
        wizard = await open_wizard(app, pilot)

        # 1 Name
        assert app.focused is wizard.query_one("#wizard-name", Input)
        await pilot.press(*"Eid greetings", "enter")
        assert wizard.step_name == "lists"
        # 2 Lists: tick two (Space); the counts follow.
        selection = wizard.query_one(SelectionList)
        for list_id in chosen:
            selection.highlighted = next(
                i
                for i in range(selection.option_count)
                if selection.get_option_at_index(i).value == list_id
            )
            await pilot.press("space")
        assert list(selection.selected) == chosen
        counted = f"{audience.total} members · {audience.unique} distinct numbers"
        await wait_until(pilot, lambda: counted in text_of(wizard, "#wizard-audience"), "count")
        await pilot.press("ctrl+n")
        assert wizard.step_name == "message"
        # 3 Message: the total is recipients × segments.
        await pilot.press(*"Eid Mubarak!")
        assert f"× {audience.unique} recipients = {audience.unique} segments in all" in (
            text_of(wizard, "#wizard-total")
        )
        await pilot.press("ctrl+n")
        assert wizard.step_name == "when"
        shown_now = now.strftime("%Y-%m-%d %H:%M")
        assert f"It is now {shown_now} in Asia/Karachi" in text_of(wizard, "#wizard-now")
        # 4 When: a time in the past is refused and the step stays.
        await pilot.press("down", "enter", "tab")  # "At a date and time", then its field
        when = wizard.query_one("#wizard-when", Input)
        assert not when.disabled and app.focused is when and not when.has_class("-unused")
        when.value = (now - timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M")
        await pilot.press("enter")
        assert wizard.step_name == "when"
        assert f"is in the past (it is now {shown_now} in Asia/Karachi)" in text_of(
            wizard, "#wizard-error"
        )
        at = (now + timedelta(minutes=30)).replace(second=0, microsecond=0)
        when.value = at.strftime("%Y-%m-%d %H:%M")
        await pilot.press("enter")
        # 5 Review: everything in one view.
        assert wizard.step_name == "review"
        review = wizard.review_shown
        assert "Eid greetings" in review and "Customers (12), Staff (5)" in review
        assert f"{audience.unique} distinct numbers" in review
        stamp = at.strftime("%Y-%m-%d %H:%M")
        assert f"{stamp} Asia/Karachi (sent to the gateway as {stamp}:00)" in review
        assert f"Mask     {engine.profile.default_mask}" in review
        before = pages(sim).count("campaign.jsp")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SmsCampaignsScreen), "monitor")

        screen = app.screen
        assert isinstance(screen, SmsCampaignsScreen)
        campaign = engine.ledger.campaigns.campaign_by_name("Eid greetings")
        assert campaign is not None and screen.shown == campaign.id
        sent = [r.params["time"] for r in sim.requests if r.page == "campaign.jsp"]
        assert len(sent) == before + 1 and sent[-1] == f"{stamp}:00"
        recipients = screen.query_one("#recipients", DataTable)
        chart = screen.query_one(ProgressChart)
        total = audience.unique
        await wait_until(pilot, lambda: recipients.row_count == total, "first status")
        assert (chart.sent, chart.total) == (0, total)
        assert "Scheduled" in text_of(screen, "#monitor-title")

        sim.clock.advance_to(at + timedelta(seconds=1))
        await wait_until(pilot, lambda: chart.sent == total, "delivery")
        await wait_until(pilot, lambda: "Sent" in text_of(screen, "#monitor-title"), "final")
        statuses = {str(recipients.get_row_at(i)[1]) for i in range(recipients.row_count)}
        assert statuses == {"Sent"}
        table = screen.query_one("#campaigns", DataTable)
        assert str(table.get_cell(campaign.id, "sent")) == f"{total} of {total}"
        assert str(table.get_cell(campaign.id, "state")) == "Sent"

        # Export to CSV from the monitor.
        target = tmp_path / "eid.csv"
        table.focus()
        await pilot.press("e")
        prompt = app.screen
        assert isinstance(prompt, PathPrompt)
        prompt.query_one(Input).value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, target.exists, "export")
        with target.open(encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
        members = engine.ledger.lists.member_set(chosen[0]) | engine.ledger.lists.member_set(
            chosen[1]
        )
        assert len(rows) == total + 1
        assert {row[0] for row in rows[1:]} == {f'="{n}"' for n in members}

        # The next export offers the folder this one was written to.
        await wait_until(pilot, lambda: app.screen is screen, "back to the campaigns")
        table.focus()
        await pilot.press("e")
        again = app.screen
        assert isinstance(again, PathPrompt)
        offered = Path(again.query_one(Input).value)
        assert offered.parent == tmp_path and offered.name != "eid.csv"

        # The same file again: it is replaced only when the user says so.
        target.write_text("kept\n", encoding="utf-8")
        again.query_one(Input).value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        question = app.screen
        assert isinstance(question, ConfirmScreen) and "eid.csv exists" in question.question
        await pilot.press("enter")  # Cancel has the focus: the file is kept
        await wait_until(pilot, lambda: app.screen is again, "back to the path")
        assert target.read_text(encoding="utf-8") == "kept\n"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "asked again")
        await pilot.press("right", "enter")
        await wait_until(pilot, lambda: app.screen is screen, "replaced")
        await wait_until(
            pilot, lambda: target.read_text(encoding="utf-8-sig") != "kept\n", "export"
        )
        assert len(target.read_text(encoding="utf-8-sig").splitlines()) == total + 1


async def test_wizard_refuses_a_duplicate_name_goes_back_and_asks_before_discarding(
    tmp_path: Path,
) -> None:
    async with demo_app(tmp_path, "sms_campaigns") as (app, pilot, sim):
        engine = app.engine
        names = sorted(c.name for c in engine.ledger.campaigns.campaigns())
        assert "Weekend sale" in names
        before = pages(sim).count("campaign.jsp")
        wizard = await open_wizard(app, pilot)

        await pilot.press(*"weekend SALE", "enter")
        assert wizard.step_name == "name"
        assert "A campaign named 'Weekend sale' already exists" in text_of(wizard, "#wizard-error")
        wizard.query_one("#wizard-name", Input).value = ""
        await pilot.press(*"Weekend sale 2", "enter")
        assert wizard.step_name == "lists"
        # Lists: none ticked is refused.
        await pilot.press("ctrl+n")
        assert wizard.step_name == "lists"
        assert "Choose at least one list" in text_of(wizard, "#wizard-error")
        # Ctrl+B goes back a step; Escape on a filled wizard asks before discarding,
        # "Keep editing" first.
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: wizard.step_name == "name", "back a step")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert app.screen.focused is not None and app.screen.focused.id == "cancel"
        await pilot.press("enter")  # Keep editing
        await wait_until(pilot, lambda: app.screen is wizard, "kept")
        assert wizard.query_one("#wizard-name", Input).value == "Weekend sale 2"
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("right", "enter")  # Discard
        await wait_until(pilot, lambda: isinstance(app.screen, SmsCampaignsScreen), "closed")
        assert pages(sim).count("campaign.jsp") == before
        assert sorted(c.name for c in engine.ledger.campaigns.campaigns()) == names


def bills(path: Path, rows: int) -> list[tuple[str, str]]:
    """A sheet of ``rows`` bills (one Urdu name, one row with no amount, one bad
    number); returns the (number, text) each sendable row should get."""
    expected: list[tuple[str, str]] = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Mobile", "Amount"])
        for i in range(rows):
            name = "علی" if i == 0 else f"Customer {i}"
            amount = "" if i == 1 else str(100 + i)
            number = "0300-123" if i == 2 else f"0300{2000000 + i:07d}"
            writer.writerow([name, number, amount])
            if i not in (1, 2):
                text = f"Dear {name}, your bill of Rs {amount} is due"
                expected.append((f"92300{2000000 + i:07d}", text))
    return expected


async def test_personalised_send_of_two_hundred_rows_from_the_screen(tmp_path: Path) -> None:
    sheet = tmp_path / "bills.csv"
    expected = bills(sheet, 202)
    async with demo_app(tmp_path, "sms_campaigns", size=(140, 50)) as (app, pilot, sim):
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PersonalisedScreen)
        path = screen.query_one("#pers-path", Input)
        assert app.focused is path
        path.value = str(sheet)
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.sheet is not None, "sheet")
        assert "202 rows" in text_of(screen, "#pers-sheet")
        assert screen.query_one("#pers-number").value == 1  # the Mobile column, guessed
        template = screen.query_one("#pers-template", TextArea)
        assert app.focused is template

        # An unknown field is refused by name.
        template.insert("Dear {nmae}")
        await wait_until(pilot, lambda: screen.problem is not None, "refusal")
        assert "The template uses {nmae}" in text_of(screen, "#pers-error")
        assert "Did you mean {Name}?" in text_of(screen, "#pers-error")

        template.load_text("Dear {name}, your bill of Rs {amount} is due")
        await wait_until(pilot, lambda: screen.plan is not None, "plan")
        plan = screen.plan
        assert plan is not None and len(plan.to_send) == 200
        summary = text_of(screen, "#pers-summary")
        assert "200 messages to send" in summary and "1 in Unicode, 199 in GSM-7" in summary
        assert "1 with an empty field (skipped): row 3" in summary
        assert "1 with an invalid number (not sent): row 4" in summary
        preview = screen.query_one("#pers-preview", DataTable)
        first = [str(cell) for cell in preview.get_row_at(0)]
        assert first == [
            "2",
            "923002000000",
            "1",
            "Unicode",
            "Dear علی, your bill of Rs 100 is due",
            "",
        ]
        # A row that sends nothing says why in place of its text.
        assert str(preview.get_row_at(1)[4]) == "Empty {amount} (skipped)"
        assert str(preview.get_row_at(2)[4]).startswith("Invalid number")

        before = delivered(sim)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirmation")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen) and "200 messages to send" in confirm.question
        # The first message as its recipient will read it, and the credit.
        assert confirm.question.endswith(
            "First message (row 2, to 923002000000):\nDear علی, your bill of Rs 100 is due"
        )
        assert ", as the gateway reported it at " in confirm.question
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.last_report is not None, "send")
        report = screen.last_report
        assert report is not None and report.summary.rows == {"sent": 200}
        assert delivered(sim) - before == Counter(expected)
        jobs = screen.query_one("#pers-jobs", DataTable)
        assert jobs.row_count == 1
        assert str(jobs.get_cell(str(report.job_id), "sent")) == "200"
        assert str(jobs.get_cell(str(report.job_id), "state")) == "closed"
        # Escape goes back to the campaigns screen.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SmsCampaignsScreen)


async def start_personalised(app: Any, pilot: Pilot[None], sheet: Path) -> PersonalisedScreen:
    """Open the personalised screen, load ``sheet`` with the bill template, confirm sending."""
    await pilot.press("p")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, PersonalisedScreen)
    screen.query_one("#pers-path", Input).value = str(sheet)
    await pilot.press("enter")
    await wait_until(pilot, lambda: screen.sheet is not None, "sheet")
    screen.query_one("#pers-template", TextArea).load_text(
        "Dear {name}, your bill of Rs {amount} is due"
    )
    await wait_until(pilot, lambda: screen.plan is not None, "plan")
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirmation")
    await pilot.press("enter")
    return screen


async def test_stopped_personalised_send_resumes_without_sending_a_row_twice(
    tmp_path: Path,
) -> None:
    sheet = tmp_path / "bills.csv"
    expected = bills(sheet, 120)
    async with demo_app(tmp_path, "sms_campaigns", size=(140, 50)) as (app, pilot, sim):
        engine = app.engine
        # One request is held a moment at the gateway, so the send is mid-way when stopped.
        sim.faults.add("sendsms", "latency", count=1, skip=40, seconds=0.5)
        before = delivered(sim)
        screen = await start_personalised(app, pilot, sheet)

        def held() -> bool:
            job = screen.running
            return job is not None and bool(engine.ledger.send_jobs.send_rows(job, "sending"))

        await wait_until(pilot, held, "a request out")
        await pilot.press("ctrl+g")  # stop
        await wait_until(pilot, lambda: screen.last_report is not None, "stop")
        first = screen.last_report
        assert first is not None and first.cancelled
        assert first.summary.rows.get("pending", 0) > 0 and "sending" not in first.summary.rows
        sent_first = first.summary.rows["sent"]
        assert (delivered(sim) - before).total() == sent_first
        jobs = screen.query_one("#pers-jobs", DataTable)
        assert str(jobs.get_cell(str(first.job_id), "state")) == "open"

        # Leave and come back: the send is listed; r resumes it.
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PersonalisedScreen)
        jobs = screen.query_one("#pers-jobs", DataTable)
        jobs.focus()
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.last_report is not None, "resume")
        second = screen.last_report
        assert second is not None and second.summary.rows == {"sent": 118}
        assert delivered(sim) - before == Counter(expected)
        assert str(jobs.get_cell(str(second.job_id), "state")) == "closed"


async def test_send_stopped_by_credit_finishes_after_retry(tmp_path: Path) -> None:
    sheet = tmp_path / "bills.csv"
    expected = bills(sheet, 60)
    async with demo_app(tmp_path, "sms_campaigns", size=(140, 50)) as (app, pilot, sim):
        sim.account(sim_msisdn(sim)).credit = 20.0
        before = delivered(sim)
        screen = await start_personalised(app, pilot, sheet)
        await wait_until(pilot, lambda: screen.last_report is not None, "stop")
        report = screen.last_report
        assert report is not None and report.stopped is not None and "100" in report.stopped
        assert report.summary.rows.get("failed", 0) >= 1
        assert (delivered(sim) - before).total() == report.summary.rows["sent"]

        sim.account(sim_msisdn(sim)).credit = 500.0
        screen.last_report = None
        jobs = screen.query_one("#pers-jobs", DataTable)
        jobs.focus()
        await pilot.press("t")
        await wait_until(pilot, lambda: screen.last_report is not None, "retry")
        done = screen.last_report
        assert done is not None and done.summary.rows == {"sent": 58}
        assert delivered(sim) - before == Counter(expected)


def sim_msisdn(sim: Any) -> str:
    with sim.lock:
        return next(iter(sim.state.accounts))


def palette_hits(app: Any) -> int:
    found = app.screen.query(CommandList)
    return found.first().option_count if found else 0


async def test_palette_opens_the_wizard_and_the_personalised_send(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "sms_campaigns") as (app, pilot, _sim):
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"personal")
        await wait_until(pilot, lambda: palette_hits(app) > 0, "hits")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PersonalisedScreen), "screen")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SmsCampaignsScreen), "back")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"new sms")
        await wait_until(pilot, lambda: palette_hits(app) > 0, "hits")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CampaignWizard), "wizard")


def created_campaigns(sim: Any) -> list[dict[str, str]]:
    """The parameters of every campaign creation the gateway received."""
    return [dict(r.params) for r in sim.requests if r.page == "campaign.jsp"]


BILL = "Dear customer, your bill of Rs 1500 is due on Friday. Pay by Easypaisa or at any shop."


async def test_a_step_typed_and_advanced_in_one_burst_keeps_every_character(
    tmp_path: Path,
) -> None:
    async with demo_app(tmp_path, "sms_campaigns", size=(80, 24)) as (app, pilot, sim):
        customers = next(i.id for i in app.engine.ledger.lists.lists() if i.name == "Customers")
        wizard = await open_wizard(app, pilot)
        type_burst(app, "Bill reminders", "ctrl+n")
        await wait_until(pilot, lambda: wizard.step_name == "lists", "the lists step")
        assert wizard.name_value == "Bill reminders"
        # Space ticks the list through a binding and a message of the list's own:
        # Ctrl+N right behind it still sees the list ticked.
        burst(app, "space", "ctrl+n")
        await wait_until(pilot, lambda: wizard.step_name == "message", "the message step")
        assert wizard.list_ids == [customers]
        type_burst(app, BILL, "ctrl+n")
        await wait_until(pilot, lambda: wizard.step_name == "when", "the when step")
        assert wizard.text == BILL
        # Typed with pilot.press, then Ctrl+N, with no pause between.
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: wizard.step_name == "message", "back to the message")
        await pilot.press(*" Thank you.", "ctrl+n")
        await wait_until(pilot, lambda: wizard.step_name == "when", "the when step again")
        assert wizard.text == BILL + " Thank you."
        # A paste followed at once by Ctrl+N: the pasted text is what is kept.
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: wizard.step_name == "message", "back again")
        wizard.query_one(MessageComposer).text = ""
        paste(app, "Pasted reminder:\nyour bill is due.")
        burst(app, "ctrl+n")
        await wait_until(pilot, lambda: wizard.step_name == "when", "the when step, pasted")
        assert wizard.text == "Pasted reminder:\nyour bill is due."
        # A time typed and advanced in one burst is read whole, not as "2026-12-0".
        at = (sim.clock.now().astimezone(KARACHI) + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
        # Choosing, Tab and the time in one burst, as the keys of a fast typist.
        when = wizard.query_one("#wizard-when", Input)
        burst(app, "up", "enter")  # back to "Send now"
        await wait_until(pilot, lambda: when.has_class("-unused"), "send now")
        type_burst(app, "", "down", "enter", "tab", "ctrl+a", *at, "ctrl+n")
        await wait_until(pilot, lambda: wizard.step_name == "review", "the review")
        review = wizard.review_shown
        assert "Message  Pasted reminder:\n         your bill is due." in review
        assert f"When     {at} Asia/Karachi" in review and "Customers (12)" in review
        # The review's buttons are on an 80x24 screen.
        create = wizard.query_one("#wizard-create", Button)
        assert create.region.height and create.region.bottom <= 24
        assert created_campaigns(sim) == []
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(created_campaigns(sim)) == 1, "the creation")
        sent = created_campaigns(sim)[0]
        assert sent["text"] == "Pasted reminder:\nyour bill is due."
        assert sent["time"] == f"{at}:00" and sent["group_ids"] == customers


async def test_ctrl_n_never_creates_and_the_review_waits_for_create(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "sms_campaigns") as (app, pilot, sim):
        wizard = await open_wizard(app, pilot)
        await pilot.press(*"Twice", "ctrl+n", "space", "ctrl+n", *"Hello", "ctrl+n")
        await wait_until(pilot, lambda: wizard.step_name == "when", "the when step")
        # Ctrl+N pressed twice (or held down) opens the review and stops there.
        burst(app, "ctrl+n", "ctrl+n", "ctrl+n")
        await wait_until(pilot, lambda: wizard.step_name == "review", "the review")
        await pilot.pause(0.2)
        assert wizard.step_name == "review" and created_campaigns(sim) == []
        assert "Message  Hello" in wizard.review_shown
        # Only Create acts; Enter on the focused Create button is that.
        assert app.focused is wizard.query_one("#wizard-create", Button)
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(created_campaigns(sim)) == 1, "the creation")
        assert created_campaigns(sim)[0]["text"] == "Hello"


async def test_a_new_wizard_starts_empty(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "sms_campaigns") as (app, pilot, _sim):
        wizard = await open_wizard(app, pilot)
        await pilot.press(*"Left over", "ctrl+n", "space", "ctrl+n", *"Old text")
        await wait_until(pilot, lambda: wizard.step_name == "message", "the message step")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("right", "enter")  # Discard
        await wait_until(pilot, lambda: isinstance(app.screen, SmsCampaignsScreen), "closed")
        app.screen.query_one("#campaigns", DataTable).focus()
        fresh = await open_wizard(app, pilot)
        assert fresh is not wizard and fresh.step_name == "name"
        assert fresh.query_one("#wizard-name", Input).value == ""
        assert list(fresh.query_one(SelectionList).selected) == []
        assert fresh.query_one(MessageComposer).text == ""


async def test_resending_unknown_rows_starts_on_cancel(tmp_path: Path) -> None:
    sheet = tmp_path / "bills.csv"
    bills(sheet, 12)
    async with demo_app(tmp_path, "sms_campaigns", size=(140, 50)) as (app, pilot, sim):
        sim.faults.add("sendsms", "drop", count=1)
        screen = await start_personalised(app, pilot, sheet)
        await wait_until(pilot, lambda: screen.last_report is not None, "send")
        report = screen.last_report
        assert report is not None and report.summary.rows.get("unknown", 0) >= 1
        jobs = screen.query_one("#pers-jobs", DataTable)
        jobs.focus()
        sends = sim.pages_requested().count("sendsms.jsp")
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "question")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "can deliver them twice" in confirm.question
        # Resending may deliver twice: a stray Enter lands on Cancel.
        assert confirm.focused is not None and confirm.focused.id == "cancel"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, "closed")
        await pilot.pause(0.2)
        assert sim.pages_requested().count("sendsms.jsp") == sends
        screen.last_report = None
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "question")
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: screen.last_report is not None, "resend")
        assert sim.pages_requested().count("sendsms.jsp") > sends


async def test_a_campaign_is_duplicated_with_its_lists_text_and_mask(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "sms_campaigns") as (app, pilot, _sim):
        engine = app.engine
        screen = app.screen
        assert isinstance(screen, SmsCampaignsScreen)
        original = engine.ledger.campaigns.campaign(screen.shown) if screen.shown else None
        assert original is not None
        screen.query_one("#recipients", DataTable).focus()
        await pilot.press("d")
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, CampaignWizard)
        assert wizard.query_one("#wizard-name", Input).value == f"{original.name} (copy)"
        assert list(wizard.query_one(SelectionList).selected) == list(original.list_ids)
        assert wizard.query_one(MessageComposer).text == original.text
        await pilot.press("enter", "ctrl+n", "ctrl+n", "ctrl+n")
        assert wizard.step_name == "review"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, SmsCampaignsScreen), "monitor")
        copy = engine.ledger.campaigns.campaign_by_name(f"{original.name} (copy)")
        assert copy is not None and copy.text == original.text
        assert list(copy.list_ids) == list(original.list_ids) and copy.id != original.id


async def test_a_personalised_send_runs_on_when_its_screens_are_closed(tmp_path: Path) -> None:
    """The send is the engine's job: closing the personalised screen and taking
    the SMS campaigns screen down does not stop it; the personalised screen
    opened next follows it to its end, with no row sent twice."""
    sheet = tmp_path / "bills.csv"
    expected = bills(sheet, 42)
    async with demo_app(tmp_path, "sms_campaigns", size=(140, 50)) as (app, pilot, sim):
        engine = app.engine
        assert engine is not None
        # Every request takes a while: the send outlasts the screens being taken down
        # and rebuilt, however busy the machine.
        sim.faults.add("sendsms", "latency", seconds=0.4)
        before = delivered(sim)
        screen = await start_personalised(app, pilot, sheet)
        await wait_until(pilot, lambda: screen.running is not None, "the send")
        await pilot.press("escape")
        await pilot.pause()
        await app.switch_mode("dashboard")
        await app.remove_mode("sms_campaigns")
        await pilot.pause(0.2)
        job = engine.personalised.current_job()
        assert job is not None and job.running
        assert not screen.is_attached

        app.add_mode("sms_campaigns", SmsCampaignsScreen)
        await app.switch_mode("sms_campaigns")
        await pilot.press("p")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, PersonalisedScreen) and again is not screen
        assert again.running is not None
        assert again.query_one("#pers-stop", Button).disabled is False
        await wait_until(pilot, lambda: again.last_report is not None, "the send's end")
        report = again.last_report
        assert report is not None and report.summary.rows == {"sent": 40}
        assert delivered(sim) - before == Counter(expected)


async def test_keys_typed_right_after_going_on_land_in_the_next_steps_field(
    tmp_path: Path,
) -> None:
    """Typed in one burst: "Name, Enter, Space", then "Ctrl+N, Hello friends": the
    keys after the step's key wait for the next step (a list ticked, the text
    in the message box), never reaching the step being left or a screen key
    (``o`` opens Opt-outs where no field takes it)."""
    async with demo_app(tmp_path, "sms_campaigns", size=(80, 24)) as (app, pilot, _sim):
        wizard = await open_wizard(app, pilot)
        lists = wizard.query_one(SelectionList)
        first, third = (lists.get_option_at_index(i).value for i in (0, 2))
        type_burst(app, "Walk three", "enter", "space", "down", "down", "space")
        await wait_until(pilot, lambda: set(lists.selected) == {first, third}, "lists ticked")
        assert wizard.step_name == "lists" and wizard.name_value == "Walk three"
        composer = wizard.query_one(MessageComposer)
        type_burst(app, "", "ctrl+n", *"Hello friends, offer on!")
        await wait_until(pilot, lambda: composer.text == "Hello friends, offer on!", "the text")
        assert app.screen is wizard and wizard.step_name == "message"
        assert (
            set(lists.selected) == {first, third} == set(wizard.list_ids)
        )  # the text's spaces tick nothing
        # Going on is refused (no text): what was typed after it is not used.
        composer.text = ""
        type_burst(app, "", "ctrl+n", *"abc")
        await wait_until(pilot, lambda: "Write the message" in str(wizard.problems), "refusal")
        await pilot.pause(0.2)
        assert app.screen is wizard and composer.text == ""
        said = [n.message for n in app._notifications]
        assert any("3 keys typed after going on were not used" in m for m in said), said


async def test_the_same_sheet_sent_again_is_named_and_cancel_has_the_focus(
    tmp_path: Path,
) -> None:
    """Ctrl+S again after a personalised send has finished: the question says
    how many of its messages went out the same within the hour, and a stray
    Enter sends nothing."""
    sheet = tmp_path / "bills.csv"
    bills(sheet, 6)
    async with demo_app(tmp_path, "sms_campaigns") as (app, pilot, sim):
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PersonalisedScreen)
        screen.query_one("#pers-path", Input).value = str(sheet)
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.sheet is not None, "sheet")
        screen.query_one("#pers-template", TextArea).load_text("Dear {name}, Rs {amount}")
        await wait_until(pilot, lambda: screen.plan is not None, "plan")
        plan = screen.plan
        assert plan is not None
        count = len(plan.to_send)
        await pilot.press("ctrl+s")
        first = await wait_for_confirm(pilot)
        assert not first.question.startswith("Already sent")
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.last_report is not None, "the send")
        sent = delivered(sim)

        await pilot.press("ctrl+s")
        again = await wait_for_confirm(pilot)
        assert again.question.startswith(
            f"Already sent in the last hour: {count} messages of these {count} (the same"
            " number and text), the last at "
        )
        assert again.focused is not None and again.focused.id == "cancel"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen, "cancelled")
        await pilot.pause(0.2)
        assert delivered(sim) == sent


async def wait_for_confirm(pilot: Pilot[None]) -> ConfirmScreen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), "the question")
    confirm = pilot.app.screen
    assert isinstance(confirm, ConfirmScreen)
    return confirm
