"""Creating subscriber lists and uploading numbers to them, batch by batch, resumably.

An upload is journaled in the ledger before anything is sent: the numbers are
split into batches that fit the gateway's URL limit, and each batch is marked
``sending`` (committed) BEFORE its request goes out. A batch found ``sending``
when a job is (re)started went out without an answer, perhaps in a run that
crashed: it becomes ``unknown`` (and an unknown-outcome submit to settle) and
is never sent again without the user's say-so. So no batch is ever added twice.

Two runs of the same job are kept apart in one process by a registry, and
across processes by the ledger's guarded state changes: a batch moves from
``pending`` to ``sending`` in one transaction, so only one run can take it.
One run of a job, its progress and its result are in ``upload_run``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.engine import events
from tui.engine.jobs import Job, JobKind, JobWork
from tui.engine.profile_time import profile_zone
from tui.engine.upload_run import (
    BATCH_REFUSALS,
    KIND,
    MAX_PARALLEL,
    MAX_UNKNOWN_IN_A_ROW,
    ProgressCallback,
    UploadProgress,
    UploadResult,
    _Run,
)
from tui.gateway.codes import CREATE_LIST
from tui.gateway.errors import CsmsError, GatewayError, InvalidInput, OutcomeUnknown
from tui.ledger import ImportSummary, LedgerError, ListSummary, UnknownOutcome

if TYPE_CHECKING:
    from tui.engine.service import Engine

__all__ = [
    "BATCH_REFUSALS",
    "KIND",
    "MAX_PARALLEL",
    "MAX_UNKNOWN_IN_A_ROW",
    "Fields",
    "ImportRunning",
    "ListUploader",
    "ProgressCallback",
    "UploadProgress",
    "UploadResult",
]

#: The kind of the engine's job (``engine.jobs``) that uploads to a list.
JOB_KIND: JobKind = "list-upload"
#: Unknown-outcome kind of a list creation; its ref is ``create_list_ref(name)``.
CREATE_KIND = "list"
#: The gateway's "Duplicate list name" error.
DUPLICATE_LIST_NAME = 400


def create_list_ref(name: str) -> str:
    return f"create-list:{name}"


@dataclass(frozen=True, slots=True)
class Fields:
    """The columns kept with the numbers of an upload: (number, JSON object)
    pairs, streamed into the journal (an import's ``kept_fields``), and the
    columns' names; or the kept columns of the members of lists (a copy)."""

    pairs: Iterable[tuple[str, str]] = ()
    names: Sequence[str] = ()
    of_lists: Sequence[str] = ()


class ImportRunning(InvalidInput):
    """The job is already being uploaded by this program."""


#: (ledger file, job) of every upload running in this process.
_RUNNING: set[tuple[str, int]] = set()


class ListUploader:
    """Lists and uploads for one engine. Methods touching the gateway are async."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.ledger = engine.ledger
        #: Numbers the last ``upload`` left out, being on the do-not-contact list.
        self.left_out: list[str] = []

    # Lists ---------------------------------------------------------------------------

    def find_list(self, name: str) -> ListSummary | None:
        """The known list called ``name`` (case and surrounding blanks ignored)."""
        wanted = name.strip().casefold()
        return next((s for s in self.ledger.lists.lists() if s.name.casefold() == wanted), None)

    def check_new_name(self, name: str) -> str:
        """``name`` cleaned, or InvalidInput saying why it cannot be a new list's name."""
        clean = name.strip()
        if not clean:
            raise InvalidInput("The list name is empty; give the list a name.")
        existing = self.find_list(clean)
        if existing is not None:
            raise InvalidInput(
                f"A list named {existing.name!r} already exists; choose another name or "
                "add the numbers to that list."
            )
        return clean

    async def create_list(self, name: str) -> ListSummary:
        """Create a list at the gateway and remember it; the name is checked first.

        The creation is journalled before it leaves: when its answer is lost
        (or the run is killed), it becomes an unknown outcome that the user
        settles with the list's ID (``csms unknown settle N --list-id ID``).
        """
        clean = self.check_new_name(name)
        ref = create_list_ref(clean)
        summary = f"Create list {clean!r}"
        intent = self.engine.journal.open_intent(
            CREATE_KIND, CREATE_LIST.page, summary, [clean], ref=ref
        )
        try:
            list_id = await self.engine.client.create_list(clean)
        except OutcomeUnknown as error:
            self.ledger.complete_submit(
                intent,
                unknown=UnknownOutcome(
                    CREATE_KIND,
                    CREATE_LIST.page,
                    f"{summary} ({error})",
                    [clean],
                    self.engine.now(),
                    ref=ref,
                ),
            )
            self.engine.bus.publish(
                events.OutcomeUnknownRecorded(
                    at=self.engine.now(), kind=CREATE_KIND, summary=summary
                )
            )
            raise
        except CsmsError as error:
            self.ledger.intents.discard_intent(intent)
            earlier = self._unsettled_creation(ref)
            if isinstance(error, GatewayError) and error.code == DUPLICATE_LIST_NAME and earlier:
                raise InvalidInput(
                    f"The gateway already has a list named {clean!r}, most likely made by the"
                    f" earlier run whose answer was lost (unknown outcome {earlier}). Find the"
                    " list's ID on the portal and settle it with `csms unknown settle"
                    f" {earlier} --list-id ID` (or in Activity); then run this again and the"
                    " numbers go into that list."
                ) from None
            if isinstance(error, GatewayError) and error.code == DUPLICATE_LIST_NAME:
                raise InvalidInput(
                    f"The gateway already has a list named {clean!r} (made on the portal or"
                    " another computer), which csms does not know yet. Add it by the ID the"
                    f" portal shows (`csms lists add ID {clean!r}`, or Lists), then import"
                    " again: the numbers go into that list."
                ) from None
            raise
        self.ledger.lists.add_list(list_id, clean, self.engine.now(), intent_id=intent)
        summary_row = self.ledger.lists.list_by_id(list_id)
        assert summary_row is not None
        return summary_row

    def add_existing(self, list_id: str, name: str) -> ListSummary:
        """Remember a list that already exists on the gateway (made on the portal):
        imports into ``name`` then add to it, and campaigns can use it. The API
        cannot list lists or check an ID, so the ID is taken as given; a wrong one
        shows when the gateway refuses an upload or a campaign to it."""
        clean_id = list_id.strip()
        if not clean_id.isdigit():
            raise InvalidInput(
                f"{list_id!r} is not a list ID: give the number the portal shows for the list."
            )
        if self.ledger.lists.list_by_id(clean_id) is not None:
            raise InvalidInput(f"List {clean_id} is known already; see `csms lists`.")
        clean = self.check_new_name(name)
        self.ledger.lists.add_list(clean_id, clean, self.engine.now())
        added = self.ledger.lists.list_by_id(clean_id)
        assert added is not None
        return added

    def _unsettled_creation(self, ref: str) -> int | None:
        return next((u.id for u in self.ledger.unknown.unknown_submits() if u.ref == ref), None)

    async def export_list(self, list_id: str, path: str | os.PathLike[str]) -> int:
        """Write the list's members (as the ledger knows them) and the columns
        kept with them to a CSV file."""
        try:
            zone = profile_zone(self.engine)
            return await asyncio.to_thread(
                self.ledger.lists.export_members_csv, list_id, path, zone
            )
        except LedgerError as error:
            raise InvalidInput(str(error)) from None

    # Jobs ------------------------------------------------------------------------------

    def unfinished_jobs(self, list_id: str | None = None) -> list[ImportSummary]:
        """Open import jobs (of one list): still sending, or needing attention."""
        return [
            job
            for job in self.ledger.imports.import_jobs(open_only=True)
            if list_id is None or job.list_id == list_id
        ]

    def queued_numbers(self, list_id: str) -> set[str]:
        """Numbers in batches of open jobs to the list that are not settled yet
        (waiting, on their way, or of unknown outcome): importing them again
        could add them twice."""
        numbers: set[str] = set()
        for job in self.unfinished_jobs(list_id):
            for batch in self.ledger.imports.import_batches(job.job_id):
                if batch.state in ("pending", "sending", "unknown"):
                    numbers.update(batch.numbers)
        return numbers

    def start_job(
        self,
        list_id: str,
        numbers: Sequence[str],
        source: str,
        *,
        fields: Fields | None = None,
    ) -> int:
        """Journal an upload of ``numbers`` (valid, new to the list) in URL-sized
        batches, with the columns kept with them (``fields``), if any."""
        batches = self.engine.client.contact_batches(list_id, numbers)
        if fields is None:
            return self.ledger.imports.create_import(list_id, source, batches, self.engine.now())
        return self.ledger.imports.create_import(
            list_id,
            source,
            batches,
            self.engine.now(),
            fields=fields.pairs,
            field_names=fields.names,
            fields_of_lists=fields.of_lists,
        )

    def confirm_batch(self, job_id: int, seq: int) -> int:
        """The user checked that an unknown batch did arrive; returns members added."""
        added = self.ledger.imports.mark_import_done(job_id, seq, self.engine.now())
        self._close_if_settled(job_id)
        return added

    def retry_batch(self, job_id: int, seq: int) -> None:
        """Queue a failed or unknown batch again (the user's explicit choice)."""
        self.ledger.imports.retry_import_batch(job_id, seq, self.engine.now())

    def close_job(self, job_id: int) -> None:
        """Stop showing the job as unfinished; its batches are left as they are."""
        self.ledger.imports.close_import(job_id)

    def _close_if_settled(self, job_id: int) -> None:
        summary = self.ledger.imports.import_summary(job_id)
        if summary.finished and not summary.needs_attention:
            self.ledger.imports.close_import(job_id)

    # Uploading -----------------------------------------------------------------------

    async def upload(
        self,
        list_id: str,
        numbers: Sequence[str],
        source: str,
        *,
        cancel: asyncio.Event | None = None,
        on_progress: ProgressCallback | None = None,
        fields: Fields | None = None,
    ) -> list[UploadResult]:
        """Finish the list's interrupted uploads, then upload ``numbers`` as a new
        job (with the columns ``fields`` keeps with them).

        Returns one result per job run; stops at the first run cancelled or stopped.
        """
        results: list[UploadResult] = []
        for job in self.unfinished_jobs(list_id):
            if job.batches.get("pending") or job.batches.get("sending"):
                result = await self.run(job.job_id, cancel=cancel, on_progress=on_progress)
                results.append(result)
                if result.cancelled or result.error:
                    return results
        # Numbers on the do-not-contact list are left out: the gateway cannot
        # remove a list's members, so a campaign to the list would reach them.
        check = self.engine.optouts.check(list(numbers))
        self.left_out = check.blocked_numbers
        if check.allowed:
            job_id = await asyncio.to_thread(
                self.start_job, list_id, check.allowed, source, fields=fields
            )
            results.append(await self.run(job_id, cancel=cancel, on_progress=on_progress))
        return results

    # As jobs of the engine (what the screens use) -------------------------------------

    def start_upload(
        self,
        list_id: str,
        list_name: str,
        numbers: Sequence[str],
        source: str,
        *,
        fields: Fields | None = None,
        on_end: Callable[[], None] | None = None,
    ) -> Job[list[UploadResult]]:
        """``upload`` as a job of the engine: it runs on when the screen that
        started it closes, and ``current_upload`` finds it again. ``on_end``
        runs when it ends, whatever the outcome, or at once if it is refused
        (a preview's files are closed)."""

        async def work(
            cancel: asyncio.Event, progress: Callable[[events.Progress], None]
        ) -> list[UploadResult]:
            try:
                return await self.upload(
                    list_id,
                    numbers,
                    source,
                    cancel=cancel,
                    on_progress=self._forward(progress),
                    fields=fields,
                )
            finally:
                if on_end is not None:
                    on_end()

        try:
            return self._start(f"Uploading to {list_name!r}", work)
        except ImportRunning:
            # Refused before it began: what it was given is released now too.
            if on_end is not None:
                on_end()
            raise

    def start_resume(self, job_id: int, list_name: str) -> Job[list[UploadResult]]:
        """Finish the interrupted import ``job_id`` as a job of the engine."""

        async def work(
            cancel: asyncio.Event, progress: Callable[[events.Progress], None]
        ) -> list[UploadResult]:
            return [await self.run(job_id, cancel=cancel, on_progress=self._forward(progress))]

        return self._start(f"Uploading to {list_name!r}", work)

    def current_upload(self) -> Job[list[UploadResult]] | None:
        """The upload running now, else the last one that ended (None: none yet)."""
        return self.engine.jobs.latest(JOB_KIND)

    def _start(self, title: str, work: JobWork[list[UploadResult]]) -> Job[list[UploadResult]]:
        running = self.engine.jobs.running(JOB_KIND)
        if running:
            raise ImportRunning(f"{running[0].title} is under way; wait for it or cancel it first.")
        return self.engine.jobs.start(JOB_KIND, title, work)

    def _forward(self, progress: Callable[[events.Progress], None]) -> ProgressCallback:
        def forward(step: UploadProgress) -> None:
            progress(step.event(self.engine.now()))

        return forward

    async def run(
        self,
        job_id: int,
        *,
        cancel: asyncio.Event | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> UploadResult:
        """Send the job's pending batches (up to ``MAX_PARALLEL`` on their way at
        once) until done, cancelled (after the batches on their way) or
        stopped by an error."""
        key = (str(self.ledger.path), job_id)
        if key in _RUNNING:
            raise ImportRunning(f"Import {job_id} is already being uploaded.")
        _RUNNING.add(key)
        try:
            return await _Run(self, job_id, cancel, on_progress).go()
        finally:
            _RUNNING.discard(key)
