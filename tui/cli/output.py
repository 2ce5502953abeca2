"""How a command reports that it failed: one sentence, or one JSON object.

Without ``--json`` the sentence goes to standard error as ``csms: ...``. With
``--json`` (set once per run by ``use_json``) a failure is a JSON object on
standard output, ``{"error": sentence, "code": ..., "exit": n}``, so a script
that parses the output always gets JSON, whatever happened.
"""

from __future__ import annotations

import json
import sys
from typing import Any

#: Exit codes shared by every command (``csms send --help`` lists them).
EXIT_OK, EXIT_FAILED, EXIT_REFUSED, EXIT_UNKNOWN = 0, 1, 2, 3
EXIT_SOFTWARE = 70
EXIT_INTERRUPTED = 130

_json_mode = False


def use_json(on: bool) -> None:
    """Report failures of this run as JSON objects on standard output."""
    global _json_mode
    _json_mode = on


def json_mode() -> bool:
    return _json_mode


def error_code(error: BaseException) -> str | int:
    """A machine-readable code: the gateway's error number, or a category."""
    from tui.gateway.errors import (
        GatewayError,
        GatewayUnavailable,
        InvalidInput,
        OutcomeUnknown,
        SubmitStopped,
    )
    from tui.ledger import LedgerError

    if isinstance(error, SubmitStopped):  # a submit of several requests: what stopped it
        return error_code(error.cause)
    if isinstance(error, GatewayError):
        return error.code
    if isinstance(error, OutcomeUnknown):
        return "outcome_unknown"
    if isinstance(error, GatewayUnavailable):
        # No reply at all, or a reply that was not the API's (a web page, HTTP 500).
        return "unreachable" if error.status is None else "unusable_reply"
    if isinstance(error, InvalidInput):
        return "refused"
    if isinstance(error, LedgerError):
        return "storage"
    if isinstance(error, OSError):
        return "os_error"
    return "failed"


def report_failure(
    message: str, *, exit_code: int, code: str | int = "failed", **extra: Any
) -> int:
    """Say that the command failed; returns ``exit_code`` for the caller to return."""
    if _json_mode:
        document: dict[str, Any] = {"error": message, "code": code, "exit": exit_code}
        document.update(extra)
        print(json.dumps(document, ensure_ascii=False), flush=True)
    else:
        print(f"csms: {message}", file=sys.stderr, flush=True)
    return exit_code


def report_error(error: BaseException, *, exit_code: int, then: str = "") -> int:
    """``report_failure`` for an exception: its sentence (``then`` after it) and
    code; a reply that was not the API's keeps its status and first bytes as
    JSON fields, out of the sentence."""
    from tui.gateway.errors import GatewayUnavailable

    extra: dict[str, Any] = {}
    message = str(error)
    if isinstance(error, GatewayUnavailable):
        if error.status is not None:
            extra["http_status"] = error.status
        if error.excerpt:
            extra["reply_began"] = error.excerpt
    message = f"{message} {then}" if then else message
    return report_failure(message, exit_code=exit_code, code=error_code(error), **extra)


def note(message: str) -> None:
    """Something worth knowing, on standard error (kept out of JSON output)."""
    print(f"csms: {message}", file=sys.stderr, flush=True)


def warn(message: str) -> None:
    """A warning: always on standard error (JSON output stays one document)."""
    print(f"csms: warning: {message}", file=sys.stderr, flush=True)
