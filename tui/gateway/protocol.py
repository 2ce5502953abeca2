"""The gateway protocol: replies into typed results, one pure parser per command.

Every parser takes a ``Reply`` already judged OK (``parse_reply``) and raises
``GatewayUnavailable`` when the data is not what the command returns; nothing
else escapes, whatever the bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import IntEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from tui.gateway.codes import AudioStatus, CallStatus, MessageStatus, VoiceCampaignStatus
from tui.gateway.envelope import (
    Node,
    Reply,
    decode_reply,
    error_for,
    excerpt,
    parse_reply,
    unavailable,
)
from tui.gateway.errors import GatewayUnavailable
from tui.gateway.results import (
    CallState,
    CampaignRecipient,
    IncomingBatch,
    IncomingInfo,
    IncomingMessage,
    PendingActionResult,
    SubmitIds,
    VoiceCampaignInfo,
)
from tui.wording import plural

__all__ = [
    "Node",
    "Reply",
    "decode_reply",
    "error_for",
    "excerpt",
    "parse_audio_status",
    "parse_call_state",
    "parse_campaign_status",
    "parse_id",
    "parse_ids",
    "parse_incoming",
    "parse_incoming_batch",
    "parse_incoming_info",
    "parse_message_status",
    "parse_pending_action",
    "parse_reply",
    "parse_submit_ids",
    "parse_timestamp",
    "parse_voice_campaign",
    "unavailable",
]

GATEWAY_TZ = ZoneInfo("Asia/Karachi")
#: Timestamp shapes of incoming messages: the document's ``2017,01,12 18:01``
#: first, then the usual ISO-like forms.
TIMESTAMP_FORMATS = (
    "%Y,%m,%d %H:%M",
    "%Y,%m,%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
)

E = TypeVar("E", bound=IntEnum)
N = TypeVar("N", int, float)


def _bad(reply: Reply, what: str) -> GatewayUnavailable:
    return GatewayUnavailable(
        f"The gateway's reply made no sense: {what}.", command=reply.command or None
    )


def _required(reply: Reply, node: Node, name: str) -> str:
    value = node.value(name)
    if value is None:
        raise _bad(reply, f"<{name}> is missing")
    return value


def _number(reply: Reply, node: Node, name: str, kind: Callable[[str], N], default: N | None) -> N:
    value = node.value(name)
    if not value:
        if default is None:
            raise _bad(reply, f"<{name}> is missing")
        return default
    try:
        return kind(value)
    except ValueError:
        raise _bad(reply, f"<{name}> is {value[:20]!r}, not a number") from None


def _status(reply: Reply, text: str, enum: type[E], fallback: E | None = None) -> E:
    try:
        return enum(int(text.strip()))
    except ValueError:
        if fallback is not None and text.strip().isdigit():
            return fallback
        raise _bad(reply, f"{text[:20]!r} is not a known {enum.__name__} code") from None


# IDs ------------------------------------------------------------------------------


def parse_id(reply: Reply) -> str:
    """The single ID a create command returns (list, campaign, audio file)."""
    value = reply.data.text
    if not value:
        raise _bad(reply, "no ID was returned")
    return value


def parse_ids(reply: Reply) -> list[str]:
    """The comma-separated IDs of a multi-recipient submit, in order."""
    return [part.strip() for part in reply.data.text.split(",") if part.strip()]


def parse_submit_ids(reply: Reply, recipients: Sequence[str]) -> SubmitIds:
    """Pair each recipient with its ID; a count mismatch is an unusable reply."""
    ids = parse_ids(reply)
    if len(ids) != len(recipients):
        raise _bad(
            reply, f"{plural(len(ids), 'ID')} came back for {plural(len(recipients), 'recipient')}"
        )
    return SubmitIds(list(zip(recipients, ids, strict=True)))


# Statuses -------------------------------------------------------------------------


def parse_message_status(reply: Reply) -> MessageStatus:
    return _status(reply, reply.data.text, MessageStatus)


def parse_audio_status(reply: Reply) -> AudioStatus:
    return _status(reply, reply.data.text, AudioStatus)


def _records(data: Node, name: str) -> list[Node]:
    records = data.all(name)
    if not records and data.get("msisdn") is not None:
        records = [data]
    return records


def parse_campaign_status(reply: Reply) -> list[CampaignRecipient]:
    """Every recipient of an SMS campaign with its status."""
    return [
        CampaignRecipient(
            _required(reply, rec, "msisdn"),
            _status(reply, _required(reply, rec, "status"), MessageStatus),
        )
        for rec in _records(reply.data, "recipient")
        if rec.children
    ]


def parse_call_state(reply: Reply) -> CallState:
    """A quick call's recipient, status and (feedback calls) the key pressed."""
    records = [rec for rec in _records(reply.data, "recipient") if rec.get("status") is not None]
    if not records:
        raise _bad(reply, "no call status was returned")
    rec = records[0]
    option = rec.value("optionSelected") or None
    return CallState(
        rec.value("msisdn") or "",
        _status(reply, _required(reply, rec, "status"), CallStatus),
        option,
    )


# Incoming messages --------------------------------------------------------------


def parse_incoming_info(reply: Reply) -> IncomingInfo:
    data = reply.data
    return IncomingInfo(
        credit=_number(reply, data, "credit", float, None),
        free_incoming=_number(reply, data, "currentFreeIncomingSmsMessages", int, 0),
        unpaid_pending=_number(reply, data, "unpaidPendingMessageCount", int, 0),
    )


def parse_pending_action(reply: Reply) -> PendingActionResult:
    info = parse_incoming_info(reply)
    data = reply.data
    return PendingActionResult(
        credit=info.credit,
        free_incoming=info.free_incoming,
        unpaid_pending=info.unpaid_pending,
        discarded=_number(reply, data, "discardedMessagesCount", int, 0),
        charged_entries=_number(reply, data, "successfulChargedEntriesCount", int, 0),
        charged_sms=_number(reply, data, "successfulChargedSmsCount", int, 0),
    )


def parse_timestamp(text: str) -> datetime | None:
    """An incoming message's timestamp (Pakistan time), or None if unreadable."""
    cleaned = re.sub(r"\s+", " ", text.strip())
    for form in TIMESTAMP_FORMATS:
        try:
            return datetime.strptime(cleaned, form).replace(tzinfo=GATEWAY_TZ)
        except ValueError:
            continue
    return None


def _message_text(node: Node | None) -> str:
    # Keep the sender's spaces; drop only the line breaks that frame a value.
    return "" if node is None else node.raw_text.strip("\r\n")


def parse_incoming_batch(reply: Reply, raw: bytes = b"") -> IncomingBatch:
    messages = []
    for rec in reply.data.all("incomingSms"):
        stamp = rec.value("timestamp") or ""
        messages.append(
            IncomingMessage(
                id=rec.value("id") or "",
                msisdn=rec.value("msisdn") or "",
                message=_message_text(rec.get("message")),
                short_code=rec.value("shortCode") or "",
                timestamp_raw=stamp,
                timestamp=parse_timestamp(stamp),
            )
        )
    return IncomingBatch(parse_incoming_info(reply), messages, raw)


def parse_incoming(body: bytes, *, status: int = 200) -> IncomingBatch:
    """A get_incoming_messages body (as stored raw) into its messages.

    Raises the gateway's error for an ERROR reply and ``GatewayUnavailable``
    for anything unreadable.
    """
    reply = parse_reply(body, status=status, command="get_incoming_messages")
    return parse_incoming_batch(reply, body)


# Voice campaigns ------------------------------------------------------------------

_VOICE_FIELDS = frozenset(
    name.lower()
    for name in (
        "campaignName",
        "status",
        "audioClipId",
        "maxRetries",
        "smsText",
        "startDate",
        "endDate",
        "startTime",
        "endTime",
        "callAttempts",
        "answered",
        "notAnswered",
        "notResponding",
        "busy",
        "campaignCost",
        "language",
        "pronunciationType",
        "voice",
    )
)


def _optional_int(reply: Reply, data: Node, name: str) -> int | None:
    return _number(reply, data, name, int, None) if data.value(name) else None


def parse_voice_campaign(reply: Reply) -> VoiceCampaignInfo:
    data = reply.data
    return VoiceCampaignInfo(
        name=data.value("campaignName") or "",
        status=_status(
            reply,
            _required(reply, data, "status"),
            VoiceCampaignStatus,
            VoiceCampaignStatus.UNKNOWN,
        ),
        audio_clip_id=data.value("audioClipId") or "",
        max_retries=_number(reply, data, "maxRetries", int, 0),
        sms_text=_message_text(data.get("smsText")),
        start_date=data.value("startDate") or "",
        end_date=data.value("endDate") or "",
        start_time=data.value("startTime") or "",
        end_time=data.value("endTime") or "",
        call_attempts=_number(reply, data, "callAttempts", int, 0),
        answered=_number(reply, data, "answered", int, 0),
        not_answered=_number(reply, data, "notAnswered", int, 0),
        not_responding=_number(reply, data, "notResponding", int, 0),
        busy=_number(reply, data, "busy", int, 0),
        cost=_number(reply, data, "campaignCost", float, 0.0),
        language=_optional_int(reply, data, "language"),
        pronunciation=_optional_int(reply, data, "pronunciationType"),
        voice=_optional_int(reply, data, "voice"),
        extra={
            child.name: child.text for child in data.children if child.name not in _VOICE_FIELDS
        },
    )
