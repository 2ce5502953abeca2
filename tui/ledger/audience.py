"""Who a campaign's lists reach, counted in SQL.

The campaign wizards ask this for lists of any size (a million members and
more), so nothing here builds Python sets of members. The quick questions
(list names, whether the lists hold anyone) use the shared connection; the
counts of the lists' members, of distinct numbers and of members on the
do-not-contact list run on a read-only connection of their own, so a count
taking a second never holds the ledger's lock against the app, and they can be
cancelled (``cancel``: an event set by whoever no longer wants the answer).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from tui.ledger.base import Store, storage_error
from tui.ledger.errors import LedgerError

#: SQLite virtual machine steps between two looks at the cancel event.
CANCEL_CHECK_STEPS = 50_000


class CountCancelled(Exception):
    """The count was cancelled before it finished (its answer is not wanted)."""


@dataclass(frozen=True, slots=True)
class AudienceCount:
    """Members of the chosen lists as the ledger knows them."""

    #: Members of each list, by list ID.
    members: dict[str, int]
    #: Members of all lists added together.
    total: int
    #: Distinct numbers across the lists (each gets a campaign once).
    unique: int

    @property
    def repeats(self) -> int:
        return self.total - self.unique


@dataclass(frozen=True, slots=True)
class OptedOutCount:
    """Distinct members of the lists that are on the do-not-contact list."""

    count: int
    #: The first few of them, in number order, to name in a warning.
    sample: list[str]


def _marks(list_ids: Sequence[str]) -> str:
    return ",".join("?" * len(list_ids))


def _opted_out_sql(list_ids: Sequence[str]) -> str:
    # The do-not-contact list first: one key probe per entry and list, however
    # large the lists are.
    return (
        "SELECT DISTINCT m.msisdn FROM optouts o CROSS JOIN list_members m"
        f" ON m.msisdn = o.msisdn AND m.list_id IN ({_marks(list_ids)})"
    )


class AudienceStore(Store):
    def list_names(self, list_ids: Sequence[str]) -> dict[str, str]:
        """Names of the known lists among ``list_ids`` (unknown IDs are left out)."""
        if not list_ids:
            return {}
        rows = self._rows(
            f"SELECT id, name FROM lists WHERE id IN ({_marks(list_ids)})", list(list_ids)
        )
        return {str(row[0]): str(row[1]) for row in rows}

    def list_choices(self) -> list[tuple[str, str]]:
        """Every list as (ID, name), by name (quick: no member is counted)."""
        rows = self._rows("SELECT id, name FROM lists ORDER BY name")
        return [(str(row[0]), str(row[1])) for row in rows]

    def lists_with_members(self, list_ids: Sequence[str]) -> set[str]:
        """Those of ``list_ids`` holding at least one member (one index probe each)."""
        if not list_ids:
            return set()
        rows = self._rows(
            f"SELECT l.id FROM lists l WHERE l.id IN ({_marks(list_ids)})"
            " AND EXISTS (SELECT 1 FROM list_members m WHERE m.list_id = l.id)",
            list(list_ids),
        )
        return {str(row[0]) for row in rows}

    @contextmanager
    def _counting(self, cancel: threading.Event | None) -> Iterator[sqlite3.Connection]:
        """A read-only connection of the count's own, interrupted once ``cancel`` is set."""
        try:
            conn = sqlite3.connect(self.path, timeout=5.0, check_same_thread=False)
        except sqlite3.Error as error:
            raise LedgerError(f"Cannot read the ledger {self.path} ({error}).") from None
        cancelled = cancel.is_set if cancel is not None else lambda: False
        try:
            if cancelled():
                raise CountCancelled
            conn.execute("PRAGMA query_only = ON")
            conn.set_progress_handler(lambda: int(cancelled()), CANCEL_CHECK_STEPS)
            conn.execute("BEGIN")  # every count of one call sees the same state
            yield conn
        except sqlite3.OperationalError as error:
            if cancelled():
                raise CountCancelled from None
            raise storage_error(self.path, error) or LedgerError(
                f"Cannot count in the ledger {self.path} ({error})."
            ) from None
        finally:
            conn.close()
        if cancelled():  # finished, but no longer wanted
            raise CountCancelled

    def count_list_members(self, cancel: threading.Event | None = None) -> dict[str, int]:
        """Members of every list holding any, by list ID."""
        with self._counting(cancel) as conn:
            rows = conn.execute("SELECT list_id, count(*) FROM list_members GROUP BY list_id")
            return {str(row[0]): int(row[1]) for row in rows.fetchall()}

    def count_audience(
        self, list_ids: Sequence[str], cancel: threading.Event | None = None
    ) -> AudienceCount:
        """Members per list, in all, and distinct numbers across ``list_ids``."""
        wanted = list(dict.fromkeys(list_ids))
        if not wanted:
            return AudienceCount({}, 0, 0)
        with self._counting(cancel) as conn:
            rows = conn.execute(
                f"SELECT list_id, count(*) FROM list_members WHERE list_id IN ({_marks(wanted)})"
                " GROUP BY list_id",
                wanted,
            ).fetchall()
            members = {list_id: 0 for list_id in wanted}
            members.update({str(row[0]): int(row[1]) for row in rows})
            total = sum(members.values())
            if len(wanted) == 1:
                # (list_id, msisdn) is the key: a list holds each number once.
                unique = total
            else:
                unique = int(
                    conn.execute(
                        "SELECT count(*) FROM (SELECT DISTINCT msisdn FROM list_members"
                        f" WHERE list_id IN ({_marks(wanted)}))",
                        wanted,
                    ).fetchone()[0]
                )
        return AudienceCount(members, total, unique)

    def opted_out_members(
        self, list_ids: Sequence[str], cancel: threading.Event | None = None
    ) -> list[str]:
        """Every distinct member of ``list_ids`` on the do-not-contact list, in number order."""
        wanted = list(dict.fromkeys(list_ids))
        if not wanted:
            return []
        with self._counting(cancel) as conn:
            rows = conn.execute(f"{_opted_out_sql(wanted)} ORDER BY m.msisdn", wanted)
            return [str(row[0]) for row in rows.fetchall()]

    def count_opted_out(
        self, list_ids: Sequence[str], sample: int = 5, cancel: threading.Event | None = None
    ) -> OptedOutCount:
        """How many distinct members of ``list_ids`` are on the do-not-contact list."""
        wanted = list(dict.fromkeys(list_ids))
        if not wanted:
            return OptedOutCount(0, [])
        query = _opted_out_sql(wanted)
        with self._counting(cancel) as conn:
            count = int(conn.execute(f"SELECT count(*) FROM ({query})", wanted).fetchone()[0])
            first = conn.execute(f"{query} ORDER BY m.msisdn LIMIT ?", [*wanted, sample])
            return OptedOutCount(count, [str(row[0]) for row in first.fetchall()])
