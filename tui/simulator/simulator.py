"""The simulator: a faithful, stateful stand-in for the Corporate SMS gateway."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

import httpx

from tui.gateway import codes
from tui.gateway.codes import CallStatus
from tui.simulator import audio, calls, incoming, sms, voice
from tui.simulator.app import build_app
from tui.simulator.clock import SimClock
from tui.simulator.config import SimulatorConfig
from tui.simulator.faults import FaultPlan
from tui.simulator.model import Account, IncomingSms, Session
from tui.simulator.replies import (
    JSON_TYPE,
    XML_TYPE,
    ApiError,
    Field,
    Reply,
    error,
    ok,
    render_json,
    render_xml,
)
from tui.simulator.state import Ctx, ScriptedCall, SimState, Upload
from tui.simulator.transport import SimulatorTransport

if TYPE_CHECKING:
    from tui.simulator.demo import DemoSeed

Handler = Callable[[Ctx], "str | list[Field]"]

#: Parameters never written to the request log.
SECRET_PARAMS = frozenset({"password", "session_id"})
REDACTED = "***"


class RecordedRequest(NamedTuple):
    """One request as it reached the simulator, secrets replaced by ``***``."""

    page: str
    params: dict[str, str]


def _ping(ctx: Ctx) -> str:
    return (ctx.params.get("session_id") or "").strip()


HANDLERS: dict[str, Handler] = {
    codes.SEND_SMS.page: sms.send_sms,
    codes.QUERY_MESSAGE.page: sms.query_message,
    codes.CREATE_LIST.page: sms.create_list,
    codes.ADD_CONTACTS.page: sms.add_contacts,
    codes.CREATE_CAMPAIGN.page: sms.create_campaign,
    codes.CAMPAIGN_STATUS.page: sms.campaign_status,
    codes.PING.page: _ping,
    codes.MAKE_CALL.page: calls.make_call,
    codes.QUERY_CALL.page: calls.query_call,
    codes.FEEDBACK_CALL.page: calls.make_feedback_call,
    codes.INCOMING_INFO.page: incoming.info,
    codes.PENDING_ACTION.page: incoming.pending_action,
    codes.GET_INCOMING.page: incoming.get_messages,
    codes.AUDIO_UPLOAD.page: audio.upload,
    codes.AUDIO_STATUS.page: audio.status,
    codes.VOICE_BROADCAST.page: voice.create_broadcast,
    codes.VOICE_FEEDBACK.page: voice.create_feedback,
    codes.VOICE_DYNAMIC.page: voice.create_dynamic,
    codes.VOICE_CAMPAIGN_STATUS.page: voice.campaign_status,
}


class Simulator:
    """The simulated gateway: state, clock, faults, and its ASGI app.

    Thread-safe: every request and every public method holds ``lock``, so a
    loopback server thread and a test stepping the clock can work together.
    """

    def __init__(self, config: SimulatorConfig | None = None, *, demo: bool = False) -> None:
        self.config = config or SimulatorConfig()
        self.clock = SimClock(
            self.config.start, speed=self.config.speed, manual=self.config.manual_clock
        )
        self.faults = FaultPlan(self.config.seed)
        self.lock = threading.RLock()
        self.state = SimState(self.config, self.clock)
        self.state.tickers.append(lambda now: voice.tick(self.state, now))
        self.requests: list[RecordedRequest] = []
        self.asgi_app = build_app(self)
        self.demo_seed: DemoSeed | None = None
        if demo:
            from tui.simulator.demo import seed_demo

            self.demo_seed = seed_demo(self)

    # Setting up -------------------------------------------------------------------

    def add_account(
        self,
        msisdn: str,
        password: str,
        *,
        masks: Iterable[str] = ("CSMS",),
        ivr_masks: Iterable[str] | None = None,
        credit: float = 500.0,
        free_incoming: int = 0,
        incoming_enabled: bool = True,
        blocked: bool = False,
        allowed_pages: Iterable[str] | None = None,
        short_code: str = "8111",
    ) -> Account:
        """Create (or replace) an account; ``msisdn`` may be a sub-user name."""
        mask_list = list(masks)
        account = Account(
            msisdn,
            password,
            mask_list,
            list(ivr_masks) if ivr_masks is not None else list(mask_list),
            float(credit),
            free_incoming,
            incoming_enabled,
            blocked,
            frozenset(allowed_pages) if allowed_pages is not None else None,
            short_code,
        )
        with self.lock:
            self.state.accounts[msisdn] = account
        return account

    def account(self, msisdn: str) -> Account:
        with self.lock:
            return self.state.accounts[msisdn]

    def credit(self, msisdn: str) -> float:
        with self.lock:
            self.state.settle(self.clock.timestamp())
            return self.state.accounts[msisdn].credit

    def push_incoming(
        self,
        msisdn: str,
        text: str,
        short_code: str | None = None,
        *,
        to_account: str | None = None,
        at: datetime | None = None,
    ) -> IncomingSms:
        """An incoming SMS arrives (unpaid, pending) for ``to_account`` (default: the
        first account)."""
        with self.lock:
            if not self.state.accounts:
                raise ValueError("add an account before pushing incoming messages")
            login = to_account or next(iter(self.state.accounts))
            account = self.state.accounts[login]
            when = at.timestamp() if at is not None else self.clock.timestamp()
            code = short_code or account.short_code
            return incoming.arrive(self.state, account, msisdn, text, code, when)

    def script_call(
        self, msisdn: str, outcomes: Iterable[CallStatus], *, option: str | None = None
    ) -> None:
        """Fix the outcomes of the next attempts of calls to ``msisdn`` (attempt 0, 1, ...);
        later attempts fall back to the seeded outcome. ``option`` is the key pressed
        when a feedback call is answered."""
        with self.lock:
            self.state.scripted_calls[msisdn] = ScriptedCall(list(outcomes), option)

    def expire_session(self, session_id: str) -> bool:
        with self.lock:
            return self.state.sessions.pop(session_id, None) is not None

    def expire_sessions(self, msisdn: str | None = None) -> int:
        """Expire every session (of one account); returns how many."""
        with self.lock:
            return self.state.expire_sessions(msisdn)

    def set_monotonic(self, source: Callable[[], float]) -> None:
        """Replace the real-time source of the requests-per-second limit (tests)."""
        with self.lock:
            self.state.monotonic = source

    # Serving ------------------------------------------------------------------------

    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport running the app in-process (no port)."""
        return SimulatorTransport(self.asgi_app)

    def record(self, page: str, params: Mapping[str, str], upload: Upload | None) -> None:
        logged = {k: (REDACTED if k in SECRET_PARAMS else v) for k, v in params.items()}
        if upload is not None:
            logged["audio_file"] = f"<{upload.filename}: {len(upload.data)} bytes>"
        with self.lock:
            self.requests.append(RecordedRequest(page, logged))

    def pages_requested(self) -> list[str]:
        with self.lock:
            return [r.page for r in self.requests]

    def refuse(self, page: str, code: int) -> Reply:
        return error(codes.COMMANDS_BY_PAGE[page], code, self.config.error_style)

    def handle(self, page: str, params: Mapping[str, str], upload: Upload | None = None) -> Reply:
        """Carry out one command and return its reply (the app's core, no HTTP)."""
        command = codes.COMMANDS_BY_PAGE[page]
        with self.lock:
            now = self.clock.timestamp()
            state = self.state
            try:
                state.settle(now)
                state.check_rate()
                if command is codes.AUTH:
                    return ok(command, self._auth(params, now))
                _, account = state.session_for(params.get("session_id"), now)
                if account.allowed_pages is not None and page not in account.allowed_pages:
                    raise ApiError(204)
                data = HANDLERS[page](Ctx(state, params, now, account, upload))
                return ok(command, data)
            except ApiError as exc:
                return error(command, exc.code, self.config.error_style)

    def _auth(self, params: Mapping[str, str], now: float) -> str:
        login = (params.get("msisdn") or "").strip()
        password = params.get("password") or ""
        if not login or not password:
            raise ApiError(101)
        account = self.state.accounts.get(login)
        if account is None or account.password != password:
            raise ApiError(200)
        if account.blocked:
            raise ApiError(300)
        session = Session(self.state.new_session_id(), login, now)
        self.state.sessions[session.id] = session
        return session.id

    def render(self, reply: Reply, params: Mapping[str, str]) -> tuple[bytes, str]:
        if (params.get("response_type") or "").strip() == "2":
            return render_json(reply), JSON_TYPE
        return render_xml(reply, doc_shapes=self.config.doc_shapes), XML_TYPE
