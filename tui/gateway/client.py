"""``CsmsClient``: one async method per gateway command, over one shared connection.

Inputs are checked before anything is sent; every parameter is encoded by
httpx. Sessions, retries, throttling and URL splitting are handled here and
in ``connection``, so callers just call the command.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from tui.gateway import codes, protocol, validate
from tui.gateway.batching import split_by_url, url_length_with, with_session_reserve
from tui.gateway.codes import (
    AudioStatus,
    Command,
    DynamicDigits,
    DynamicLanguage,
    DynamicVoice,
    MessageStatus,
    PendingAction,
)
from tui.gateway.connection import Connection, Limits
from tui.gateway.errors import (
    AmbiguousReply,
    CsmsError,
    GatewayUnavailable,
    InvalidInput,
    OutcomeUnknown,
    SubmitStopped,
)
from tui.gateway.redaction import Redactor
from tui.gateway.results import (
    CallState,
    CampaignRecipient,
    IncomingBatch,
    IncomingInfo,
    PendingActionResult,
    SubmitIds,
    VoiceCampaignInfo,
)
from tui.gateway.session import SessionListener, SessionState

if TYPE_CHECKING:
    from tui.config import Profile

log = logging.getLogger("csms.gateway")

Params = dict[str, str | None]
#: Numbers in gateway form (``923XXXXXXXXX``) joined by commas.
_GATEWAY_FORM_LIST = r"923[0-9]{9}(?:,923[0-9]{9})*"


class CsmsClient:
    """The gateway's commands. Use as ``async with CsmsClient(...) as client``."""

    def __init__(
        self,
        base_url: str,
        login: str,
        password: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        verify: bool | str = True,
        timeout: float = 30.0,
        concurrency: int = 4,
        rate_limit: float | None = None,
        url_limit: int = 4000,
        keepalive_idle: float = 1200.0,
        json_replies: bool = False,
        throttle_retries: int = 5,
        backoff_base: float = 0.5,
        backoff_max: float = 20.0,
        query_retries: int = 2,
        redactor: Redactor | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        """``redactor`` learns the password and the session IDs (the app passes
        its log's, ``tui.logs.REDACTOR``); by default the client keeps its own.
        ``now`` is the caller's clock, which the gateway's clock is compared
        with (by default this machine's)."""
        self.url_limit = url_limit
        self.keepalive_idle = keepalive_idle
        self._conn = Connection(
            base_url,
            login,
            password,
            limits=Limits(
                timeout=timeout,
                concurrency=concurrency,
                rate_limit=rate_limit,
                json_replies=json_replies,
                throttle_retries=throttle_retries,
                backoff_base=backoff_base,
                backoff_max=backoff_max,
                query_retries=query_retries,
            ),
            transport=transport,
            verify=verify,
            redactor=redactor,
            now=now,
        )

    @classmethod
    def from_profile(
        cls,
        profile: Profile,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        redactor: Redactor | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> CsmsClient:
        verify: bool | str = profile.verify_tls
        if profile.verify_tls and profile.ca_bundle:
            verify = profile.ca_bundle
        return cls(
            profile.base_url,
            profile.msisdn,
            profile.password or "",
            transport=transport,
            verify=verify,
            timeout=profile.timeout,
            concurrency=profile.concurrency,
            rate_limit=profile.rate_limit,
            url_limit=profile.url_limit,
            keepalive_idle=profile.keepalive_idle,
            redactor=redactor,
            now=now,
        )

    async def __aenter__(self) -> CsmsClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._conn.aclose()

    # Session -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self._conn.base_url

    @property
    def session(self) -> SessionState:
        return self._conn.session.state

    @property
    def session_reason(self) -> str:
        return self._conn.session.reason

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent so far (all commands, retries included)."""
        return self._conn.requests_sent

    @property
    def clock_offset(self) -> timedelta:
        """The gateway's clock minus this machine's, as its last reply dated it."""
        return self._conn.clock_offset

    def add_listener(self, listener: SessionListener) -> None:
        """Call ``listener(state, reason)`` whenever the session state changes."""
        self._conn.session.add_listener(listener)

    def remove_listener(self, listener: SessionListener) -> None:
        self._conn.session.remove_listener(listener)

    async def login(self) -> None:
        """Log in now (otherwise the first command does it), even after the
        credentials were refused."""
        await self._conn.session.ensure(after_refusal=True)

    async def ping(self) -> None:
        await self._call(codes.PING, {})

    async def probe(self, *, idle_for: float = 0.0) -> bool | None:
        """Can the gateway be reached? (A TCP connection, no request; see
        ``Connection.probe``.) Updates the session's offline state. Skipped (None)
        before the first login, or when a request succeeded in the last
        ``idle_for`` seconds."""
        session = self._conn.session
        if session.state not in (SessionState.LOGGED_IN, SessionState.OFFLINE):
            return None
        if session.idle_seconds < idle_for:
            return None
        return await self._conn.probe()

    @property
    def login_retryable(self) -> bool:
        """See ``Session.login_retryable``."""
        return self._conn.session.login_retryable

    async def retry_login(self) -> bool:
        """Log in again if the last login failed for want of a usable answer
        (see ``Session.login_retryable``); True if it tried and succeeded."""
        session = self._conn.session
        if not session.login_retryable:
            return False
        await session.ensure()
        return True

    async def keepalive(self) -> bool:
        """Ping if logged in and idle for ``keepalive_idle`` seconds; True if it pinged."""
        session = self._conn.session
        if session.session_id is None or session.idle_seconds < self.keepalive_idle:
            return False
        await self.ping()
        return True

    # Messages --------------------------------------------------------------------------

    async def send_sms(
        self,
        to: Sequence[str],
        text: str,
        *,
        mask: str | None = None,
        operator: int | None = None,
        unicode: bool | None = None,
    ) -> SubmitIds:
        """Send ``text`` to every recipient; IDs come back in recipient order."""
        name = codes.SEND_SMS.name
        recipients = validate.recipients(to, command=name)
        body = validate.message_text(text, command=name)
        params: Params = {
            "text": body,
            "mask": validate.mask(mask),
            "operator_id": validate.operator(operator, command=name),
            "unicode": "true" if validate.unicode_flag(body, unicode, command=name) else None,
        }
        return await self._submit_many(codes.SEND_SMS, recipients, params)

    async def query_message(self, msg_id: str) -> MessageStatus:
        msg_id = validate.identifier(msg_id, what="message ID")
        reply = await self._call(codes.QUERY_MESSAGE, {"msg_id": msg_id})
        return protocol.parse_message_status(reply)

    # Lists and SMS campaigns ------------------------------------------------------------

    async def create_list(self, name: str) -> str:
        list_name = validate.name(name, what="list name", command=codes.CREATE_LIST.name)
        return protocol.parse_id(await self._call(codes.CREATE_LIST, {"list_name": list_name}))

    def contact_batches(self, list_id: str, numbers: Sequence[str]) -> list[list[str]]:
        """``numbers`` (normalised, de-duplicated) split so each ``add_contacts``
        request stays within the URL limit. Raises ``InvalidNumbers`` first."""
        command = codes.ADD_CONTACTS
        recipients = validate.recipients(numbers, command=command.name)
        params = self._with_reserve({"list_id": validate.identifier(list_id, what="list ID")})
        return split_by_url(self.base_url, command.path, params, "to", recipients, self.url_limit)

    async def add_contacts(self, list_id: str, numbers: Sequence[str]) -> str:
        """Add numbers to a list in ONE request (see ``contact_batches``)."""
        command = codes.ADD_CONTACTS
        to = "" if isinstance(numbers, str) else ",".join(numbers)
        if (
            re.fullmatch(_GATEWAY_FORM_LIST, to)
            and to.count(",") == len(numbers) - 1
            and len(set(numbers)) == len(numbers)
        ):
            # Already normalised and distinct, as ``contact_batches`` gives
            # them: what ``validate.recipients`` would return, checked in one
            # pass (measured: checking number by number cost a fifth of a
            # millisecond per batch).
            recipients = list(numbers)
        else:
            recipients = validate.recipients(numbers, command=command.name)
            to = ",".join(recipients)
        params: Params = {"list_id": validate.identifier(list_id, what="list ID")}
        length = url_length_with(self.base_url, command.path, self._with_reserve(params), "to", to)
        if length > self.url_limit:
            raise InvalidInput(
                f"{len(recipients)} numbers make a {length}-character request, over the "
                f"limit of {self.url_limit}; send them in batches (contact_batches).",
                command=command.name,
            )
        return protocol.parse_id(await self._call(command, {**params, "to": to}))

    async def create_campaign(
        self,
        name: str,
        list_ids: Sequence[str],
        text: str,
        when: datetime,
        *,
        mask: str | None = None,
    ) -> str:
        command = codes.CREATE_CAMPAIGN.name
        params: Params = {
            "name": validate.name(name, what="campaign name", command=command),
            "group_ids": validate.identifiers(list_ids, what="list ID", command=command),
            "text": validate.message_text(text, command=command),
            "time": validate.schedule_time(when),
            "mask": validate.mask(mask),
        }
        return protocol.parse_id(await self._call(codes.CREATE_CAMPAIGN, params))

    async def campaign_status(self, campaign_id: str) -> list[CampaignRecipient]:
        campid = validate.identifier(campaign_id, what="campaign ID")
        reply = await self._call(codes.CAMPAIGN_STATUS, {"campid": campid})
        return protocol.parse_campaign_status(reply)

    # Calls -------------------------------------------------------------------------------

    async def make_call(
        self,
        to: Sequence[str],
        file_id: str,
        *,
        max_retries: int = 0,
        mask: str | None = None,
    ) -> SubmitIds:
        name = codes.MAKE_CALL.name
        recipients = validate.recipients(to, command=name)
        params: Params = {
            "file_id": validate.identifier(file_id, what="audio file ID", command=name),
            "max_retries": validate.retries(max_retries, command=name),
            "mask": validate.mask(mask),
        }
        return await self._submit_many(codes.MAKE_CALL, recipients, params)

    async def make_feedback_call(
        self,
        to: Sequence[str],
        file_id: str,
        *,
        valid_options: int,
        valid_feedback_file_id: str,
        invalid_feedback_file_id: str,
        max_retries: int = 0,
        mask: str | None = None,
    ) -> SubmitIds:
        name = codes.FEEDBACK_CALL.name
        recipients = validate.recipients(to, command=name)
        params: Params = {
            "file_id": validate.identifier(file_id, what="audio file ID", command=name),
            "max_retries": validate.retries(max_retries, command=name),
            "mask": validate.mask(mask),
            "valid_options": validate.dtmf_options(valid_options, command=name),
            "valid_feedback_file_id": validate.identifier(
                valid_feedback_file_id, what="valid-feedback audio file ID", command=name
            ),
            "invalid_feedback_file_id": validate.identifier(
                invalid_feedback_file_id, what="invalid-feedback audio file ID", command=name
            ),
        }
        return await self._submit_many(codes.FEEDBACK_CALL, recipients, params)

    async def query_call(self, call_id: str) -> CallState:
        call_id = validate.identifier(call_id, what="call ID")
        return protocol.parse_call_state(await self._call(codes.QUERY_CALL, {"call_id": call_id}))

    # Incoming messages ------------------------------------------------------------------

    async def incoming_info(self) -> IncomingInfo:
        return protocol.parse_incoming_info(await self._call(codes.INCOMING_INFO, {}))

    async def pending_action(self, action: PendingAction) -> PendingActionResult:
        try:
            value = PendingAction(action)
        except ValueError:
            raise InvalidInput(
                f"Action {action!r} is unknown; use 1 to pay and fetch or 2 to discard."
            ) from None
        reply = await self._call(codes.PENDING_ACTION, {"action": str(int(value))})
        return protocol.parse_pending_action(reply)

    async def fetch_incoming_raw(
        self,
        *,
        size: int | None = None,
        date: date | None = None,
        keep: Callable[[bytes], object] | None = None,
    ) -> bytes:
        """Fetch paid pending messages and return the reply body as received.

        The gateway hands each message out once, so the body comes back even
        when it cannot be read (for the caller to keep before parsing), and
        ``keep`` is given it the moment it arrives, before any parsing or
        logging. ERROR replies and HTTP errors raise; a lost answer raises
        ``OutcomeUnknown``.
        """
        if size is not None and (not isinstance(size, int) or size < 1):
            raise InvalidInput(f"Size must be a positive whole number, not {size!r}.")
        params: Params = {
            "size": None if size is None else str(size),
            "date": None if date is None else date.strftime(codes.INCOMING_DATE_FORMAT),
        }
        exchange = await self._conn.call(
            codes.GET_INCOMING, params, keep_unreadable=True, on_body=keep
        )
        return exchange.body

    async def get_incoming(
        self, *, size: int | None = None, date: date | None = None
    ) -> IncomingBatch:
        body = await self.fetch_incoming_raw(size=size, date=date)
        return protocol.parse_incoming(body)

    # Audio --------------------------------------------------------------------------------

    async def upload_audio(self, name: str, data: bytes, filename: str = "audio.wav") -> str:
        command = codes.AUDIO_UPLOAD
        clean_name = validate.audio(name, data, filename, command=command.name)
        exchange = await self._conn.call(
            command,
            {},
            form={"name": clean_name},
            files={"audio_file": (filename, data, "audio/wav")},
        )
        assert exchange.reply is not None
        return protocol.parse_id(exchange.reply)

    async def audio_status(self, file_id: str) -> AudioStatus:
        file_id = validate.identifier(file_id, what="audio file ID")
        reply = await self._call(codes.AUDIO_STATUS, {"file_id": file_id})
        return protocol.parse_audio_status(reply)

    # Voice campaigns -------------------------------------------------------------------

    def _voice_params(
        self,
        command: Command,
        name: str,
        list_ids: Sequence[str],
        file_id: str,
        *,
        text: str | None,
        max_retries: int,
        start: datetime | None,
        end: datetime | None,
        daily_start: time | None,
        daily_end: time | None,
    ) -> Params:
        c = command.name
        start_date, end_date = validate.date_range(start, end, command=c)
        return {
            "name": validate.name(name, what="campaign name", command=c),
            "group_ids": validate.identifiers(list_ids, what="list ID", command=c),
            "file_id": validate.identifier(file_id, what="audio file ID", command=c),
            "text": validate.voice_sms_text(text, command=c),
            "max_retries": validate.retries(max_retries, command=c),
            "start_date": start_date,
            "end_date": end_date,
            "start_time": validate.daily_time(daily_start),
            "end_time": validate.daily_time(daily_end),
        }

    async def create_voice_broadcast(
        self,
        name: str,
        list_ids: Sequence[str],
        file_id: str,
        *,
        text: str | None = None,
        max_retries: int = 0,
        start: datetime | None = None,
        end: datetime | None = None,
        daily_start: time | None = None,
        daily_end: time | None = None,
    ) -> str:
        command = codes.VOICE_BROADCAST
        params = self._voice_params(
            command, name, list_ids, file_id, text=text, max_retries=max_retries,
            start=start, end=end, daily_start=daily_start, daily_end=daily_end,
        )  # fmt: skip
        return protocol.parse_id(await self._call(command, params))

    async def create_voice_feedback(
        self,
        name: str,
        list_ids: Sequence[str],
        file_id: str,
        *,
        valid_options: int,
        valid_feedback_file_id: str | None = None,
        invalid_feedback_file_id: str | None = None,
        text: str | None = None,
        max_retries: int = 0,
        start: datetime | None = None,
        end: datetime | None = None,
        daily_start: time | None = None,
        daily_end: time | None = None,
    ) -> str:
        command = codes.VOICE_FEEDBACK
        params = self._voice_params(
            command, name, list_ids, file_id, text=text, max_retries=max_retries,
            start=start, end=end, daily_start=daily_start, daily_end=daily_end,
        )  # fmt: skip
        params["valid_options"] = validate.dtmf_options(valid_options, command=command.name)
        params["valid_feedback_file_id"] = _optional_id(valid_feedback_file_id)
        params["invalid_feedback_file_id"] = _optional_id(invalid_feedback_file_id)
        return protocol.parse_id(await self._call(command, params))

    async def create_voice_dynamic(
        self,
        name: str,
        list_ids: Sequence[str],
        file_id: str,
        *,
        language: DynamicLanguage,
        digits: DynamicDigits,
        voice: DynamicVoice,
        ending_audio_id: str | None = None,
        text: str | None = None,
        max_retries: int = 0,
        start: datetime | None = None,
        end: datetime | None = None,
        daily_start: time | None = None,
        daily_end: time | None = None,
    ) -> str:
        command = codes.VOICE_DYNAMIC
        params = self._voice_params(
            command, name, list_ids, file_id, text=text, max_retries=max_retries,
            start=start, end=end, daily_start=daily_start, daily_end=daily_end,
        )  # fmt: skip
        params["language"] = _choice(language, DynamicLanguage, "language")
        params["digits"] = _choice(digits, DynamicDigits, "pronunciation")
        params["voice"] = _choice(voice, DynamicVoice, "voice")
        params["ending_audio_id"] = _optional_id(ending_audio_id)
        return protocol.parse_id(await self._call(command, params))

    async def voice_campaign_status(self, campaign_id: str) -> VoiceCampaignInfo:
        camp_id = validate.identifier(campaign_id, what="voice campaign ID")
        reply = await self._call(codes.VOICE_CAMPAIGN_STATUS, {"camp_id": camp_id})
        return protocol.parse_voice_campaign(reply)

    # Plumbing ------------------------------------------------------------------------------

    async def _call(self, command: Command, params: Params) -> protocol.Reply:
        exchange = await self._conn.call(command, params)
        assert exchange.reply is not None
        return exchange.reply

    def _with_reserve(self, params: Mapping[str, str | None]) -> dict[str, str]:
        return with_session_reserve(self._conn.common_params(params), self._conn.session.session_id)

    async def _submit_many(
        self, command: Command, recipients: list[str], params: Params
    ) -> SubmitIds:
        """Submit to ``recipients`` in as many requests as the URL limit needs.

        Requests go one after another, in order. When the submit is one request,
        its failure is raised as it is; when it is several and one fails, the
        client raises ``SubmitStopped``: that error as ``cause``, what went
        through (``done``), what may have (``unknown``) and what was never sent
        (``unsent``).
        """
        base = self._with_reserve(params)
        chunks = split_by_url(self.base_url, command.path, base, "to", recipients, self.url_limit)
        done: list[tuple[str, str]] = []
        for index, chunk in enumerate(chunks):
            try:
                reply = await self._call(command, {**params, "to": ",".join(chunk)})
                try:
                    part = protocol.parse_submit_ids(reply, chunk)
                except GatewayUnavailable as exc:
                    raise AmbiguousReply(
                        f"{exc.reason} The request went through; check which recipients got it.",
                        command=command.name,
                    ) from None
            except CsmsError as exc:
                if len(chunks) == 1:
                    raise
                if index:
                    log.warning(
                        "%s stopped after %d of %d requests", command.page, index, len(chunks)
                    )
                raise self._stopped(exc, done, chunks, index) from exc
            done.extend(part.ids)
        return SubmitIds(done)

    @staticmethod
    def _stopped(
        error: CsmsError, done: list[tuple[str, str]], chunks: list[list[str]], index: int
    ) -> SubmitStopped:
        """The account of a submit of several requests whose request ``index`` failed."""
        later = [number for rest in chunks[index + 1 :] for number in rest]
        went = SubmitIds(list(done)) if done else None
        if isinstance(error, OutcomeUnknown):  # it may have taken effect
            return SubmitStopped(error, done=went, unknown=chunks[index], unsent=later)
        return SubmitStopped(error, done=went, unsent=[*chunks[index], *later])


def _optional_id(value: str | None) -> str | None:
    cleaned = str(value).strip() if value is not None else ""
    return cleaned or None


def _choice(value: Any, enum: type[Any], what: str) -> str:
    try:
        return str(int(enum(value)))
    except (ValueError, TypeError):
        choices = ", ".join(f"{int(member)} {member.name.lower()}" for member in enum)
        raise InvalidInput(f"The {what} {value!r} is unknown; use {choices}.") from None


__all__ = ["CsmsClient", "SessionState"]
