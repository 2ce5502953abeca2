"""Settling a survey row whose call outcome is unknown moves the row on: counted
as called, or queued to be called again (a real ledger file)."""

from __future__ import annotations

from datetime import UTC, datetime

from tui.engine.service import Engine
from tui.engine.unknown_outcomes import Resolution

AT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
NUMBERS = ["923001110001", "923001110002", "923001110003"]


def _survey_with_unknown_rows(engine: Engine) -> tuple[int, dict[int, int]]:
    ledger = engine.ledger
    job = ledger.surveys.create_survey(
        "Poll",
        NUMBERS,
        file_id="151",
        valid_options=3,
        valid_file_id="152",
        invalid_file_id="153",
        max_retries=0,
        mask=None,
        source="test",
        at=AT,
    )
    rows = ledger.surveys.next_survey_rows(job, 10)
    ledger.surveys.mark_survey_sending(job, [row for row, _ in rows])
    ledger.surveys.mark_survey_unknown(job, rows, "no answer from the gateway", AT)
    unknown = {int(u.ref.rsplit(":", 1)[1]): u.id for u in engine.unknown.open() if u.ref}
    return job, unknown


def _states(engine: Engine, job: int) -> dict[int, str]:
    return {r.row: r.state for r in engine.ledger.surveys.survey_rows(job)}


async def test_a_survey_row_settled_as_called_counts_as_called(engine: Engine) -> None:
    job, unknown = _survey_with_unknown_rows(engine)
    assert set(_states(engine, job).values()) == {"unknown"} and len(unknown) == 3
    first = min(unknown)
    settled = engine.unknown.settle(unknown[first], Resolution.SENT)
    assert settled.effect == f"Row {first} counted as called."
    states = _states(engine, job)
    assert states[first] == "sent"
    assert sorted(s for r, s in states.items() if r != first) == ["unknown", "unknown"]
    assert unknown[first] not in {u.id for u in engine.unknown.open()}


async def test_a_survey_row_settled_as_not_called_is_called_again(engine: Engine) -> None:
    job, unknown = _survey_with_unknown_rows(engine)
    last = max(unknown)
    engine.unknown.settle(unknown[last], Resolution.NOT_SENT)
    assert _states(engine, job)[last] == "pending"
    assert [row for row, _ in engine.ledger.surveys.next_survey_rows(job, 10)] == [last]
    assert len(engine.unknown.open()) == 2
