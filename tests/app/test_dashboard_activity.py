"""Dashboard and Activity against the demo engine: live counts, statuses, unknown outcomes."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static

from tests.app.harness import demo_app, wait_until, workers_done
from tui.screens.activity import ActivityScreen, ActivityTable
from tui.screens.dashboard import DashboardScreen

NUMBERS = ["923211112222", "923331234567"]


def card(screen: DashboardScreen, name: str) -> str:
    return str(screen.query_one(f"#{name}-value", Static).content)


def column(table: DataTable[str], key: str) -> dict[str, str]:
    """Cell text of column ``key`` by row key."""
    return {str(row_key.value): str(table.get_cell(row_key, key)) for row_key in list(table.rows)}


async def test_dashboard_follows_sends_and_deliveries(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "dashboard") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        engine = app.engine
        assert engine is not None
        assert "Logged in" in card(screen, "session")

        await pilot.press("r")
        await workers_done(pilot, "dashboard-refresh")
        credit = sim.credit(engine.profile.msisdn)
        await wait_until(pilot, lambda: f"{credit:,.2f}" in card(screen, "credit"), "credit")
        # The figure says what it is and where and when it came from.
        shown = card(screen, "credit")
        assert shown.startswith(f"Rs {credit:,.2f}") and "gateway at " in shown
        assert "—" not in shown
        unpaid = engine.status.unpaid_pending
        assert f"{unpaid} waiting to be paid for" in card(screen, "incoming")

        tracked = engine.ledger.dashboard_counts().in_flight_messages
        outcome = await engine.send_sms(NUMBERS, "Your order is ready.")
        ids = [item_id for _, item_id in outcome.ids]
        await wait_until(
            pilot,
            lambda: f"{tracked + 2} messages not final yet" in card(screen, "in-flight"),
            "in-flight count",
        )
        # Counted in the background: the event's line may come just after.
        await wait_until(
            pilot,
            lambda: (
                "SMS of 1 segment: Your order is ready."
                in str(screen.query_one("#recent", Static).content)
            ),
            "the send's line",
        )

        sim.clock.advance(120)
        await wait_until(
            pilot,
            lambda: all(
                f"Message {item_id}" in str(screen.query_one("#recent", Static).content)
                for item_id in ids
            ),
            "delivery events",
        )
        recent = str(screen.query_one("#recent", Static).content)
        assert f"Message {ids[0]} to {NUMBERS[0]}: Sent." in recent
        assert "Last poll" in card(screen, "polling")
        assert "—" not in card(screen, "polling").split("\n")[0]


async def test_activity_shows_live_statuses_and_filters(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "activity") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, ActivityScreen)
        engine = app.engine
        assert engine is not None
        table = screen.query_one(ActivityTable)
        # The demo's history is listed: messages, calls, campaigns and audio.
        kinds = set(column(table, "kind").values())
        assert {"SMS", "SMS campaign", "Voice campaign", "Audio"} <= kinds

        outcome = await engine.send_sms(NUMBERS, "Reminder: meeting at 3.")
        keys = [f"message:{item_id}" for _, item_id in outcome.ids]
        await wait_until(pilot, lambda: all(k in table.rows for k in keys), "new rows")
        sim.clock.advance(120)
        await wait_until(
            pilot,
            lambda: all(column(table, "status")[k] == "Sent" for k in keys),
            "statuses reach Sent",
        )
        assert {column(table, "target")[k] for k in keys} == set(NUMBERS)
        # The tracker's count is worded as on the Dashboard: items polled, all kinds.
        info = screen.query_one("#poll-info", Static)
        await wait_until(pilot, lambda: " polled" in str(info.content), "a poll's count")
        assert "in flight" not in str(info.content)

        # Filter: calls only, then messages still in flight (none of ours).
        screen.query_one("#kind-filter", Select).value = "call"
        await pilot.pause()
        assert set(column(table, "kind").values()) <= {"Call", "Feedback call"}
        screen.query_one("#kind-filter", Select).value = "message"
        screen.query_one("#state-filter", Select).value = "in_flight"
        await pilot.pause()
        assert not any(k in table.rows for k in keys)
        screen.query_one("#state-filter", Select).value = "finished"
        await pilot.pause()
        assert all(k in table.rows for k in keys)
        assert set(column(table, "kind").values()) == {"SMS"}


async def test_unknown_outcome_is_listed_and_settled_with_a_note(tmp_path: Path) -> None:
    async with demo_app(tmp_path, "activity") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, ActivityScreen)
        engine = app.engine
        assert engine is not None
        sim.faults.add("sendsms", kind="drop", probability=1.0, count=1)
        outcome = await engine.send_sms(NUMBERS, "Did this arrive?")
        assert outcome.unknown == NUMBERS
        unknown = screen.query_one("#unknown", DataTable)
        await wait_until(pilot, lambda: unknown.row_count == 1, "unknown listed")
        [entry] = engine.ledger.unknown.unknown_submits()
        assert column(unknown, "state") == {str(entry.id): "Open"}
        assert NUMBERS[0] in column(unknown, "target")[str(entry.id)]
        assert "1 open" in str(screen.query_one("#unknown-title").render())

        # Settling needs a note.
        unknown.focus()
        await pilot.press("t")
        assert engine.ledger.unknown.unknown_submits() == [entry]
        assert app.focused is screen.query_one("#settle-note", Input)

        await pilot.press(*"checked on portal: delivered", "enter")
        assert engine.ledger.unknown.unknown_submits() == []
        [settled] = engine.ledger.unknown.unknown_submits(settled=True)
        assert settled.note == "checked on portal: delivered"
        assert column(unknown, "state") == {str(entry.id): "Settled: checked on portal: delivered"}
        assert "0 open" in str(screen.query_one("#unknown-title").render())
        # Nothing was sent again.
        assert [r.page for r in sim.requests].count("sendsms.jsp") == 1


async def test_a_lost_list_creation_is_settled_with_its_id_in_activity(tmp_path: Path) -> None:
    from tui.engine.list_upload import ListUploader
    from tui.gateway.errors import OutcomeUnknown

    async with demo_app(tmp_path, "activity") as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, ActivityScreen)
        engine = app.engine
        assert engine is not None
        sim.faults.add("list", kind="drop", probability=1.0, count=1)
        try:
            await ListUploader(engine).create_list("Winter offer")
        except OutcomeUnknown:
            pass
        unknown = screen.query_one("#unknown", DataTable)
        screen.reload_unknown()
        await wait_until(pilot, lambda: unknown.row_count >= 1, "unknown listed")
        assert screen.query_one("#settle-list-bar").display
        [created] = [lst for lst in sim.state.lists.values() if lst.name == "Winter offer"]
        unknown.focus()
        screen.query_one("#settle-list-id", Input).value = created.id
        screen.query_one("#settle-list").focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: not engine.ledger.unknown.unknown_submits(), "settled")
        found = engine.ledger.lists.list_by_name("Winter offer")
        assert found is not None and found.id == created.id


async def test_incoming_counts_never_read_are_unknown_not_zero(tmp_path: Path) -> None:
    """Until the gateway has answered with the account's figures, the dashboard
    says they are unknown; it never shows 0 waiting as if the gateway said so."""
    faults = "incoming_sms_info:html500"
    async with demo_app(tmp_path, "dashboard", faults=faults) as (app, pilot, sim):
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        await wait_until(pilot, lambda: "unknown" in card(screen, "credit"), "the cards")
        incoming = card(screen, "incoming")
        assert "unknown waiting to be paid for" in incoming
        assert "unknown left in the free allowance" in incoming
        sim.faults.clear()
        await pilot.press("r")
        await workers_done(pilot, "dashboard-refresh")
        assert app.engine is not None
        unpaid = app.engine.status.unpaid_pending
        await wait_until(
            pilot, lambda: f"{unpaid} waiting to be paid for" in card(screen, "incoming")
        )
