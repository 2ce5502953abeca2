"""Pausing the cyclic garbage collector: nesting, threads, the start-up freeze."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from tui import collector


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    assert gc.isenabled()
    yield
    collector.end_start_up()
    gc.unfreeze()
    gc.enable()


def test_a_pause_turns_the_collector_off_inside_and_on_after() -> None:
    with collector.paused():
        assert not gc.isenabled()
        assert collector.is_paused()
    assert gc.isenabled()
    assert not collector.is_paused()


def test_nested_pauses_end_with_the_outer_one() -> None:
    with collector.paused():
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_a_pause_turns_the_collector_on_again() -> None:
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("bad row")
    assert gc.isenabled()


def test_overlapping_pauses_in_two_threads_end_with_the_last() -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with collector.paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    with collector.paused():
        thread.start()
        assert inside.wait(5)
    # This thread's pause ended first; the other thread's still holds.
    assert not gc.isenabled()
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_a_collector_turned_off_elsewhere_stays_off() -> None:
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
    assert not collector.is_paused()


def test_the_start_up_pause_ends_with_its_objects_frozen() -> None:
    frozen = gc.get_freeze_count()
    collector.pause_start_up()
    made = [[n] for n in range(1000)]
    assert not gc.isenabled()
    collector.end_start_up()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(made)


def test_a_pause_inside_the_start_up_does_not_end_it() -> None:
    collector.pause_start_up()
    with collector.paused():
        pass
    assert not gc.isenabled()
    collector.end_start_up()
    assert gc.isenabled()


def test_ending_a_start_up_that_never_paused_changes_nothing() -> None:
    frozen = gc.get_freeze_count()
    collector.end_start_up()
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen
