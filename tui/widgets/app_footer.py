"""The key bar at the bottom of every screen and dialog.

Below ``NARROW`` columns (an 80-column SSH terminal) it is compact and leaves
out the command palette's key (Ctrl+P still opens it, and Help lists it), so
the screen's own keys fit instead of being cut off at the right.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

#: Terminals narrower than this get the compact bar.
NARROW = 100


class AppFooter(Footer):
    """Textual's footer, compact on narrow terminals."""

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW
        if narrow != self.compact:
            self.compact = narrow
            self.show_command_palette = not narrow
            self.refresh(recompose=True)
