"""CSV exports: re-read with the csv module they give the same rows; never half-written."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tui.gateway.codes import MessageStatus, VoiceCampaignStatus
from tui.gateway.results import CampaignRecipient, IncomingMessage, VoiceCampaignInfo
from tui.ledger import Ledger, LedgerError
from tui.ledger.export import write_csv_atomic

Make = Callable[..., IncomingMessage]


KARACHI = ZoneInfo("Asia/Karachi")


def _read(path: Path) -> list[list[str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, for spreadsheets
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _leftovers(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if name.endswith(".part")]


def test_inbox_export_round_trip(
    ledger: Ledger, tmp_path: Path, t0: datetime, make_incoming: Make
) -> None:
    texts = [
        "plain",
        "آپ کا آرڈر، کل پہنچے گا",
        'comma, "quotes" and\na new line',
        '=HYPERLINK("http://evil")',
    ]
    raw_id = ledger.inbox.store_incoming_reply(b"<x/>", t0)
    ledger.inbox.store_incoming_messages(
        raw_id, [make_incoming(str(i), t, minute=i) for i, t in enumerate(texts)]
    )
    ledger.inbox.mark_read([ledger.inbox.inbox_page()[0].id])
    out = tmp_path / "inbox.csv"
    assert ledger.export_inbox_csv(out) == 4
    header, *rows = _read(out)
    assert header == [
        "ID",
        "Received at (Asia/Karachi)",
        "From",
        "Short code",
        "Gateway ID",
        "Gateway time",
        "Message",
        "Read",
    ]
    expected = [
        [
            str(m.id),
            m.received_at.astimezone(KARACHI).strftime("%Y-%m-%d %H:%M:%S"),
            f'="{m.msisdn}"',
            m.short_code,
            m.gateway_id,
            m.timestamp_raw,
            "'" + m.text if m.text.startswith("=") else m.text,
            "yes" if m.read else "no",
        ]
        for m in ledger.inbox.inbox_page(0, 100)
    ]
    assert rows == expected
    # A message that would be a spreadsheet formula is exported as text.
    assert rows[0][6] == '\'=HYPERLINK("http://evil")' and rows[0][7] == "yes"
    assert rows[1][6] == 'comma, "quotes" and\na new line'
    assert rows[2][6] == "آپ کا آرڈر، کل پہنچے گا"
    assert _leftovers(tmp_path) == []


def test_campaign_list_and_voice_exports(ledger: Ledger, tmp_path: Path, t0: datetime) -> None:
    ledger.lists.add_list("L1", "Customers", t0)
    ledger.lists.add_members("L1", ["923001110002", "923001110001"], "b1", t0)
    assert ledger.export_list_csv("L1", tmp_path / "list.csv") == 2
    local = t0.astimezone(KARACHI).strftime("%Y-%m-%d %H:%M:%S")  # to the second
    assert _read(tmp_path / "list.csv") == [
        ["Number", "Added at (Asia/Karachi)", "Batch"],
        ['="923001110001"', local, "b1"],  # spreadsheets keep all 12 digits
        ['="923001110002"', local, "b1"],
    ]
    # Another zone, when the profile says so.
    assert ledger.export_list_csv("L1", tmp_path / "utc.csv", UTC) == 2
    assert _read(tmp_path / "utc.csv")[1][1] == t0.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")

    ledger.campaigns.add_campaign("C1", "Eid", ["L1"], "عید مبارک", t0)
    ledger.campaigns.upsert_campaign_statuses(
        "C1",
        [
            CampaignRecipient("923001110001", MessageStatus.SENT),
            CampaignRecipient("923001110002", MessageStatus.NOT_SENT),
        ],
        t0,
    )
    assert ledger.export_campaign_csv("C1", tmp_path / "camp.csv") == 2
    assert _read(tmp_path / "camp.csv") == [
        ["Number", "Status code", "Status", "Changed at (Asia/Karachi)"],
        ['="923001110001"', "1", "Sent", local],
        ['="923001110002"', "0", "Not sent yet", local],
    ]

    ledger.voice.add_voice_campaign("V1", "Reminder", "broadcast", {}, t0)
    for minute, (status, attempts) in enumerate(
        [(VoiceCampaignStatus.SENDING, 5), (VoiceCampaignStatus.SENT, 9)]
    ):
        info = VoiceCampaignInfo(
            "Reminder",
            status,
            "1",
            0,
            "",
            "",
            "",
            "",
            "",
            attempts,
            attempts - 1,
            1,
            0,
            0,
            2.5 * attempts,
        )
        ledger.voice.add_voice_snapshot("V1", info, t0 + timedelta(minutes=minute))
    assert ledger.export_voice_csv("V1", tmp_path / "voice.csv") == 2
    header, *rows = _read(tmp_path / "voice.csv")
    assert header[:3] == ["At (Asia/Karachi)", "Status code", "Status"]
    assert rows[0][0] == local
    assert [row[1:] for row in rows] == [
        ["8", "Sending", "5", "4", "1", "0", "0", "12.5"],
        ["4", "Sent", "9", "8", "1", "0", "0", "22.5"],
    ]

    for call in (
        lambda: ledger.export_list_csv("L404", tmp_path / "x.csv"),
        lambda: ledger.export_campaign_csv("C404", tmp_path / "x.csv"),
        lambda: ledger.export_voice_csv("V404", tmp_path / "x.csv"),
    ):
        with pytest.raises(LedgerError, match="not in the ledger"):
            call()
    assert not (tmp_path / "x.csv").exists()


def test_failure_mid_export_leaves_previous_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_text("previous export\n", encoding="utf-8")

    def rows() -> Iterator[list[object]]:
        for i in range(1000):
            if i == 500:
                raise RuntimeError("disk went away")
            yield [i, "row"]

    with pytest.raises(RuntimeError, match="disk went away"):
        write_csv_atomic(target, ["n", "what"], rows())
    assert target.read_text(encoding="utf-8") == "previous export\n"
    assert _leftovers(tmp_path) == []


def test_failure_mid_ledger_export_writes_nothing(
    ledger: Ledger, tmp_path: Path, t0: datetime
) -> None:
    ledger.campaigns.add_campaign("C1", "Eid", ["L1"], "x", t0)
    ledger.campaigns.upsert_campaign_statuses(
        "C1", [CampaignRecipient(f"9230011100{i:02d}", MessageStatus.SENT) for i in range(50)], t0
    )
    # A status this version cannot read, stored by some later version, halfway through.
    ledger._conn.execute("UPDATE campaign_recipients SET status = 77 WHERE msisdn = '923001110025'")
    target = tmp_path / "campaign.csv"
    with pytest.raises(ValueError):
        ledger.export_campaign_csv("C1", target)
    assert not target.exists() and _leftovers(tmp_path) == []


def test_export_to_missing_folder_is_one_clear_sentence(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="choose a folder that exists") as caught:
        ledger.export_inbox_csv(tmp_path / "no" / "such" / "inbox.csv")
    assert "\n" not in str(caught.value)
