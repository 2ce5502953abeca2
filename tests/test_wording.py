"""Sentences the app composes end once, whatever they quote."""

from __future__ import annotations

from tui.wording import plural, sentence


def test_a_summary_becomes_one_sentence() -> None:
    assert sentence("SMS of 1 segment: Fault test two") == "SMS of 1 segment: Fault test two."
    assert sentence("call playing audio 151 ") == "call playing audio 151."
    for ended in ("Are you there?", "Done.", "Wow!", "Wait…", "شکریہ۔", "کیا؟"):
        assert sentence(ended) == ended
    assert sentence("Sent (it may have taken effect.)") == "Sent (it may have taken effect.)"
    assert sentence("1 submit interrupted (by a stopped run)") == (
        "1 submit interrupted (by a stopped run)."
    )


def test_plural() -> None:
    assert plural(1, "number") == "1 number" and plural(2, "batch", "batches") == "2 batches"
