"""The do-not-contact list as sends, the inbox and the command line use it.

``OptOuts(engine)`` checks recipients against the list before a send (fast: the
list is cached as a set, reloaded only when the ledger's change counter moved,
whichever process changed it), applies keyword replies from the inbox
(``scan_incoming``, ``record_incoming``; see ``tui.gateway.keywords``), records
explicit per-send overrides, and adds, removes, searches, imports and exports
entries. Every number is normalised to the gateway form ``92XXXXXXXXXX``.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cached_property
from itertools import filterfalse
from pathlib import Path
from typing import TYPE_CHECKING

from tui.engine.profile_time import profile_zone
from tui.gateway.errors import InvalidInput
from tui.gateway.keywords import (
    DEFAULT_OPT_IN,
    DEFAULT_OPT_OUT,
    Classification,
    KeywordMatcher,
)
from tui.gateway.numbers import NumberError, normalize, number_fragment
from tui.gateway.protocol import GATEWAY_TZ
from tui.ledger.base import req_from_db
from tui.ledger.optouts import NewOptOut, OptOut, OptOutStore, Reply, ReplyResult

if TYPE_CHECKING:
    from tui.config import Profile
    from tui.engine.service import Engine

__all__ = [
    "IncomingOutcome",
    "ListChange",
    "OptOutCheck",
    "OptOutCounts",
    "OptOuts",
]

#: Incoming messages read per transaction while scanning for keywords.
SCAN_BATCH = 500


@dataclass(frozen=True)
class OptOutCheck:
    """Recipients split by the list: ``allowed`` keeps the order given;
    ``blocked_numbers`` (by number) are left out. Their entries (since when,
    why) are read from the ledger the first time ``blocked`` is used."""

    allowed: list[str]
    blocked_numbers: list[str]
    _entries: Callable[[], dict[str, OptOut]] = field(default=dict, repr=False, compare=False)

    @cached_property
    def blocked(self) -> list[OptOut]:
        """The entries of ``blocked_numbers`` (one taken off the list since is omitted)."""
        entries = self._entries()
        return [entries[n] for n in self.blocked_numbers if n in entries]

    def summary(self) -> str:
        """One sentence for a send's review (empty when nobody is blocked)."""
        count = len(self.blocked_numbers)
        if not count:
            return ""
        subject = "1 number is" if count == 1 else f"{count:,} numbers are"
        return f"{subject} on the do-not-contact list and will not be sent to."


@dataclass(frozen=True, slots=True)
class IncomingOutcome:
    """What one incoming message did to the list."""

    msisdn: str
    keyword: Classification
    #: None when the message is no keyword (or its sender no mobile number).
    result: ReplyResult | None
    message_id: str | None = None

    @property
    def changed(self) -> bool:
        return self.result in ("opted_out", "opted_in")


@dataclass(frozen=True, slots=True)
class OptOutCounts:
    """Entries added since some moment and still on the list, per source."""

    replies: int = 0
    imports: int = 0
    manual: int = 0

    @property
    def total(self) -> int:
        return self.replies + self.imports + self.manual

    @classmethod
    def by_source(cls, counts: Mapping[str, int]) -> OptOutCounts:
        """From the store's counts per source (``reply``, ``import``, ``manual``)."""
        return cls(counts.get("reply", 0), counts.get("import", 0), counts.get("manual", 0))


@dataclass(frozen=True, slots=True)
class ListChange:
    """What an add, remove or import did: numbers changed, unchanged, unreadable."""

    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: (where: the argument or "line N", what was read, why it is no number).
    invalid: list[tuple[str, str, str]] = field(default_factory=list)


def login_name() -> str:
    """Who is at the keyboard, for the list's "by" column."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "csms"


def _profile_keywords(words: list[str] | None, default: tuple[str, ...]) -> tuple[str, ...]:
    """The profile's keywords (a list given replaces the built-in ones)."""
    return default if words is None else tuple(words)


def _aware(at: datetime | None, now: datetime) -> datetime:
    if at is None:
        return now
    # The gateway's clock without a zone is Pakistan time.
    return at if at.tzinfo is not None else at.replace(tzinfo=GATEWAY_TZ)


def _matcher(profile: Profile) -> KeywordMatcher:
    return KeywordMatcher(
        _profile_keywords(profile.optout_keywords, DEFAULT_OPT_OUT),
        _profile_keywords(profile.optin_keywords, DEFAULT_OPT_IN),
    )


class OptOuts:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store = OptOutStore(engine.ledger)
        self.matcher = _matcher(engine.profile)
        self._cache: tuple[int, frozenset[str]] = (-1, frozenset())
        #: Numbers that just opted out by a reply, for the confirmation SMS.
        self._to_confirm: dict[str, None] = {}

    def use_keywords(self, profile: Profile) -> None:
        """Read replies with ``profile``'s keywords from now on."""
        self.matcher = _matcher(profile)

    @property
    def zone(self) -> tzinfo:
        """The profile's time zone (Pakistan time if it cannot be found)."""
        return profile_zone(self.engine)

    # Checking a send ----------------------------------------------------------------

    def numbers(self) -> frozenset[str]:
        """Every number on the list (cached until the list changes)."""
        generation = self.store.generation()
        if generation != self._cache[0]:
            self._cache = self.store.snapshot()
        return self._cache[1]

    def check(self, numbers: Sequence[str]) -> OptOutCheck:
        """Split gateway-form numbers (as ``parse_recipients`` gives them) by the list.

        Keyword replies stored but not applied yet are applied first, so a STOP
        in the inbox always counts, whoever fetched it.
        """
        if not isinstance(numbers, list | tuple):
            numbers = list(numbers)
        self.scan_incoming()
        hits = self.numbers().intersection(numbers)
        if not hits:
            return OptOutCheck(allowed=list(numbers), blocked_numbers=[])
        allowed = list(filterfalse(hits.__contains__, numbers))
        return OptOutCheck(allowed, sorted(hits), lambda: self.store.entries(hits))

    def listed_members(self, list_ids: Sequence[str]) -> list[str]:
        """Members of subscriber lists on the do-not-contact list. The gateway cannot
        take members off a list, so a campaign to those lists would reach them: say so
        in its review (and keep them out of lists: ``check`` before each upload)."""
        self.scan_incoming()
        return self.store.listed_members(list_ids)

    def override_recorded(self, numbers: Iterable[str], reason: str, by: str | None = None) -> int:
        """Record that listed ``numbers`` are sent to once anyway, and why; returns how
        many were recorded. Call it after the user confirmed, before the send."""
        wanted = [normalize(number) for number in numbers]
        if wanted and not reason.strip():
            raise InvalidInput("Say why the do-not-contact list is overridden for this send.")
        return self.store.record_overrides(
            wanted, reason.strip(), by or login_name(), self.engine.now()
        )

    # Replies ------------------------------------------------------------------------

    def classify(self, text: str) -> Classification:
        return self.matcher.classify(text)

    def record_incoming(
        self, msisdn: str, text: str, message_id: str | None = None, at: datetime | None = None
    ) -> IncomingOutcome:
        """Apply one incoming message's keyword, if it is one (``at``: when it was sent)."""
        keyword = self.matcher.classify(text)
        try:
            number = normalize(msisdn)
        except NumberError:
            return IncomingOutcome(msisdn, keyword, None, message_id)
        if keyword is None:
            return IncomingOutcome(number, None, None, message_id)
        reply = Reply(number, keyword, text.strip(), message_id, _aware(at, self.engine.now()))
        (result,) = self.store.apply_replies([reply])
        return IncomingOutcome(number, keyword, result, message_id)

    def scan_incoming(self) -> list[IncomingOutcome]:
        """Apply the keywords of every stored incoming message not scanned yet, oldest
        first; the position is saved with the changes, so nothing is applied twice.
        Returns the outcomes of keyword messages."""
        outcomes: list[IncomingOutcome] = []
        while True:
            rows = self.store.unscanned_incoming(SCAN_BATCH)
            if not rows:
                return outcomes
            replies: list[Reply] = []
            for row_id, msisdn, text, stamp, received in rows:
                keyword = self.matcher.classify(text)
                if keyword is None:
                    continue
                try:
                    number = normalize(msisdn)
                except NumberError:
                    continue
                at = datetime.fromisoformat(stamp) if stamp else req_from_db(received)
                when = _aware(at, self.engine.now())
                replies.append(Reply(number, keyword, text.strip(), str(row_id), when))
            results = self.store.apply_replies(replies, scanned_to=rows[-1][0])
            for reply, result in zip(replies, results, strict=True):
                outcomes.append(IncomingOutcome(reply.msisdn, reply.kind, result, reply.message_id))
                if result == "opted_out":
                    self._to_confirm[reply.msisdn] = None

    def take_confirmations(self) -> list[str]:
        """Numbers that opted out by a reply since the last call (each given once:
        the optional confirmation SMS goes to them at most once)."""
        numbers = list(self._to_confirm)
        self._to_confirm.clear()
        return numbers

    def new_since(self, at: datetime) -> OptOutCounts:
        """Entries added since ``at`` that are still on the list (for the dashboard)."""
        return OptOutCounts.by_source(self.store.new_since(at))

    # Managing the list ----------------------------------------------------------------

    def search(self, query: str = "", limit: int = 100, offset: int = 0) -> list[OptOut]:
        """Entries matching every word of ``query`` (a number, or part of one, in any
        form too: ``0300 111`` finds 923001112223), newest first."""
        return self.store.search(_search_terms(query), limit, offset)

    def count(self, query: str = "") -> int:
        return self.store.count(_search_terms(query))

    def add(self, numbers: Iterable[str], note: str = "", by: str | None = None) -> ListChange:
        """Put numbers on the list by hand; the ``note`` says why."""
        valid, invalid = _normalise(numbers)
        who = by or login_name()
        items = [NewOptOut(n, "manual", note.strip(), who) for n in valid]
        added = self.store.add(items, self.engine.now())
        return ListChange(added, _rest(valid, added), invalid)

    def remove(self, numbers: Iterable[str], note: str = "", by: str | None = None) -> ListChange:
        valid, invalid = _normalise(numbers)
        removed = self.store.remove(
            valid, self.engine.now(), source="manual", text=note.strip(), by=by or login_name()
        )
        return ListChange(removed, _rest(valid, removed), invalid)

    def import_csv(self, path: Path, note: str = "", by: str | None = None) -> ListChange:
        """Put every number of a CSV file (or a plain list, one per line) on the list.

        The first cell of a row that is a mobile number is used (so files this
        module exports import again); a first line without digits is a header.
        """
        valid, invalid = read_numbers(path)
        why = note.strip() or Path(path).name
        items = [NewOptOut(n, "import", why, by or login_name()) for n in valid]
        added = self.store.add(items, self.engine.now())
        return ListChange(added, _rest(valid, added), invalid)

    def export_csv(self, path: Path, *, overwrite: bool = False) -> int:
        """Write the list to ``path`` (numbers as ``="92..."`` so spreadsheets keep all
        12 digits, times in the profile's zone to the second); returns the row count."""
        if path.exists() and not overwrite:
            raise InvalidInput(f"{path} exists; nothing was written. Choose another name.")
        return self.store.export_csv(path, self.zone)


def _search_terms(query: str) -> str:
    """A whole number in its stored form, part of one as its digits, else the words."""
    try:
        return normalize(query)
    except NumberError:
        return number_fragment(query) or query


def _normalise(numbers: Iterable[str]) -> tuple[list[str], list[tuple[str, str, str]]]:
    valid: dict[str, None] = {}
    invalid: list[tuple[str, str, str]] = []
    for raw in numbers:
        try:
            valid[normalize(raw)] = None
        except NumberError as error:
            invalid.append((raw, raw, error.reason))
    return list(valid), invalid


def _rest(wanted: list[str], done: list[str]) -> list[str]:
    changed = set(done)
    return [n for n in wanted if n not in changed]


def read_numbers(path: Path) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The numbers of a sheet (CSV, TSV, plain list or .xlsx, read as list imports
    read them), in order without repeats, and the unreadable rows."""
    from tui.engine import sheets  # the sheet reader loads when a file is read

    valid: dict[str, None] = {}
    invalid: list[tuple[str, str, str]] = []
    with sheets.open_sheet(path) as opened:
        column = opened.layout.column
        for row in opened.rows:
            cells = [cell.strip() for cell in row if cell.strip()]
            if not cells:
                continue
            number, reason = sheets.cell_number(row[column] if column < len(row) else "")
            if number is not None:
                valid[number] = None
            else:
                invalid.append((f"line {opened.start(row)}", ",".join(cells), reason))
    return list(valid), invalid
