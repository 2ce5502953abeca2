"""Fixtures for the ledger tests: a real ledger file in tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.gateway.results import IncomingMessage
from tui.ledger import Ledger

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    return tmp_path / "profile" / "ledger.sqlite3"


@pytest.fixture
def ledger(ledger_path: Path) -> Iterator[Ledger]:
    with Ledger.open(ledger_path) as opened:
        yield opened


@pytest.fixture
def t0() -> datetime:
    return T0


def incoming(
    gateway_id: str,
    text: str,
    msisdn: str = "923451234567",
    minute: int = 0,
    short_code: str = "8558",
) -> IncomingMessage:
    """An incoming message as the client parses it."""
    stamp = (T0 + timedelta(minutes=minute)).replace(tzinfo=None)
    return IncomingMessage(
        id=gateway_id,
        msisdn=msisdn,
        message=text,
        short_code=short_code,
        timestamp_raw=stamp.strftime("%Y,%m,%d %H:%M"),
        timestamp=stamp,
    )


@pytest.fixture
def make_incoming() -> Callable[..., IncomingMessage]:
    return incoming
