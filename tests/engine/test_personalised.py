"""Personalised sends: templates, sheets, the plan, and sending against the
simulator over loopback HTTP (exactly one message per row, cancel and resume,
crash recovery, stop on refusal, unknown outcomes never resent)."""

from __future__ import annotations

import asyncio
import codecs
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import SIM_MASKS, SIM_MSISDN, SIM_PASSWORD
from tui.config import Profile
from tui.engine import events
from tui.engine.personalised import PersonalisedSender, job_name, plan_send
from tui.engine.service import Engine
from tui.engine.templates import (
    TemplateError,
    bind,
    guess_number_column,
    parse_template,
    read_sheet,
    sheet_from_text,
)
from tui.gateway.codes import MessageStatus
from tui.gateway.errors import InvalidInput
from tui.simulator import Simulator, SimulatorServer

TEMPLATE = "Dear {name}, your bill of Rs {amount} is due"


def bill_sheet(rows: int, *, urdu_every: int = 0) -> str:
    lines = ["Name,Mobile No,Amount"]
    for i in range(rows):
        name = "علی" if urdu_every and i % urdu_every == 0 else f"Customer {i}"
        lines.append(f"{name},0300{1000000 + i:07d},{100 + i}")
    return "\n".join(lines) + "\n"


def profile(base_url: str, **overrides: object) -> Profile:
    options: dict[str, object] = {
        "name": "test",
        "base_url": base_url,
        "msisdn": SIM_MSISDN,
        "password": SIM_PASSWORD,
        "masks": list(SIM_MASKS),
        "default_mask": SIM_MASKS[0],
        "concurrency": 4,
        "timeout": 5.0,
    }
    options.update(overrides)
    return Profile(**options)  # type: ignore[arg-type]


@pytest.fixture
async def engine(
    sim_server: SimulatorServer, simulator: Simulator, tmp_path: Path
) -> AsyncIterator[Engine]:
    opened = await Engine.open(
        profile(sim_server.base_url), data_dir=tmp_path / "data", clock=simulator.clock
    )
    opened.simulator = simulator
    yield opened
    await opened.stop()


def delivered(sim: Simulator) -> Counter[tuple[str, str]]:
    """(recipient, text) of every message the gateway accepted, with counts."""
    with sim.lock:
        return Counter((m.recipient, m.text) for m in sim.state.messages.values())


def expected(rows: int) -> Counter[tuple[str, str]]:
    return Counter(
        (f"92300{1000000 + i:07d}", f"Dear Customer {i}, your bill of Rs {100 + i} is due")
        for i in range(rows)
    )


# Templates -----------------------------------------------------------------------


def test_template_fields_and_literal_braces() -> None:
    template = parse_template("Hi {name}! {{ref}} {amount} / {name}")
    assert template.fields == ["name", "amount"]
    bound = bind(template, ["Amount", "Name"])
    assert bound.render(["5", "Sara"]) == ("Hi Sara! {ref} 5 / Sara", [])
    assert bound.render(["", " "]) == ("Hi ! {ref}  / ", ["name", "amount"])


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Dear {name", ["{ with no closing }", "character 6"]),
        ("Dear name}", ["} with no opening {", "character 10"]),
        ("Dear {}", ["empty field {}", "character 6"]),
        ("   ", ["template is empty"]),
    ],
)
def test_malformed_templates_are_refused_with_position(text: str, words: list[str]) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template(text)
    for word in words:
        assert word in str(caught.value)


def test_unknown_field_is_refused_by_name_with_a_suggestion() -> None:
    with pytest.raises(TemplateError) as caught:
        bind(parse_template("Dear {nmae}, pay {amount}"), ["name", "amount", "phone"])
    message = str(caught.value)
    assert "{nmae}" in message and "Did you mean {name}?" in message
    assert "columns: name, amount, phone" in message


def test_fields_match_columns_ignoring_case_and_spacing() -> None:
    bound = bind(parse_template("{ mobile  no } {NAME}"), ["Name", "Mobile No"])
    assert bound.render(["Ali", "0300"]) == ("0300 Ali", [])


# Sheets --------------------------------------------------------------------------------


def test_sheet_with_bom_semicolons_and_urdu(tmp_path: Path) -> None:
    path = tmp_path / "bills.csv"
    text = "Name;Phone;Amount\nعلی;0300-1234567;500\n\nSara;+92 321 7654321;75\n"
    path.write_bytes(codecs.BOM_UTF8 + text.encode())
    sheet = read_sheet(path)
    assert sheet.columns == ["Name", "Phone", "Amount"]
    # Rows are numbered as the spreadsheet shows them (the blank row counts).
    assert [(r.number, r.values) for r in sheet.rows] == [
        (2, ["علی", "0300-1234567", "500"]),
        (4, ["Sara", "+92 321 7654321", "75"]),
    ]
    assert guess_number_column(sheet) == 1


def test_sheet_without_header_and_tsv(tmp_path: Path) -> None:
    path = tmp_path / "numbers.tsv"
    path.write_text("03001234567\tAli\n03217654321\tSara, Khan\n", encoding="utf-8")
    sheet = read_sheet(path)
    assert not sheet.has_header
    assert sheet.columns == ["column 1", "column 2"]
    assert [r.number for r in sheet.rows] == [1, 2]
    assert sheet.rows[1].values == ["03217654321", "Sara, Khan"]
    assert guess_number_column(sheet) == 0


def test_sheet_utf16_and_refusals(tmp_path: Path) -> None:
    utf16 = tmp_path / "excel.txt"
    utf16.write_bytes("name\tnumber\nAli\t03001234567\n".encode("utf-16"))
    assert read_sheet(utf16).rows[0].values == ["Ali", "03001234567"]
    # Windows-1252, as a spreadsheet on Windows writes "CSV": read, as list imports read it.
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name,number\nJos\xe9,03001234567\n".encode("cp1252"))
    assert read_sheet(latin).rows[0].values == ["José", "03001234567"]
    workbook = tmp_path / "book.xlsx"
    workbook.write_bytes(b"PK\x03\x04rest")
    with pytest.raises(InvalidInput, match="damaged or incomplete Excel workbook"):
        read_sheet(workbook)
    with pytest.raises(InvalidInput, match="does not exist"):
        read_sheet(tmp_path / "missing.csv")


# The plan -----------------------------------------------------------------------------


def test_plan_flags_empty_fields_invalid_numbers_and_encodings() -> None:
    sheet = sheet_from_text(
        "name,phone,amount\n"
        "Ali,03001234567,500\n"
        "علی,03001234568,700\n"
        ",03001234569,100\n"
        "Sara,0300123,50\n"
        "Bilal,,60\n"
        "Ali,0300-1234567,500\n"
        f"Long,03001234570,{'9' * 200}\n"
    )
    plan = plan_send(sheet, TEMPLATE, "phone")
    assert [r.row for r in plan.rows] == [2, 3, 4, 8]
    assert plan.repeats == [7]
    assert [(r.row, r.raw) for r in plan.invalid] == [(5, "0300123"), (6, "")]
    assert [r.row for r in plan.flagged] == [4] and plan.flagged[0].empty == ("name",)
    assert [r.row for r in plan.to_send] == [2, 3, 8]
    by_row = {r.row: r for r in plan.rows}
    assert by_row[2].text == "Dear Ali, your bill of Rs 500 is due"
    assert by_row[2].encoding == "GSM-7" and by_row[3].encoding == "UCS-2"
    assert by_row[8].segments == 2
    assert plan.longest is not None and plan.longest.row == 8
    assert plan.total_segments == 1 + 1 + 2
    assert plan.unicode_rows == 1
    summary = plan.summary()
    assert "3 messages to send" in summary and "4 segments in all" in summary
    assert "1 with an empty field (skipped): row 4" in summary
    assert "2 with an invalid number (not sent): rows 5, 6" in summary
    keep = plan_send(sheet, TEMPLATE, "phone", skip_empty=False)
    assert [r.row for r in keep.to_send] == [2, 3, 4, 8]


def test_a_number_on_several_rows_with_different_texts_is_named() -> None:
    """Two bills for one customer are both sent, and the summary says so (the
    same number and text is sent once, as before)."""
    sheet = sheet_from_text(
        "name,phone,amount\n"
        "Ali,03001234567,500\n"
        "Ali,0300-1234567,700\n"
        "Sara,03001234568,50\n"
        "Sara,03001234568,50\n"
    )
    plan = plan_send(sheet, TEMPLATE, "phone")
    assert [r.row for r in plan.to_send] == [2, 3, 4]
    assert plan.several_texts == {"923001234567": [2, 3]}
    summary = plan.summary()
    assert "1 repeating an earlier row's number and text (sent once): row 5" in summary
    assert (
        "1 number on more than one row with different texts (each row is sent, so each"
        " gets more than one message): rows 2, 3"
    ) in summary


def test_plan_refuses_unknown_field_and_column() -> None:
    sheet = sheet_from_text(bill_sheet(3))
    with pytest.raises(TemplateError, match=r"\{amonut\}"):
        plan_send(sheet, "Pay {amonut}", "Mobile No")
    with pytest.raises(InvalidInput, match="no column 'Phone'"):
        plan_send(sheet, TEMPLATE, "Phone")


# Sending ------------------------------------------------------------------------------


async def test_two_hundred_rows_deliver_exactly_one_message_each(
    engine: Engine, simulator: Simulator
) -> None:
    plan = plan_send(sheet_from_text(bill_sheet(200)), TEMPLATE, "Mobile No")
    sender = PersonalisedSender(engine)
    job = sender.create_job(plan)
    seen: list[events.Progress] = []
    report = await sender.run(job, on_progress=seen.append)

    assert delivered(simulator) == expected(200)
    assert report.summary.rows == {"sent": 200}
    assert report.summary.state == "closed" and not report.cancelled and report.stopped is None
    assert seen[-1].job == job_name(job) and (seen[-1].done, seen[-1].total) == (200, 200)
    # Tracked like quick sends: personalised origin, the job as batch, and polled.
    tracked = engine.ledger.messages.messages(origin="personalised", batch=str(job), limit=500)
    assert len(tracked) == 200 and all(m.mask == SIM_MASKS[0] for m in tracked)
    simulator.clock.advance(60)
    await engine.tracker.run_round()
    statuses = engine.ledger.messages.messages(batch=str(job), limit=500)
    assert {m.status for m in statuses} == {MessageStatus.SENT}


async def test_rows_with_the_same_text_share_one_request(
    engine: Engine, simulator: Simulator
) -> None:
    sheet = sheet_from_text(bill_sheet(30))
    plan = plan_send(sheet, "The office is closed tomorrow.", "Mobile No")
    sender = PersonalisedSender(engine, per_request=25)
    before = simulator.pages_requested().count("sendsms.jsp")
    await sender.run(sender.create_job(plan))
    assert simulator.pages_requested().count("sendsms.jsp") - before == 2
    assert sum(delivered(simulator).values()) == 30


async def test_cancel_then_resume_sends_every_row_once(
    engine: Engine, simulator: Simulator
) -> None:
    plan = plan_send(sheet_from_text(bill_sheet(200)), TEMPLATE, "Mobile No")
    sender = PersonalisedSender(engine)
    job = sender.create_job(plan)

    def stop_at_fifty(progress: events.Progress) -> None:
        if progress.done >= 50:
            sender.cancel()

    first = await sender.run(job, on_progress=stop_at_fifty)
    assert first.cancelled and not first.summary.finished
    sent_first = first.summary.rows["sent"]
    assert 50 <= sent_first < 200 and first.summary.rows.get("sending") is None
    assert sum(delivered(simulator).values()) == sent_first

    resumed = await PersonalisedSender(engine).run(job)
    assert resumed.summary.rows == {"sent": 200} and resumed.summary.state == "closed"
    assert delivered(simulator) == expected(200)


class GateTransport(httpx.AsyncBaseTransport):
    """Loopback HTTP, except that the ``hold``-th sendsms request waits at a gate."""

    def __init__(self, hold: int) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.hold = hold
        self.sends = 0
        self.reached = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("sendsms.jsp"):
            self.sends += 1
            if self.sends == self.hold:
                self.reached.set()
                await self.release.wait()
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_interrupted_request_is_unknown_and_never_resent(
    sim_server: SimulatorServer, simulator: Simulator, tmp_path: Path
) -> None:
    gate = GateTransport(hold=20)
    engine = await Engine.open(
        profile(sim_server.base_url, concurrency=1), data_dir=tmp_path / "data", transport=gate
    )
    try:
        plan = plan_send(sheet_from_text(bill_sheet(60)), TEMPLATE, "Mobile No")
        sender = PersonalisedSender(engine)
        job = sender.create_job(plan)
        task = asyncio.create_task(sender.run(job))
        await asyncio.wait_for(gate.reached.wait(), 10)
        held = engine.ledger.send_jobs.send_rows(job, "sending")
        assert len(held) == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        gate.release.set()
        # The row that was out is unknown (recorded for the user), not pending.
        unknown = engine.ledger.send_jobs.send_rows(job, "unknown")
        assert [r.row for r in unknown] == [held[0].row]
        refs = {u.ref for u in engine.ledger.unknown.unknown_submits()}
        assert f"send:{job}:{held[0].row}" in refs

        resumed = await PersonalisedSender(engine).run(job)
        assert resumed.summary.rows == {"sent": 59, "unknown": 1}
        assert resumed.summary.state == "open"  # needs attention
        got = delivered(simulator)
        assert max(got.values()) == 1 and sum(got.values()) == 59
        assert (held[0].recipient, held[0].text) not in got

        # Only the user's explicit retry sends it, once.
        assert PersonalisedSender(engine).retry(job, include_unknown=True) == 1
        final = await PersonalisedSender(engine).run(job)
        assert final.summary.rows == {"sent": 60}
        assert delivered(simulator) == expected(60)
    finally:
        await engine.stop()


async def test_rows_left_sending_by_a_crash_become_unknown(
    engine: Engine, simulator: Simulator
) -> None:
    plan = plan_send(sheet_from_text(bill_sheet(10)), TEMPLATE, "Mobile No")
    sender = PersonalisedSender(engine)
    job = sender.create_job(plan)
    from datetime import UTC, datetime

    engine.ledger.send_jobs.mark_rows_sending(
        job, [2, 3], datetime.now(UTC)
    )  # a crashed run's request
    report = await PersonalisedSender(engine).run(job)
    assert report.summary.rows == {"sent": 8, "unknown": 2}
    assert sum(delivered(simulator).values()) == 8


async def test_out_of_credit_stops_the_run_and_retry_finishes_it(
    engine: Engine, simulator: Simulator
) -> None:
    simulator.account(SIM_MSISDN).credit = 30.0
    plan = plan_send(sheet_from_text(bill_sheet(80)), TEMPLATE, "Mobile No")
    sender = PersonalisedSender(engine, concurrency=1)
    job = sender.create_job(plan)
    report = await sender.run(job)
    assert report.stopped is not None and "100" in report.stopped
    rows = report.summary.rows
    assert rows["sent"] == 30 and rows["failed"] == 1 and rows["pending"] == 49
    assert sum(delivered(simulator).values()) == 30

    simulator.account(SIM_MSISDN).credit = 500.0
    assert sender.retry(job) == 1
    done = await sender.run(job)
    assert done.summary.rows == {"sent": 80}
    assert delivered(simulator) == expected(80)


async def test_dropped_reply_stops_the_run_and_is_not_resent(
    engine: Engine, simulator: Simulator
) -> None:
    subscription = engine.subscribe()
    simulator.faults.add("sendsms", "drop", count=1, skip=5)
    plan = plan_send(sheet_from_text(bill_sheet(20)), TEMPLATE, "Mobile No")
    sender = PersonalisedSender(engine, concurrency=1)
    job = sender.create_job(plan)
    report = await sender.run(job)
    assert report.stopped is not None
    assert report.summary.rows == {"sent": 5, "unknown": 1, "pending": 14}
    resumed = await sender.run(job)
    assert resumed.summary.rows == {"sent": 19, "unknown": 1}
    # The dropped request did reach the gateway: every row arrived exactly once.
    assert delivered(simulator) == expected(20)
    kinds = []
    while not subscription._queue.empty():
        event = await subscription.get()
        kinds.append(type(event).__name__)
    assert "OutcomeUnknownRecorded" in kinds
    subscription.close()


async def test_running_job_cannot_be_started_twice(engine: Engine) -> None:
    plan = plan_send(sheet_from_text(bill_sheet(5)), TEMPLATE, "Mobile No")
    sender = PersonalisedSender(engine)
    job = sender.create_job(plan)
    task = asyncio.create_task(sender.run(job))
    await asyncio.sleep(0)
    with pytest.raises(InvalidInput, match="already running"):
        await PersonalisedSender(engine).run(job)
    await task
    with pytest.raises(InvalidInput, match="No row can be sent"):
        sender.create_job(plan_send(sheet_from_text("name,phone\nAli,0300\n"), "Hi", "phone"))


@pytest.mark.sending_hours
async def test_a_personalised_send_held_at_night_goes_out_at_nine(
    engine: Engine, simulator: Simulator
) -> None:
    night = datetime(2026, 12, 4, 23, 10, tzinfo=ZoneInfo("Asia/Karachi"))
    plan = plan_send(sheet_from_text(bill_sheet(30)), TEMPLATE, "Mobile No")
    job = engine.personalised.create_job(plan)
    held = engine.holds.hold_job("personalised", job, now=night)
    assert held.due_at == datetime(2026, 12, 5, 9, 0, tzinfo=ZoneInfo("Asia/Karachi"))
    assert (await engine.holds.run_due(night)).sent == []
    assert delivered(simulator) == Counter()
    ran = await engine.holds.run_due(night + timedelta(hours=10))
    assert [(h.id, result) for h, result in ran.sent] == [(held.id, "personalised send: 30 sent")]
    assert delivered(simulator) == expected(30)
    assert (await engine.holds.run_due(night + timedelta(hours=11))).sent == []  # once
