"""Typed results of the client's commands."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tui.gateway.codes import AudioStatus, CallStatus, MessageStatus, VoiceCampaignStatus


@dataclass(frozen=True, slots=True)
class SubmitIds:
    """IDs returned for a multi-recipient submit, in the order of ``to``."""

    #: (normalised recipient, message or call ID), in request order.
    ids: list[tuple[str, str]]

    def by_recipient(self) -> dict[str, str]:
        return dict(self.ids)


@dataclass(frozen=True, slots=True)
class CampaignRecipient:
    msisdn: str
    status: MessageStatus


@dataclass(frozen=True, slots=True)
class CallState:
    msisdn: str
    status: CallStatus
    #: The DTMF key pressed on a feedback call, if any.
    option_selected: str | None = None


@dataclass(frozen=True, slots=True)
class IncomingInfo:
    credit: float
    free_incoming: int
    unpaid_pending: int


@dataclass(frozen=True, slots=True)
class PendingActionResult(IncomingInfo):
    discarded: int = 0
    charged_entries: int = 0
    charged_sms: int = 0


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    id: str
    msisdn: str
    message: str
    short_code: str
    #: The gateway's timestamp text as sent (``2017,01,12 18:01``).
    timestamp_raw: str
    #: Parsed timestamp when the text could be read, else None.
    timestamp: datetime | None


@dataclass(frozen=True, slots=True)
class IncomingBatch:
    info: IncomingInfo
    messages: list[IncomingMessage]
    #: The reply body exactly as received, so the ledger can keep it if needed.
    raw: bytes = b""


@dataclass(frozen=True, slots=True)
class VoiceCampaignInfo:
    name: str
    status: VoiceCampaignStatus
    audio_clip_id: str
    max_retries: int
    sms_text: str
    start_date: str
    end_date: str
    start_time: str
    end_time: str
    call_attempts: int
    answered: int
    not_answered: int
    not_responding: int
    busy: int
    cost: float
    language: int | None = None
    pronunciation: int | None = None
    voice: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


__all__ = [
    "AudioStatus",
    "CallState",
    "CallStatus",
    "CampaignRecipient",
    "IncomingBatch",
    "IncomingInfo",
    "IncomingMessage",
    "MessageStatus",
    "PendingActionResult",
    "SubmitIds",
    "VoiceCampaignInfo",
    "VoiceCampaignStatus",
]
