"""The ledger's one error type: a sentence the user can act on."""

from __future__ import annotations


class LedgerError(Exception):
    """A ledger operation could not be done; ``str()`` says what and what to do.

    ``problem`` is the cause alone ("the disk holding the ledger ... is full"),
    for callers whose advice differs from the general one (after a send, the
    advice is never "try again").
    """

    def __init__(self, message: str, *, problem: str | None = None) -> None:
        super().__init__(message)
        self.problem = problem or message
