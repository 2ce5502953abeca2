"""Settling submits whose outcome is unknown, for every kind, in one place.

A submit whose request may have reached the gateway without an answer coming
back is an unknown outcome (ledger ``unknown_submits``). The user checks (the
recipient's phone, the portal, the list) and settles it here; the settlement
also moves the job it belongs to on:

- a list import batch (``import:J:S``): arrived (its numbers become members)
  or not (queued again for ``csms lists resume``);
- a personalised send row (``send:J:R``): arrived, or queued to be sent again;
- a survey row (``survey:J:R``): called, or queued to be called again;
- a list creation (``create-list:NAME``): the list's ID is recorded, so the
  next import goes into it, or it was not created;
- anything else (quick sends, calls, campaigns, uploads, pay): a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from tui.gateway.errors import InvalidInput
from tui.ledger import LedgerError, UnknownSubmit

if TYPE_CHECKING:
    from tui.engine.service import Engine


class Resolution(Enum):
    SENT = "sent"
    NOT_SENT = "not-sent"


@dataclass(frozen=True, slots=True)
class Settled:
    entry: UnknownSubmit
    #: What settling did, in one sentence.
    effect: str


def _ref_parts(ref: str | None) -> tuple[str, str, str]:
    kind, _, rest = (ref or "").partition(":")
    first, _, second = rest.partition(":")
    return kind, first, second


class UnknownOutcomes:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.ledger = engine.ledger

    def open(self) -> list[UnknownSubmit]:
        """Open entries, newest first (submits left in flight by a stopped run included)."""
        self.engine.journal.recover_intents()
        return self.ledger.unknown.unknown_submits()

    def settled(self, limit: int = 50) -> list[UnknownSubmit]:
        return self.ledger.unknown.unknown_submits(settled=True)[:limit]

    def settle(
        self,
        unknown_id: int,
        resolution: Resolution | None,
        *,
        list_id: str | None = None,
        note: str = "",
    ) -> Settled:
        """Settle one open entry; InvalidInput says why it cannot be settled so."""
        entry = self.ledger.unknown.unknown_submit(unknown_id)
        if entry is None:
            raise InvalidInput(f"There is no unknown outcome {unknown_id}; see `csms unknown`.")
        if entry.settled:
            raise InvalidInput(f"Unknown outcome {unknown_id} is already settled ({entry.note}).")
        kind, first, second = _ref_parts(entry.ref)
        if list_id is not None:
            if kind != "create-list":
                raise InvalidInput(
                    f"Unknown outcome {unknown_id} is not a list creation; settle it with"
                    " --sent or --not-sent."
                )
            return self._list_created(entry, first if not second else f"{first}:{second}", list_id)
        if resolution is None:
            raise InvalidInput("Say how it ended: --sent, --not-sent (or --list-id for a list).")
        if kind == "import":
            return self._import_batch(entry, int(first), int(second), resolution)
        if kind == "send":
            return self._send_row(entry, int(first), int(second), resolution)
        if kind == "survey":
            return self._survey_row(entry, int(first), int(second), resolution)
        if kind == "create-list" and resolution is Resolution.SENT:
            raise InvalidInput(
                "A list created at the gateway needs its ID: settle it with --list-id ID"
                " (the ID is on the portal)."
            )
        text = note or (
            "Checked: it was sent."
            if resolution is Resolution.SENT
            else "Checked: it was not sent."
        )
        self.ledger.unknown.settle(unknown_id, text, self.engine.now())
        effect = (
            "Settled as sent; nothing is sent again."
            if resolution is Resolution.SENT
            else "Settled as not sent; send it again yourself if it is still wanted."
        )
        return Settled(entry, effect)

    async def settle_upload(self, unknown_id: int, file_id: str) -> Settled:
        """Settle a recording upload whose answer was lost, with the file ID the
        portal shows: the ID is checked with the gateway and the recording is
        remembered under the name it was uploaded as."""
        from tui.engine.audio_upload import AudioUploader

        entry = self.ledger.unknown.unknown_submit(unknown_id)
        if entry is None:
            raise InvalidInput(f"There is no unknown outcome {unknown_id}; see `csms unknown`.")
        if entry.settled:
            raise InvalidInput(f"Unknown outcome {unknown_id} is already settled ({entry.note}).")
        if entry.kind != "audio":
            raise InvalidInput(
                f"Unknown outcome {unknown_id} is not a recording upload; settle it with"
                " --sent or --not-sent (or --list-id for a list creation)."
            )
        clean = file_id.strip()
        if not clean.isdigit():
            raise InvalidInput(f"{file_id!r} is not a file ID: give the number the portal shows.")
        name = entry.targets[0] if entry.targets else f"recording {clean}"
        recorded = await AudioUploader(self.engine).add_existing(clean, name)
        self.ledger.unknown.settle(
            entry.id, f"Uploaded; the gateway's file ID is {clean}.", self.engine.now()
        )
        return Settled(
            entry,
            f"Recording {recorded.name!r} recorded with file ID {clean}"
            f" ({recorded.status.label}); it can be used in calls and campaigns.",
        )

    def _import_batch(
        self, entry: UnknownSubmit, job_id: int, seq: int, resolution: Resolution
    ) -> Settled:
        from tui.engine.list_upload import ListUploader

        uploader = ListUploader(self.engine)
        if resolution is Resolution.SENT:
            added = uploader.confirm_batch(job_id, seq)
            return Settled(entry, f"Batch {seq} counted as arrived; {added:,} members recorded.")
        uploader.retry_batch(job_id, seq)
        return Settled(entry, f"Batch {seq} queued again; `csms lists resume` (or Lists) sends it.")

    def _send_row(
        self, entry: UnknownSubmit, job_id: int, row: int, resolution: Resolution
    ) -> Settled:
        if resolution is Resolution.SENT:
            self.ledger.send_jobs.confirm_send_rows(job_id, [row], self.engine.now())
            return Settled(entry, f"Row {row} counted as sent.")
        self.ledger.send_jobs.retry_send_rows(job_id, [row], self.engine.now())
        return Settled(entry, f"Row {row} queued to be sent again with the personalised send.")

    def _survey_row(
        self, entry: UnknownSubmit, job_id: int, row: int, resolution: Resolution
    ) -> Settled:
        if resolution is Resolution.SENT:
            self.ledger.surveys.confirm_survey_rows(job_id, [row], self.engine.now())
            return Settled(entry, f"Row {row} counted as called.")
        self.ledger.surveys.retry_survey_rows(job_id, [row], self.engine.now())
        return Settled(entry, f"Row {row} queued to be called again when the survey resumes.")

    def _list_created(self, entry: UnknownSubmit, name: str, list_id: str) -> Settled:
        clean = list_id.strip()
        if not clean or any(c.isspace() or c == "," for c in clean):
            raise InvalidInput(
                f"{list_id!r} is not a list ID: give the one ID the portal shows for the list."
            )
        try:
            self.ledger.lists.add_list(clean, name, entry.at)
        except LedgerError as error:
            raise InvalidInput(str(error)) from None
        self.ledger.unknown.settle(
            entry.id, f"List created at the gateway with ID {clean}.", self.engine.now()
        )
        return Settled(
            entry,
            f"List {name!r} recorded with ID {clean}; importing into {name!r} now adds to it.",
        )
