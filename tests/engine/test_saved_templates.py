"""Saved templates in the engine: names and texts checked, fields listed, plain sends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.engine.saved_templates import (
    SavedTemplates,
    TemplateExists,
    fields_phrase,
    placeholder_problem,
    placeholders,
)
from tui.engine.service import Engine
from tui.engine.templates import TemplateError
from tui.gateway.errors import InvalidInput
from tui.ledger import Ledger


@pytest.fixture
def templates(tmp_path: Path) -> Iterator[SavedTemplates]:
    with Ledger.open(tmp_path / "ledger.sqlite3") as ledger:
        yield SavedTemplates(ledger.saved_templates)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("", "has no name"),
        ("   ", "has no name"),
        ("x" * 41, "41 characters long; shorten it to 40"),
        ("two\nlines", "line break or control character at character 4"),
    ],
)
def test_bad_names_are_refused_in_one_sentence(
    templates: SavedTemplates, name: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        templates.save(name, "Hello")
    message = str(refused.value)
    assert words in message and message.count(". ") == 0 and message.endswith(".")
    assert templates.search() == []


def test_a_name_of_40_characters_is_kept_trimmed(templates: SavedTemplates) -> None:
    name = "n" * 40
    saved = templates.save(f"  {name} ", "Hello").template
    assert saved.name == name


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "is empty"),
        ("Dear {name, hello", "{ with no closing } at character 6"),
        ("Price } 10", "} with no opening { at character 7"),
        ("Empty {} here", "empty field {} at character 7"),
        ("Bell \x07 here", "control character (U+0007) at character 6"),
    ],
)
def test_bad_texts_are_refused_with_the_position(
    templates: SavedTemplates, text: str, words: str
) -> None:
    with pytest.raises(TemplateError) as refused:
        templates.save("t", text)
    assert words in str(refused.value)
    assert templates.find("t") is None


def test_fields_are_listed_and_literal_braces_are_not_fields(templates: SavedTemplates) -> None:
    text = "Dear {name}, Rs {amount} is due; {name}, use code {{A1}}."
    assert templates.check_text(text) == ["name", "amount"]
    assert templates.fields(text) == ["name", "amount"]
    assert placeholders(text) == ["name", "amount"]
    assert placeholders("a { lone brace, and {{x}} and }") == []
    assert fields_phrase(["a"]) == "{a}"
    assert fields_phrase(["a", "b", "c"]) == "{a}, {b} and {c}"


def test_saving_an_existing_name_needs_replace(templates: SavedTemplates) -> None:
    first = templates.save("Bill due", "Rs {amount} is due")
    assert not first.replaced
    with pytest.raises(TemplateExists) as exists:
        templates.save("bill DUE", "changed")
    assert "A template called 'Bill due' exists already" in str(exists.value)
    assert exists.value.existing.text == "Rs {amount} is due"
    again = templates.save("bill DUE", "changed\r\nline", replace=True)
    assert again.replaced and again.template.text == "changed\nline"
    assert [t.name for t in templates.search()] == ["bill DUE"]


def test_rename_and_delete(templates: SavedTemplates) -> None:
    templates.save("a", "first")
    templates.save("b", "second")
    with pytest.raises(InvalidInput, match="'b' exists already"):
        templates.rename("a", "B")
    assert templates.rename("a", "A").name == "A"
    assert templates.rename("A", "Welcome").text == "first"
    assert templates.delete("WELCOME").name == "Welcome"
    with pytest.raises(InvalidInput, match="no template called 'Welcome'"):
        templates.delete("Welcome")
    assert [t.name for t in templates.search()] == ["b"]


def test_plain_text_resolves_literals_and_refuses_fields(templates: SavedTemplates) -> None:
    plain = templates.save("code", "Your code is {{A1}}, valid today.").template
    assert templates.plain_text(plain) == "Your code is {A1}, valid today."
    assert templates.composer_text(plain) == "Your code is {A1}, valid today."
    with_fields = templates.save("bill", "Dear {name}, Rs {amount} is due.").template
    with pytest.raises(TemplateError) as refused:
        templates.plain_text(with_fields)
    assert str(refused.value) == (
        "The template 'bill' uses {name} and {amount}, which a plain send cannot fill; send"
        " it personalised from a sheet, or give the finished text instead."
    )
    assert templates.composer_text(with_fields) == "Dear {name}, Rs {amount} is due."


def test_placeholder_problem_names_the_fields_left() -> None:
    assert placeholder_problem("Dear Ali, Rs 500 is due.") is None
    assert placeholder_problem("Use {{code}} now") is None
    problem = placeholder_problem("Dear {name}, Rs {amount} is due.")
    assert problem is not None
    assert problem.startswith("The text still holds {name} and {amount}; replace them")


async def test_the_engine_keeps_templates_in_its_ledger(engine: Engine) -> None:
    engine.saved_templates.save("Greeting", "Eid Mubarak!")
    assert engine.ledger.saved_templates.saved_template("greeting") is not None
    assert [t.name for t in engine.saved_templates.search("mubarak")] == ["Greeting"]
