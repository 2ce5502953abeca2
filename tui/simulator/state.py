"""The simulated gateway's state and the machinery every command shares.

All state lives in one :class:`SimState`, guarded by the simulator's lock. Work
that depends on time (calls being placed, campaigns delivering, incoming SMS
arriving) is either computed from the clock when asked, or queued as an event
that :meth:`SimState.settle` runs once its time has come.
"""

from __future__ import annotations

import heapq
import itertools
import random
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tui.gateway.codes import CallStatus
from tui.simulator.clock import SimClock
from tui.simulator.config import SimulatorConfig
from tui.simulator.model import (
    Account,
    AudioFile,
    Call,
    CallAttempt,
    IncomingSms,
    SentMessage,
    Session,
    SmsCampaign,
    SubscriberList,
    VoiceCampaign,
)
from tui.simulator.replies import ApiError

#: First ID handed out per kind of record (the gateway's IDs are plain numbers).
_ID_BASES = {
    "message": 40_000_001,
    "call": 60_000_001,
    "list": 1_001,
    "campaign": 2_001,
    "voice": 3_001,
    "audio": 151,
}

#: Outcomes of one call attempt and how often each happens.
_OUTCOMES = (
    (CallStatus.SENT, 0.6),
    (CallStatus.BUSY, 0.15),
    (CallStatus.NOT_RESPONDING, 0.1),
    (CallStatus.NOT_ANSWERING, 0.15),
)


@dataclass(slots=True)
class Upload:
    """A file sent in a multipart request."""

    filename: str
    data: bytes


@dataclass(slots=True)
class ScriptedCall:
    outcomes: list[CallStatus]
    option: str | None = None


class SimState:
    """Everything the gateway remembers, plus the event queue that moves it."""

    def __init__(self, config: SimulatorConfig, clock: SimClock) -> None:
        self.config = config
        self.clock = clock
        self.accounts: dict[str, Account] = {}
        self.sessions: dict[str, Session] = {}
        self.messages: dict[str, SentMessage] = {}
        self.calls: dict[str, Call] = {}
        self.lists: dict[str, SubscriberList] = {}
        self.sms_campaigns: dict[str, SmsCampaign] = {}
        self.voice_campaigns: dict[str, VoiceCampaign] = {}
        self.audio: dict[str, AudioFile] = {}
        self.incoming: list[IncomingSms] = []
        self.scripted_calls: dict[str, ScriptedCall] = {}
        #: Called with the current time on every settle (voice campaigns, feeds).
        self.tickers: list[Callable[[float], None]] = []
        self._next_ids = dict(_ID_BASES)
        self._incoming_ids = itertools.count(1)
        self._rng = random.Random(f"state:{config.seed}")
        self._events: list[tuple[float, int, Callable[[float], None]]] = []
        self._seq = itertools.count()
        self._recent: deque[float] = deque()
        #: Real-time source for the requests-per-second limit.
        self.monotonic: Callable[[], float] = time.monotonic

    # IDs and events -------------------------------------------------------------

    def next_id(self, kind: str) -> str:
        return self.next_ids(kind, 1)[0]

    def next_ids(self, kind: str, count: int) -> list[str]:
        """``count`` consecutive new IDs of one kind."""
        first = self._next_ids[kind]
        self._next_ids[kind] = first + count
        return [str(n) for n in range(first, first + count)]

    def next_incoming_id(self) -> int:
        return next(self._incoming_ids)

    def new_session_id(self) -> str:
        return f"{self._rng.getrandbits(128):032x}"

    def schedule(self, at: float, action: Callable[[float], None]) -> None:
        """Run ``action(at)`` once the clock reaches ``at``."""
        heapq.heappush(self._events, (at, next(self._seq), action))

    def settle(self, now: float) -> None:
        """Bring every time-driven record up to ``now``."""
        while self._events and self._events[0][0] <= now:
            at, _, action = heapq.heappop(self._events)
            action(at)
        for tick in list(self.tickers):
            tick(now)

    # Accounts and sessions ----------------------------------------------------------

    def charge(self, account: Account, amount: float) -> None:
        account.credit = max(0.0, round(account.credit - amount, 4))

    def session_for(self, session_id: str | None, now: float) -> tuple[Session, Account]:
        session = self.sessions.get(session_id or "")
        if session is None:
            raise ApiError(102)
        if now - session.last_used >= self.config.session_idle:
            del self.sessions[session.id]
            raise ApiError(102)
        session.last_used = now
        account = self.accounts[session.login]
        if account.blocked:
            raise ApiError(300)
        return session, account

    def expire_sessions(self, login: str | None = None) -> int:
        doomed = [s.id for s in self.sessions.values() if login is None or s.login == login]
        for sid in doomed:
            del self.sessions[sid]
        return len(doomed)

    def check_rate(self) -> None:
        """Error 304 when more than ``max_rps`` requests arrived within a second."""
        limit = self.config.max_rps
        if limit is None:
            return
        now = self.monotonic()
        recent = self._recent
        while recent and now - recent[0] >= 1.0:
            recent.popleft()
        if len(recent) >= limit:
            raise ApiError(304)
        recent.append(now)

    # Calls ----------------------------------------------------------------------------

    def call_attempt(
        self, msisdn: str, attempt: int, at: float, valid_options: int | None
    ) -> CallAttempt:
        """The outcome of one call attempt: scripted, else fixed by seed and number."""
        script = self.scripted_calls.get(msisdn)
        rng = random.Random(f"{self.config.seed}:call:{msisdn}:{attempt}")
        if script is not None and attempt < len(script.outcomes):
            outcome = script.outcomes[attempt]
        else:
            pick, acc = rng.random(), 0.0
            outcome = CallStatus.NOT_ANSWERING
            for candidate, weight in _OUTCOMES:
                acc += weight
                if pick < acc:
                    outcome = candidate
                    break
        if outcome is not CallStatus.SENT:
            return CallAttempt(at, outcome)
        seconds = rng.randint(15, 120)
        option = None
        if valid_options:
            if script is not None and script.option is not None:
                option = script.option
            else:
                option = str(rng.randint(1, valid_options))
        return CallAttempt(at, outcome, seconds, option)

    def call_cost(self, seconds: int) -> float:
        minutes = -(-seconds // 60)
        return minutes * self.config.call_minute_price


@dataclass(slots=True)
class Ctx:
    """One request as a command handler sees it."""

    state: SimState
    params: Mapping[str, str]
    now: float
    account: Account
    upload: Upload | None = None

    def get(self, name: str) -> str | None:
        """The parameter's value with surrounding whitespace removed; None if blank."""
        value = self.params.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def need(self, name: str, code: int) -> str:
        value = self.get(name)
        if value is None:
            raise ApiError(code)
        return value

    @property
    def config(self) -> SimulatorConfig:
        return self.state.config
