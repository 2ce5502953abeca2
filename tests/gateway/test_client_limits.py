"""The client's parts on their own: session sharing, rate and concurrency limits,
backoff, and URL-length splitting."""

from __future__ import annotations

import asyncio
import itertools
import random

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.gateway.batching import (
    UrlTooLong,
    encoded_length,
    split_by_url,
    url_length,
    with_session_reserve,
)
from tui.gateway.errors import GatewayUnavailable, LoginFailed
from tui.gateway.session import Session, SessionState
from tui.gateway.throttle import Backoff, RateLimiter, Throttle

BASE = "https://telenorcsms.com.pk:27677"
PATH = "/corporate_sms2/api/sendsms.jsp"

# Session ---------------------------------------------------------------------------------


class Logins:
    def __init__(self, *outcomes: str | Exception) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        await asyncio.sleep(0)  # let other callers pile up on the lock
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


async def test_concurrent_first_use_logs_in_once() -> None:
    logins = Logins("S1")
    session = Session(logins)
    ids = await asyncio.gather(*(session.ensure() for _ in range(10)))
    assert ids == ["S1"] * 10 and logins.calls == 1
    assert session.state is SessionState.LOGGED_IN


async def test_renewing_an_id_someone_else_renewed_does_not_log_in_again() -> None:
    logins = Logins("S1", "S2", "S3")
    session = Session(logins)
    old = await session.ensure()
    renewed = await asyncio.gather(*(session.renew(old) for _ in range(5)))
    assert renewed == ["S2"] * 5 and logins.calls == 2
    assert await session.renew("S2") == "S3"


async def test_failed_login_goes_offline_and_only_the_user_sends_refused_credentials_again() -> (
    None
):
    logins = Logins(LoginFailed(200), GatewayUnavailable("The gateway could not be reached."), "S1")
    seen: list[tuple[SessionState, str]] = []
    session = Session(logins)
    session.add_listener(lambda state, reason: seen.append((state, reason)))

    def broken(state: SessionState, reason: str) -> None:
        raise RuntimeError("a listener's own bug")

    session.add_listener(broken)  # changes nothing for the session
    with pytest.raises(LoginFailed):
        await session.ensure()
    assert session.state is SessionState.OFFLINE and "do not match" in session.reason
    # Refused credentials are not sent again by the next use (an account lock).
    with pytest.raises(LoginFailed):
        await session.ensure()
    assert logins.calls == 1 and not session.login_retryable
    with pytest.raises(GatewayUnavailable):
        await session.ensure(after_refusal=True)  # the user asked to log in
    assert session.login_retryable  # no usable answer: worth trying again
    assert session.reason == "The gateway could not be reached."
    assert await session.ensure() == "S1"
    assert [state for state, _ in seen] == [
        SessionState.LOGGING_IN,
        SessionState.OFFLINE,
        SessionState.LOGGING_IN,
        SessionState.OFFLINE,
        SessionState.LOGGING_IN,
        SessionState.LOGGED_IN,
    ]


async def test_callers_waiting_on_a_failed_login_share_its_failure() -> None:
    logins = Logins(LoginFailed(200), "S1")
    session = Session(logins)
    outcomes = await asyncio.gather(*(session.ensure() for _ in range(5)), return_exceptions=True)
    assert all(isinstance(o, LoginFailed) for o in outcomes) and logins.calls == 1
    with pytest.raises(LoginFailed):
        await session.ensure()  # not sent again by itself
    assert await session.ensure(after_refusal=True) == "S1"  # the user logs in again


async def test_idle_time_follows_use() -> None:
    now = [100.0]
    session = Session(Logins("S1"), clock=lambda: now[0])
    await session.ensure()
    now[0] = 160.0
    assert session.idle_seconds == 60.0
    session.touch()
    assert session.idle_seconds == 0.0


# Throttle and backoff -----------------------------------------------------------------


async def test_rate_limiter_spaces_request_starts_evenly() -> None:
    now = [0.0]
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(round(seconds, 6))

    limiter = RateLimiter(4.0, clock=lambda: now[0], sleep=sleep)
    await asyncio.gather(*(limiter.wait() for _ in range(5)))
    assert sleeps == [0.25, 0.5, 0.75, 1.0]
    now[0] = 10.0  # after a quiet spell there is no catching up
    await limiter.wait()
    assert len(sleeps) == 4


async def test_throttle_never_exceeds_its_concurrency() -> None:
    throttle = Throttle(concurrency=3)
    inside: list[int] = []

    async def work() -> None:
        async with throttle.slot():
            inside.append(throttle.in_flight)
            await asyncio.sleep(0)
            await asyncio.sleep(0)

    await asyncio.gather(*(work() for _ in range(12)))
    assert max(inside) == 3 and throttle.peak_in_flight == 3 and throttle.in_flight == 0


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    backoff = Backoff(0.5, 4.0, rng=random.Random(7))
    for attempt, ceiling in enumerate([0.5, 1.0, 2.0, 4.0, 4.0, 4.0]):
        delays = {backoff.delay(attempt) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jittered, so callers spread out
    assert backoff.delay(10_000) <= 4.0


# URL splitting ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["923001234567", "a b", "&#+%,", "سلام 😀\n", "100%25"])
def test_encoded_length_is_what_httpx_sends(value: str) -> None:
    url = httpx.URL(BASE + PATH, params={"k": value})
    assert encoded_length(value) == len(str(url)) - len(BASE + PATH + "?k=")


def test_splitting_keeps_order_and_fills_each_request() -> None:
    numbers = [f"92300{i:07d}" for i in range(1000)]
    params = with_session_reserve({"text": "Salam & welcome"}, None)
    chunks = split_by_url(BASE, PATH, params, "to", numbers, 4000)
    assert [n for chunk in chunks for n in chunk] == numbers
    for chunk in chunks:
        assert url_length(BASE, PATH, {**params, "to": ",".join(chunk)}) <= 4000
    for chunk, following in itertools.pairwise(chunks):
        bigger = ",".join([*chunk, following[0]])
        assert url_length(BASE, PATH, {**params, "to": bigger}) > 4000


def test_the_session_reserve_covers_long_session_ids() -> None:
    assert len(with_session_reserve({}, None)["session_id"]) == 128
    assert len(with_session_reserve({}, "x" * 300)["session_id"]) == 300


def test_an_item_that_can_never_fit_is_refused() -> None:
    with pytest.raises(UrlTooLong, match="over the limit of 200"):
        split_by_url(BASE, PATH, {"text": "x" * 150}, "to", ["923001234567"], 200)
    assert split_by_url(BASE, PATH, {}, "to", [], 200) == []


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=60),
    st.integers(min_value=120, max_value=600),
    st.text(max_size=30),
)
def test_splitting_property(items: list[str], limit: int, text: str) -> None:
    params = {"text": text}
    try:
        chunks = split_by_url(BASE, PATH, params, "to", items, limit)
    except UrlTooLong:
        fixed = url_length(BASE, PATH, {**params, "to": ""})
        assert any(fixed + encoded_length(item) > limit for item in items)
        return
    assert [item for chunk in chunks for item in chunk] == items
    assert all(chunks)
    for chunk in chunks:
        assert url_length(BASE, PATH, {**params, "to": ",".join(chunk)}) <= limit
