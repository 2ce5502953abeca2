"""Surveys with results: feedback quick calls to a set of numbers, in rounds.

The gateway's voice feedback *campaign* reports totals only (no key counts).
A survey instead places feedback quick calls (``make_feedback_call``) to each
number, journalled per number (``ledger/surveys.py``), and the status tracker
follows each call to its final status and key (``querycall``). So the results
per key are real, the survey can be stopped and resumed, and a run killed
half-way never calls anyone twice: rows left ``sending`` become unknown
outcomes for the user to settle.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui.engine import events
from tui.gateway.errors import CsmsError, InvalidInput, SubmitStopped
from tui.gateway.numbers import describe_invalid, parse_recipients
from tui.ledger import NewCall
from tui.ledger.export import KeepAsText, write_csv_atomic
from tui.ledger.surveys import Survey, SurveyTally

if TYPE_CHECKING:
    from tui.engine.service import Engine

#: Numbers per feedback-call request (the gateway takes a comma-separated list).
PER_REQUEST = 50
#: Refusals in a row after which a run stops (out of credit, a bad clip, ...).
MAX_REFUSALS = 3

EXPORT_HEADER = ("row", "number", "journal", "call_id", "call_status", "key", "changed_at")

ProgressCallback = Callable[[Survey], None]


@dataclass(frozen=True, slots=True)
class SurveyRun:
    survey: Survey
    cancelled: bool
    #: Why the run stopped early (the gateway's sentence), if it did.
    stopped: str | None


class Surveys:
    def __init__(self, engine: Engine, *, per_request: int = PER_REQUEST) -> None:
        self.engine = engine
        self.ledger = engine.ledger
        self.per_request = max(1, per_request)

    # Creating ---------------------------------------------------------------------------

    def recipients(
        self, *, list_name: str | None = None, numbers: Sequence[str] = ()
    ) -> tuple[list[str], str]:
        """Distinct valid numbers from a list csms knows and/or pasted numbers, and a
        description of where they came from. Bad pasted numbers are refused, named."""
        chosen: list[str] = []
        sources = []
        if list_name:
            from tui.engine.list_upload import ListUploader

            found = ListUploader(self.engine).find_list(list_name)
            if found is None:
                raise InvalidInput(f"No list named {list_name!r} is known; see the Lists screen.")
            chosen += [m.msisdn for m in self.ledger.lists.members(found.id)]
            sources.append(f"list {found.name!r} (ID {found.id})")
        if numbers:
            parsed = parse_recipients("\n".join(numbers))
            if parsed.invalid:
                shown = "; ".join(describe_invalid(raw, why) for raw, why in parsed.invalid[:5])
                raise InvalidInput(f"Nothing was started: invalid numbers: {shown}.")
            chosen += parsed.valid
            sources.append(f"{len(parsed.valid)} numbers given")
        unique = list(dict.fromkeys(chosen))
        check = self.engine.optouts.check(unique)
        if check.blocked_numbers:
            sources.append(f"less {len(check.blocked_numbers)} on the do-not-contact list")
        if not check.allowed:
            raise InvalidInput("The survey has nobody to call; choose a list or give numbers.")
        return check.allowed, " and ".join(sources)

    def create(
        self,
        name: str,
        recipients: Sequence[str],
        *,
        source: str,
        file_id: str,
        valid_options: int,
        valid_file_id: str,
        invalid_file_id: str,
        max_retries: int = 0,
        mask: str | None = None,
    ) -> Survey:
        """Journal a survey (nobody is called yet)."""
        clean = name.strip()
        if not clean:
            raise InvalidInput("The survey needs a name.")
        if not 1 <= valid_options <= 9:
            raise InvalidInput("Valid keys are 1 to N with N from 1 to 9.")
        if not 0 <= max_retries <= 2:
            raise InvalidInput("Retries are 0, 1 or 2.")
        job_id = self.ledger.surveys.create_survey(
            clean,
            recipients,
            file_id=file_id,
            valid_options=valid_options,
            valid_file_id=valid_file_id,
            invalid_file_id=invalid_file_id,
            max_retries=max_retries,
            mask=mask or self.engine.profile.default_mask,
            source=source,
            at=self.engine.now(),
        )
        return self.ledger.surveys.survey(job_id)

    def find(self, wanted: str) -> Survey:
        clean = wanted.strip()
        found = self.ledger.surveys.survey_by_name(clean)
        if found is None and clean.isdigit():
            found = next((s for s in self.ledger.surveys.surveys() if s.id == int(clean)), None)
        if found is None:
            raise InvalidInput(f"No survey {wanted!r} is known; `csms survey` lists them.")
        return found

    # Running ----------------------------------------------------------------------------

    async def run(
        self,
        job_id: int,
        *,
        cancel: asyncio.Event | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> SurveyRun:
        """Call every number still waiting, one request at a time (the client keeps
        to the account's throughput limits); returns at the end, on ``cancel``
        (after the request on its way is recorded), or when refusals stop it."""
        survey = self.ledger.surveys.survey(job_id)
        refusals = 0
        stopped: str | None = None
        while not (cancel is not None and cancel.is_set()):
            rows = await asyncio.to_thread(
                self.ledger.surveys.next_survey_rows, job_id, self.per_request
            )
            if not rows:
                break
            await asyncio.to_thread(
                self.ledger.surveys.mark_survey_sending, job_id, [r for r, _ in rows]
            )
            try:
                done = await self.engine.client.make_feedback_call(
                    [number for _, number in rows],
                    survey.file_id,
                    valid_options=survey.valid_options,
                    valid_feedback_file_id=survey.valid_file_id,
                    invalid_feedback_file_id=survey.invalid_file_id,
                    max_retries=survey.max_retries,
                    mask=survey.mask,
                )
            except CsmsError as error:
                refusals, stopped = await self._failed(job_id, survey, rows, error, refusals)
                if stopped:
                    break
            else:
                refusals = 0
                await asyncio.to_thread(self._record, job_id, survey, rows, done.ids)
            if on_progress is not None:
                on_progress(self.ledger.surveys.survey(job_id))
        return SurveyRun(
            self.ledger.surveys.survey(job_id),
            cancelled=cancel is not None and cancel.is_set(),
            stopped=stopped,
        )

    def _record(
        self,
        job_id: int,
        survey: Survey,
        rows: Sequence[tuple[int, str]],
        ids: Sequence[tuple[str, str]],
    ) -> None:
        at = self.engine.now()
        by_number = dict(ids)
        called = [
            (
                row,
                NewCall(
                    id=by_number[number],
                    recipient=number,
                    file_id=survey.file_id,
                    submitted_at=at,
                    kind="feedback",
                    max_retries=survey.max_retries,
                    mask=survey.mask,
                    valid_options=str(survey.valid_options),
                    valid_file_id=survey.valid_file_id,
                    invalid_file_id=survey.invalid_file_id,
                    origin="survey",
                    batch=str(job_id),
                ),
            )
            for row, number in rows
        ]
        self.ledger.surveys.mark_survey_called(job_id, called, at)
        self.engine.tracker.wake()
        self.engine.bus.publish(
            events.Submitted(at=at, kind="call", ids=list(ids), summary=f"survey {survey.name!r}")
        )

    async def _failed(
        self,
        job_id: int,
        survey: Survey,
        rows: Sequence[tuple[int, str]],
        error: CsmsError,
        refusals: int,
    ) -> tuple[int, str | None]:
        stopped = SubmitStopped.of(error, [n for _, n in rows])
        partial = stopped.done.by_recipient() if stopped.done else {}
        if partial:
            done_rows = [(r, n) for r, n in rows if n in partial]
            await asyncio.to_thread(
                self._record, job_id, survey, done_rows, [(n, partial[n]) for _, n in done_rows]
            )
        rest = [(r, n) for r, n in rows if n not in partial]
        unknown = set(stopped.unknown)
        maybe = [(r, n) for r, n in rest if n in unknown]
        refused = [r for r, n in rest if n not in unknown]
        if maybe:
            await asyncio.to_thread(
                self.ledger.surveys.mark_survey_unknown,
                job_id,
                maybe,
                str(error),
                self.engine.now(),
            )
            self.engine.bus.publish(
                events.OutcomeUnknownRecorded(
                    at=self.engine.now(), kind="call", summary=f"survey {survey.name!r}"
                )
            )
        if refused:
            await asyncio.to_thread(
                self.ledger.surveys.mark_survey_failed, job_id, refused, str(error)
            )
        if maybe:
            return refusals, None
        refusals += 1
        return refusals, (str(error) if refusals >= MAX_REFUSALS else None)

    # Results ----------------------------------------------------------------------------

    def tally(self, job_id: int) -> SurveyTally:
        return self.ledger.surveys.survey_tally(job_id)

    async def export(self, job_id: int, path: str | os.PathLike[str], zone: str) -> int:
        """Per-number results as CSV (local times, numbers kept whole by spreadsheets)."""
        return await asyncio.to_thread(self._export, job_id, Path(path), zone)

    def _export(self, job_id: int, path: Path, zone: str) -> int:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(zone)

        def rows() -> list[tuple[object, ...]]:
            return [
                (
                    item.row,
                    KeepAsText(item.recipient),
                    item.state,
                    item.call_id or "",
                    item.call_status.label if item.call_status is not None else "",
                    item.option or "",
                    item.changed_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
                    if item.changed_at
                    else "",
                )
                for item in self.ledger.surveys.survey_rows(job_id)
            ]

        return write_csv_atomic(path, EXPORT_HEADER, rows())
