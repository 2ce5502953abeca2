"""A survey's results as text: the keys pressed (counts and shares) and the
calls' outcomes, each a bar per row (``widgets/share_bars.py``)."""

from __future__ import annotations

from tui.ledger.surveys import Survey, SurveyTally
from tui.widgets.share_bars import bar_lines


def key_lines(survey: Survey, tally: SurveyTally) -> list[str]:
    """Keys pressed among those who answered with a key: counts and shares."""
    rows = [
        (f"Key {key}", tally.keys.get(str(key), 0)) for key in range(1, survey.valid_options + 1)
    ]
    if not sum(count for _, count in rows):
        return ["Keys pressed: none yet."]
    return [f"Keys pressed ({sum(c for _, c in rows):,} answers with a key)", *bar_lines(rows)]


def outcome_lines(tally: SurveyTally) -> list[str]:
    rows = [
        ("Answered", tally.answered),
        ("Busy", tally.busy),
        ("No answer", tally.no_answer),
        ("Not responding", tally.not_responding),
        ("Calling", tally.in_progress),
        ("Waiting", tally.waiting),
    ]
    lines = [f"Outcomes of {tally.total:,} numbers", *bar_lines(rows)]
    if tally.answered_no_key:
        lines.append(f"{tally.answered_no_key:,} answered without pressing a valid key.")
    if tally.unknown:
        lines.append(
            f"{tally.unknown:,} calls have an unknown outcome (settle them in Activity);"
            " they are never called again by themselves."
        )
    if tally.failed:
        lines.append(f"{tally.failed:,} numbers were refused by the gateway.")
    return lines
