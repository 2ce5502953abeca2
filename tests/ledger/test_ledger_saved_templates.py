"""Saved message templates in a real ledger file: add, replace, rename, delete, list."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from tui.ledger import Ledger


def test_templates_are_kept_by_name_ignoring_case(ledger: Ledger, t0: datetime) -> None:
    assert ledger.saved_templates.saved_templates() == []
    assert ledger.saved_templates.add_saved_template(
        "Bill due", "Dear {name}, Rs {amount} is due.", t0
    )
    assert not ledger.saved_templates.add_saved_template("BILL DUE", "other", t0)  # the same name
    assert ledger.saved_templates.add_saved_template("appointment", "See you at {time}.", t0)
    assert [t.name for t in ledger.saved_templates.saved_templates()] == ["appointment", "Bill due"]
    found = ledger.saved_templates.saved_template("bill due")
    assert found is not None
    assert (found.name, found.text) == ("Bill due", "Dear {name}, Rs {amount} is due.")
    assert found.created_at == found.updated_at == t0
    assert ledger.saved_templates.saved_template("nothing") is None


def test_replace_keeps_the_creation_time_and_takes_the_new_spelling(
    ledger: Ledger, t0: datetime
) -> None:
    later = t0 + timedelta(hours=1)
    assert not ledger.saved_templates.replace_saved_template(
        "Promo", "x", later
    )  # nothing to replace
    ledger.saved_templates.add_saved_template("promo", "10% off", t0)
    assert ledger.saved_templates.replace_saved_template("Promo", "20% off", later)
    (only,) = ledger.saved_templates.saved_templates()
    assert (only.name, only.text, only.created_at, only.updated_at) == (
        "Promo",
        "20% off",
        t0,
        later,
    )


def test_rename_and_delete(ledger: Ledger, t0: datetime) -> None:
    ledger.saved_templates.add_saved_template("a", "first", t0)
    ledger.saved_templates.add_saved_template("b", "second", t0)
    assert not ledger.saved_templates.rename_saved_template("a", "B", t0)  # taken by another
    assert not ledger.saved_templates.rename_saved_template("missing", "c", t0)
    assert ledger.saved_templates.rename_saved_template("a", "A", t0)  # a change of case
    assert ledger.saved_templates.rename_saved_template("A", "c", t0)
    assert [(t.name, t.text) for t in ledger.saved_templates.saved_templates()] == [
        ("b", "second"),
        ("c", "first"),
    ]
    assert ledger.saved_templates.delete_saved_template("C")
    assert not ledger.saved_templates.delete_saved_template("c")
    assert [t.name for t in ledger.saved_templates.saved_templates()] == ["b"]


def test_search_matches_every_word_in_name_or_text(ledger: Ledger, t0: datetime) -> None:
    ledger.saved_templates.add_saved_template("Bill due", "Your bill of Rs {amount} is due", t0)
    ledger.saved_templates.add_saved_template("Eid greeting", "Eid Mubarak from all of us", t0)
    ledger.saved_templates.add_saved_template("Discount", "Get 50% off_today", t0)
    assert [t.name for t in ledger.saved_templates.saved_templates("bill")] == ["Bill due"]
    assert [t.name for t in ledger.saved_templates.saved_templates("MUBARAK eid")] == [
        "Eid greeting"
    ]
    assert [t.name for t in ledger.saved_templates.saved_templates("due eid")] == []
    # % and _ are plain characters, not wildcards
    assert [t.name for t in ledger.saved_templates.saved_templates("50%")] == ["Discount"]
    assert [t.name for t in ledger.saved_templates.saved_templates("f_t")] == ["Discount"]
    assert ledger.saved_templates.saved_templates("_") == [
        t for t in ledger.saved_templates.saved_templates() if "_" in t.text
    ]


def test_templates_survive_reopening_the_file(ledger_path: Path, t0: datetime) -> None:
    with Ledger.open(ledger_path) as first:
        first.saved_templates.add_saved_template("Kept", "Still here {{ok}}", t0)
    with Ledger.open(ledger_path) as again:
        kept = again.saved_templates.saved_template("kept")
    assert kept is not None and kept.text == "Still here {{ok}}"
