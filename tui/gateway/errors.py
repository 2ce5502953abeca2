"""Errors raised by the gateway client. Every one carries one clear sentence.

``str(error)`` never contains a password or session ID: messages are built
from codes and the client's own words, and excerpts of replies are redacted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tui.gateway.codes import ErrorInfo, describe_error
from tui.gateway.numbers import describe_invalid
from tui.wording import plural

if TYPE_CHECKING:
    from tui.gateway.results import SubmitIds


class CsmsError(Exception):
    """Base of everything the client raises."""

    def __init__(self, message: str, *, command: str | None = None) -> None:
        super().__init__(message)
        self.command = command
        self.message = message

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
    truncated or unreadable body. Carries the HTTP status and a short excerpt
    of the reply; the message is the sentence for the user (the status, not
    the reply's bytes, which the log and ``--json`` keep apart)."""

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
        message = reason if status is None else f"{reason} (HTTP {status})"
        super().__init__(message, command=command)


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


class SubmitStopped(CsmsError):
    """A submit that went out as several requests stopped part-way: one request
    failed (``cause``, with its own class and code) and the rest were not sent.

    ``done`` holds the IDs of the requests that went through before it,
    ``unknown`` the recipients of the failing request when it may have taken
    effect (``cause`` is an ``OutcomeUnknown``), ``unsent`` those certainly never
    sent (the failing request's too when it was refused). The message is the
    cause's. A submit that is one request raises its own error instead.
    """

    def __init__(
        self,
        cause: CsmsError,
        *,
        done: SubmitIds | None,
        unknown: Sequence[str] = (),
        unsent: Sequence[str] = (),
    ) -> None:
        super().__init__(cause.message, command=cause.command)
        self._cause = cause
        self._done = done
        self._unknown = tuple(unknown)
        self._unsent = tuple(unsent)

    @classmethod
    def of(cls, error: CsmsError, recipients: Sequence[str]) -> SubmitStopped:
        """What a failed submit to ``recipients`` (normalised) did, whatever the
        client raised: a ``SubmitStopped`` as it is; any other error stopped a
        submit that was one request (or refused it before it left), so every
        recipient is unknown (``OutcomeUnknown``) or unsent."""
        if isinstance(error, SubmitStopped):
            return error
        if isinstance(error, OutcomeUnknown):
            return cls(error, done=None, unknown=recipients)
        return cls(error, done=None, unsent=recipients)

    @property
    def cause(self) -> CsmsError:
        """The failing request's own error (``OutcomeUnknown``, ``GatewayError``, ...)."""
        return self._cause

    @property
    def done(self) -> SubmitIds | None:
        """The IDs of the requests that went through, or None when none did."""
        return self._done

    @property
    def unknown(self) -> tuple[str, ...]:
        """Recipients whose request went out without an answer: they may have it."""
        return self._unknown

    @property
    def unsent(self) -> tuple[str, ...]:
        """Recipients certainly never sent."""
        return self._unsent

    @property
    def nothing_went_out(self) -> bool:
        """Refused before anything took effect or may have."""
        return self._done is None and not self._unknown


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
