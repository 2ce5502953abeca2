"""What a send will cost, before it goes: segments x recipients, and in credit.

The segment count is derived locally (the text's encoding and length). The
gateway reports the account's credit (``incoming_sms_info``) but not the price
of a segment: that comes from the profile (``price_per_segment``) when the
user has set it, and the estimate says so. Without it, the cost is given in
segments only and nothing is refused for lack of credit.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.wording import plural


@dataclass(frozen=True, slots=True)
class CostEstimate:
    recipients: int
    segments_each: int
    #: The profile's price per segment, if set.
    price: float | None
    #: The account's credit as the gateway last reported it, if known.
    credit: float | None

    @property
    def segments(self) -> int:
        return self.recipients * self.segments_each

    @property
    def cost(self) -> float | None:
        return None if self.price is None else round(self.segments * self.price, 2)

    @property
    def short(self) -> bool:
        """True when the known credit cannot pay the known cost."""
        cost = self.cost
        return cost is not None and self.credit is not None and cost > self.credit

    def sentence(self, *, with_segments: bool = True) -> str:
        """The segments, what they cost in credit, and the credit; without the
        segments where they are shown already (``with_segments`` False)."""
        parts: list[str] = []
        if with_segments:
            parts.append(
                f"{plural(self.segments_each, 'segment')} x"
                f" {plural(self.recipients, 'recipient')} = {plural(self.segments, 'segment')}"
            )
        if self.cost is not None:
            parts.append(
                f"about {self.cost:,.2f} credit at {self.price:g} per segment (the profile's price)"
            )
        else:
            parts.append("price per segment not set in the profile, so no credit figure")
        if self.credit is not None:
            parts.append(f"credit {self.credit:,.2f} (from the gateway)")
        text = "; ".join(parts) + "."
        if not with_segments:  # it begins the sentence
            text = text[0].upper() + text[1:]
        if self.short:
            text += (
                " The credit is not enough: the gateway stops sending when it runs out,"
                " leaving the rest unsent. Top up first, or send to fewer numbers."
            )
        return text


def estimate(
    recipients: int, segments_each: int, *, price: float | None, credit: float | None
) -> CostEstimate:
    return CostEstimate(recipients, segments_each, price, credit)


@dataclass(frozen=True, slots=True)
class PayEstimate:
    """What paying for the pending incoming messages costs: the gateway's counts
    (unpaid messages, free allowance left, credit) and the profile's price.

    The gateway uses the free allowance first, then charges each remaining
    message per segment; the segments of a message not yet fetched are unknown,
    so a cost in credit is a floor (one segment each).
    """

    unpaid: int
    free: int
    price: float | None
    credit: float | None

    @property
    def covered(self) -> int:
        return min(self.unpaid, self.free)

    @property
    def charged(self) -> int:
        return self.unpaid - self.covered

    @property
    def cost_floor(self) -> float | None:
        return None if self.price is None else round(self.charged * self.price, 2)

    @property
    def short(self) -> bool:
        floor = self.cost_floor
        return floor is not None and self.credit is not None and floor > self.credit

    def sentence(self) -> str:
        """E.g. "5 are covered by the free allowance; the other 2 are charged per
        segment: at least 0.50 credit at 0.25 per segment. Credit now 10.00."."""
        if self.charged == 0:
            text = (
                "All of them are covered by the free allowance"
                f" ({self.free:,} left, from the gateway): nothing is charged."
            )
        else:
            if self.covered:
                covered = (
                    f"{self.covered:,} {'is' if self.covered == 1 else 'are'} covered by the "
                    f"free allowance; the other {self.charged:,}"
                )
            elif self.charged == 1:
                covered = "The free allowance is used up, so it"
            else:
                covered = f"The free allowance is used up, so all {self.charged:,}"
            if self.cost_floor is not None:
                cost = (
                    f": at least {self.cost_floor:,.2f} credit at {self.price:g} per segment "
                    "(the profile's price)"
                )
            else:
                cost = " (set price_per_segment in the profile to see it in credit)"
            text = f"{covered} {'is' if self.charged == 1 else 'are'} charged per segment{cost}."
        if self.credit is not None:
            text += f" Credit now {self.credit:,.2f} (from the gateway)."
        if self.short:
            text += (
                " That is more than the credit: the gateway pays for as many as the credit"
                " covers and leaves the rest waiting."
            )
        return text
