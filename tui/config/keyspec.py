"""What is declared about each profile key (:class:`KeySpec`): its help, its
Settings label, bounds or choices, whether it is secret; and the words for
each kind of value. The keys themselves are the fields of ``schema.Profile``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

#: How a key's value is typed, in the file and in Settings.
Kind = Literal[
    "text", "optional_text", "bool", "float", "optional_float", "int", "list", "optional_list"
]

#: Annotation of a Profile field -> its kind.
KINDS: dict[str, Kind] = {
    "str": "text",
    "str | None": "optional_text",
    "bool": "bool",
    "float": "float",
    "float | None": "optional_float",
    "int": "int",
    "list[str]": "list",
    "list[str] | None": "optional_list",
}

#: What a value of each kind must be, as the messages say it.
KIND_WORDS: dict[Kind, str] = {
    "text": "text",
    "optional_text": "text or left out",
    "bool": "true or false",
    "float": "a number",
    "optional_float": "a number or left out",
    "int": "a whole number",
    "list": "a list of texts",
    "optional_list": "a list of texts or left out",
}

#: Day names of ``send_days``, Monday first (``datetime.weekday()`` order).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: A time of day as ``send_from`` and ``send_until`` take it.
HH_MM = r"([01]\d|2[0-3]):[0-5]\d"

SECTIONS = (
    "Account",
    "Masks",
    "Time and sending hours",
    "Status polling",
    "Inbox",
    "Limits",
    "TLS",
    "Opt-outs",
    "Costs",
)


@dataclass(frozen=True, slots=True)
class KeySpec:
    """Everything about one profile key besides its name, type and default."""

    help: str
    section: str
    #: The key's name in Settings and in problem sentences.
    label: str
    #: Unit of a number ("seconds"), said after bounds and in Settings.
    unit: str = ""
    #: Lower bound; ``above`` makes it exclusive ("more than 0").
    minimum: float | None = None
    above: bool = False
    #: Upper bound, always exclusive ("under 1800").
    below: float | None = None
    #: Allowed values (each item of a list).
    choices: tuple[str, ...] = ()
    #: Regular expression a text must match, and how to say it.
    pattern: str | None = None
    pattern_words: str = ""
    #: An example value, for Settings' placeholder.
    example: str = ""
    #: What leaving an optional key out means ("no limit").
    empty: str = ""
    #: Never shown in messages, written only when the user chose so.
    secret: bool = False
    #: Whether the Settings form has a field for it.
    in_settings: bool = True
    #: Settings must not leave it empty.
    required: bool = False
    #: Filled in from the dataclass field.
    name: str = ""
    kind: Kind = "text"
    default: Any = None

    @property
    def bounds(self) -> str:
        """The allowed values in words ("more than 0 seconds"), or ""."""
        low, high = self.minimum, self.below
        word = "more than" if self.above else "at least"
        if low is not None and high is not None:
            return f"{word} {low:g} and under {self._amount(high)}"
        if low is not None:
            return f"{word} {self._amount(low)}"
        if high is not None:
            return f"under {self._amount(high)}"
        if self.choices:
            return ", ".join(self.choices)
        return self.pattern_words

    def _amount(self, number: float) -> str:
        unit = self.unit[:-1] if number == 1 and self.unit.endswith("s") else self.unit
        return f"{number:g} {unit}".rstrip()

    @property
    def hint(self) -> str:
        """Settings' placeholder: an example and what empty means."""
        parts = [f"e.g. {self.example}"] if self.example else []
        if self.empty:
            parts.append(f"empty = {self.empty}")
        return ", ".join(parts)

    def bound_problem(self, value: object) -> str | None:
        """What is wrong with number ``value`` for this key (a phrase), or None."""
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        low, high = self.minimum, self.below
        too_low = low is not None and (value <= low if self.above else value < low)
        too_high = high is not None and value >= high
        if not (too_low or too_high):
            return None
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        leave = f" (empty or left out: {self.empty})" if self.empty else ""
        return f"must be {self.bounds}, not {shown}{leave}"


def spec(**details: Any) -> dict[str, KeySpec]:
    """A Profile field's metadata: its :class:`KeySpec`."""
    return {"spec": KeySpec(**details)}
