"""CSV exports: UTF-8 with a byte-order mark (so spreadsheets show Urdu), written atomically.

Rows go to a temporary file in the target folder, which replaces the target
only once complete; on any error the target is untouched and the temporary
file removed.
"""

from __future__ import annotations

import contextlib
import csv
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from tui.gateway.codes import MessageStatus, VoiceCampaignStatus
from tui.ledger.errors import LedgerError

#: A cell starting with one of these is read as a formula by spreadsheets; an
#: incoming SMS is text anyone can send, so such cells get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class KeepAsText(str):
    """A value csms made itself (a 12-digit number) that spreadsheets must keep as
    text: written as ``="923001234567"``, which Excel and LibreOffice show as
    923001234567 instead of 9.23E+11 (and never round)."""


def _cell(value: object) -> object:
    if isinstance(value, KeepAsText):
        return f'="{value}"'
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv_atomic(
    path: str | os.PathLike[str],
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
) -> int:
    """Write ``header`` and ``rows`` to ``path`` as a whole or not at all; returns row count."""
    target = Path(path)
    try:
        fd, temp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as error:
        raise LedgerError(
            f"Cannot write {target}: {error.strerror}; choose a folder that exists and is writable."
        ) from None
    count = 0
    try:
        with open(fd, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow([_cell(value) for value in row])
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        if isinstance(error, OSError):
            raise LedgerError(
                f"Cannot write {target}: {error.strerror}; nothing was written. Free some space"
                " or choose another folder."
            ) from None
        raise
    return count


#: "{zone}" in a header is replaced by the export's time zone.
INBOX_HEADER = (
    "ID",
    "Received at ({zone})",
    "From",
    "Short code",
    "Gateway ID",
    "Gateway time",
    "Message",
    "Read",
)
CAMPAIGN_HEADER = ("Number", "Status code", "Status", "Changed at ({zone})")
MEMBERS_HEADER = ("Number", "Added at ({zone})", "Batch")
#: A personalised send's rows (``ledger/sendjobs.py`` writes them).
SEND_JOB_HEADER = (
    "Row",
    "Number",
    "Text",
    "State",
    "Message ID",
    "Message status",
    "Status changed at ({zone})",
    "Sent at ({zone})",
    "Error",
)
VOICE_HEADER = (
    "At ({zone})",
    "Status code",
    "Status",
    "Call attempts",
    "Answered",
    "Not answered",
    "Not responding",
    "Busy",
    "Cost",
)


def local_time(stamp: str | None, zone: tzinfo) -> str:
    """A stored moment (UTC ISO text) as ``YYYY-MM-DD HH:MM:SS`` in ``zone``."""
    if not stamp:
        return ""
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def number_cell(value: str | None) -> object:
    """A stored number: 12 digits stay 12 digits in a spreadsheet."""
    return KeepAsText(value) if value and value.isdigit() else (value or "")


def zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", zone))


def inbox_rows(conn: sqlite3.Connection, zone: tzinfo) -> Iterator[tuple[object, ...]]:
    cursor = conn.execute(
        "SELECT id, received_at, msisdn, short_code, gateway_id, timestamp_raw, text, read"
        " FROM incoming ORDER BY id DESC"
    )
    for row in cursor:
        yield (row[0], local_time(row[1], zone), number_cell(row[2]), *row[3:7],
               "yes" if row[7] else "no")  # fmt: skip


def campaign_rows(
    conn: sqlite3.Connection, campaign_id: str, zone: tzinfo
) -> Iterator[tuple[object, ...]]:
    cursor = conn.execute(
        "SELECT msisdn, status, changed_at FROM campaign_recipients WHERE campaign_id = ?"
        " ORDER BY msisdn",
        (campaign_id,),
    )
    for msisdn, status, changed_at in cursor:
        label = MessageStatus(status).label
        yield number_cell(msisdn), status, label, local_time(changed_at, zone)


def member_rows(
    conn: sqlite3.Connection, list_id: str, zone: tzinfo
) -> Iterator[tuple[object, ...]]:
    cursor = conn.execute(
        "SELECT msisdn, added_at, coalesce(batch, '') FROM list_members WHERE list_id = ?"
        " ORDER BY msisdn",
        (list_id,),
    )
    for msisdn, added_at, batch in cursor:
        yield number_cell(msisdn), local_time(added_at, zone), batch


def voice_rows(
    conn: sqlite3.Connection, campaign_id: str, zone: tzinfo
) -> Iterator[tuple[object, ...]]:
    cursor = conn.execute(
        "SELECT at, status, call_attempts, answered, not_answered, not_responding, busy, cost"
        " FROM voice_snapshots WHERE campaign_id = ? ORDER BY at, id",
        (campaign_id,),
    )
    for at, status, *counters in cursor:
        yield (local_time(at, zone), status, VoiceCampaignStatus(status).label, *counters)
