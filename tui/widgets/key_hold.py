"""Keys typed while a wizard changes step, kept for the next step's field.

A fast typist sends "Ctrl+N, Hello friends" in one go. Textual hands every key
to the widget focused when the key arrives, so the text typed after Ctrl+N
went to the step being left (a space ticked a list; a letter with no field to
take it opened another screen). While a step changes, the app gives the keys
arriving to this hold instead (``CsmsApp.on_event``); the keys typed before
keep their widget and bindings. Once the next step is on screen its first
field is focused and the held keys are typed again, in order, as the
terminal's keys come (a Ctrl+N among them goes on again).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from textual import events
from textual.app import App
from textual.timer import Timer
from textual.widget import Widget

#: Keys never held: quitting works whatever happens.
NEVER_HELD = frozenset({"ctrl+q"})
#: Seconds a hold may last: if the step change never ends (its wizard closed
#: meanwhile), the keys are typed where the focus is, and the keyboard is free.
LONGEST_HOLD = 2.0


class KeyHold:
    """The keys that arrive between ``hold`` and ``release``."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.held: list[events.Key] = []
        self.active = False
        self._timer: Timer | None = None

    def hold(self) -> None:
        """Keep the keys that arrive from now on (for ``LONGEST_HOLD`` at most)."""
        self.active = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.app.set_timer(LONGEST_HOLD, self._give_back)

    def take(self, event: events.Event) -> bool:
        """Keep ``event`` if keys are held and it is one (the app then drops it)."""
        if not self.active or not isinstance(event, events.Key) or event.key in NEVER_HELD:
            return False
        self.held.append(event)
        return True

    def release(self, target: Widget | None) -> int:
        """Focus ``target`` and type the held keys again, in order; with None
        they are dropped (the focus is left where it is). Returns how many
        keys there were."""
        keys, self.held = self.held, []
        self.active = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        focus = _focusable(target)
        if focus is None:
            return len(keys)
        focus.screen.set_focus(focus)
        self._type(keys)
        return len(keys)

    def _give_back(self) -> None:
        """The hold lasted too long: the keys go where the focus is now."""
        if self.active:
            keys, self.held = self.held, []
            self.active = False
            self._timer = None
            self._type(keys)

    def _type(self, keys: list[events.Key]) -> None:
        for key in keys:
            self.app.post_message(events.Key(key.key, key.character))


@runtime_checkable
class HoldsKeys(Protocol):
    """An app that can hold the keys typed while a step changes."""

    key_hold: KeyHold


def _focusable(widget: Widget | None) -> Widget | None:
    """``widget``, or its first focusable part (a composer's text area)."""
    if widget is None or not widget.is_attached:
        return None
    if widget.focusable:
        return widget
    return next((part for part in widget.walk_children(Widget) if part.focusable), None)
