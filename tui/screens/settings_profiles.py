"""Settings' profile actions: add (its name field's Enter or Add), delete (asks
first), switch to, and make default."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.widgets import Input

from tui.config import Profile
from tui.config.model import PROFILE_NAME, PROFILE_NAME_RULE
from tui.screens.base import ShellScreen

if TYPE_CHECKING:
    from tui.app import CsmsApp


class ProfileActions(ShellScreen):
    """What the Profiles part of Settings does; the screen fills the form."""

    editing: str

    @property
    def csms(self) -> CsmsApp:
        return cast("CsmsApp", self.app)

    def _refresh_profiles(self, select: str) -> None:
        """Show the profile list again, with ``select`` chosen and in the form."""
        raise NotImplementedError

    def _demo_refused(self) -> bool:
        """In the demo, profiles are not touched (its settings are its own)."""
        if self.csms.demo:
            self.notify(
                "The demo runs on the simulator; start csms without --demo to use your profiles.",
                severity="warning",
            )
        return self.csms.demo

    def add_profile(self) -> None:
        if self._demo_refused():
            return
        app = self.csms
        name_input = self.query_one("#settings-new-name", Input)
        name = name_input.value.strip()
        if not PROFILE_NAME.fullmatch(name):
            shown = f"{name!r} is not usable" if name else "type a name first"
            self.notify(f"Profile name: {shown}; {PROFILE_NAME_RULE}.", severity="error")
            return
        if name in app.config.profiles:
            self.notify(
                f"A profile called {name!r} already exists; pick it under Editing profile.",
                severity="error",
            )
            return
        app.config.profiles[name] = Profile(name=name)
        if not app.save_settings():
            app.config.profiles.pop(name, None)
            return
        name_input.value = ""
        self._refresh_profiles(name)
        self.notify(f"Profile {name!r} added: fill in its account and press Save.")

    def delete_profile(self) -> None:
        from tui.screens.confirm import ConfirmScreen

        if self._demo_refused():
            return
        app = self.csms
        name = self.editing
        if name == app.profile_name:
            self.notify(
                f"Profile {name!r} is in use; switch to another profile before deleting it.",
                severity="error",
            )
            return
        if len(app.config.profiles) <= 1:
            self.notify("The last profile cannot be deleted.", severity="error")
            return

        def done(confirmed: bool | None) -> None:
            if not confirmed:
                return
            removed = app.config.profiles.pop(name, None)
            if app.save_settings():
                self._refresh_profiles(app.profile_name)
                self.notify(f"Profile {name!r} deleted.")
            elif removed is not None:
                app.config.profiles[name] = removed

        self.app.push_screen(
            ConfirmScreen(
                f"Delete profile {name!r}? Its settings (and saved password) are removed "
                "from the config file. Messages already stored for it stay on disk.",
                title="Delete profile",
                confirm_label="Delete",
                danger=True,
            ),
            done,
        )

    def switch_profile(self) -> None:
        if not self._demo_refused():
            self.csms.action_switch_profile(self.editing)

    def make_default(self) -> None:
        """The profile csms (and every command without --profile) starts on."""
        if self._demo_refused():
            return
        app = self.csms
        if app.make_default_profile(self.editing):
            self._refresh_profiles(self.editing)
            self.notify(
                f"{self.editing!r} is now the default profile: csms and commands without"
                " --profile use it."
            )
