"""The gateway layer: the Telenor Corporate Call & SMS API and nothing else.

``CsmsClient`` has one async method per command; replies become the typed
results of ``results``; every failure is a ``CsmsError`` with one clear sentence.
"""

from tui.gateway.client import CsmsClient
from tui.gateway.errors import (
    AmbiguousReply,
    CsmsError,
    GatewayError,
    GatewayUnavailable,
    InvalidInput,
    InvalidNumbers,
    LoginFailed,
    OutcomeUnknown,
    SessionExpired,
    Throttled,
)
from tui.gateway.protocol import Reply, parse_incoming, parse_reply
from tui.gateway.results import (
    CallState,
    CampaignRecipient,
    IncomingBatch,
    IncomingInfo,
    IncomingMessage,
    PendingActionResult,
    Submitted,
    VoiceCampaignInfo,
)
from tui.gateway.session import SessionState

__all__ = [
    "AmbiguousReply",
    "CallState",
    "CampaignRecipient",
    "CsmsClient",
    "CsmsError",
    "GatewayError",
    "GatewayUnavailable",
    "IncomingBatch",
    "IncomingInfo",
    "IncomingMessage",
    "InvalidInput",
    "InvalidNumbers",
    "LoginFailed",
    "OutcomeUnknown",
    "PendingActionResult",
    "Reply",
    "SessionExpired",
    "SessionState",
    "Submitted",
    "Throttled",
    "VoiceCampaignInfo",
    "parse_incoming",
    "parse_reply",
]
