"""Settings: profiles (add, edit, switch, delete) and every profile key the
schema shows in Settings (``tui/config/schema.py``), plus the theme. Save writes
the config file, or nothing at all when a field is invalid (each invalid field
gets one sentence). The help line under the form explains the focused field."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from tui.config import Profile, apply_env, env_note, tls_warning
from tui.screens.settings_form import (
    FIELDS,
    Field,
    compose_fields,
    field_help,
    field_of,
    field_text,
    profile_from_form,
)
from tui.screens.settings_profiles import ProfileActions
from tui.screens.settings_zone import apply_time_zone
from tui.wording import and_list, plural

__all__ = ["FIELDS", "Field", "SettingsScreen", "field_text", "profile_from_form"]

_HELP = {
    "settings-profile": "The profile the form shows; Enter opens the list.",
    "settings-switch": "Log out and connect with the profile shown.",
    "settings-default": "Start csms (and commands without --profile) on this profile.",
    "settings-delete": "Remove this profile from the config file (asks first).",
    "settings-new-name": "Type a name and press Enter to add a profile with default settings.",
    "settings-add": "Add a profile with the name typed on the left.",
    "settings-theme": "Enter or space opens the list; arrows move, Enter picks.",
    "settings-save": "Check every field and write the config file (ctrl+s).",
}


def _profile_label(name: str, in_use: bool, default: bool) -> str:
    marks = [mark for mark, on in (("in use", in_use), ("default", default)) if on]
    return f"{name} ({', '.join(marks)})" if marks else name


class SettingsScreen(ProfileActions):
    """Edit profiles and preferences; Save (ctrl+s) writes the config file."""

    CSS_PATH = "../styles/settings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="settings.save"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.editing: str = ""

    def compose(self) -> ComposeResult:
        app = self.csms
        self.editing = app.profile_name
        with VerticalScroll(id="settings-body"):
            yield Static("Profiles", classes="settings-section")
            with Horizontal(classes="settings-row"):
                yield Label("Editing profile", classes="settings-label")
                yield Select(
                    self.profile_options(),
                    value=self.editing,
                    allow_blank=False,
                    compact=True,
                    id="settings-profile",
                )
            with Horizontal(classes="settings-row settings-buttons"):
                yield Button("Use this profile", id="settings-switch", compact=True)
                yield Button("Make default", id="settings-default", compact=True)
                yield Button("Delete profile", id="settings-delete", variant="error", compact=True)
            with Horizontal(classes="settings-row"):
                yield Label("New profile name", classes="settings-label")
                yield Input(placeholder="e.g. branch-office", compact=True, id="settings-new-name")
                yield Button("Add", id="settings-add", compact=True)
            profile = self.edited(self.editing)
            note = self._env_note(self.editing)
            yield Static(note, id="settings-env-note", classes="-shown" if note else "")
            yield from compose_fields(profile)
            warning = tls_warning(profile) or ""
            yield Static(warning, id="settings-tls-warning", classes="-shown" if warning else "")
            yield Static("Appearance", classes="settings-section")
            with Horizontal(classes="settings-row"):
                yield Label("Theme", classes="settings-label")
                yield Select(
                    [(name, name) for name in sorted(app.available_themes)],
                    value=app.theme,
                    allow_blank=False,
                    compact=True,
                    id="settings-theme",
                )
        with Vertical(id="settings-bottom"):
            yield Static("", id="settings-errors")
            with Horizontal(id="settings-actions"):
                yield Button("Save (ctrl+s)", id="settings-save", variant="primary", compact=True)
                yield Static("", id="settings-help")

    def profile_options(self) -> list[tuple[str, str]]:
        app = self.csms
        if app.demo:
            return [("this demo run (nothing is saved)", app.profile_name)]
        return [
            (
                _profile_label(name, name == app.profile_name, name == app.config.active_profile),
                name,
            )
            for name in app.config.profiles
        ]

    def _refresh_profiles(self, select: str) -> None:
        self.editing = select
        widget = self.query_one("#settings-profile", Select)
        with widget.prevent(Select.Changed):
            widget.set_options(self.profile_options())
            widget.value = select
        self.load_profile(select)

    def load_profile(self, name: str) -> None:
        """Fill the form with profile ``name`` (unsaved edits are dropped)."""
        self.editing = name
        profile = self.edited(name)
        for field in FIELDS:
            if field.kind == "bool":
                self.query_one(f"#field-{field.name}", Checkbox).value = bool(
                    getattr(profile, field.name)
                )
            else:
                self.query_one(f"#field-{field.name}", Input).value = field_text(profile, field)
        self._show_errors([])
        self._show_tls_warning()
        note = self._env_note(name)
        self.query_one("#settings-env-note", Static).update(note)
        self.query_one("#settings-env-note").set_class(bool(note), "-shown")

    def _env_note(self, name: str) -> str:
        """The environment's overrides, for the profile in use (not in the demo)."""
        app = self.csms
        return "" if app.demo or name != app.profile_name else env_note()

    def form_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field in FIELDS:
            if field.kind == "bool":
                values[field.name] = self.query_one(f"#field-{field.name}", Checkbox).value
            else:
                values[field.name] = self.query_one(f"#field-{field.name}", Input).value
        return values

    def _show_tls_warning(self) -> None:
        verify = self.query_one("#field-verify_tls", Checkbox).value
        profile = replace(self.edited(self.editing), verify_tls=verify)
        warning = tls_warning(profile) or ""
        self.query_one("#settings-tls-warning", Static).update(warning)
        self.query_one("#settings-tls-warning").set_class(bool(warning), "-shown")

    def _show_errors(self, problems: list[str]) -> None:
        errors = self.query_one("#settings-errors", Static)
        errors.update("\n".join(problems))
        errors.set_class(bool(problems), "-shown")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The help line says what the focused field does and takes."""
        widget_id = event.widget.id
        field = field_of(widget_id)
        text = field_help(field) if field is not None else _HELP.get(widget_id or "", "")
        self.query_one("#settings-help", Static).update(text)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "field-verify_tls":
            self._show_tls_warning()
            if not event.value:
                self.notify(
                    tls_warning(replace(self.edited(self.editing), verify_tls=False))
                    or "TLS verification is off.",
                    severity="warning",
                    timeout=8,
                )

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "settings-profile" and isinstance(event.value, str):
            if event.value != self.editing:
                self.load_profile(event.value)
        elif event.select.id == "settings-theme" and isinstance(event.value, str):
            self.app.theme = event.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter in the new profile's name adds it, as its Add button does.
        if event.input.id == "settings-new-name":
            event.stop()
            self.add_profile()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        handlers = {
            "settings-save": self.action_save,
            "settings-add": self.add_profile,
            "settings-delete": self.delete_profile,
            "settings-switch": self.switch_profile,
            "settings-default": self.make_default,
        }
        handler = handlers.get(event.button.id or "")
        if handler is not None:
            handler()

    def action_save(self) -> None:
        """Check every field; save the config only if all are valid. The profile
        in use takes the settings at once (but for the connection's); the
        demo's are its own and never written to the file."""
        app = self.csms
        base = self.edited(self.editing)
        profile, problems = profile_from_form(base, self.form_values())
        self._show_errors(problems)
        if problems:
            self.notify(
                f"Nothing was saved: {plural(len(problems), 'field')} to fix. {problems[0]}",
                severity="error",
                timeout=8,
            )
            return
        if app.demo:
            said = "Applied to this demo run only; nothing is written to your settings file."
            self._apply_now(base, profile, said)
            return
        app.config.profiles[self.editing] = profile
        if not app.save_settings():
            app.config.profiles[self.editing] = base
            return
        said = f"Settings of profile {self.editing!r} saved."
        if self.editing == app.profile_name:
            self._apply_now(base, profile, said)
        else:
            self.notify(said)

    def edited(self, name: str) -> Profile:
        """What the form shows for ``name``: as saved, or in the demo the demo
        run's own profile."""
        app = self.csms
        if app.demo and app.engine is not None:
            return app.engine.profile
        return app.config.profile(name)

    def _apply_now(self, base: Profile, profile: Profile, said: str) -> None:
        """The session takes ``profile`` (saved as ``said``) and says what waits."""
        app = self.csms
        engine = app.engine
        live = profile if app.demo else apply_env(profile)
        waiting = engine.apply_settings(live) if engine is not None else []
        if profile.timezone != base.timezone:
            apply_time_zone(app, profile.timezone)
            said += f" Times are now shown in {profile.timezone}."
        if waiting:
            said += f" Changes to the {and_list(waiting)} apply the next time csms connects."
        self.notify(said)

    def on_screen_resume(self) -> None:
        # The active profile may have changed (palette switch): mark it in the list.
        if self.is_mounted:
            if self.editing not in self.csms.config.profiles:
                self.editing = self.csms.profile_name
            widget = self.query_one("#settings-profile", Select)
            with widget.prevent(Select.Changed):
                widget.set_options(self.profile_options())
                widget.value = self.editing
