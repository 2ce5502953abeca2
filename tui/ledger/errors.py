"""The ledger's one error type: a sentence the user can act on."""

from __future__ import annotations


class LedgerError(Exception):
    """A ledger operation could not be done; ``str()`` says what and what to do."""
