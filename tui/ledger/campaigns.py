"""SMS campaigns and the per-recipient statuses of their latest snapshot."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tui.gateway.codes import MessageStatus
from tui.gateway.results import CampaignRecipient
from tui.ledger.base import Store, from_db, req_from_db, to_db
from tui.ledger.errors import LedgerError


@dataclass(frozen=True, slots=True)
class SmsCampaign:
    id: str
    name: str
    list_ids: list[str]
    text: str
    mask: str | None
    scheduled_at: datetime | None
    created_at: datetime
    #: The app's word for where the campaign is ("scheduled", "sending", "done"...).
    state: str
    final: bool
    state_changed_at: datetime | None
    checked_at: datetime | None


@dataclass(frozen=True, slots=True)
class RecipientStatus:
    msisdn: str
    status: MessageStatus
    changed_at: datetime


def _campaign(row: sqlite3.Row) -> SmsCampaign:
    return SmsCampaign(
        id=row["id"],
        name=row["name"],
        list_ids=json.loads(row["list_ids"]),
        text=row["text"],
        mask=row["mask"],
        scheduled_at=from_db(row["scheduled_at"]),
        created_at=req_from_db(row["created_at"]),
        state=row["state"],
        final=bool(row["final"]),
        state_changed_at=from_db(row["state_changed_at"]),
        checked_at=from_db(row["checked_at"]),
    )


class CampaignStore(Store):
    def add_campaign(
        self,
        campaign_id: str,
        name: str,
        list_ids: Sequence[str],
        text: str,
        created_at: datetime,
        *,
        scheduled_at: datetime | None = None,
        mask: str | None = None,
    ) -> None:
        """Remember an SMS campaign the gateway created."""
        try:
            with self._tx() as conn:
                conn.execute(
                    "INSERT INTO sms_campaigns (id, name, list_ids, text, mask, scheduled_at,"
                    " created_at, state_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        campaign_id,
                        name,
                        json.dumps(list(list_ids)),
                        text,
                        mask,
                        to_db(scheduled_at),
                        to_db(created_at),
                        to_db(created_at),
                    ),
                )
        except sqlite3.IntegrityError as error:
            if "sms_campaigns.name" in str(error):
                raise LedgerError(
                    f"A campaign named {name!r} is already in the ledger; choose another name."
                ) from None
            raise LedgerError(f"Campaign {campaign_id} is already in the ledger.") from None

    def campaigns(self, final: bool | None = None) -> list[SmsCampaign]:
        """SMS campaigns, newest first (only running ones with ``final=False``)."""
        rows = self._rows(
            "SELECT * FROM sms_campaigns WHERE (? IS NULL OR final = ?)"
            " ORDER BY created_at DESC, rowid DESC",
            (final, None if final is None else int(final)),
        )
        return [_campaign(row) for row in rows]

    def campaign(self, campaign_id: str) -> SmsCampaign | None:
        row = self._one("SELECT * FROM sms_campaigns WHERE id = ?", (campaign_id,))
        return None if row is None else _campaign(row)

    def campaign_by_name(self, name: str) -> SmsCampaign | None:
        row = self._one("SELECT * FROM sms_campaigns WHERE name = ?", (name,))
        return None if row is None else _campaign(row)

    def set_campaign_state(
        self, campaign_id: str, state: str, at: datetime, *, final: bool = False
    ) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE sms_campaigns SET state = ?, final = ?,"
                " state_changed_at = CASE WHEN state = ? THEN state_changed_at ELSE ? END"
                " WHERE id = ?",
                (state, int(final), state, to_db(at), campaign_id),
            )

    def upsert_campaign_statuses(
        self, campaign_id: str, recipients: Iterable[CampaignRecipient], at: datetime
    ) -> int:
        """Apply a campaign status snapshot; returns how many recipients are new or changed."""
        stamp = to_db(at)
        with self._tx() as conn:
            if (
                conn.execute("SELECT 1 FROM sms_campaigns WHERE id = ?", (campaign_id,)).fetchone()
                is None
            ):
                raise LedgerError(f"Campaign {campaign_id} is not in the ledger.")
            before = conn.total_changes
            conn.executemany(
                """INSERT INTO campaign_recipients (campaign_id, msisdn, status, changed_at)
                   VALUES (?, ?, ?, ?)
                   ON CONFLICT (campaign_id, msisdn) DO UPDATE
                   SET status = excluded.status, changed_at = excluded.changed_at
                   WHERE status != excluded.status""",
                ((campaign_id, r.msisdn, int(r.status), stamp) for r in recipients),
            )
            changed = conn.total_changes - before
            conn.execute(
                "UPDATE sms_campaigns SET checked_at = ? WHERE id = ?", (stamp, campaign_id)
            )
            return changed

    def campaign_status_counts(self, campaign_id: str) -> dict[MessageStatus, int]:
        rows = self._rows(
            "SELECT status, count(*) FROM campaign_recipients WHERE campaign_id = ?"
            " GROUP BY status",
            (campaign_id,),
        )
        return {MessageStatus(row[0]): row[1] for row in rows}

    def campaign_recipients(
        self,
        campaign_id: str,
        status: MessageStatus | None = None,
        limit: int = -1,
        offset: int = 0,
    ) -> list[RecipientStatus]:
        rows = self._rows(
            "SELECT msisdn, status, changed_at FROM campaign_recipients WHERE campaign_id = ?"
            " AND (? IS NULL OR status = ?) ORDER BY msisdn LIMIT ? OFFSET ?",
            (
                campaign_id,
                None if status is None else int(status),
                None if status is None else int(status),
                limit,
                offset,
            ),
        )
        return [RecipientStatus(row[0], MessageStatus(row[1]), req_from_db(row[2])) for row in rows]
