"""A process killed (SIGKILL) at the worst moment loses nothing the ledger promised to keep."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

from tui.gateway.results import IncomingMessage
from tui.ledger import Ledger

ROOT = Path(__file__).resolve().parents[2]
BODY = "<corpsms><data><incomingSms><id>17</id><message>آخری پیغام</message></incomingSms>"

CHILD_PRELUDE = """
import sys
from datetime import UTC, datetime
from tui.gateway.results import IncomingMessage
from tui.ledger import Ledger
now = datetime.now(UTC)
ledger = Ledger.open(sys.argv[1])
"""


def _run_until_killed(script: str, ledger_path: Path) -> str:
    """Run ``script`` in a child; SIGKILL it as soon as it prints its line; return that line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(CHILD_PRELUDE) + textwrap.dedent(script),
            str(ledger_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline().strip()
        os.kill(child.pid, signal.SIGKILL)
        _, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert line, f"child printed nothing: {err}"
    assert child.returncode == -signal.SIGKILL
    return line


def test_raw_reply_survives_kill_before_parse(ledger_path: Path) -> None:
    line = _run_until_killed(
        f"""
        first = ledger.inbox.store_incoming_reply(b"<first/>", now)
        ledger.inbox.store_incoming_messages(first, [
            IncomingMessage("16", "923451234567", "hello", "8558", "2026,05,01 09:00", None)])
        raw_id = ledger.inbox.store_incoming_reply({BODY.encode()!r}, now)
        print(raw_id, flush=True)
        sys.stdin.read()  # killed here: the reply is never parsed
        """,
        ledger_path,
    )
    with Ledger.open(ledger_path) as ledger:
        assert [m.text for m in ledger.inbox.inbox_page()] == ["hello"]
        (pending,) = ledger.inbox.unparsed_replies()
        assert pending.id == int(line) and pending.body == BODY.encode()
        # Start-up re-parses what was left (here: by hand, as the engine's parser would).
        parsed = IncomingMessage(
            "17", "923451234567", "آخری پیغام", "8558", "2026,05,01 09:05", None
        )
        assert ledger.inbox.store_incoming_messages(pending.id, [parsed]) == 1
        assert ledger.inbox.unparsed_replies() == []
        assert [m.text for m in ledger.inbox.search_inbox("پیغام")] == ["آخری پیغام"]


def test_batch_marked_sending_is_unknown_after_kill(ledger_path: Path) -> None:
    _run_until_killed(
        """
        ledger.lists.add_list("L1", "Customers", now)
        job = ledger.imports.create_import("L1", "c.csv", [["923001110001"], ["923001110002"]], now)
        batch = ledger.imports.next_import_batch(job)
        ledger.imports.mark_import_sending(job, batch.seq, now)
        print(job, flush=True)
        sys.stdin.read()  # killed while "the request is out"
        """,
        ledger_path,
    )
    with Ledger.open(ledger_path) as ledger:
        (job,) = ledger.imports.import_jobs()
        assert job.batches == {"sending": 1, "pending": 1}
        assert ledger.recover_interrupted(datetime.now().astimezone()) == 1
        nxt = ledger.imports.next_import_batch(job.job_id)
        assert nxt is not None and nxt.seq == 2  # batch 1 is not sent again blindly
        (unknown,) = ledger.unknown.unknown_submits()
        assert unknown.ref == f"import:{job.job_id}:1"
