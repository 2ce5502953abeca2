"""Horizontal bars of shares, readable without colour: ``Key 1  ████░░  12  40%``.

Used for a voice campaign's outcomes and a survey's keys.
"""

from __future__ import annotations

BAR_WIDTH = 30
FULL, EMPTY = "█", "░"


def bar_lines(rows: list[tuple[str, int]], width: int = BAR_WIDTH) -> list[str]:
    """Each row's share of the total as a bar, with its count and percent."""
    total = sum(count for _, count in rows)
    label_width = max((len(label) for label, _ in rows), default=0)
    count_width = max((len(str(count)) for _, count in rows), default=1)
    lines = []
    for label, count in rows:
        share = count / total if total else 0.0
        filled = round(share * width)
        lines.append(
            f"{label:<{label_width}}  {FULL * filled}{EMPTY * (width - filled)}  "
            f"{count:>{count_width}}  {share:>4.0%}"
        )
    return lines
