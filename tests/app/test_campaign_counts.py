"""The campaigns screen counts a campaign's lists in a thread: a new campaign
not yet checked reads "counting…", then the distinct members of its lists."""

from __future__ import annotations

from pathlib import Path

from tests.app.harness import demo_app, wait_until
from tui.engine.sms_campaigns import CampaignDraft
from tui.screens.sms_campaigns import SmsCampaignsScreen


async def test_a_new_campaign_s_audience_is_counted_off_the_event_loop(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "sms_campaigns", size=(80, 24)) as (app, pilot, _sim):
        screen = app.screen
        assert isinstance(screen, SmsCampaignsScreen) and app.engine is not None
        customers = app.engine.ledger.lists.list_by_name("Customers")
        assert customers is not None
        assert app.engine.ledger.lists.list_names([customers.id, "nope"]) == {
            customers.id: "Customers"
        }
        assert (customers.id, "Customers") in app.engine.ledger.lists.named_lists()
        created = await screen.campaigns.create(
            CampaignDraft("Counted", [customers.id], "Hello", None)
        )
        campaign = app.engine.ledger.campaigns.campaign(created.id)
        assert campaign is not None
        screen._expected.pop(created.id, None)
        progress = screen.campaigns.progress(created.id)
        assert progress.total == 0  # the gateway has not been asked yet
        assert screen._progress_text(campaign, progress) == "not checked yet (counting…)"
        await wait_until(pilot, lambda: created.id in screen._expected, "the count")
        assert screen._expected[created.id] == customers.members
