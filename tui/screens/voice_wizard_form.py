"""The voice campaign wizard's form (``screens/voice_wizard.py``): its steps'
fields, which field belongs to which step, and reading them into a draft."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import (
    Button,
    ContentSwitcher,
    Input,
    Label,
    RadioSet,
    Select,
    SelectionList,
    Static,
)

from tui.engine.voice_campaigns import KIND_LABELS, KINDS, VoiceDraft, VoiceKind, sms_units
from tui.gateway.codes import MAX_RETRIES, DynamicDigits, DynamicLanguage, DynamicVoice
from tui.widgets import MessageComposer
from tui.widgets.choice import Choice
from tui.widgets.opted_out_members import OptedOutMembers
from tui.widgets.tick_list import TickList

STEPS = ("kind", "basics", "audio", "delivery", "review")
STEP_TITLES = {
    "kind": "1 of 5 · Type of campaign",
    "basics": "2 of 5 · Name and lists",
    "audio": "3 of 5 · Audio and options",
    "delivery": "4 of 5 · Fallback SMS, retries and schedule",
    "review": "5 of 5 · Review and create",
}
FIRST_FIELD = {
    "kind": "#wiz-kind",
    "basics": "#wiz-name",
    "audio": "#wiz-audio",
    "delivery": "#wiz-sms",
    "review": "#wiz-create",
}
STEP_FIELDS = {
    "kind": {"kind"},
    "basics": {"name", "list_ids"},
    "audio": {
        "file_id",
        "valid_options",
        "valid_file_id",
        "invalid_file_id",
        "language",
        "digits",
        "voice",
        "ending_file_id",
    },
    "delivery": {"text", "max_retries", "start", "end", "daily_start", "daily_end"},
}
FIELD_WIDGETS = {
    "kind": "#wiz-kind",
    "name": "#wiz-name",
    "list_ids": "#wiz-lists",
    "file_id": "#wiz-audio",
    "valid_options": "#wiz-options",
    "valid_file_id": "#wiz-valid-clip",
    "invalid_file_id": "#wiz-invalid-clip",
    "language": "#wiz-language",
    "digits": "#wiz-digits",
    "voice": "#wiz-voice",
    "ending_file_id": "#wiz-ending-clip",
    "text": "#wiz-sms",
    "max_retries": "#wiz-retries",
    "start": "#wiz-start",
    "end": "#wiz-end",
    "daily_start": "#wiz-daily-start",
    "daily_end": "#wiz-daily-end",
}
KIND_HELP = {
    "broadcast": "Plays one recording to every number of the lists.",
    "feedback": "Plays a question and records the key (0-9) each person presses.",
    "dynamic": (
        "Plays a recording, then reads aloud (text-to-speech) the digits the gateway's list"
        " holds for each number. The API document says the lists contain numbers and digits"
        " but gives no way to add the digits (adding contacts takes numbers only): lists"
        " made by csms hold numbers alone. Put the digits in on the portal first; csms"
        " cannot supply per-person amounts."
    ),
}
CLIP_SELECTS = ("#wiz-audio", "#wiz-valid-clip", "#wiz-invalid-clip", "#wiz-ending-clip")
TEXT_FIELDS = ("#wiz-name", "#wiz-options", "#wiz-start", "#wiz-end")
DAILY_FIELDS = ("#wiz-daily-start", "#wiz-daily-end")


def select_value(select: Select[Any]) -> Any:
    value = select.value
    return None if value is Select.NULL else value


def compose_form() -> ComposeResult:
    """The title, the problems, the steps and the buttons."""
    yield Static("", id="wiz-title")
    yield Static("", id="wiz-error", markup=False)
    with ContentSwitcher(initial="step-kind", id="wiz-steps"):
        with VerticalScroll(id="step-kind"):
            with RadioSet(id="wiz-kind"):
                for kind in KINDS:
                    yield Choice(KIND_LABELS[kind], value=kind == "broadcast", id=kind)
            yield Static("", id="wiz-kind-help")
        with VerticalScroll(id="step-basics"):
            yield Label("Campaign name (unique)", classes="field-label")
            yield Input(placeholder="e.g. March bill reminder", id="wiz-name")
            yield Label("Contact lists (Space ticks a list)", classes="field-label")
            yield TickList(id="wiz-lists")
            yield Static("", id="wiz-recipients", markup=False)
        with VerticalScroll(id="step-audio"):
            yield Label("Recording to play", classes="field-label")
            with Horizontal(classes="wiz-row"):
                yield Select[str]([], prompt="Choose a Ready recording", id="wiz-audio")
                yield Button("Add a recording…", id="wiz-add-audio")
            with Vertical(id="wiz-feedback"):
                yield Label("Valid options: keys 1 to N (0-9)", classes="field-label")
                yield Input(placeholder="e.g. 2 for yes/no", id="wiz-options")
                with Horizontal(classes="wiz-row"):
                    yield Select[str](
                        [], prompt="Clip after a valid key: none", id="wiz-valid-clip"
                    )
                    yield Select[str](
                        [], prompt="Clip after an invalid key: none", id="wiz-invalid-clip"
                    )
            with Vertical(id="wiz-dynamic"):
                with Horizontal(classes="wiz-row"):
                    yield Select[int](
                        [(lang.name.title(), int(lang)) for lang in DynamicLanguage],
                        prompt="Language",
                        id="wiz-language",
                    )
                    yield Select[int](
                        [
                            ("Digits as money (123: a hundred and twenty-three)", 1),
                            ("Digits as numbers (123: one two three)", 2),
                        ],
                        prompt="Read digits as",
                        id="wiz-digits",
                    )
                    yield Select[int](
                        [(v.name.title(), int(v)) for v in DynamicVoice],
                        prompt="Voice",
                        id="wiz-voice",
                    )
                yield Select[str]([], prompt="Ending clip: none", id="wiz-ending-clip")
        with VerticalScroll(id="step-delivery"):
            yield Label(
                "Fallback SMS if the call is not answered (optional)", classes="field-label"
            )
            yield MessageComposer(placeholder="Optional SMS text", id="wiz-sms")
            yield Static("", id="wiz-sms-limit")
            with Horizontal(classes="wiz-row"):
                yield Select[int](
                    [(f"{n} retr{'y' if n == 1 else 'ies'}", n) for n in range(MAX_RETRIES + 1)],
                    allow_blank=False,
                    value=0,
                    id="wiz-retries",
                )
            yield Label("", id="wiz-zone", classes="field-label")
            with Horizontal(classes="wiz-row"):
                yield Input(id="wiz-start")
                yield Input(id="wiz-end")
            yield Label("Daily window HH:MM (blank: all day)", classes="field-label")
            with Horizontal(classes="wiz-row"):
                yield Input(placeholder="Daily start, e.g. 09:00", id="wiz-daily-start")
                yield Input(placeholder="Daily end, e.g. 18:00", id="wiz-daily-end")
        with VerticalScroll(id="step-review"):
            yield Static("", id="wiz-review", markup=False)
            yield OptedOutMembers(id="wiz-opted-out")
    with Horizontal(id="wiz-buttons"):
        yield Button("Cancel (Esc)", id="wiz-cancel")
        yield Button("Back (Ctrl+B)", id="wiz-back")
        yield Button("Next (Ctrl+N)", variant="primary", id="wiz-next")
        yield Button("Create (Ctrl+S)", variant="success", id="wiz-create")


def kind_of(form: Widget) -> VoiceKind:
    pressed = form.query_one("#wiz-kind", RadioSet).pressed_button
    chosen = pressed.id if pressed is not None else None
    return next((kind for kind in KINDS if kind == chosen), "broadcast")


def read_draft(form: Widget) -> VoiceDraft:
    """Everything entered so far."""

    def text(selector: str) -> str:
        return form.query_one(selector, Input).value

    def clip(selector: str) -> str | None:
        value = select_value(form.query_one(selector, Select))
        return str(value) if value is not None else None

    def choice(selector: str, enum: Any) -> Any:
        value = select_value(form.query_one(selector, Select))
        return None if value is None else enum(value)

    retries = select_value(form.query_one("#wiz-retries", Select))
    return VoiceDraft(
        kind=kind_of(form),
        name=text("#wiz-name"),
        list_ids=tuple(form.query_one(SelectionList).selected),
        file_id=clip("#wiz-audio"),
        text=form.query_one(MessageComposer).text,
        max_retries=retries if isinstance(retries, int) else 0,
        start=text("#wiz-start"),
        end=text("#wiz-end"),
        daily_start=text("#wiz-daily-start"),
        daily_end=text("#wiz-daily-end"),
        valid_options=text("#wiz-options"),
        valid_file_id=clip("#wiz-valid-clip"),
        invalid_file_id=clip("#wiz-invalid-clip"),
        language=choice("#wiz-language", DynamicLanguage),
        digits=choice("#wiz-digits", DynamicDigits),
        voice=choice("#wiz-voice", DynamicVoice),
        ending_file_id=clip("#wiz-ending-clip"),
    )


def show_sms_limit(form: Widget, text: str) -> None:
    """The fallback SMS's units against what a voice campaign allows."""
    used, allowed = sms_units(text)
    limit = form.query_one("#wiz-sms-limit", Static)
    if not text.strip():
        limit.update("No fallback SMS.")
    elif used > allowed:
        limit.update(f"{used} of {allowed} units: too long for a voice campaign; shorten it.")
    else:
        limit.update(f"{used} of {allowed} units allowed for a voice campaign.")
    limit.set_class(used > allowed, "over-limit")
