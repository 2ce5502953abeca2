"""Acting on a step only after the keys typed before it have reached their field.

A key binding (Ctrl+N, Ctrl+S) can run while keys typed or pasted just before
it still wait in the focused field's queue: read then, a field holds ``Dear``
instead of the whole sentence. ``after_pending_input`` queues the action behind
them, on the focused widget, so it reads what the user actually typed.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widget import Widget


def after_pending_input(node: Widget, action: Callable[[], object]) -> None:
    """Run ``action`` once the focused widget of ``node``'s screen has handled the
    input sent before it."""
    focused = node.screen.focused
    if focused is None:
        action()
    else:
        focused.call_later(action)
