"""Demo seed data: an account with a little history, so every screen has something.

Everything is created relative to the clock's current time and is fixed by the
seed. :class:`DemoSeed` lists what was created, so the app's demo mode can fill its
ledger with what "the user created earlier".
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tui.gateway.codes import AUDIO_SAMPLE_RATE, CallStatus, VoiceCampaignStatus
from tui.simulator.clock import to_datetime
from tui.simulator.incoming import IncomingFeed, arrive
from tui.simulator.model import (
    Account,
    AudioFile,
    Call,
    CallAttempt,
    SentMessage,
    SmsCampaign,
    SubscriberList,
    VoiceCampaign,
    VoiceKind,
)
from tui.simulator.textunits import is_gsm7, segments

if TYPE_CHECKING:
    from tui.simulator.simulator import Simulator

DEMO_MSISDN = "923001234567"
DEMO_PASSWORD = "demo"
DEMO_MASKS = ("CSMS", "SHOP")
DEMO_CREDIT = 2500.0
DEMO_SHORT_CODE = "8111"

HOUR, DAY = 3600.0, 86400.0

_ENGLISH = [
    "Is the Eid sale still on?",
    "Please send me the price list.",
    "Order 4411 received, thank you!",
    "What time does the Gulberg branch open?",
    "STOP",
]
_URDU = [
    "السلام علیکم، میرا آرڈر کب پہنچے گا؟",
    "شکریہ! پیغام مل گیا۔",
    "براہ کرم مجھے کال کریں۔",
    "کیا آج دکان کھلی ہے؟",
]


@dataclass(frozen=True, slots=True)
class DemoList:
    id: str
    name: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DemoAudio:
    id: str
    name: str
    filename: str
    duration: float
    uploaded_at: datetime
    ready_at: datetime


@dataclass(frozen=True, slots=True)
class DemoSmsCampaign:
    id: str
    name: str
    list_ids: tuple[str, ...]
    text: str
    mask: str
    scheduled_at: datetime
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DemoVoiceCampaign:
    id: str
    name: str
    kind: VoiceKind
    list_ids: tuple[str, ...]
    file_id: str
    text: str
    max_retries: int
    start: datetime
    end: datetime
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DemoMessage:
    id: str
    recipient: str
    text: str
    mask: str
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class DemoCall:
    id: str
    recipient: str
    file_id: str
    max_retries: int
    feedback: bool
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class DemoSeed:
    """What the demo account holds, by kind, with the gateway's IDs."""

    msisdn: str
    password: str
    masks: tuple[str, ...]
    lists: tuple[DemoList, ...]
    audio: tuple[DemoAudio, ...]
    sms_campaigns: tuple[DemoSmsCampaign, ...]
    voice_campaigns: tuple[DemoVoiceCampaign, ...]
    messages: tuple[DemoMessage, ...]
    calls: tuple[DemoCall, ...]


class _Seeder:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.state = sim.state
        self.now = sim.clock.timestamp()
        self.rng = random.Random(f"demo:{sim.config.seed}")
        self.account: Account = sim.add_account(
            DEMO_MSISDN,
            DEMO_PASSWORD,
            masks=DEMO_MASKS,
            credit=DEMO_CREDIT,
            free_incoming=5,
            short_code=DEMO_SHORT_CODE,
        )
        self.used: set[str] = set()

    def number(self) -> str:
        while True:
            prefix = self.rng.choice(["00", "01", "03", "21", "33", "45", "12"])
            candidate = f"923{prefix}{self.rng.randrange(10**7):07d}"
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate

    def add_list(self, name: str, size: int, age: float) -> DemoList:
        list_id = self.state.next_id("list")
        members = [self.number() for _ in range(size)]
        item = SubscriberList(list_id, DEMO_MSISDN, name, self.now - age, dict.fromkeys(members))
        self.state.lists[list_id] = item
        return DemoList(list_id, name, tuple(members))

    def add_audio(self, name: str, duration: float, age: float) -> DemoAudio:
        file_id = self.state.next_id("audio")
        uploaded = self.now - age
        ready = uploaded + self.sim.config.audio_ready_after
        filename = name.lower().replace(" ", "_") + ".wav"
        size = 44 + int(duration * AUDIO_SAMPLE_RATE) * 2
        self.state.audio[file_id] = AudioFile(
            file_id, DEMO_MSISDN, name, filename, size, duration, uploaded, ready
        )
        return DemoAudio(
            file_id, name, filename, duration, to_datetime(uploaded), to_datetime(ready)
        )

    def add_sms_campaign(
        self, name: str, lists: list[DemoList], text: str, when: float, age: float
    ) -> DemoSmsCampaign:
        camp_id = self.state.next_id("campaign")
        members: dict[str, int] = {}
        for item in lists:
            members.update(dict.fromkeys(item.members, 0))
        campaign = SmsCampaign(
            camp_id,
            DEMO_MSISDN,
            name,
            [x.id for x in lists],
            text,
            DEMO_MASKS[0],
            not is_gsm7(text),
            when,
            self.now - age,
            members,
        )
        self.state.sms_campaigns[camp_id] = campaign
        if when <= self.now:
            campaign.statuses = dict.fromkeys(members, 1)
            campaign.delivered = True
        else:
            from tui.simulator.sms import deliver_campaign

            self.state.schedule(when, lambda _at: deliver_campaign(self.state, campaign))
        return DemoSmsCampaign(
            camp_id,
            name,
            tuple(x.id for x in lists),
            text,
            DEMO_MASKS[0],
            to_datetime(when),
            to_datetime(self.now - age),
        )

    def add_voice_campaign(
        self, name: str, lists: list[DemoList], audio: DemoAudio, started_ago: float
    ) -> DemoVoiceCampaign:
        camp_id = self.state.next_id("voice")
        start = self.now - started_ago
        created = start - HOUR
        members: dict[str, None] = {}
        for item in lists:
            members.update(dict.fromkeys(item.members))
        text = "Reminder: your bill is due. Call 0800-12345 for help."
        campaign = VoiceCampaign(
            camp_id,
            DEMO_MSISDN,
            "broadcast",
            name,
            [x.id for x in lists],
            audio.id,
            text,
            1,
            start,
            start + 2 * DAY,
            0,
            23 * 60 + 59,
            created,
            created + self.sim.config.voice_approval_after,
            deque((number, 0) for number in members),
            status=VoiceCampaignStatus.SCHEDULED,
            next_call_at=start,
        )
        self.state.voice_campaigns[camp_id] = campaign
        return DemoVoiceCampaign(
            camp_id,
            name,
            "broadcast",
            tuple(x.id for x in lists),
            audio.id,
            text,
            1,
            to_datetime(start),
            to_datetime(start + 2 * DAY),
            to_datetime(created),
        )

    def add_message(self, recipient: str, text: str, age: float) -> DemoMessage:
        msg_id = self.state.next_id("message")
        at = self.now - age
        unicode = not is_gsm7(text)
        parts = max(1, segments(text, unicode))
        self.state.messages[msg_id] = SentMessage(
            msg_id,
            DEMO_MSISDN,
            recipient,
            text,
            DEMO_MASKS[0],
            unicode,
            None,
            parts,
            at,
            at + self.sim.config.sms_delivery_delay,
        )
        return DemoMessage(msg_id, recipient, text, DEMO_MASKS[0], to_datetime(at))

    def add_call(self, recipient: str, audio: DemoAudio, age: float, feedback: bool) -> DemoCall:
        call_id = self.state.next_id("call")
        at = self.now - age
        first = at + self.sim.config.call_delay
        options = 3 if feedback else None
        plan = [
            CallAttempt(first, CallStatus.BUSY),
            CallAttempt(
                first + self.sim.config.call_retry_interval,
                CallStatus.SENT,
                42,
                "2" if feedback else None,
            ),
        ]
        call = Call(
            call_id,
            DEMO_MSISDN,
            recipient,
            audio.id,
            DEMO_MASKS[0],
            1,
            at,
            plan,
            feedback,
            options,
            audio.id if feedback else None,
            audio.id if feedback else None,
        )
        self.state.calls[call_id] = call
        return DemoCall(call_id, recipient, audio.id, 1, feedback, to_datetime(at))

    def add_incoming(self) -> None:
        texts = [t for pair in zip(_ENGLISH, _URDU, strict=False) for t in pair] + _ENGLISH[4:]
        senders = [self.number() for _ in range(6)]
        for index, text in enumerate(texts[:6]):
            sms = arrive(
                self.state,
                self.account,
                senders[index],
                text,
                DEMO_SHORT_CODE,
                self.now - (6 - index) * 40 * 60,
            )
            if index < 3:
                sms.state = "paid"
        feed = IncomingFeed(
            self.state,
            self.account,
            senders,
            texts[6:] + texts[:6],
            self.sim.config.incoming_interval,
            self.now,
        )
        self.state.tickers.append(feed)


def seed_demo(sim: Simulator) -> DemoSeed:
    """Fill ``sim`` with the demo account and its history."""
    with sim.lock:
        seeder = _Seeder(sim)
        customers = seeder.add_list("Customers", 12, 20 * DAY)
        staff = seeder.add_list("Staff", 5, 30 * DAY)
        dealers = seeder.add_list("Karachi dealers", 150, 10 * DAY)
        welcome = seeder.add_audio("Welcome message", 12.5, 7 * DAY)
        reminder = seeder.add_audio("Payment reminder", 18.0, 3 * DAY)
        eid = seeder.add_audio("Eid greeting", 9.0, 0.0)
        today = to_datetime(seeder.now).replace(hour=10, minute=0, second=0, microsecond=0)
        finished = seeder.add_sms_campaign(
            "Eid Mubarak",
            [customers, staff],
            "Eid Mubarak from all of us! عید مبارک",
            (today - timedelta(days=1)).timestamp(),
            2 * DAY,
        )
        upcoming = seeder.add_sms_campaign(
            "Weekend sale",
            [customers],
            "Weekend sale: 20% off everything, Saturday and Sunday only.",
            (today + timedelta(days=1)).timestamp(),
            HOUR,
        )
        running = seeder.add_voice_campaign("Bill reminder", [dealers], reminder, 5 * 60.0)
        messages = (
            seeder.add_message(customers.members[0], "Your order has been dispatched.", 2 * HOUR),
            seeder.add_message(staff.members[1], "Team meeting moved to 3 pm.", HOUR),
            seeder.add_message(customers.members[2], "آپ کا آرڈر روانہ کر دیا گیا ہے۔", 0.0),
        )
        calls = (
            seeder.add_call(customers.members[3], welcome, 3 * HOUR, feedback=False),
            seeder.add_call(customers.members[4], welcome, 2 * HOUR, feedback=True),
        )
        seeder.add_incoming()
        return DemoSeed(
            DEMO_MSISDN,
            DEMO_PASSWORD,
            DEMO_MASKS,
            (customers, staff, dealers),
            (welcome, reminder, eid),
            (finished, upcoming),
            (running,),
            messages,
            calls,
        )
