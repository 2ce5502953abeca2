"""Who lists reach, counted in SQL: members per list, distinct numbers across
lists, opted-out members, quick name and emptiness checks, and a count that
stops once cancelled."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from tui.ledger import Ledger
from tui.ledger.audience import CountCancelled
from tui.ledger.optouts import NewOptOut, OptOutStore


def number(n: int) -> str:
    return f"92300{n:07d}"


@pytest.fixture
def lists(ledger: Ledger, t0: datetime) -> Ledger:
    """A: 0-99, B: 50-149 (50 in both), C: empty."""
    for list_id, name in (("A", "Alpha"), ("B", "Beta"), ("C", "Cee")):
        ledger.lists.add_list(list_id, name, t0)
    ledger.lists.add_members("A", (number(n) for n in range(100)), None, t0)
    ledger.lists.add_members("B", (number(n) for n in range(50, 150)), None, t0)
    return ledger


def test_counts_members_per_list_and_distinct_numbers(lists: Ledger) -> None:
    both = lists.audience.count_audience(["A", "B", "C", "A"])
    assert both.members == {"A": 100, "B": 100, "C": 0}
    assert (both.total, both.unique, both.repeats) == (200, 150, 50)
    one = lists.audience.count_audience(["B"])
    assert (one.total, one.unique) == (100, 100)
    assert lists.audience.count_audience([]).members == {}
    assert lists.audience.count_list_members() == {"A": 100, "B": 100}


def test_quick_checks_need_no_count(lists: Ledger) -> None:
    assert lists.audience.list_choices() == [("A", "Alpha"), ("B", "Beta"), ("C", "Cee")]
    assert lists.lists.list_names(["B", "nope"]) == {"B": "Beta"}
    assert lists.audience.lists_with_members(["A", "C", "nope"]) == {"A"}
    assert lists.audience.lists_with_members(["C"]) == set()


def test_opted_out_members_are_counted_once(lists: Ledger, t0: datetime) -> None:
    store = OptOutStore(lists)
    opted = [number(n) for n in (3, 60, 120, 999)]  # 60 is in both lists, 999 in none
    store.add([NewOptOut(n, "manual") for n in opted], t0)
    found = lists.audience.count_opted_out(["A", "B"], sample=2)
    assert found.count == 3 and found.sample == [number(3), number(60)]
    assert lists.audience.opted_out_members(["B"]) == [number(60), number(120)]
    assert lists.audience.count_opted_out(["C"]).count == 0


def test_a_cancelled_count_stops(lists: Ledger) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CountCancelled):
        lists.audience.count_audience(["A", "B"], cancel)
    # The ledger is as usable as before.
    assert lists.audience.count_audience(["A", "B"], threading.Event()).unique == 150
