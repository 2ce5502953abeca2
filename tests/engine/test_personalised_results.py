"""Personalised sends' cost with texts of several lengths, rows left out for the
do-not-contact list, and the per-row results with their messages' statuses,
against the simulator over loopback HTTP and a real ledger file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tui.engine.personalised import plan_send
from tui.engine.personalised_plan import cost_of_rows
from tui.engine.service import Engine
from tui.engine.templates import sheet_from_text
from tui.ledger import LedgerError

LONG = "x" * 170  # two GSM-7 segments


def sheet_text() -> str:
    return f"Name,Mobile,Note\nAli,03001000001,\nSara,03001000002,{LONG}\nZia,03001000003,\n"


async def test_the_cost_of_texts_of_several_lengths(loopback_engine: Engine) -> None:
    engine = loopback_engine
    plan = plan_send(sheet_from_text(sheet_text()), "Hi {name} {note}", "Mobile", skip_empty=False)
    assert [row.segments for row in plan.to_send] == [1, 2, 1]
    engine.profile.price_per_segment = 0.5
    cost = await cost_of_rows(engine, (row.segments for row in plan.to_send))
    assert cost.segments == 4 and cost.cost == 2.0 and cost.credit == 500.0 and not cost.short
    sentence = cost.sentence()
    assert sentence.startswith(
        "1 segment x 2 recipients + 2 segments x 1 recipient = 4 segments; about 2.00 credit"
    )
    assert "credit 500.00 (from the gateway)" in sentence
    engine.profile.price_per_segment = 200.0
    short = await cost_of_rows(engine, (row.segments for row in plan.to_send))
    assert short.short and "not enough" in short.sentence()


async def test_rows_on_the_do_not_contact_list_are_left_out_of_the_job(
    loopback_engine: Engine,
) -> None:
    engine = loopback_engine
    engine.optouts.add(["03001000002"], note="asked")
    plan = plan_send(sheet_from_text(sheet_text()), "Hi {name}", "Mobile")
    sender = engine.personalised
    assert [row.row for row in sender.opted_out(plan)] == [3]
    job = sender.create_job(plan)
    assert [row.recipient for row in engine.ledger.send_jobs.send_rows(job)] == [
        "923001000001",
        "923001000003",
    ]
    with_override = sender.create_job(plan, include_opted_out="asked to be told")
    assert len(engine.ledger.send_jobs.send_rows(with_override)) == 3


async def test_results_carry_the_message_status_and_export(
    loopback_engine: Engine, tmp_path: Path
) -> None:
    engine = loopback_engine
    sim_plan = plan_send(sheet_from_text(sheet_text()), "Hi {name}", "Mobile")
    job = engine.personalised.create_job(sim_plan)
    report = await engine.personalised.run(job)
    assert report.summary.rows == {"sent": 3}
    results = engine.ledger.send_jobs.send_results(job)
    assert [(r.row, r.state, r.status_label) for r in results] == [
        (2, "sent", "not checked yet"),
        (3, "sent", "not checked yet"),
        (4, "sent", "not checked yet"),
    ]
    first = results[0]
    assert first.message_id is not None
    assert engine.ledger.send_jobs.send_results(job, "sent", limit=1, offset=1)[0].row == 3
    assert engine.ledger.send_jobs.send_results(job, "failed") == []

    target = tmp_path / "rows.csv"
    assert engine.ledger.send_jobs.export_send_job_csv(job, target) == 3
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][:5] == ["2", '="923001000001"', "Hi Ali", "sent", first.message_id]
    with pytest.raises(LedgerError, match="is not in the ledger"):
        engine.ledger.send_jobs.export_send_job_csv(job + 10, target)
