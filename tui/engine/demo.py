"""The demo: the engine wired to the embedded simulator, with no account.

The simulator runs in-process (an httpx transport, no port). Its demo seed
stands for what "the user created earlier", so the demo's ledger is filled
with it. The demo keeps its own data directory, started afresh each time, so
demo data never mixes with a real account's.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tui.config import Profile, data_dir
from tui.engine.service import LEDGER_FILE, Engine
from tui.gateway.codes import AudioStatus
from tui.gateway.text import analyze
from tui.ledger import Ledger, NewCall, NewMessage
from tui.simulator import Simulator, SimulatorConfig
from tui.simulator.demo import DemoSeed

#: The demo never leaves the process; this address only names it in the UI.
DEMO_BASE_URL = "http://simulator.demo"


def demo_profile(seed: DemoSeed, price_per_segment: float | None = None) -> Profile:
    """The demo's account; ``price_per_segment``: what its simulator charges, so
    the demo's cost lines show credit figures as a real profile with a price does."""
    return Profile(
        name="demo",
        base_url=DEMO_BASE_URL,
        msisdn=seed.msisdn,
        password=seed.password,
        masks=list(seed.masks),
        default_mask=seed.masks[0],
        poll_initial=1.0,
        poll_max=10.0,
        inbox_interval=15.0,
        price_per_segment=price_per_segment,
    )


def _fresh_dir(directory: Path) -> None:
    for name in (LEDGER_FILE, LEDGER_FILE + "-wal", LEDGER_FILE + "-shm"):
        (directory / name).unlink(missing_ok=True)


def fill_ledger(ledger: Ledger, seed: DemoSeed, now: datetime) -> None:
    """Remember the seed's lists, audio, campaigns, messages and calls (``now``:
    the simulator's time)."""
    for item in seed.lists:
        ledger.lists.add_list(item.id, item.name, now)
        ledger.lists.add_members(item.id, item.members, "demo", now)
    for audio in seed.audio:
        ready = audio.ready_at <= audio.uploaded_at or audio.ready_at.timestamp() <= now.timestamp()
        ledger.audio.add_audio(
            audio.id,
            audio.name,
            audio.uploaded_at,
            source_path=audio.filename,
            size=int(audio.duration * 16000) + 44,
            duration=audio.duration,
            status=AudioStatus.READY if ready else AudioStatus.NOT_READY,
        )
    for campaign in seed.sms_campaigns:
        ledger.campaigns.add_campaign(
            campaign.id,
            campaign.name,
            campaign.list_ids,
            campaign.text,
            campaign.created_at,
            scheduled_at=campaign.scheduled_at,
            mask=campaign.mask,
        )
    for voice in seed.voice_campaigns:
        ledger.voice.add_voice_campaign(
            voice.id,
            voice.name,
            voice.kind,
            {
                "list_ids": list(voice.list_ids),
                "file_id": voice.file_id,
                "text": voice.text,
                "max_retries": voice.max_retries,
                "start": voice.start.isoformat(),
                "end": voice.end.isoformat(),
            },
            voice.created_at,
        )
    ledger.messages.record_messages(
        NewMessage(
            id=message.id,
            recipient=message.recipient,
            text=message.text,
            encoding=analyze(message.text).encoding,
            segments=analyze(message.text).segments,
            submitted_at=message.submitted_at,
            mask=message.mask,
        )
        for message in seed.messages
    )
    ledger.calls.record_calls(
        NewCall(
            id=call.id,
            recipient=call.recipient,
            file_id=call.file_id,
            submitted_at=call.submitted_at,
            kind="feedback" if call.feedback else "call",
            max_retries=call.max_retries,
            valid_options="3" if call.feedback else None,
        )
        for call in seed.calls
    )


async def open_demo_engine(
    *,
    speed: float = 1.0,
    manual_clock: bool = False,
    seed: int = 0,
    directory: Path | None = None,
    simulator_config: SimulatorConfig | None = None,
) -> Engine:
    """An engine on a fresh demo simulator (not started: call ``start()``)."""
    config = simulator_config or SimulatorConfig(seed=seed, speed=speed, manual_clock=manual_clock)
    simulator = Simulator(config, demo=True)
    assert simulator.demo_seed is not None
    directory = directory or data_dir("demo", demo=True)
    directory.mkdir(parents=True, exist_ok=True)
    _fresh_dir(directory)
    engine = await Engine.open(
        demo_profile(simulator.demo_seed, config.sms_price),
        data_dir=directory,
        transport=simulator.transport(),
        demo=True,
        # One clock on every screen: the demo's times are the simulator's.
        clock=simulator.clock,
    )
    engine.simulator = simulator
    fill_ledger(engine.ledger, simulator.demo_seed, simulator.clock.now())
    return engine
