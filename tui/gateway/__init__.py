"""The gateway layer: the Telenor Corporate Call & SMS API and nothing else.

``CsmsClient`` has one async method per command; replies become the typed
results of ``results``; every failure is a ``CsmsError`` with one clear sentence.

Names are imported on first use, so importing a light module of this package
(``codes``, ``numbers``, ``text``) does not load the client and httpx: that
keeps the app's first paint quick.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any

# httpx imports its command-line tool (click, pygments, rich.progress) when it
# is importable: a sixth of the engine's import time at start-up, for a tool
# csms never runs (measured with bench/startup.py). Marking the module absent
# makes httpx skip it, as it does when click is not installed.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

_WHERE = {
    "CsmsClient": "client",
    "SessionState": "session",
    "Reply": "protocol",
    "parse_incoming": "protocol",
    "parse_reply": "protocol",
    **{
        name: "errors"
        for name in (
            "AmbiguousReply",
            "CsmsError",
            "GatewayError",
            "GatewayUnavailable",
            "InvalidInput",
            "InvalidNumbers",
            "LoginFailed",
            "OutcomeUnknown",
            "SessionExpired",
            "SubmitStopped",
            "Throttled",
        )
    },
    **{
        name: "results"
        for name in (
            "CallState",
            "CampaignRecipient",
            "IncomingBatch",
            "IncomingInfo",
            "IncomingMessage",
            "PendingActionResult",
            "SubmitIds",
            "VoiceCampaignInfo",
        )
    },
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'tui.gateway' has no attribute {name!r}")
    return getattr(import_module(f"tui.gateway.{module}"), name)
