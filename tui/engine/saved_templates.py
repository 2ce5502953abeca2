"""Saved message templates: texts kept by name, with the ``{fields}`` they use.

``SavedTemplates(ledger.saved_templates)`` (``engine.saved_templates``) checks a name (one
line, 1 to 40 characters) and a text (the field rules of personalised sends,
:func:`tui.engine.templates.parse_template`: ``{field}`` names, ``{{`` and
``}}`` for literal braces, a lone brace refused with its position), then keeps,
replaces, renames, lists and deletes templates in the ledger.

A plain send (pasted numbers, a campaign) has no sheet to fill fields from:
``plain_text`` gives a template's text with its literal braces resolved, or
refuses one with fields by naming them. :func:`placeholders` finds fields left
in a message box, so a screen can refuse to send ``Dear {name}`` as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tui.engine.templates import TemplateError, parse_template
from tui.gateway.errors import InvalidInput
from tui.ledger.saved_templates import SavedTemplate, SavedTemplateStore

__all__ = [
    "FIELD_TOKEN",
    "NAME_LIMIT",
    "SavedTemplate",
    "SavedTemplates",
    "TemplateExists",
    "fields_phrase",
    "message_box_text",
    "placeholder_problem",
    "placeholders",
]

#: Longest template name, in characters.
NAME_LIMIT = 40

#: The tokens of the template syntax (the same as ``tui.engine.templates``):
#: ``{{``, ``}}``, a field (its name is group 1) or a lone brace.
FIELD_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


class TemplateExists(InvalidInput):
    """A template of that name exists already (saving again needs ``replace``)."""

    def __init__(self, message: str, existing: SavedTemplate) -> None:
        super().__init__(message)
        self.existing = existing


def placeholders(text: str) -> list[str]:
    """The ``{field}`` names in ``text``, in first-use order; ``{{`` and ``}}``
    are literal braces and a lone brace is not a field."""
    names = (" ".join(m.group(1).split()) for m in FIELD_TOKEN.finditer(text) if m.group(1))
    return list(dict.fromkeys(name for name in names if name))


def fields_phrase(fields: Sequence[str]) -> str:
    """``{name}``, ``{name} and {amount}``, ``{a}, {b} and {c}``."""
    shown = [f"{{{name}}}" for name in fields]
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def message_box_text(template_text: str) -> tuple[str, list[str]]:
    """What a message box gets for a template, and the braced names in it that are
    not fields: without fields, the finished text (``{{`` written ``{``) and the
    names its literal braces now show; with fields, the text as written."""
    try:
        parsed = parse_template(template_text)
    except TemplateError:
        return template_text, []
    if parsed.fields:
        return template_text, []
    text = "".join(part for part in parsed.parts if isinstance(part, str))
    return text, placeholders(text)


def placeholder_problem(text: str, fields: Sequence[str] | None = None) -> str | None:
    """The sentence refusing to send ``text`` as it is, if it still holds fields
    (``fields``: those found already, when some braced names are not fields)."""
    fields = placeholders(text) if fields is None else list(fields)
    if not fields:
        return None
    them = "it" if len(fields) == 1 else "them"
    return (
        f"The text still holds {fields_phrase(fields)}; replace {them} with the real"
        f" {'value' if len(fields) == 1 else 'values'} before sending (fields are filled only"
        " by a personalised send from a sheet)."
    )


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    template: SavedTemplate
    #: True when an existing template of that name got the new text.
    replaced: bool


class SavedTemplates:
    """The saved templates of one ledger; every method is quick (a small table)."""

    def __init__(
        self, store: SavedTemplateStore, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.store = store
        self._clock = clock or (lambda: datetime.now(UTC))

    # Checks -----------------------------------------------------------------------

    @staticmethod
    def check_name(name: str) -> str:
        """The name as kept (trimmed), or InvalidInput saying what to change."""
        cleaned = name.strip()
        if not cleaned:
            raise InvalidInput(
                f"The template has no name; type one of 1 to {NAME_LIMIT} characters."
            )
        for position, character in enumerate(cleaned, start=1):
            if ord(character) < 0x20 or 0x7F <= ord(character) < 0xA0:
                raise InvalidInput(
                    f"The template name holds a line break or control character at character"
                    f" {position}; use one line of text."
                )
        if len(cleaned) > NAME_LIMIT:
            raise InvalidInput(
                f"The template name is {len(cleaned)} characters long; shorten it to"
                f" {NAME_LIMIT} or fewer."
            )
        return cleaned

    @staticmethod
    def check_text(text: str) -> list[str]:
        """The fields ``text`` uses, or TemplateError (an InvalidInput) saying what
        to change: empty, a control character, or a brace out of place."""
        plain = text.replace("\r\n", "\n").replace("\r", "\n")
        for position, character in enumerate(plain, start=1):
            code = ord(character)
            if character not in "\n\t" and (code < 0x20 or 0x7F <= code < 0xA0):
                raise TemplateError(
                    f"The template holds a control character (U+{code:04X}) at character"
                    f" {position}; remove it."
                )
        return parse_template(plain).fields

    @staticmethod
    def fields(text: str) -> list[str]:
        """The fields a kept text uses (none if it no longer parses)."""
        try:
            return parse_template(text).fields
        except TemplateError:
            return placeholders(text)

    # Reading ----------------------------------------------------------------------

    def search(self, words: str = "") -> list[SavedTemplate]:
        """Every template by name, or those whose name or text holds each word."""
        return self.store.saved_templates(words)

    def find(self, name: str) -> SavedTemplate | None:
        return self.store.saved_template(name.strip())

    def get(self, name: str) -> SavedTemplate:
        """The template called ``name`` (any case), or InvalidInput naming it."""
        found = self.find(name)
        if found is None:
            raise InvalidInput(
                f"There is no template called {name.strip()!r}; check the name against the"
                " list of saved templates."
            )
        return found

    # Changes ----------------------------------------------------------------------

    def save(self, name: str, text: str, *, replace: bool = False) -> SaveOutcome:
        """Keep ``text`` as ``name``; an existing name is refused with TemplateExists
        unless ``replace``."""
        name = self.check_name(name)
        self.check_text(text)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        at = self._clock()
        if self.store.add_saved_template(name, text, at):
            return SaveOutcome(self.get(name), replaced=False)
        existing = self.find(name)
        if not replace and existing is not None:
            raise TemplateExists(
                f"A template called {existing.name!r} exists already; replace it or choose"
                " another name.",
                existing,
            )
        if not self.store.replace_saved_template(name, text, at):
            # Deleted in between (another process): keep it as a new one.
            self.store.add_saved_template(name, text, at)
            return SaveOutcome(self.get(name), replaced=False)
        return SaveOutcome(self.get(name), replaced=True)

    def rename(self, old: str, new: str) -> SavedTemplate:
        current = self.get(old)
        new = self.check_name(new)
        taken = self.find(new)
        if taken is not None and taken.name.casefold() != current.name.casefold():
            raise InvalidInput(
                f"A template called {taken.name!r} exists already; choose another name."
            )
        if not self.store.rename_saved_template(current.name, new, self._clock()):
            raise InvalidInput(
                f"The template {current.name!r} could not be renamed to {new!r} (it changed"
                " meanwhile); look at the list again."
            )
        return self.get(new)

    def delete(self, name: str) -> SavedTemplate:
        """Forget the template called ``name``; InvalidInput if there is none."""
        found = self.get(name)
        self.store.delete_saved_template(found.name)
        return found

    # Using a template ---------------------------------------------------------------

    def plain_text(self, template: SavedTemplate) -> str:
        """The text a plain send sends: literal braces resolved. A template with
        fields is refused, naming them (a sheet fills them, or the user does)."""
        parsed = parse_template(template.text)
        fields = parsed.fields
        if fields:
            raise TemplateError(
                f"The template {template.name!r} uses {fields_phrase(fields)}, which a plain"
                " send cannot fill; send it personalised from a sheet, or give the finished"
                " text instead."
            )
        return "".join(part for part in parsed.parts if isinstance(part, str))

    def text_for_send(self, name: str) -> str:
        """The text of the template called ``name`` for a plain send (``plain_text``)."""
        return self.plain_text(self.get(name))

    @staticmethod
    def composer_text(template: SavedTemplate) -> str:
        """What a message box gets: the finished text, or (with fields) the text as
        written, fields for the user to replace."""
        return message_box_text(template.text)[0]
