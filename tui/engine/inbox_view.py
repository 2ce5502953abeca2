"""What the Inbox shows, without Textual: which page, and how a message reads.

``InboxPaging`` is the page on show: one row per message (all of them, or
those a search finds) or one row per number, ``PAGE_SIZE`` rows at a time, and
the line that says where in the list it is. Only one page is ever read from the
ledger, so a large inbox costs no more than a small one.

``InboxWriting`` is how a message is written for the profile: its time in
the profile's zone and the prefix of a do-not-contact keyword reply; ``is_rtl``
says whether it reads right to left.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from tui.engine.service import Engine
    from tui.engine.threads import Conversation, Threads
    from tui.ledger import InboxMessage, Ledger

PAGE_SIZE = 100
#: The prefix of a message that is a keyword for the do-not-contact list.
KEYWORD_LABELS = {"opt_out": "Opt-out: ", "opt_in": "Opt-in: "}


def default_export_path(today: date | None = None) -> str:
    """``~/csms-inbox-YYYYMMDD.csv`` for today."""
    return f"~/csms-inbox-{(today or date.today()):%Y%m%d}.csv"


def is_rtl(text: str) -> bool:
    """Whether the first letter with a direction is right-to-left (Urdu, Arabic...)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


@dataclass(frozen=True)
class InboxWriting:
    """Times in the profile's zone (``zone_name``), keyword replies as ``classify``
    reads them (``"opt_out"``, ``"opt_in"`` or None)."""

    zone_name: str
    classify: Callable[[str], str | None]

    @classmethod
    def of(cls, engine: Engine) -> InboxWriting:
        """As ``engine``'s profile and do-not-contact list say now."""
        return cls(engine.profile.timezone, engine.optouts.classify)

    @property
    def zone(self) -> ZoneInfo | None:
        """The profile's zone (None, meaning this machine's, if it is unknown)."""
        try:
            return ZoneInfo(self.zone_name)
        except (KeyError, ValueError):
            return None

    def at(self, moment: datetime) -> str:
        """``moment`` in the zone, to the minute."""
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    def when(self, message: InboxMessage) -> str:
        """When ``message`` was sent (else received); the gateway's own text when
        it sent a time that could not be read."""
        if message.timestamp is None and message.timestamp_raw:
            return message.timestamp_raw
        moment = message.timestamp or message.received_at
        if moment.tzinfo is None:
            return moment.strftime("%Y-%m-%d %H:%M")
        return self.at(moment)

    def label(self, text: str) -> str:
        """The prefix of a keyword reply: "Opt-out: ", "Opt-in: " or nothing."""
        return KEYWORD_LABELS.get(self.classify(text) or "", "")


@dataclass
class InboxPaging:
    """The page on show, and how many rows there are in all."""

    #: The first row of the page (0, ``PAGE_SIZE``, ...).
    offset: int = 0
    #: What the messages are searched for (None: all of them).
    search: str | None = None
    #: One row per number (True) or per message.
    grouped: bool = False
    #: Rows in the whole list (messages, matches or numbers).
    total: int = 0
    #: The message page to go back to when the grouped view closes.
    message_offset: int = 0

    def messages(self, ledger: Ledger) -> list[InboxMessage]:
        """The page of messages (or matches), the last one if the list got shorter."""
        while True:
            if self.search:
                self.total = ledger.inbox.search_count(self.search)
                rows = ledger.inbox.search_inbox(self.search, PAGE_SIZE, self.offset)
            else:
                self.total = ledger.inbox.inbox_count()
                rows = ledger.inbox.inbox_page(self.offset, PAGE_SIZE)
            if rows or not self._back_to_last_page():
                return rows

    def conversations(self, threads: Threads) -> list[Conversation]:
        """The page of numbers, the last one if the list got shorter."""
        while True:
            self.total = threads.conversation_count()
            rows = threads.conversations(self.offset, PAGE_SIZE)
            if rows or not self._back_to_last_page():
                return rows

    def _back_to_last_page(self) -> bool:
        """Move to the last page when the page is past the end; True if it moved."""
        last = max(0, (self.total - 1) // PAGE_SIZE * PAGE_SIZE)
        if not self.offset or not self.total or last == self.offset:
            return False
        self.offset = last
        return True

    def turn(self, step: int) -> bool:
        """Go ``step`` pages on; False (staying put) when there is none that way."""
        offset = self.offset + step * PAGE_SIZE
        if offset < 0 or (step > 0 and offset >= self.total):
            return False
        self.offset = offset
        return True

    def search_for(self, text: str) -> None:
        """Search for ``text`` (blank: all messages), from the first page."""
        self.search = text.strip() or None
        self.offset = 0
        if self.grouped and self.search:
            self.message_offset = 0

    def clear_search(self) -> None:
        self.search = None
        self.offset = 0

    def toggle_group(self) -> None:
        """One row per number (from its first page), or per message (where they were)."""
        self.grouped = not self.grouped
        if self.grouped:
            self.message_offset, self.offset = self.offset, 0
        else:
            self.offset = self.message_offset

    def line(self) -> str:
        """``1-100 of 250 in the inbox · page 1/3``, or that there is nothing."""
        what = f"matching {self.search!r}" if self.search else "in the inbox"
        mode = "Grouped by number · " if self.grouped else ""
        if self.total == 0:
            return f"{mode}No messages {what}."
        if self.grouped:
            what = "number" if self.total == 1 else "numbers"
        first = self.offset + 1
        last = min(self.offset + PAGE_SIZE, self.total)
        pages = (self.total + PAGE_SIZE - 1) // PAGE_SIZE
        page = self.offset // PAGE_SIZE + 1
        return f"{mode}{first}-{last} of {self.total:,} {what} · page {page}/{pages}"
