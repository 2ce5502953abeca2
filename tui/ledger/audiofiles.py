"""Audio files uploaded to the gateway, and whether each is ready for calls."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from tui.gateway.codes import AudioStatus
from tui.ledger.base import Store, from_db, req_from_db, to_db
from tui.ledger.errors import LedgerError


@dataclass(frozen=True, slots=True)
class AudioFile:
    id: str
    name: str
    source_path: str | None
    source_sha256: str | None
    #: Size in bytes and duration in seconds of the converted WAV that was uploaded.
    size: int | None
    duration: float | None
    uploaded_at: datetime
    status: AudioStatus
    status_changed_at: datetime | None
    ready_at: datetime | None


def _audio(row: sqlite3.Row) -> AudioFile:
    return AudioFile(
        id=row["id"],
        name=row["name"],
        source_path=row["source_path"],
        source_sha256=row["source_sha256"],
        size=row["size"],
        duration=row["duration"],
        uploaded_at=req_from_db(row["uploaded_at"]),
        status=AudioStatus(row["status"]),
        status_changed_at=from_db(row["status_changed_at"]),
        ready_at=from_db(row["ready_at"]),
    )


class AudioStore(Store):
    def add_audio(
        self,
        file_id: str,
        name: str,
        uploaded_at: datetime,
        *,
        source_path: str | None = None,
        source_sha256: str | None = None,
        size: int | None = None,
        duration: float | None = None,
        status: AudioStatus = AudioStatus.NOT_READY,
    ) -> None:
        """Remember an uploaded audio file."""
        status = AudioStatus(status)
        stamp = to_db(uploaded_at)
        try:
            with self._tx() as conn:
                conn.execute(
                    "INSERT INTO audio_files (id, name, source_path, source_sha256, size, duration,"
                    " uploaded_at, status, status_changed_at, ready_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        file_id,
                        name,
                        source_path,
                        source_sha256,
                        size,
                        duration,
                        stamp,
                        int(status),
                        stamp,
                        stamp if status is AudioStatus.READY else None,
                    ),
                )
        except sqlite3.IntegrityError as error:
            if "audio_files.name" in str(error):
                raise LedgerError(
                    f"An audio file named {name!r} is already in the ledger; choose another name."
                ) from None
            raise LedgerError(f"Audio file {file_id} is already in the ledger.") from None

    def update_audio_status(self, file_id: str, status: AudioStatus, at: datetime) -> bool:
        """Record a status check; True when the status changed."""
        status = AudioStatus(status)
        with self._tx() as conn:
            row = conn.execute("SELECT status FROM audio_files WHERE id = ?", (file_id,)).fetchone()
            if row is None:
                raise LedgerError(f"Audio file {file_id} is not in the ledger.")
            if row[0] == int(status):
                return False
            conn.execute(
                "UPDATE audio_files SET status = ?, status_changed_at = ?,"
                " ready_at = CASE WHEN ? THEN coalesce(ready_at, ?) ELSE ready_at END"
                " WHERE id = ?",
                (int(status), to_db(at), int(status is AudioStatus.READY), to_db(at), file_id),
            )
            return True

    def audio_files(self, status: AudioStatus | None = None) -> list[AudioFile]:
        """Uploaded audio files, newest first."""
        code = None if status is None else int(status)
        rows = self._rows(
            "SELECT * FROM audio_files WHERE (? IS NULL OR status = ?)"
            " ORDER BY uploaded_at DESC, rowid DESC",
            (code, code),
        )
        return [_audio(row) for row in rows]

    def audio(self, file_id: str) -> AudioFile | None:
        row = self._one("SELECT * FROM audio_files WHERE id = ?", (file_id,))
        return None if row is None else _audio(row)

    def audio_by_name(self, name: str) -> AudioFile | None:
        row = self._one("SELECT * FROM audio_files WHERE name = ?", (name,))
        return None if row is None else _audio(row)

    def audio_by_sha256(self, sha256: str) -> list[AudioFile]:
        """Files uploaded from a source with this digest (to offer the existing upload)."""
        rows = self._rows(
            "SELECT * FROM audio_files WHERE source_sha256 = ? ORDER BY uploaded_at DESC",
            (sha256,),
        )
        return [_audio(row) for row in rows]
