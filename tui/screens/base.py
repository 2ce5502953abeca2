"""What every engine-backed screen shares: reaching the engine and its events.

Screens never call the network themselves. They call the engine's async
methods inside Textual workers and react to the engine's events, which
:class:`EngineScreen` delivers to :meth:`EngineScreen.on_engine_event`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from tui.app_services import app_engine, shell_app
from tui.registry import SCREENS
from tui.screens.display_time import zone_generation
from tui.widgets.header import ShellBar, ShellStatus

if TYPE_CHECKING:
    from tui.engine import events
    from tui.engine.events import Subscription
    from tui.engine.service import Engine

log = logging.getLogger(__name__)


def _footer() -> Widget:
    # Imported on first use: the footer is not in the first frame.
    from tui.widgets.app_footer import AppFooter

    return AppFooter()


class NoEngine(RuntimeError):
    """The app has no engine yet (for example while the login screen is shown)."""


def engine_of(node: DOMNode) -> Engine:
    """The engine of the app ``node`` belongs to."""
    engine = app_engine(node.app)
    if engine is None:
        raise NoEngine("The app is not connected to an account yet.")
    return engine


def has_engine(node: DOMNode) -> bool:
    """Whether the app ``node`` belongs to has an engine."""
    return app_engine(node.app) is not None


class ShellScreen(Screen[None]):
    """A main screen: the app's header, navigation bar and footer are added
    around whatever the screen composes (do not yield a Header or Footer).

    ``shell_mode`` is the screen's mode name; the app sets it when it builds
    the screen from the registry.
    """

    shell_mode: str | None = None
    #: Whether the navigation bar and footer are added after the first frame
    #: (for the screen the app starts on, so it is painted sooner).
    light_first_frame: ClassVar[bool] = False

    def on_mount(self) -> None:
        app = shell_app(self.app)
        status = app.shell_status if app is not None else ShellStatus()
        entries = list(app.available_screens) if app is not None else list(SCREENS)
        light = self.light_first_frame
        bar = ShellBar(status, entries, self.shell_mode, nav=not light)
        if self.children:
            self.mount(bar, before=0)
        else:
            self.mount(bar)
        if light:
            # The first frame shows the header line and the screen's own content;
            # the navigation bar and the footer (dozens of widgets to style)
            # follow right after it is painted.
            self.call_after_refresh(self._finish_shell, bar)
        else:
            self.mount(_footer())

    async def _finish_shell(self, bar: ShellBar) -> None:
        bar.show_nav()
        await self.mount(_footer())
        # A footer fills itself when the bindings change; the focus was set
        # before it existed, so it is told once.
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A worker that failed without handling its error is reported, and
        # the app keeps running.
        worker = event.worker
        if (
            event.state == WorkerState.ERROR
            and worker.error is not None
            and not worker.exit_on_error
        ):
            app = shell_app(self.app)
            if app is not None:
                app.report_error(worker.error)


class EngineScreen(ShellScreen):
    """A main screen fed by the engine's events.

    Override :meth:`on_engine_event` to react to events (it runs on the UI's
    event loop, so it may update widgets directly) and :meth:`catch_up` to
    reload what the screen shows from the ledger. Events keep arriving while
    the screen is hidden; a screen may skip costly redraws then
    (``if not self.is_active: return``) because :meth:`catch_up` runs when it
    is shown again after missing events.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._events_while_hidden = False
        #: The display zone this screen's times were drawn in.
        self._zone_drawn = zone_generation()

    @property
    def engine(self) -> Engine:
        return engine_of(self)

    def on_engine_event(self, event: events.Event) -> None:
        """Called for every engine event while the screen is mounted."""

    def catch_up(self) -> None:
        """Reload the screen's data; called when shown after missing events,
        and after the engine was replaced (profile switch)."""

    def engine_replaced(self) -> None:
        """The app now runs another engine: resubscribe and reload."""
        self._subscribe_to_engine()
        self.catch_up()

    # Textual calls the handler each class along the MRO defines, so these run
    # besides a subclass's own ``on_mount``/``on_screen_resume`` (no super() call).
    def on_mount(self) -> None:
        self._subscribe_to_engine()

    def on_screen_resume(self) -> None:
        stale_times = self._zone_drawn != zone_generation()
        if self._events_while_hidden or stale_times:
            self._events_while_hidden = False
            self._zone_drawn = zone_generation()
            self._safe_call(self.catch_up)

    def zone_changed(self) -> None:
        """The display zone changed while this screen is shown: redraw now."""
        self._zone_drawn = zone_generation()
        self._safe_call(self.catch_up)

    def _subscribe_to_engine(self) -> None:
        if has_engine(self):
            self._pump_events(engine_of(self).subscribe())

    @work(exclusive=True, group="engine-events", exit_on_error=False)
    async def _pump_events(self, subscription: Subscription) -> None:
        try:
            async for event in subscription:
                if not self.is_active:
                    self._events_while_hidden = True
                self._safe_call(self.on_engine_event, event)
        finally:
            subscription.close()

    def _safe_call(self, handler: Any, *args: Any) -> None:
        """Run a screen's handler; a bug in one shows as a notification, not a crash."""
        try:
            handler(*args)
        except Exception as error:
            if not self.is_attached or not self.children:
                return  # the screen is being taken down (the app is closing)
            log.exception("Screen %s failed handling an update", type(self).__name__)
            self.notify(
                f"{type(self).__name__} could not update: {error}. "
                "The error was logged; the app keeps running.",
                severity="error",
            )
