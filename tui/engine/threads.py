"""Conversations: everything exchanged with one number, and the inbox grouped by number.

``Threads(engine).thread(number)`` gathers, in time order, the messages that
number sent (``incoming``), the SMS sent to it (``messages``: quick sends,
personalised sends), the calls made to it and the key pressed (``calls``:
quick, feedback and survey calls), the SMS campaigns that reached it
(``campaign_recipients`` with ``sms_campaigns``) and its do-not-contact
history. The number may be given in any form; rows stored in another plain
form of it (``0300...``, ``+92...``) belong to the same conversation.

``conversations`` is the inbox with one row per number: messages, unread
count and the last message, newest conversation first, a page at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Literal

from tui.engine.profile_time import profile_zone
from tui.gateway.codes import CallStatus, MessageStatus
from tui.gateway.numbers import NumberError, normalize
from tui.gateway.protocol import GATEWAY_TZ
from tui.ledger.base import Store, req_from_db
from tui.ledger.optouts import INCOMING_PARTY, OptOutEvent, OptOutStore, party_sql

if TYPE_CHECKING:
    from tui.engine.service import Engine

__all__ = ["Conversation", "ThreadItem", "Threads", "thread_key"]

Kind = Literal["received", "sms", "call", "campaign", "optout"]


@dataclass(frozen=True, slots=True)
class ThreadItem:
    """One thing in a conversation. ``at`` is aware (UTC or the gateway's zone)."""

    at: datetime
    kind: Kind
    #: "in" (from the number), "out" (to it) or "note" (the list's changes).
    direction: Literal["in", "out", "note"]
    text: str
    #: Delivery or call status, "read"/"unread" for a received message.
    status: str
    #: The ledger's id (received), message ID, call ID or campaign ID.
    ref: str
    #: The key pressed, the campaign's name, who changed the list, ...
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Conversation:
    msisdn: str
    messages: int
    unread: int
    #: The ledger id, text and time of the newest message from this number.
    last_id: int
    last_text: str
    last_at: datetime


def thread_key(number: str) -> tuple[str, tuple[str, ...]]:
    """The conversation's key and every plain form its rows may be stored in."""
    try:
        key = normalize(number)
    except NumberError:
        key = number.strip()
        if not key:
            raise
        return key, (key,)
    national = key[2:]
    return key, (key, "0" + national, national, "+" + key, "00" + key)


def _when(stamp: str | None, received_at: str) -> datetime:
    """When a message arrived. The gateway dates it to the minute; within that
    minute the moment csms fetched it is the better guess (it cannot have come
    later), so a reply sent and answered in one minute reads in order."""
    fetched = req_from_db(received_at)
    if not stamp:
        return fetched
    at = datetime.fromisoformat(stamp)
    at = at if at.tzinfo is not None else at.replace(tzinfo=GATEWAY_TZ)
    if at.second == 0 and at.microsecond == 0 and at <= fetched < at + _MINUTE:
        return fetched
    return at


_MINUTE = timedelta(minutes=1)


def _message_label(status: int | None) -> str:
    return "Submitted" if status is None else MessageStatus(status).label


def _call_label(status: int | None) -> str:
    return "Submitted" if status is None else CallStatus(status).label


def _event_item(event: OptOutEvent) -> ThreadItem:
    what = {
        "added": "Put on the do-not-contact list",
        "removed": "Taken off the do-not-contact list",
        "kept": "Opt-in reply; kept on the do-not-contact list (not added by a reply)",
        "override": "Sent to once despite the do-not-contact list",
    }[event.action]
    why = f" ({event.source}: {event.text})" if event.text else f" ({event.source})"
    return ThreadItem(event.at, "optout", "note", what + why, event.action, event.message_id or "",
                      event.by)  # fmt: skip


_ORDER = {"received": 0, "sms": 1, "call": 2, "campaign": 3, "optout": 4}

_RECEIVED = (
    "SELECT id, text, timestamp, received_at, read, short_code FROM incoming"
    f" WHERE {INCOMING_PARTY} = ?"
)
_SENT = "SELECT id, text, submitted_at, status, origin FROM messages WHERE recipient IN ({marks})"
_CALLS = (
    "SELECT id, kind, submitted_at, status, option_selected FROM calls WHERE recipient IN ({marks})"
)
_CAMPAIGNS = (
    "SELECT c.id, c.name, c.text, coalesce(c.scheduled_at, c.created_at), r.status"
    " FROM campaign_recipients r JOIN sms_campaigns c ON c.id = r.campaign_id"
    " WHERE r.msisdn IN ({marks})"
)


def _received(r: Sequence[Any]) -> ThreadItem:
    status = "read" if r[4] else "unread"
    return ThreadItem(_when(r[2], r[3]), "received", "in", r[1], status, str(r[0]), r[5])


def _sent(r: Sequence[Any]) -> ThreadItem:
    origin = "" if r[4] == "quick" else r[4]
    return ThreadItem(req_from_db(r[2]), "sms", "out", r[1], _message_label(r[3]), r[0], origin)


def _call(r: Sequence[Any]) -> ThreadItem:
    text = "Feedback call" if r[1] == "feedback" else "Call"
    key = f"key {r[4]}" if r[4] else ""
    return ThreadItem(req_from_db(r[2]), "call", "out", text, _call_label(r[3]), r[0], key)


def _campaign(r: Sequence[Any]) -> ThreadItem:
    at = req_from_db(r[3])
    return ThreadItem(at, "campaign", "out", r[2], _message_label(r[4]), r[0], r[1])


class _Queries(Store):
    def __init__(self, ledger: Store) -> None:
        super().__init__(ledger.db)


class Threads:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._db = _Queries(engine.ledger)
        self._optouts = OptOutStore(engine.ledger)

    def thread(self, number: str) -> list[ThreadItem]:
        """Everything exchanged with ``number``, oldest first."""
        key, forms = thread_key(number)
        marks = ",".join("?" * len(forms))
        rows = self._db._rows
        items = [_received(r) for r in rows(_RECEIVED, (key,))]
        items += [_sent(r) for r in rows(_SENT.format(marks=marks), forms)]
        items += [_call(r) for r in rows(_CALLS.format(marks=marks), forms)]
        items += [_campaign(r) for r in rows(_CAMPAIGNS.format(marks=marks), forms)]
        items += [_event_item(event) for event in self._optouts.events(key)]
        items.sort(key=lambda item: (item.at, _ORDER[item.kind]))
        return items

    def conversations(
        self, offset: int = 0, limit: int = 50, *, unread_only: bool = False
    ) -> list[Conversation]:
        """The inbox, one row per number, the most recently heard from first."""
        having = " HAVING sum(read = 0) > 0" if unread_only else ""
        # Only indexed columns inside the grouping (a covering scan of
        # thread_incoming_party); the key is computed for the page's rows only.
        rows = self._db._rows(
            "WITH g AS (SELECT max(id) AS last_id, count(*) AS total, sum(read = 0) AS unread"
            f" FROM incoming GROUP BY {INCOMING_PARTY}{having}"
            " ORDER BY last_id DESC LIMIT ? OFFSET ?)"
            f" SELECT {party_sql('i.msisdn')}, g.total, g.unread, g.last_id, i.text,"
            " i.timestamp, i.received_at FROM g JOIN incoming i ON i.id = g.last_id"
            " ORDER BY g.last_id DESC",
            (limit, offset),
        )
        return [Conversation(r[0], r[1], r[2], r[3], r[4], _when(r[5], r[6])) for r in rows]

    def conversation_count(self, *, unread_only: bool = False) -> int:
        where = " WHERE read = 0" if unread_only else ""
        return int(
            self._db._scalar(f"SELECT count(DISTINCT {INCOMING_PARTY}) FROM incoming{where}")
        )

    def mark_read(self, number: str) -> int:
        """Mark every message from ``number`` read; returns how many changed."""
        key, _ = thread_key(number)
        with self._db._tx() as conn:
            return conn.execute(
                f"UPDATE incoming SET read = 1 WHERE {INCOMING_PARTY} = ? AND read = 0", (key,)
            ).rowcount

    @property
    def zone(self) -> tzinfo:
        """The profile's time zone, for showing times."""
        return profile_zone(self.engine)
