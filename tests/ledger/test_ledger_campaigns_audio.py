"""SMS and voice campaigns, audio files, unknown submits and the dashboard."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tui.gateway.codes import AudioStatus, MessageStatus, VoiceCampaignStatus
from tui.gateway.results import CampaignRecipient, VoiceCampaignInfo
from tui.ledger import Ledger, LedgerError


def _info(
    status: VoiceCampaignStatus, attempts: int, answered: int, cost: float
) -> VoiceCampaignInfo:
    return VoiceCampaignInfo(
        name="Reminder",
        status=status,
        audio_clip_id="162",
        max_retries=1,
        sms_text="",
        start_date="2026-05-01",
        end_date="2026-05-02",
        start_time="09:00",
        end_time="18:00",
        call_attempts=attempts,
        answered=answered,
        not_answered=attempts - answered,
        not_responding=0,
        busy=0,
        cost=cost,
    )


def test_sms_campaign_round_trip_and_status_snapshots(ledger: Ledger, t0: datetime) -> None:
    start = t0 + timedelta(days=1)
    ledger.campaigns.add_campaign(
        "C1", "Eid", ["L1", "L2"], "عید مبارک", t0, scheduled_at=start, mask="ACME"
    )
    campaign = ledger.campaigns.campaign("C1")
    assert campaign is not None
    assert (campaign.name, campaign.list_ids, campaign.text) == ("Eid", ["L1", "L2"], "عید مبارک")
    assert (campaign.mask, campaign.scheduled_at, campaign.state) == ("ACME", start, "scheduled")
    assert ledger.campaigns.campaign_by_name("Eid") == campaign

    first = [CampaignRecipient(f"92300111000{i}", MessageStatus.NOT_SENT) for i in range(4)]
    assert ledger.campaigns.upsert_campaign_statuses("C1", first, t0) == 4
    assert ledger.campaigns.upsert_campaign_statuses("C1", first, t0 + timedelta(minutes=1)) == 0
    second = [CampaignRecipient(r.msisdn, MessageStatus.SENT) for r in first[:3]]
    later = t0 + timedelta(minutes=2)
    assert ledger.campaigns.upsert_campaign_statuses("C1", second, later) == 3
    assert ledger.campaigns.campaign_status_counts("C1") == {
        MessageStatus.SENT: 3,
        MessageStatus.NOT_SENT: 1,
    }
    sent = ledger.campaigns.campaign_recipients("C1", status=MessageStatus.SENT)
    assert [r.msisdn for r in sent] == ["923001110000", "923001110001", "923001110002"]
    assert all(r.changed_at == later for r in sent)
    (unsent,) = ledger.campaigns.campaign_recipients("C1", status=MessageStatus.NOT_SENT)
    assert unsent.changed_at == t0  # unchanged since first seen
    checked = ledger.campaigns.campaign("C1")
    assert checked is not None and checked.checked_at == later

    assert ledger.dashboard_counts().running_sms_campaigns == 1
    ledger.campaigns.set_campaign_state("C1", "done", later, final=True)
    done = ledger.campaigns.campaign("C1")
    assert done is not None and done.final and done.state_changed_at == later
    assert ledger.campaigns.campaigns(final=False) == [] and len(ledger.campaigns.campaigns()) == 1
    assert ledger.dashboard_counts().running_campaigns == 0


def test_campaign_errors(ledger: Ledger, t0: datetime) -> None:
    ledger.campaigns.add_campaign("C1", "Eid", ["L1"], "x", t0)
    with pytest.raises(LedgerError, match="campaign named 'Eid'"):
        ledger.campaigns.add_campaign("C2", "Eid", ["L1"], "x", t0)
    with pytest.raises(LedgerError, match="not in the ledger"):
        ledger.campaigns.upsert_campaign_statuses("C404", [], t0)


def test_campaign_status_counts_use_an_index(ledger: Ledger) -> None:
    plan = ledger._conn.execute(
        "EXPLAIN QUERY PLAN SELECT status, count(*) FROM campaign_recipients"
        " WHERE campaign_id = ? GROUP BY status",
        ("C1",),
    ).fetchall()
    assert "campaign_recipients_status" in " ".join(str(tuple(row)) for row in plan)


def test_voice_campaign_snapshots(ledger: Ledger, t0: datetime) -> None:
    params = {"file_id": "162", "max_retries": 1, "lists": ["L1"], "sms_text": "شکریہ"}
    ledger.voice.add_voice_campaign("V1", "Reminder", "feedback", params, t0)
    assert ledger.voice.voice_latest("V1") is None
    stored = [
        ledger.voice.add_voice_snapshot("V1", _info(VoiceCampaignStatus.SENDING, 10, 4, 1.5), t0),
        ledger.voice.add_voice_snapshot(
            "V1", _info(VoiceCampaignStatus.SENDING, 10, 4, 1.5), t0 + timedelta(minutes=1)
        ),
        ledger.voice.add_voice_snapshot(
            "V1", _info(VoiceCampaignStatus.SENT, 20, 15, 3.25), t0 + timedelta(minutes=2)
        ),
    ]
    assert stored == [True, False, True]
    snapshots = ledger.voice.voice_snapshots("V1")
    assert [(s.status, s.call_attempts, s.answered, s.cost) for s in snapshots] == [
        (VoiceCampaignStatus.SENDING, 10, 4, 1.5),
        (VoiceCampaignStatus.SENT, 20, 15, 3.25),
    ]
    latest = ledger.voice.voice_latest("V1")
    assert latest is not None and latest.at == t0 + timedelta(minutes=2)
    campaign = ledger.voice.voice_campaign("V1")
    assert campaign is not None and campaign.params == params and campaign.kind == "feedback"
    assert campaign.last_status is VoiceCampaignStatus.SENT and campaign.final
    assert campaign.checked_at == t0 + timedelta(minutes=2)
    assert ledger.voice.voice_campaigns(final=False) == []
    with pytest.raises(LedgerError, match="Unknown voice campaign kind"):
        ledger.voice.add_voice_campaign("V2", "x", "robocall", {}, t0)  # type: ignore[arg-type]
    with pytest.raises(LedgerError, match="not in the ledger"):
        ledger.voice.add_voice_snapshot("V404", _info(VoiceCampaignStatus.SENT, 1, 1, 0.0), t0)


def test_audio_files(ledger: Ledger, t0: datetime) -> None:
    ledger.audio.add_audio(
        "f1",
        "welcome",
        t0,
        source_path="/home/u/welcome.mp3",
        source_sha256="ab" * 32,
        size=160_044,
        duration=10.0,
    )
    ledger.audio.add_audio("f2", "promo", t0 + timedelta(minutes=1), status=AudioStatus.READY)
    assert ledger.dashboard_counts().audio_not_ready == 1
    got = ledger.audio.audio_by_name("welcome")
    assert got is not None
    assert (got.source_path, got.size, got.duration) == ("/home/u/welcome.mp3", 160_044, 10.0)
    assert got.status is AudioStatus.NOT_READY and got.ready_at is None
    ready_at = t0 + timedelta(minutes=5)
    assert ledger.audio.update_audio_status("f1", AudioStatus.READY, ready_at) is True
    assert (
        ledger.audio.update_audio_status("f1", AudioStatus.READY, ready_at + timedelta(1)) is False
    )
    got = ledger.audio.audio("f1")
    assert got is not None and got.ready_at == ready_at and got.status_changed_at == ready_at
    assert [a.id for a in ledger.audio.audio_files()] == ["f2", "f1"]
    assert [a.id for a in ledger.audio.audio_by_sha256("ab" * 32)] == ["f1"]
    assert ledger.audio.audio_files(AudioStatus.NOT_READY) == []
    with pytest.raises(LedgerError, match="audio file named 'promo'"):
        ledger.audio.add_audio("f3", "promo", t0)
    with pytest.raises(LedgerError, match="not in the ledger"):
        ledger.audio.update_audio_status("f404", AudioStatus.READY, t0)


def test_unknown_submits_never_keep_secrets(ledger: Ledger, t0: datetime) -> None:
    uid = ledger.unknown.add_unknown(
        "message",
        "sendsms.jsp",
        "GET sendsms.jsp?session_id=abc123&to=923001110001&text=hi timed out",
        "923001110001",
        t0,
    )
    (entry,) = ledger.unknown.unknown_submits()
    assert entry.id == uid and "abc123" not in entry.summary and "session_id=***" in entry.summary
    assert ledger.dashboard_counts().unknown == 1
    assert ledger.unknown.settle(uid, "Checked: it arrived", t0) is True
    assert ledger.unknown.settle(uid, "again", t0) is False
    (settled,) = ledger.unknown.unknown_submits(settled=True)
    assert settled.note == "Checked: it arrived" and settled.settled_at == t0
    raw = ledger._conn.execute("SELECT group_concat(summary) FROM unknown_submits").fetchone()[0]
    assert "abc123" not in raw
