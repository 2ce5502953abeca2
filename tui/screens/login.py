"""First start without credentials: ask for the account and log in.

The screen only collects and checks what was typed; the app opens the
engine (which logs in), saves the profile and shows the dashboard.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Collapsible, Input, Label, Static

from tui.app_services import shell_app
from tui.config import Profile, validate_profile
from tui.widgets.tick import Tick


class LoginScreen(Screen[None]):
    """Account (MSISDN or sub-user name), password, base URL, remember-password opt-in."""

    CSS_PATH = "../styles/login.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "log_in", "Log in", id="login.submit"),
        Binding("escape", "back", "Back", id="login.back"),
    ]

    class Cancelled(Message):
        """The user went back to the profile in use (``back_to``)."""

    def __init__(
        self, profile: Profile, *, problem: str | None = None, back_to: str | None = None
    ) -> None:
        """``back_to`` names the profile still in use while switching to ``profile``:
        Escape returns to it (on a first login there is nothing to go back to)."""
        super().__init__()
        self.profile = profile
        self.problem = problem
        self.back_to = back_to
        self.busy = False

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="login-box"):
            yield Static("Log in to Telenor Corporate Call & SMS", id="login-title")
            yield Static(f"Profile: {self.profile.name}", id="login-profile", markup=False)
            if self.back_to is not None:
                yield Static(
                    f"Escape: back to profile {self.back_to!r}, still logged in.",
                    id="login-back",
                    markup=False,
                )
            yield Label("Account number (MSISDN) or sub-user name")
            yield Input(self.profile.msisdn, placeholder="923001234567", id="login-msisdn")
            yield Label("Password")
            yield Input(
                self.profile.password or "",
                password=True,
                placeholder="password",
                id="login-password",
            )
            yield Tick(
                "Remember the password in the config file (mode 0600)",
                self.profile.save_password,
                id="login-remember",
            )
            with Collapsible(title="Advanced", collapsed=True, id="login-advanced"):
                yield Label("Gateway base URL")
                yield Input(self.profile.base_url, id="login-base-url")
            yield Static(self.problem or "", id="login-problem", markup=False)
            yield Button("Log in", variant="primary", id="login-submit")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.back_to is not None
        return True

    def action_back(self) -> None:
        if self.back_to is not None:
            self.post_message(self.Cancelled())

    def on_mount(self) -> None:
        target = "#login-password" if self.profile.msisdn else "#login-msisdn"
        self.query_one(target, Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "login-msisdn":
            self.query_one("#login-password", Input).focus()
        else:
            self.action_log_in()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "login-submit":
            self.action_log_in()

    def entered_profile(self) -> tuple[Profile | None, str]:
        """The profile as typed, or None and one sentence saying what to fix."""
        msisdn = self.query_one("#login-msisdn", Input).value.strip()
        password = self.query_one("#login-password", Input).value
        base_url = self.query_one("#login-base-url", Input).value.strip()
        remember = self.query_one("#login-remember", Checkbox).value
        if not msisdn:
            return None, "Enter the account number (MSISDN) or sub-user name."
        if not password:
            return None, "Enter the password."
        profile = replace(
            self.profile,
            msisdn=msisdn,
            password=password,
            save_password=remember,
            base_url=base_url or self.profile.base_url,
        )
        problems = validate_profile(profile)
        if problems:
            return None, problems[0]
        return profile, ""

    def action_log_in(self) -> None:
        if self.busy:
            return
        profile, problem = self.entered_profile()
        if profile is None:
            self.show_problem(problem)
            return
        self.busy = True
        self.query_one("#login-submit", Button).disabled = True
        self.show_problem("Logging in…", error=False)
        app = shell_app(self.app)
        if app is not None:
            app.submit_login(profile)

    def show_problem(self, text: str, *, error: bool = True) -> None:
        """Show ``text`` under the form; an error also re-enables the form."""
        problem = self.query_one("#login-problem", Static)
        problem.update(text)
        problem.set_class(error and bool(text), "-error")
        if error:
            self.busy = False
            self.query_one("#login-submit", Button).disabled = False
