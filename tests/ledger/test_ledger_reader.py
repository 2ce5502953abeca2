"""The screens' read-only connection: it sees what the engine's connection has
committed, refuses writes, and reads while a write transaction is open."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from tui.ledger import Ledger, LedgerError


def test_the_reader_sees_commits_refuses_writes_and_reads_during_a_write(
    ledger: Ledger, t0: datetime
) -> None:
    reader = ledger.reader()
    try:
        ledger.lists.add_list("L1", "Friends", t0)
        assert [item.name for item in reader.lists.lists()] == ["Friends"]
        with pytest.raises(LedgerError):
            reader.lists.add_list("L2", "Family", t0)
        assert [item.name for item in ledger.lists.lists()] == ["Friends"]

        # A write transaction held open on the engine's connection (as during
        # a commit's fsync) does not hold up a read on the reader.
        inside, release = threading.Event(), threading.Event()

        def hold_a_write() -> None:
            with ledger._tx() as conn:
                conn.execute(
                    "INSERT INTO lists (id, name, created_at, updated_at)"
                    " VALUES ('L3', 'Held', '2024-03-04T05:00:00.000000+00:00',"
                    " '2024-03-04T05:00:00.000000+00:00')"
                )
                inside.set()
                release.wait(5)

        writer = threading.Thread(target=hold_a_write)
        writer.start()
        assert inside.wait(5)
        try:
            read = threading.Thread(target=lambda: reader.lists.lists())
            read.start()
            read.join(2)
            assert not read.is_alive()  # the read did not wait for the writer
            assert [item.name for item in reader.lists.lists()] == ["Friends"]  # not yet committed
        finally:
            release.set()
            writer.join()
        assert sorted(item.name for item in reader.lists.lists()) == ["Friends", "Held"]
    finally:
        reader.close()
