"""What paying for pending incoming messages costs, as the pay dialog says it,
checked against what the simulator's gateway then charges."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SIM_MSISDN
from tui.engine.costs import PayEstimate
from tui.engine.service import Engine
from tui.simulator import Simulator
from tui.widgets.pending_bar import pending_text


def test_the_free_allowance_is_used_first_then_each_message_is_charged() -> None:
    estimate = PayEstimate(unpaid=7, free=5, price=0.25, credit=10.0)
    assert (estimate.covered, estimate.charged, estimate.cost_floor) == (5, 2, 0.5)
    assert estimate.sentence() == (
        "5 are covered by the free allowance; the other 2 are charged per segment: at least"
        " 0.50 credit at 0.25 per segment (the profile's price). Credit now 10.00 (from the"
        " gateway)."
    )


def test_without_a_price_the_count_is_given_and_the_setting_named() -> None:
    text = PayEstimate(unpaid=1, free=0, price=None, credit=None).sentence()
    assert text == (
        "The free allowance is used up, so it is charged per segment (set price_per_segment"
        " in the profile to see it in credit)."
    )


def test_all_free_and_short_credit() -> None:
    assert "nothing is charged" in PayEstimate(2, 5, 0.25, 0.0).sentence()
    short = PayEstimate(unpaid=3, free=0, price=1.0, credit=2.0)
    assert short.short
    assert short.sentence().endswith(
        "That is more than the credit: the gateway pays for as many as the credit covers"
        " and leaves the rest waiting."
    )


@pytest.mark.parametrize(
    ("unpaid", "free", "text"),
    [
        (0, 5, "At the gateway: nothing to pay for · 5 free left in the allowance"),
        (1, 0, "At the gateway: 1 message to pay for · 0 free left in the allowance"),
        (3, 2, "At the gateway: 3 messages to pay for · 2 free left in the allowance"),
    ],
)
def test_the_bar_says_free_is_an_allowance(unpaid: int, free: int, text: str) -> None:
    assert pending_text(unpaid, free) == text


async def test_the_estimate_matches_what_the_gateway_charges(
    engine: Engine, simulator: Simulator
) -> None:
    account = next(iter(simulator.state.accounts.values()))
    account.free_incoming = 1
    for _ in range(3):
        simulator.push_incoming(SIM_MSISDN, "Hi")
    await engine.refresh_account()
    status = engine.status
    estimate = PayEstimate(
        status.unpaid_pending, status.free_incoming, simulator.config.incoming_price, status.credit
    )
    assert (estimate.unpaid, estimate.covered) == (3, 1)
    before = account.credit
    outcome = await engine.pay_and_fetch()
    assert outcome.paid == 3
    assert before - account.credit == pytest.approx(estimate.cost_floor)


async def test_the_demo_prices_segments_as_its_simulator_charges(tmp_path: Path) -> None:
    """In the demo a cost line has a credit figure, and a send the credit cannot
    pay is said to be short, as on an account whose profile has a price."""
    from tui.engine.demo import open_demo_engine
    from tui.simulator import SimulatorConfig

    engine = await open_demo_engine(manual_clock=True, directory=tmp_path / "demo")
    try:
        await engine.start()
        assert engine.profile.price_per_segment == SimulatorConfig().sms_price
        cost = await engine.cost_of(100_000, "Eid sale: 20% off everything")
        assert cost.credit is not None and cost.cost == 100_000 * SimulatorConfig().sms_price
        assert cost.short and "The credit is not enough" in cost.sentence()
        small = await engine.cost_of(3, "Hi")
        assert not small.short and "about 3.00 credit at 1 per segment" in small.sentence()
    finally:
        await engine.stop()
