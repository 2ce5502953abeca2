"""The Activity screen's read model: the most recent items of every kind
(messages, calls, SMS and voice campaigns, audio) with their latest status,
filtered by kind and by in flight or finished, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tui.ledger import Ledger

#: Most recent items read per kind.
ROWS_PER_KIND = 200
KINDS: dict[str, str] = {
    "message": "SMS",
    "call": "Call",
    "sms_campaign": "SMS campaign",
    "voice_campaign": "Voice campaign",
    "audio": "Audio",
}
STATES: dict[str, str] = {"all": "All", "in_flight": "In flight", "finished": "Finished"}


@dataclass(frozen=True, slots=True)
class ActivityRow:
    kind: str
    id: str
    label: str
    target: str
    status: str
    at: datetime | None
    final: bool

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def activity_rows(
    ledger: Ledger, kind: str = "all", state: str = "all", limit: int = ROWS_PER_KIND
) -> list[ActivityRow]:
    """What the ledger knows, newest first, filtered by kind and state."""
    final: bool | None = {"in_flight": False, "finished": True}.get(state)
    rows: list[ActivityRow] = []
    if kind in ("all", "message"):
        rows += [
            ActivityRow(
                "message",
                m.id,
                "SMS",
                m.recipient,
                m.status_label,
                m.status_changed_at or m.submitted_at,
                m.final,
            )
            for m in ledger.messages.messages(final=final, limit=limit)
        ]
    if kind in ("all", "call"):
        rows += [
            ActivityRow(
                "call",
                c.id,
                "Feedback call" if c.kind == "feedback" else "Call",
                c.recipient,
                c.status_label + (f" (pressed {c.option_selected})" if c.option_selected else ""),
                c.status_changed_at or c.submitted_at,
                c.final,
            )
            for c in ledger.calls.calls(final=final, limit=limit)
        ]
    if kind in ("all", "sms_campaign"):
        rows += [
            ActivityRow(
                "sms_campaign",
                s.id,
                "SMS campaign",
                s.name,
                s.state.capitalize(),
                s.state_changed_at or s.created_at,
                s.final,
            )
            for s in ledger.campaigns.campaigns(final=final)[:limit]
        ]
    if kind in ("all", "voice_campaign"):
        rows += [
            ActivityRow(
                "voice_campaign",
                v.id,
                "Voice campaign",
                v.name,
                "Submitted" if v.last_status is None else v.last_status.label,
                v.checked_at or v.created_at,
                v.final,
            )
            for v in ledger.voice.voice_campaigns(final=final)[:limit]
        ]
    if kind in ("all", "audio"):
        for a in ledger.audio.audio_files()[:limit]:
            ready = a.ready_at is not None or a.status.is_final
            if final is None or final == ready:
                rows.append(
                    ActivityRow(
                        "audio",
                        a.id,
                        "Audio",
                        a.name,
                        a.status.label,
                        a.status_changed_at or a.uploaded_at,
                        ready,
                    )
                )
    epoch = datetime.min
    rows.sort(key=lambda r: r.at.replace(tzinfo=None) if r.at else epoch, reverse=True)
    return rows
