"""A 200,000-member list in the campaign wizards: counted in SQL in a worker
thread while the keys typed meanwhile act on the step that has focus, the review
saying "counting" until the count arrives, Create waiting for it; no Python set
of the members is ever built."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList, Static

from tests.app.harness import demo_app, wait_until
from tests.app.test_sms_campaigns_screen import open_wizard
from tests.app.test_voice_screens import creations, ids
from tests.app.test_voice_screens import open_wizard as open_voice_wizard
from tui.engine.service import Engine
from tui.ledger.audience import AudienceCount
from tui.screens.confirm import ConfirmScreen
from tui.screens.sms_campaigns import SmsCampaignsScreen
from tui.screens.voice_campaigns import VoiceCampaignsScreen
from tui.widgets import MessageComposer
from tui.widgets.opted_out_members import OptedOutMembers

MEMBERS = 200_000


#: File trees open on the user's home: a folder of the test's own (conftest.py).
pytestmark = pytest.mark.usefixtures("home")


def number(n: int) -> str:
    return f"92301{n:07d}"


async def big_list(engine: Engine, name: str) -> str:
    """A list the gateway knows (with 5 numbers) holding 200,000 members in the
    ledger, written in SQL in one transaction."""
    list_id = await engine.client.create_list(name)
    await engine.client.add_contacts(list_id, [number(n) for n in range(5)])
    now = datetime.now(UTC)
    engine.ledger.lists.add_list(list_id, name, now)
    with engine.ledger._tx() as conn:
        conn.executemany(
            "INSERT INTO list_members (list_id, msisdn, added_at) VALUES (?, ?, ?)",
            ((list_id, number(n), now.isoformat()) for n in range(MEMBERS)),
        )
    return list_id


class GatedCounts:
    """The wizard's ``count_audience`` calls held at a gate until the test opens it,
    remembering the thread each ran on; ``member_set`` fails the test if called."""

    def __init__(self, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
        self.gate = threading.Event()
        self.threads: list[threading.Thread] = []
        self.started = threading.Event()
        real: Callable[..., AudienceCount] = engine.ledger.audience.count_audience

        def gated(*args: Any, **kwargs: Any) -> AudienceCount:
            if sys._getframe(1).f_code.co_name == "expected_recipients":
                # The campaigns screen's monitor, once the wizard has closed.
                return real(*args, **kwargs)
            self.threads.append(threading.current_thread())
            self.started.set()
            assert self.gate.wait(30), "the test never opened the gate"
            return real(*args, **kwargs)

        def no_sets(list_id: str) -> set[str]:
            raise AssertionError("the wizard built a set of a list's members")

        monkeypatch.setattr(engine.ledger.audience, "count_audience", gated)
        monkeypatch.setattr(engine.ledger.lists, "member_set", no_sets)

    def off_the_loop(self) -> bool:
        return bool(self.threads) and all(t is not threading.main_thread() for t in self.threads)


def text_of(node: Any, selector: str) -> str:
    return str(node.query_one(selector, Static).content)


async def tick(pilot: Pilot[Any], lists: SelectionList[str], list_id: str) -> None:
    lists.highlighted = next(
        i for i in range(lists.option_count) if lists.get_option_at_index(i).value == list_id
    )
    await pilot.press("space")


async def test_the_sms_wizard_counts_a_large_list_in_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with demo_app(tmp_path, "sms_campaigns") as (app, pilot, _sim):
        engine = app.engine
        big = await big_list(engine, "Everyone")
        engine.optouts.add([number(7), number(150_000)], "asked to stop")
        counts = GatedCounts(engine, monkeypatch)
        wizard = await open_wizard(app, pilot)
        await pilot.press(*"Large list", "enter")
        await wait_until(pilot, lambda: wizard.step == "lists", "the lists step")
        lists = wizard.query_one(SelectionList)
        await tick(pilot, lists, big)
        await wait_until(pilot, counts.started.is_set, "the count to start")
        assert "counting" in text_of(wizard, "#wizard-audience")
        # Keys typed while the count runs act on the step with focus.
        await pilot.press("ctrl+n", *"Hello everyone")
        await wait_until(pilot, lambda: wizard.step == "message", "the message step")
        composer = wizard.query_one(MessageComposer)
        await wait_until(pilot, lambda: composer.text == "Hello everyone", "the text")
        assert "counting" in text_of(wizard, "#wizard-total")
        focused = app.focused
        counts.gate.set()
        total = f"× {MEMBERS:,} recipients"
        await wait_until(pilot, lambda: total in text_of(wizard, "#wizard-total"), "the count")
        # The count changed neither the step nor the focus.
        assert wizard.step == "message" and app.focused is focused
        assert counts.off_the_loop()

        # The review: counted already; Create waits for the opted-out check.
        await pilot.press("ctrl+n", "ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "review", "the review")
        await wait_until(pilot, lambda: not wizard.counting, "the checks")
        assert f"Everyone ({MEMBERS:,})" in wizard.review_shown
        assert f"{MEMBERS:,} distinct numbers" in wizard.review_shown
        warning = wizard.query_one(OptedOutMembers)
        assert warning.count == 2 and warning.listed == [number(7), number(150_000)]
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert "2 members of these lists" in app.screen.question
        await pilot.press("right", "enter")  # Create anyway
        await wait_until(pilot, lambda: isinstance(app.screen, SmsCampaignsScreen), "created")
        campaign = engine.ledger.campaigns.campaign_by_name("Large list")
        assert campaign is not None and list(campaign.list_ids) == [big]
        overridden = [e.action for e in engine.optouts.store.events(number(150_000))]
        assert "override" in overridden


async def test_create_pressed_while_the_review_counts_waits_for_the_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with demo_app(tmp_path, "sms_campaigns") as (app, pilot, sim):
        engine = app.engine
        big = await big_list(engine, "Everyone")
        staff = next(item.id for item in engine.ledger.lists.lists() if item.name == "Staff")
        wizard = await open_wizard(app, pilot)
        await pilot.press(*"Waits for the count", "enter")
        await wait_until(pilot, lambda: wizard.step == "lists", "the lists step")
        lists = wizard.query_one(SelectionList)
        await tick(pilot, lists, staff)
        await wait_until(pilot, lambda: "distinct" in text_of(wizard, "#wizard-audience"), "1")
        counts = GatedCounts(engine, monkeypatch)
        await tick(pilot, lists, big)  # two lists: distinct numbers counted again
        await pilot.press("ctrl+n", *"Hi", "ctrl+n", "ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "review", "the review")
        assert "counting the lists' members" in wizard.review_shown
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert wizard.create_pending and app.screen is wizard
        assert not [r for r in sim.requests if r.page == "campaign.jsp"]
        counts.gate.set()
        await wait_until(pilot, lambda: isinstance(app.screen, SmsCampaignsScreen), "created")
        assert counts.off_the_loop()
        campaign = engine.ledger.campaigns.campaign_by_name("Waits for the count")
        assert campaign is not None and set(campaign.list_ids) == {staff, big}


async def test_the_voice_wizard_counts_a_large_list_in_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with demo_app(tmp_path, "voice_campaigns") as (app, pilot, _sim):
        engine = app.engine
        big = await big_list(engine, "Everyone")
        screen = app.screen
        assert isinstance(screen, VoiceCampaignsScreen)
        screen.query_one("#voice-wizard").reload()  # type: ignore[attr-defined]
        known = ids(engine)
        counts = GatedCounts(engine, monkeypatch)
        wizard = await open_voice_wizard(pilot, screen)
        await pilot.press("ctrl+n", *"Large call", "tab")
        await tick(pilot, wizard.query_one(SelectionList), big)
        await wait_until(pilot, counts.started.is_set, "the count to start")
        assert "Counting" in text_of(wizard, "#wiz-recipients")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "audio", "the audio step")
        assert wizard.query_one("#wiz-name", Input).value == "Large call"
        wizard.query_one("#wiz-audio").value = known["Welcome message"]  # type: ignore[attr-defined]
        await pilot.press("ctrl+n", "ctrl+n")
        await wait_until(pilot, lambda: wizard.step == "review", "the review")
        assert "counting the numbers" in wizard.review_shown
        focused = app.focused
        counts.gate.set()
        await wait_until(pilot, lambda: f"{MEMBERS} numbers in all" in wizard.review_shown, "n")
        assert wizard.step == "review" and app.focused is focused
        assert counts.off_the_loop()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(creations(engine)) == 1, "created")
        campaign = next(c for c in engine.ledger.voice.voice_campaigns() if c.name == "Large call")
        assert campaign.params["recipients"] == MEMBERS
