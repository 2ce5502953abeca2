"""One list's members as the ledger knows them: pages, search, make-up, removal, export.

Every read is a page of SQL (a list may have a million members); nothing
loads the whole list. The gateway has no command to take a number off a
list, so removing members changes only the local copy: the gateway's list
keeps them, and campaigns using the list still reach them. A clean list made
from the remaining members (``engine/clean_lists.py``) is how they stop.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.engine.profile_time import profile_zone
from tui.gateway import operators
from tui.gateway.errors import InvalidInput
from tui.gateway.numbers import number_fragment
from tui.ledger import LedgerError, Member
from tui.wording import plural

if TYPE_CHECKING:
    from tui.engine.service import Engine

__all__ = [
    "GATEWAY_KEEPS",
    "ListMembers",
    "Makeup",
    "MemberPage",
    "Search",
    "network_counts",
    "parse_search",
    "removal_sentence",
]

#: What removing members does not do, said wherever they are removed.
GATEWAY_KEEPS = (
    "The gateway has no command to remove a number from a list: the gateway list keeps "
    "them; campaigns using this list still reach them."
)


@dataclass(frozen=True, slots=True)
class Search:
    """What a search looks for: part of a number (as stored), or text of the kept columns."""

    digits: str | None = None
    text: str | None = None

    def __bool__(self) -> bool:
        return bool(self.digits or self.text)


def parse_search(typed: str) -> Search:
    """Part of a number typed in any format (``0300 12``, ``+92-300-12``), or
    text to find in the kept columns (a name). Raises InvalidInput for a
    number part too short to mean anything."""
    text = typed.strip()
    if not text:
        return Search()
    digits = number_fragment(text)
    if digits is not None:
        return Search(digits=digits)
    if any(ch.isdigit() for ch in text) and not any(ch.isalpha() for ch in text):
        raise InvalidInput(
            f"{typed.strip()!r} is too short to search by; type at least 3 digits of the number."
        )
    return Search(text=text)


def network_counts(prefixes: dict[str, int]) -> dict[str, int]:
    """Members per network that issued their prefix (a number may have moved since)."""
    networks: dict[str, int] = {}
    for code, count in prefixes.items():
        network = operators.issuing_network(code)
        networks[network] = networks.get(network, 0) + count
    return networks


@dataclass(frozen=True, slots=True)
class Makeup:
    """A list's members per 3-digit prefix and per network, counted in SQL."""

    prefixes: dict[str, int]
    networks: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        """``Jazz 1,200 · Telenor 800 · Zong 10``, biggest first."""
        ranked = sorted(self.networks.items(), key=lambda item: (-item[1], item[0]))
        return " · ".join(f"{name} {count:,}" for name, count in ranked)


@dataclass(frozen=True, slots=True)
class MemberPage:
    members: list[Member]
    #: Members matching the search (the whole list without one).
    matching: int
    offset: int
    #: Names of the columns kept with the members, in order.
    fields: list[str]


def removal_sentence(count: int, name: str) -> str:
    """What removing ``count`` numbers from the local copy of list ``name`` does."""
    return (
        f"Remove {plural(count, 'number')} from csms's copy of {name!r}? {GATEWAY_KEEPS} "
        "To stop reaching them, make a clean list from the rest and use it instead."
    )


class ListMembers:
    """The members of one list (reads are synchronous: run them in a worker thread)."""

    def __init__(self, engine: Engine, list_id: str) -> None:
        self.engine = engine
        self.ledger = engine.ledger
        self.list_id = list_id

    def page(self, search: Search, offset: int = 0, limit: int = 100) -> MemberPage:
        ledger, list_id = self.ledger, self.list_id
        members = ledger.lists.members(
            list_id, limit, offset, digits=search.digits, text=search.text
        )
        matching = ledger.lists.matching_count(list_id, search.digits, search.text)
        return MemberPage(members, matching, offset, ledger.lists.list_fields(list_id))

    def makeup(self) -> Makeup:
        prefixes = self.ledger.lists.member_prefix_counts(self.list_id)
        return Makeup(prefixes, network_counts(prefixes))

    def rows(self) -> Iterator[tuple[str, dict[str, str]]]:
        """Every member as (number, kept columns), streamed: what a personalised
        send or a survey reads a list by (``{Name}`` is ``fields["Name"]``)."""
        return self.ledger.lists.member_fields(self.list_id)

    def remove(self, numbers: Iterable[str]) -> int:
        """Take numbers off the local copy (see ``GATEWAY_KEEPS``); returns how many."""
        try:
            return self.ledger.lists.remove_members(self.list_id, numbers)
        except LedgerError as error:
            raise InvalidInput(str(error)) from None

    async def export(self, path: str | os.PathLike[str]) -> int:
        """Write the members, with their kept columns, to a CSV file (times in
        the profile's zone); returns the row count. Replaces ``path``: ask first."""
        zone = profile_zone(self.engine)
        try:
            return await asyncio.to_thread(
                self.ledger.lists.export_members_csv, self.list_id, path, zone
            )
        except LedgerError as error:
            raise InvalidInput(str(error)) from None
