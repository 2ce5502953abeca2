"""The command palette's entries: every main screen by name, the main actions,
the other profiles, and a number typed in any format (its conversation)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider


def conversation_number(query: str) -> str | None:
    """``query`` as a mobile number in the gateway's form, or None."""
    from tui.gateway.numbers import NumberError, normalize

    try:
        return normalize(query)
    except NumberError:
        return None


class CsmsCommands(Provider):
    """Command palette entries: every main screen by name, and the main actions."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        from tui.app import CsmsApp

        app = self.app
        if not isinstance(app, CsmsApp):
            return []
        commands: list[tuple[str, str, Callable[[], Any]]] = [
            (entry.title, entry.help, partial(app.open_screen, entry.mode))
            for entry in app.available_screens
        ]
        commands.append(("Help", "Help for the current screen (F1)", app.action_help))
        commands.append(
            (
                "Surveys",
                "Feedback calls with the key each person pressed: results, resume, export",
                app.open_surveys,
            )
        )
        commands.append(
            (
                "Templates",
                "Saved message texts: insert into the message box, save it as one, delete",
                app.open_templates,
            )
        )
        commands.append(
            (
                "Refresh account",
                "Ask the gateway for the credit and pending incoming messages",
                app.action_refresh_account,
            )
        )
        for list_id, name in self._lists:
            commands.append(
                (
                    f"Members of list: {name}",
                    "Search, count by network, remove or export this list's members",
                    partial(app.open_list_members, list_id, name),
                )
            )
        for name in app.config.profiles:
            if name != app.profile_name:
                commands.append(
                    (
                        f"Switch profile: {name}",
                        f"Log out of this account and use profile {name!r}",
                        partial(app.action_switch_profile, name),
                    )
                )
        return commands

    _lists: tuple[tuple[str, str], ...] = ()

    async def startup(self) -> None:
        """The lists' names, read once when the palette opens (in a thread, and
        without counting members: not on every key typed)."""
        from tui.app import CsmsApp

        app = self.app
        engine = app.engine if isinstance(app, CsmsApp) else None
        self._lists = (
            () if engine is None else tuple(await asyncio.to_thread(engine.reads.lists.named_lists))
        )

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        from tui.app import CsmsApp

        app = self.app
        number = conversation_number(query)
        if number is not None and isinstance(app, CsmsApp):
            # A number typed in any format opens its conversation.
            yield Hit(
                1.0,
                f"Conversation with {number}",
                partial(app.open_conversation, number),
                help="Everything exchanged with this number, and a reply box",
            )
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
