"""Voice campaigns, with every parameter and their status snapshots over time."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from tui.gateway.codes import VoiceCampaignStatus
from tui.gateway.results import VoiceCampaignInfo
from tui.ledger.base import Store, from_db, req_from_db, to_db
from tui.ledger.errors import LedgerError

VoiceKind = Literal["broadcast", "feedback", "dynamic"]


@dataclass(frozen=True, slots=True)
class VoiceCampaign:
    id: str
    name: str
    kind: str
    #: Every parameter the campaign was created with.
    params: dict[str, Any]
    created_at: datetime
    last_status: VoiceCampaignStatus | None
    final: bool
    checked_at: datetime | None


@dataclass(frozen=True, slots=True)
class VoiceSnapshot:
    campaign_id: str
    at: datetime
    status: VoiceCampaignStatus
    call_attempts: int
    answered: int
    not_answered: int
    not_responding: int
    busy: int
    cost: float


def _voice(row: sqlite3.Row) -> VoiceCampaign:
    return VoiceCampaign(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        params=json.loads(row["params"]),
        created_at=req_from_db(row["created_at"]),
        last_status=None if row["last_status"] is None else VoiceCampaignStatus(row["last_status"]),
        final=bool(row["final"]),
        checked_at=from_db(row["checked_at"]),
    )


def _snapshot(row: sqlite3.Row) -> VoiceSnapshot:
    return VoiceSnapshot(
        campaign_id=row["campaign_id"],
        at=req_from_db(row["at"]),
        status=VoiceCampaignStatus(row["status"]),
        call_attempts=row["call_attempts"],
        answered=row["answered"],
        not_answered=row["not_answered"],
        not_responding=row["not_responding"],
        busy=row["busy"],
        cost=row["cost"],
    )


_COUNTERS = (
    "status",
    "call_attempts",
    "answered",
    "not_answered",
    "not_responding",
    "busy",
    "cost",
)


class VoiceStore(Store):
    def add_voice_campaign(
        self,
        campaign_id: str,
        name: str,
        kind: VoiceKind,
        params: Mapping[str, Any],
        created_at: datetime,
    ) -> None:
        """Remember a voice campaign with every parameter it was created with (JSON)."""
        if kind not in ("broadcast", "feedback", "dynamic"):
            raise LedgerError(
                f"Unknown voice campaign kind {kind!r}; use broadcast, feedback or dynamic."
            )
        try:
            with self._tx() as conn:
                conn.execute(
                    "INSERT INTO voice_campaigns (id, name, kind, params, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        campaign_id,
                        name,
                        kind,
                        json.dumps(dict(params), ensure_ascii=False, default=str),
                        to_db(created_at),
                    ),
                )
        except sqlite3.IntegrityError:
            raise LedgerError(f"Voice campaign {campaign_id} is already in the ledger.") from None

    def voice_campaigns(self, final: bool | None = None) -> list[VoiceCampaign]:
        rows = self._rows(
            "SELECT * FROM voice_campaigns WHERE (? IS NULL OR final = ?)"
            " ORDER BY created_at DESC, rowid DESC",
            (final, None if final is None else int(final)),
        )
        return [_voice(row) for row in rows]

    def voice_campaign(self, campaign_id: str) -> VoiceCampaign | None:
        row = self._one("SELECT * FROM voice_campaigns WHERE id = ?", (campaign_id,))
        return None if row is None else _voice(row)

    def add_voice_snapshot(self, campaign_id: str, info: VoiceCampaignInfo, at: datetime) -> bool:
        """Record a status query's answer; a snapshot is kept only when something changed.

        Returns True when a new snapshot was stored.
        """
        status = VoiceCampaignStatus(info.status)
        values = (
            int(status),
            info.call_attempts,
            info.answered,
            info.not_answered,
            info.not_responding,
            info.busy,
            float(info.cost),
        )
        with self._tx() as conn:
            if (
                conn.execute(
                    "SELECT 1 FROM voice_campaigns WHERE id = ?", (campaign_id,)
                ).fetchone()
                is None
            ):
                raise LedgerError(f"Voice campaign {campaign_id} is not in the ledger.")
            latest = conn.execute(
                f"SELECT {', '.join(_COUNTERS)} FROM voice_snapshots WHERE campaign_id = ?"
                " ORDER BY at DESC, id DESC LIMIT 1",
                (campaign_id,),
            ).fetchone()
            conn.execute(
                "UPDATE voice_campaigns SET last_status = ?, final = ?, checked_at = ?"
                " WHERE id = ?",
                (int(status), int(status.is_final), to_db(at), campaign_id),
            )
            if latest is not None and tuple(latest) == values:
                return False
            conn.execute(
                f"INSERT INTO voice_snapshots (campaign_id, at, {', '.join(_COUNTERS)})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (campaign_id, to_db(at), *values),
            )
            return True

    def voice_latest(self, campaign_id: str) -> VoiceSnapshot | None:
        row = self._one(
            "SELECT * FROM voice_snapshots WHERE campaign_id = ? ORDER BY at DESC, id DESC LIMIT 1",
            (campaign_id,),
        )
        return None if row is None else _snapshot(row)

    def voice_snapshots(self, campaign_id: str) -> list[VoiceSnapshot]:
        rows = self._rows(
            "SELECT * FROM voice_snapshots WHERE campaign_id = ? ORDER BY at, id", (campaign_id,)
        )
        return [_snapshot(row) for row in rows]
