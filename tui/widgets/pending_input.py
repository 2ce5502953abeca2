"""Acting on a step only once every key sent before it has done its work.

Keys reach a field through message queues: the app hands a key to the focused
widget, which types it or lets it bubble back to the app, where key bindings
run (Space ticking a list, Enter choosing a radio button); some of those post
further messages (the list's own "selected" message). A Ctrl+N read while any
of that is still queued reads ``Dear`` instead of the whole sentence, or a list
not yet ticked.

``after_pending_input`` runs its action once the app, the screen and every
widget on it have nothing left in their queues, so the action reads what the
user actually typed, pasted and ticked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.widget import Widget

#: Consecutive quiet turns of the event loop before the action runs: a widget
#: still handling its last message may post another one.
QUIET_TURNS = 3
#: Loop turns without sleeping before waiting in small steps.
EAGER_TURNS = 50
STEP_SECONDS = 0.005
#: Longest wait: a screen that never goes quiet (a busy animation) still acts.
PATIENCE_SECONDS = 1.0


def input_pending(node: Widget) -> bool:
    """Whether the app, ``node``'s screen or a widget on it has messages queued."""
    screen = node.screen
    if node.app.message_queue_size or screen.message_queue_size:
        return True
    return any(widget.message_queue_size for widget in screen.walk_children(Widget))


async def until_input_settled(node: Widget) -> None:
    """Return once nothing is queued on ``node``'s screen (or after the patience)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE_SECONDS
    quiet = turns = 0
    while quiet < QUIET_TURNS and loop.time() < deadline:
        await asyncio.sleep(0 if turns < EAGER_TURNS else STEP_SECONDS)
        turns += 1
        quiet = 0 if input_pending(node) else quiet + 1


def after_pending_input(node: Widget, action: Callable[[], object]) -> None:
    """Run ``action`` once the input sent before this call has been handled."""

    async def settle_then_act() -> None:
        await until_input_settled(node)
        if node.is_attached:
            action()

    node.run_worker(settle_then_act(), group="pending-input", exit_on_error=False)
