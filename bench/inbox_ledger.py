"""Inbox queries over a ledger of 100,000 incoming messages (English and Urdu).

Times the first inbox page (50 rows), text searches, and the unread count,
each against a floor measured in the same run: the same 50-row SELECT from a
plain table (no index use, no FTS, no row objects). Prints times, ratios and
the process's peak RSS. Targets: every query under 50 ms, RSS under 150 MB.

Run: python bench/inbox_ledger.py [--messages N]
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui.gateway.codes import MessageStatus
from tui.gateway.results import CampaignRecipient, IncomingMessage
from tui.ledger import Ledger

ENGLISH = (
    "hello yes no stop please call me balance order delivered thanks when price offer "
    "account payment received tomorrow today meeting confirm cancel help info status "
    "karachi lahore islamabad ok sure great problem refund"
).split()
URDU = (
    "السلام علیکم شکریہ جی ہاں نہیں براہ کرم مجھے کال کریں بیلنس آرڈر پہنچ گیا کب قیمت "
    "آفر اکاؤنٹ ادائیگی موصول کل آج ملاقات تصدیق منسوخ مدد معلومات کراچی لاہور ٹھیک"
).split()
RARE = "zanzibar"
BATCH = 1000
CAMPAIGN_RECIPIENTS = 50_000
REPEATS = 40
TARGET_MS = 50.0
TARGET_RSS_MB = 150.0


def make_messages(count: int, seed: int = 7) -> list[IncomingMessage]:
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, 9, 0)
    messages = []
    for i in range(count):
        pool = URDU if rng.random() < 0.45 else ENGLISH
        words = rng.choices(pool, k=rng.randint(3, 18))
        if i % 10_000 == 1234:
            words.append(RARE)
        stamp = start + timedelta(seconds=30 * i)
        messages.append(
            IncomingMessage(
                id=str(i + 1),
                msisdn=f"9234{rng.randrange(10**8):08d}",
                message=" ".join(words),
                short_code="8558",
                timestamp_raw=stamp.strftime("%Y,%m,%d %H:%M"),
                timestamp=stamp,
            )
        )
    return messages


def fill(ledger: Ledger, messages: list[IncomingMessage], unread_tail: int) -> float:
    began = time.perf_counter()
    now = datetime.now(UTC)
    read_part = len(messages) - unread_tail
    for offset in range(0, len(messages), BATCH):
        chunk = messages[offset : offset + BATCH]
        raw_id = ledger.inbox.store_incoming_reply(b"<corpsms>...</corpsms>", now)
        ledger.inbox.store_incoming_messages(raw_id, chunk)
        if offset + BATCH == read_part:
            ledger.inbox.mark_all_read()
    return time.perf_counter() - began


def fill_campaign(ledger: Ledger, recipients: int) -> None:
    """One SMS campaign with many recipients, plus a few small ones around it."""
    now = datetime.now(UTC)
    for n in range(5):
        ledger.campaigns.add_campaign(f"C{n}", f"campaign {n}", ["L1"], "text", now)
        size = recipients if n == 2 else 1000
        statuses = [
            CampaignRecipient(f"9230{i:08d}", MessageStatus(i % 3 == 0)) for i in range(size)
        ]
        ledger.campaigns.upsert_campaign_statuses(f"C{n}", statuses, now)


def fill_plain(path: Path, messages: list[IncomingMessage]) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE plain (id INTEGER PRIMARY KEY, msisdn TEXT, text TEXT)")
    conn.executemany(
        "INSERT INTO plain (msisdn, text) VALUES (?, ?)",
        ((m.msisdn, m.message) for m in messages),
    )
    conn.commit()
    conn.close()


def timed(fn: Callable[[], object]) -> tuple[float, float, float, object]:
    """(first call ms, median ms, max ms, last result) over REPEATS calls."""
    samples = []
    result: object = None
    for _ in range(REPEATS):
        began = time.perf_counter_ns()
        result = fn()
        samples.append((time.perf_counter_ns() - began) / 1e6)
    return samples[0], statistics.median(samples), max(samples), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args()
    count = args.messages - args.messages % BATCH
    messages = make_messages(count)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.sqlite3"
        with Ledger.open(path) as ledger:
            fill_seconds = fill(ledger, messages, unread_tail=5 * BATCH)
            fill_campaign(ledger, CAMPAIGN_RECIPIENTS)
        fill_plain(Path(tmp) / "plain.sqlite3", messages)
        print(f"filled {count:,} messages in {fill_seconds:.1f} s ({count / fill_seconds:,.0f}/s)")

        plain = sqlite3.connect(Path(tmp) / "plain.sqlite3")
        floor = timed(
            lambda: plain.execute("SELECT id, msisdn, text FROM plain LIMIT 50").fetchall()
        )
        ledger = Ledger.open(path)  # reopened: the first call of each query is cold-ish
        cases: list[tuple[str, Callable[[], object]]] = [
            ("inbox first page (50)", lambda: ledger.inbox.inbox_page(0, 50)),
            ("inbox unread page (50)", lambda: ledger.inbox.inbox_page(0, 50, unread_only=True)),
            ("inbox page at 50,000", lambda: ledger.inbox.inbox_page(50_000, 50)),
            ("search 'payment' (50)", lambda: ledger.inbox.search_inbox("payment", 50)),
            ("search 'شکریہ' (50)", lambda: ledger.inbox.search_inbox("شکریہ", 50)),
            ("search 'ka' prefix (50)", lambda: ledger.inbox.search_inbox("ka", 50)),
            ("search two words (50)", lambda: ledger.inbox.search_inbox("call balance", 50)),
            (f"search rare '{RARE}'", lambda: ledger.inbox.search_inbox(RARE, 50)),
            ("search count 'payment'", lambda: ledger.inbox.search_count("payment")),
            ("unread count", ledger.inbox.unread_count),
            ("inbox count", ledger.inbox.inbox_count),
            ("dashboard counts", ledger.dashboard_counts),
            (
                f"campaign counts ({CAMPAIGN_RECIPIENTS:,})",
                lambda: ledger.campaigns.campaign_status_counts("C2"),
            ),
        ]
        print(f"\n{'query':<28}{'first ms':>10}{'median ms':>11}{'max ms':>9}{'x floor':>9}  ok")
        print(f"{'floor: plain SELECT 50':<28}{floor[0]:>10.3f}{floor[1]:>11.3f}{floor[2]:>9.3f}")
        worst = 0.0
        for name, fn in cases:
            first, median, peak, result = timed(fn)
            worst = max(worst, first, peak)
            ratio = median / floor[1]
            mark = "yes" if max(first, peak) < TARGET_MS else "NO"
            size = f" ({len(result)} rows)" if isinstance(result, list) else ""
            size = f" (= {result})" if isinstance(result, int) else size
            print(f"{name:<28}{first:>10.3f}{median:>11.3f}{peak:>9.3f}{ratio:>9.1f}  {mark}{size}")
        ledger.close()
        plain.close()
        db_mb = path.stat().st_size / 2**20
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nslowest call: {worst:.2f} ms (target < {TARGET_MS:.0f} ms)")
    print(f"ledger file: {db_mb:.1f} MB")
    print(f"peak RSS: {rss_mb:.1f} MB (target < {TARGET_RSS_MB:.0f} MB)")
    ok = worst < TARGET_MS and rss_mb < TARGET_RSS_MB
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
