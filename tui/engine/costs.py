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

    def sentence(self) -> str:
        parts = [
            f"{plural(self.segments_each, 'segment')} x {plural(self.recipients, 'recipient')}"
            f" = {plural(self.segments, 'segment')}"
        ]
        if self.cost is not None:
            parts.append(
                f"about {self.cost:,.2f} credit at {self.price:g} per segment (the profile's price)"
            )
        else:
            parts.append("price per segment not set in the profile, so no credit figure")
        if self.credit is not None:
            parts.append(f"credit {self.credit:,.2f} (from the gateway)")
        text = "; ".join(parts) + "."
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
