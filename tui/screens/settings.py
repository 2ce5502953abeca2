"""Settings: profiles (add, edit, switch, delete), masks, time zone, polling,
inbox, limits, TLS and theme. Save writes the config file, or nothing at all
when a field is invalid (each invalid field gets one sentence)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from tui.config import Profile, tls_warning, validate_profile
from tui.screens.base import ShellScreen
from tui.wording import plural

if TYPE_CHECKING:
    from tui.app import CsmsApp

FieldKind = Literal[
    "text", "float", "int", "optional_float", "optional_text", "list", "optional_list", "bool"
]

PROFILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # Profile attribute
    label: str
    kind: FieldKind
    hint: str = ""
    minimum: float | None = None
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field("msisdn", "Account number (MSISDN) or sub-user name", "text"),
    Field("base_url", "Gateway base URL", "text", required=True),
    Field("save_password", "Remember the password in the config file", "bool"),
    Field("masks", "Masks (sender names), comma separated", "list", "e.g. CSMS, SHOP"),
    Field("default_mask", "Default mask", "optional_text", "one of the masks, or empty"),
    Field("timezone", "Time zone", "text", "e.g. Asia/Karachi", required=True),
    Field("poll_initial", "First status poll after (seconds)", "float", minimum=0.1),
    Field("poll_max", "Longest wait between status polls (seconds)", "float", minimum=0.1),
    Field("inbox_interval", "Inbox check interval (seconds)", "float", minimum=1),
    Field("auto_fetch", "Fetch free incoming messages automatically", "bool"),
    Field("auto_pay", "Pay for pending incoming messages automatically", "bool"),
    Field("concurrency", "Requests at once", "int", minimum=1),
    Field("rate_limit", "Requests per second", "optional_float", "empty = no limit", 0.01),
    Field("url_limit", "Longest request URL (characters)", "int", minimum=500),
    Field("verify_tls", "Verify the gateway's TLS certificate", "bool"),
    Field("ca_bundle", "CA bundle file", "optional_text", "empty = system certificates"),
    Field("send_from", "Sending hours start (HH:MM, profile time zone)", "text", "e.g. 09:00"),
    Field("send_until", "Sending hours end (HH:MM)", "text", "e.g. 21:00"),
    Field("send_days", "Sending days, comma separated", "list", "mon, tue, ..., sun"),
    Field(
        "optout_keywords",
        "Opt-out keywords (whole replies), comma separated",
        "optional_list",
        "empty = the built-in STOP, BAND KARO, بند کرو, ...",
    ),
    Field(
        "optin_keywords",
        "Opt-in keywords, comma separated",
        "optional_list",
        "empty = the built-in START, SHURU KARO, ...",
    ),
    Field(
        "optout_confirmation",
        "SMS sent once to a number that opts out",
        "text",
        "empty = none, e.g. You will get no more messages. Send START to rejoin.",
    ),
    Field(
        "price_per_segment",
        "Price of one SMS segment (credit)",
        "optional_float",
        "empty = not known; costs are then shown in segments",
        0.0,
    ),
)


def _profile_label(name: str, in_use: bool, default: bool) -> str:
    marks = [mark for mark, on in (("in use", in_use), ("default", default)) if on]
    return f"{name} ({', '.join(marks)})" if marks else name


def field_text(profile: Profile, field: Field) -> str:
    """How a profile value is shown in its input."""
    value = getattr(profile, field.name)
    if value is None:
        return ""
    if field.kind in ("list", "optional_list"):
        return ", ".join(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_field(field: Field, raw: str) -> tuple[Any, str | None]:
    """The value typed into ``field``, or an error sentence."""
    text = raw.strip()
    if field.kind in ("list", "optional_list"):
        items = [item for item in (part.strip() for part in text.split(",")) if item]
        return (items or None) if field.kind == "optional_list" else items, None
    if field.kind == "optional_text":
        return (text or None), None
    if field.kind == "text":
        if field.required and not text:
            return None, f"{field.label}: this cannot be empty."
        return text, None
    if field.kind == "optional_float" and not text:
        return None, None
    try:
        number: float = int(text) if field.kind == "int" else float(text)
    except ValueError:
        what = "a whole number" if field.kind == "int" else "a number"
        return None, f"{field.label}: {text!r} is not {what}; enter {what}."
    if field.minimum is not None and number < field.minimum:
        minimum = f"{field.minimum:g}"
        return None, f"{field.label}: must be at least {minimum}, not {text}."
    return number, None


def profile_from_form(base: Profile, values: dict[str, Any]) -> tuple[Profile, list[str]]:
    """Apply the form's raw values (text or bool per field) to ``base``.

    Returns the new profile and the problems found, one sentence each.
    """
    changes: dict[str, Any] = {}
    problems: list[str] = []
    for field in FIELDS:
        raw = values[field.name]
        if field.kind == "bool":
            changes[field.name] = bool(raw)
            continue
        value, problem = parse_field(field, str(raw))
        if problem:
            problems.append(problem)
        else:
            changes[field.name] = value
    # Fields that were readable are checked together with the rest of the
    # profile, so every problem is reported at once.
    profile = replace(base, **changes)
    problems.extend(validate_profile(profile))
    return (base if problems else profile), problems


class SettingsScreen(ShellScreen):
    """Edit profiles and preferences; Save (ctrl+s) writes the config file."""

    CSS_PATH = "../styles/settings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="settings.save"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.editing: str = ""

    @property
    def csms(self) -> CsmsApp:
        return cast("CsmsApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.csms
        self.editing = app.profile_name
        with VerticalScroll(id="settings-body"):
            yield Static("Profiles", classes="settings-section")
            with Horizontal(classes="settings-row"):
                yield Label("Editing profile", classes="settings-label")
                yield Select(
                    self._profile_options(),
                    value=self.editing,
                    allow_blank=False,
                    compact=True,
                    id="settings-profile",
                )
            with Horizontal(classes="settings-row settings-buttons"):
                yield Button("Use this profile", id="settings-switch")
                yield Button("Make default", id="settings-default")
                yield Button("Delete profile", id="settings-delete", variant="error")
            with Horizontal(classes="settings-row"):
                yield Label("New profile name", classes="settings-label")
                yield Input(placeholder="e.g. branch-office", compact=True, id="settings-new-name")
                yield Button("Add", id="settings-add")
            yield Static("Account and behaviour", classes="settings-section")
            profile = app.config.profile(self.editing)
            for field in FIELDS:
                if field.kind == "bool":
                    yield Checkbox(
                        field.label,
                        bool(getattr(profile, field.name)),
                        id=f"field-{field.name}",
                        classes="settings-check",
                    )
                    continue
                with Horizontal(classes="settings-row"):
                    yield Label(field.label, classes="settings-label")
                    yield Input(
                        field_text(profile, field),
                        placeholder=field.hint,
                        compact=True,
                        id=f"field-{field.name}",
                    )
            yield Static("", id="settings-tls-warning")
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
            yield Static("", id="settings-errors")
            with Horizontal(classes="settings-row settings-buttons"):
                yield Button("Save (ctrl+s)", id="settings-save", variant="primary")

    def on_mount(self) -> None:
        self._show_tls_warning()

    def _profile_options(self) -> list[tuple[str, str]]:
        app = self.csms
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
            widget.set_options(self._profile_options())
            widget.value = select
        self.load_profile(select)

    def load_profile(self, name: str) -> None:
        """Fill the form with profile ``name`` (unsaved edits are dropped)."""
        self.editing = name
        profile = self.csms.config.profile(name)
        for field in FIELDS:
            if field.kind == "bool":
                self.query_one(f"#field-{field.name}", Checkbox).value = bool(
                    getattr(profile, field.name)
                )
            else:
                self.query_one(f"#field-{field.name}", Input).value = field_text(profile, field)
        self.query_one("#settings-errors", Static).update("")
        self._show_tls_warning()

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
        profile = replace(self.csms.config.profile(self.editing), verify_tls=verify)
        warning = tls_warning(profile) or ""
        self.query_one("#settings-tls-warning", Static).update(warning)
        self.query_one("#settings-tls-warning").set_class(bool(warning), "-shown")

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "field-verify_tls":
            self._show_tls_warning()
            if not event.value:
                self.notify(
                    tls_warning(replace(self.csms.config.profile(self.editing), verify_tls=False))
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
        """Check every field; save the config only if all are valid."""
        app = self.csms
        base = app.config.profile(self.editing)
        profile, problems = profile_from_form(base, self.form_values())
        errors = self.query_one("#settings-errors", Static)
        if problems:
            errors.update("\n".join(problems))
            errors.add_class("-shown")
            self.notify(
                f"Nothing was saved: {plural(len(problems), 'field')} to fix. {problems[0]}",
                severity="error",
                timeout=8,
            )
            return
        errors.update("")
        errors.remove_class("-shown")
        app.config.profiles[self.editing] = profile
        if app.save_settings():
            note = ""
            if self.editing == app.profile_name:
                note = " Changes to polling and limits apply the next time it connects."
            self.notify(f"Settings of profile {self.editing!r} saved.{note}")

    def add_profile(self) -> None:
        app = self.csms
        name_input = self.query_one("#settings-new-name", Input)
        name = name_input.value.strip()
        if not PROFILE_NAME.match(name):
            self.notify(
                "Profile name: use up to 64 letters, digits, '-', '_' or '.', starting with "
                "a letter, digit or '_'.",
                severity="error",
            )
            return
        if name in app.config.profiles:
            self.notify(f"A profile called {name!r} already exists.", severity="error")
            return
        app.config.profiles[name] = Profile(name=name)
        if app.save_settings():
            name_input.value = ""
            self._refresh_profiles(name)
            self.notify(f"Profile {name!r} added: fill in its account and press Save.")

    def delete_profile(self) -> None:
        from tui.screens.confirm import ConfirmScreen

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
            app.config.profiles.pop(name, None)
            if app.save_settings():
                self._refresh_profiles(app.profile_name)
                self.notify(f"Profile {name!r} deleted.")

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
        app = self.csms
        if app.demo:
            self.notify(
                "The demo runs on the simulator; start csms without --demo to use your profiles.",
                severity="warning",
            )
            return
        app.action_switch_profile(self.editing)

    def make_default(self) -> None:
        """The profile csms (and every command without --profile) starts on."""
        app = self.csms
        if app.demo:
            self.notify("The demo has no default profile to change.", severity="warning")
            return
        if app.make_default_profile(self.editing):
            self._refresh_profiles(self.editing)
            self.notify(
                f"{self.editing!r} is now the default profile: csms and commands without"
                " --profile use it."
            )

    def on_screen_resume(self) -> None:
        # The active profile may have changed (palette switch): mark it in the list.
        if self.is_mounted:
            if self.editing not in self.csms.config.profiles:
                self.editing = self.csms.profile_name
            widget = self.query_one("#settings-profile", Select)
            with widget.prevent(Select.Changed):
                widget.set_options(self._profile_options())
                widget.value = self.editing
