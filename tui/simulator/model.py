"""Records the simulated gateway keeps. Times are POSIX seconds of the sim clock."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Literal

from tui.gateway.codes import CallStatus, VoiceCampaignStatus


@dataclass(slots=True)
class Account:
    login: str
    password: str
    masks: list[str]
    ivr_masks: list[str]
    credit: float
    free_incoming: int = 0
    incoming_enabled: bool = True
    blocked: bool = False
    #: Pages a sub-user may call; None means every page.
    allowed_pages: frozenset[str] | None = None
    short_code: str = "8111"

    @property
    def default_mask(self) -> str | None:
        return self.masks[0] if self.masks else None


@dataclass(slots=True)
class Session:
    id: str
    login: str
    last_used: float


@dataclass(slots=True)
class SentMessage:
    id: str
    login: str
    recipient: str
    text: str
    mask: str | None
    unicode: bool
    operator: int | None
    segments: int
    submitted_at: float
    sent_at: float


@dataclass(slots=True)
class CallAttempt:
    at: float
    outcome: CallStatus
    seconds: int = 0
    option: str | None = None


@dataclass(slots=True)
class Call:
    id: str
    login: str
    recipient: str
    file_id: str
    mask: str | None
    max_retries: int
    submitted_at: float
    #: Every attempt planned at submission (outcomes are deterministic); only
    #: those whose time has come are visible.
    plan: list[CallAttempt]
    feedback: bool = False
    valid_options: int | None = None
    valid_file_id: str | None = None
    invalid_file_id: str | None = None


@dataclass(slots=True)
class SubscriberList:
    id: str
    login: str
    name: str
    created_at: float
    #: Members in the order added (a dict used as an ordered set).
    members: dict[str, None] = field(default_factory=dict)


@dataclass(slots=True)
class SmsCampaign:
    id: str
    login: str
    name: str
    list_ids: list[str]
    text: str
    mask: str | None
    unicode: bool
    scheduled_at: float
    created_at: float
    #: Recipient -> message status (0 Not Sent, 1 Sent).
    statuses: dict[str, int]
    delivered: bool = False


@dataclass(slots=True)
class AudioFile:
    id: str
    login: str
    name: str
    filename: str
    size: int
    duration: float
    uploaded_at: float
    ready_at: float

    def ready(self, now: float) -> bool:
        return now >= self.ready_at


IncomingState = Literal["unpaid", "paid", "delivered", "discarded"]


@dataclass(slots=True)
class IncomingSms:
    id: int
    login: str
    msisdn: str
    text: str
    short_code: str
    received_at: float
    state: IncomingState = "unpaid"


VoiceKind = Literal["broadcast", "feedback", "dynamic"]


@dataclass(slots=True)
class VoiceCampaign:
    id: str
    login: str
    kind: VoiceKind
    name: str
    list_ids: list[str]
    file_id: str
    text: str
    max_retries: int
    start: float
    end: float
    #: Daily window as minutes after midnight, inclusive.
    daily_start: int
    daily_end: int
    created_at: float
    approved_at: float
    #: (recipient, attempt number) still to call, in order.
    queue: deque[tuple[str, int]]
    valid_options: int | None = None
    valid_file_id: str | None = None
    invalid_file_id: str | None = None
    language: int = 0
    digits: int = 0
    voice: int = 0
    ending_file_id: str | None = None
    status: VoiceCampaignStatus = VoiceCampaignStatus.PENDING_APPROVAL
    next_call_at: float = 0.0
    attempts: int = 0
    answered: int = 0
    not_answered: int = 0
    not_responding: int = 0
    busy: int = 0
    cost: float = 0.0
    #: Recipient -> DTMF key pressed (feedback campaigns).
    options: dict[str, str] = field(default_factory=dict)
    finished_at: float | None = None
