"""Errors raised by the gateway client. Every one carries one clear sentence.

``str(error)`` never contains a password or session ID: messages are built
from codes and the client's own words, and excerpts of replies are redacted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.gateway.codes import ErrorInfo, describe_error
from tui.gateway.numbers import describe_invalid
from tui.wording import plural

if TYPE_CHECKING:
    from tui.gateway.results import SubmitIds


class CsmsError(Exception):
    """Base of everything the client raises.

    A submit to many recipients goes out as several requests; when one of them
    fails, the error also says what happened to the rest: ``done`` holds the
    IDs of the requests that went through, ``unknown_recipients`` those whose
    request may or may not have taken effect, ``unsent_recipients`` those never
    sent.
    """

    def __init__(self, message: str, *, command: str | None = None) -> None:
        super().__init__(message)
        self.command = command
        self.message = message
        self.done: SubmitIds | None = None
        self.unknown_recipients: list[str] = []
        self.unsent_recipients: list[str] = []

    def __str__(self) -> str:
        return self.message


class GatewayError(CsmsError):
    """The gateway answered ERROR with a code (appendix A or E)."""

    def __init__(self, code: int, *, command: str | None = None) -> None:
        self.code = code
        self.info: ErrorInfo = describe_error(code)
        where = f" ({command})" if command else ""
        super().__init__(
            f"Gateway error {code}{where}: {self.info.meaning} {self.info.advice}",
            command=command,
        )


class SessionExpired(GatewayError):
    """Error 102: nothing was executed; log in again."""


class LoginFailed(GatewayError):
    """Error 200 (or 300): the credentials were refused."""


class Throttled(GatewayError):
    """Error 304/305: refused for throughput; safe to repeat after a pause."""


class GatewayUnavailable(CsmsError):
    """No usable answer: connection refused, HTTP 5xx, an HTML page, an empty,
    truncated or unreadable body. Carries the HTTP status and a short excerpt."""

    def __init__(
        self,
        reason: str,
        *,
        command: str | None = None,
        status: int | None = None,
        excerpt: str = "",
    ) -> None:
        self.reason = reason
        self.status = status
        self.excerpt = excerpt
        parts = [reason]
        if status is not None:
            parts.append(f"(HTTP {status})")
        if excerpt:
            parts.append(f"- reply began: {excerpt!r}")
        super().__init__(" ".join(parts), command=command)


class OutcomeUnknown(CsmsError):
    """A submit went out and no answer came back (timeout, connection lost).

    It may or may not have taken effect. It is never retried automatically;
    the engine records it so the user can check and settle it.
    """


class AmbiguousReply(GatewayUnavailable, OutcomeUnknown):
    """A submit reached the gateway but its reply was unusable (HTTP 5xx, a web
    page, an unreadable body, IDs that do not match the recipients).

    It is both: the gateway gave no usable answer, and the submit may have
    taken effect, so it is never retried automatically.
    """


class InvalidInput(CsmsError):
    """The client refused a request before sending it (bad numbers, empty text,
    retries outside 0-2, ...). Nothing was sent."""


class InvalidNumbers(InvalidInput):
    """One or more recipients are not valid Pakistani mobile numbers."""

    def __init__(self, invalid: list[tuple[str, str]], *, command: str | None = None) -> None:
        self.invalid = invalid
        shown = "; ".join(describe_invalid(raw, reason) for raw, reason in invalid[:10])
        more = f" and {len(invalid) - 10} more" if len(invalid) > 10 else ""
        super().__init__(
            f"Nothing was sent: {plural(len(invalid), 'invalid number')}: {shown}{more}. "
            "Correct or remove them and try again.",
            command=command,
        )
