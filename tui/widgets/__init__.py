"""Reusable widgets.

``MessageComposer`` and ``RecipientsBox`` are imported on first use, not with
the package: the dashboard, the first screen, needs neither, and importing them
delays its first paint.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.widgets.composer import MessageComposer
    from tui.widgets.recipients import RecipientsBox

__all__ = ["MessageComposer", "RecipientsBox"]

#: Where each re-exported name lives.
_LAZY = {
    "MessageComposer": "tui.widgets.composer",
    "RecipientsBox": "tui.widgets.recipients",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
