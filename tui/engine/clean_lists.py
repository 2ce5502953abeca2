"""A clean list: the members of subscriber lists without the do-not-contact list.

The gateway cannot take a member off a list, so a campaign to a list that holds
an opted-out number would reach it. ``make_clean_list`` creates a new list at
the gateway holding every member of the given lists (as the ledger knows them,
with the columns kept with them) except the numbers on the do-not-contact
list, and uploads it with the usual resumable, journalled upload
(``engine/list_upload.py``); the campaign then goes to the clean list.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.engine.list_upload import Fields, ListUploader, ProgressCallback, UploadResult
from tui.ledger.lists import ListSummary

if TYPE_CHECKING:
    from tui.engine.service import Engine

__all__ = ["CleanList", "clean_name", "make_clean_list", "members_sentence"]


@dataclass(frozen=True, slots=True)
class CleanList:
    made: ListSummary
    #: Members of the source lists left out (on the do-not-contact list).
    left_out: list[str]
    results: list[UploadResult]

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)

    def sentence(self) -> str:
        added = sum(result.added for result in self.results)
        left = len(self.left_out)
        return (
            f"List {self.made.name!r} (ID {self.made.id}) holds {added:,} numbers;"
            f" {left:,} on the do-not-contact list were left out."
        )


def members_sentence(count: int) -> str:
    """``1 member of these lists is`` / ``12 members of these lists are``."""
    return "1 member of these lists is" if count == 1 else f"{count:,} members of these lists are"


def clean_name(names: Sequence[str]) -> str:
    """A name for the clean copy of lists: ``Customers (clean)``."""
    return f"{' + '.join(names)} (clean)" if names else "Clean list"


async def make_clean_list(
    engine: Engine,
    list_ids: Sequence[str],
    name: str,
    *,
    cancel: asyncio.Event | None = None,
    on_progress: ProgressCallback | None = None,
) -> CleanList:
    """Create list ``name`` at the gateway and upload the lists' members without
    the opted-out ones. Raises before anything is created when the name is taken."""
    uploader = ListUploader(engine)
    uploader.check_new_name(name)
    members = await asyncio.to_thread(engine.ledger.lists.distinct_members, list(list_ids))
    made = await uploader.create_list(name)
    sources = ", ".join(list_ids)
    results = await uploader.upload(
        made.id, members, f"clean copy of lists {sources}", cancel=cancel,
        on_progress=on_progress, fields=Fields(of_lists=list(list_ids)),
    )  # fmt: skip
    return CleanList(made, list(uploader.left_out), results)
