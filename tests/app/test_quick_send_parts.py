"""Quick send's parts on their own: the form's check (no Textual), the form
widget's reading and fresh state, and the results kept live from status events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Select, Static

from tui.engine.events import StatusChanged
from tui.engine.optouts import OptOutCheck
from tui.gateway.numbers import parse_recipients
from tui.gateway.text import analyze
from tui.screens.quick_send_fields import (
    FormValues,
    Refusal,
    check_form,
    mask_choices,
    recording_label,
)
from tui.screens.quick_send_form import SendForm
from tui.screens.quick_send_request import SendRequest
from tui.widgets import MessageComposer, RecipientsBox
from tui.widgets.reply_quote import Reply, ReplyQuote
from tui.widgets.send_monitor import SendMonitor
from tui.widgets.send_results import ResultsTable

OPTED_OUT = "923217654321"


def optouts(numbers: list[str]) -> OptOutCheck:
    """The do-not-contact list holding ``OPTED_OUT`` only."""
    return OptOutCheck(
        allowed=[n for n in numbers if n != OPTED_OUT],
        blocked_numbers=[n for n in numbers if n == OPTED_OUT],
    )


def check(**values: Any) -> SendRequest | Refusal:
    recipients = parse_recipients(values.pop("numbers", "03001234567"))
    kind = values.pop("kind", "sms")
    text = values.get("text", "")
    if kind == "sms":
        values.setdefault("analysis", analyze(text))
    form = FormValues(kind=kind, recipients=recipients, **values)
    return check_form(form, optouts=optouts, price=0.5, credit=1.0)


def test_refusals_name_the_field_to_fix_in_the_order_the_form_reads() -> None:
    bad = check(numbers="0300123, 03001234567", text="Hi")
    assert isinstance(bad, Refusal) and bad.focus == "#recipients"
    assert "1 invalid number" in bad.message and "'0300123'" in bad.message
    assert check(numbers="", text="Hi") == Refusal(
        "Add at least one recipient number.", "#recipients"
    )
    blocked = check(numbers="0321 7654321", text="Hi")
    assert isinstance(blocked, Refusal) and OPTED_OUT in blocked.message
    assert check(text="   ") == Refusal("Write the message text before sending.", "#message")
    assert check(text="Dear {name}", problem="Fill in {name}.") == Refusal(
        "Fill in {name}.", "#message"
    )
    assert check(kind="call") == Refusal(
        "No audio file is ready yet: upload one on the Audio screen first.", "#audio"
    )
    assert check(kind="call", recordings={"7": "hello"}) == Refusal(
        "Choose the recording to play.", "#audio"
    )
    no_clip = check(kind="feedback", audio="7", valid_clip="8", recordings={"7": "a"})
    assert isinstance(no_clip, Refusal) and no_clip.focus == "#invalid-clip"


def test_a_checked_sms_leaves_out_the_opted_out_and_counts_repeats() -> None:
    request = check(
        numbers="03001234567 0321 7654321 0300-1234567", text="Salaam ✓", mask="ACME", operator=3
    )
    assert isinstance(request, SendRequest)
    assert request.recipients == ["923001234567", OPTED_OUT]
    assert request.reached == ["923001234567"] and request.blocked == (OPTED_OUT,)
    assert request.repeats == 1
    assert (request.encoding, request.segments) == ("Unicode", 1)
    assert (request.mask, request.operator, request.price, request.credit) == ("ACME", 3, 0.5, 1.0)


def test_a_checked_feedback_call_names_its_recordings() -> None:
    request = check(
        kind="feedback",
        audio="7",
        retries=2,
        valid_options=3,
        valid_clip="8",
        invalid_clip="9",
        recordings={"7": "ask.wav", "8": "thanks.wav"},
    )
    assert isinstance(request, SendRequest) and request.kind == "feedback"
    assert (request.file_id, request.file_name, request.retries) == ("7", "ask.wav", 2)
    assert request.valid_file == ("8", "thanks.wav")
    assert request.invalid_file == ("9", "9")  # no longer ready: its ID stands in
    assert request.valid_options == 3


def test_mask_choices_and_recording_labels() -> None:
    assert mask_choices(["B", "A", "B"], "C") == ["C", "B", "A"]
    assert mask_choices(["B", "A"], "A") == ["B", "A"]
    assert mask_choices([], None) == []
    assert recording_label("hello.wav", 12.4) == "hello.wav (12 s)"
    assert recording_label("hello.wav", None) == "hello.wav"


class PartsApp(App[None]):
    CSS_PATH = "../../tui/styles/quick_send.tcss"

    def compose(self) -> ComposeResult:
        yield SendForm(id="quick-send-form")
        yield SendMonitor(id="send-results")


class Recording:
    def __init__(self, id: str, name: str, duration: float | None) -> None:
        self.id, self.name, self.duration = id, name, duration


async def test_the_form_reads_its_fields_and_renews_to_a_reply() -> None:
    app = PartsApp()
    async with app.run_test(size=(100, 40)) as pilot:
        form = app.query_one(SendForm)
        form.set_masks(["ACME", "SHOP"], "ACME")
        form.set_recordings([Recording("7", "ask.wav", 9.6)])  # type: ignore[list-item]
        await pilot.pause()
        assert app.query_one("#mask", Select).value == "ACME"
        form.select_kind("feedback")
        app.query_one(RecipientsBox).text = "03001234567"
        app.query_one("#audio", Select).value = "7"
        app.query_one("#retries", Select).value = 2
        await pilot.pause()
        values = form.values()
        assert (values.kind, values.audio, values.retries, values.mask) == (
            "feedback",
            "7",
            2,
            "ACME",
        )
        assert values.valid_options == 2 and values.valid_clip is None
        assert values.recordings == {"7": "ask.wav"} and values.analysis is None
        assert not app.query_one("#sms-fields").display
        assert app.query_one("#feedback-fields").display

        form.refuse(Refusal("Choose the clips.", "#valid-clip"))
        await pilot.pause()
        error = app.query_one("#send-error", Static)
        assert error.display and str(error.content) == "Choose the clips."
        assert app.focused is app.query_one("#valid-clip")

        form.reset(kind="sms", reply=Reply("923001234567", "10:00", "When?"), default_mask=None)
        await pilot.pause()
        assert form.kind == "sms" and app.query_one("#sms-fields").display
        assert app.query_one(RecipientsBox).text == "923001234567"
        assert app.query_one(ReplyQuote).reply is not None
        assert app.query_one("#mask", Select).value is Select.NULL
        assert app.query_one("#audio", Select).value is Select.NULL
        assert app.query_one("#retries", Select).value == 0
        assert not error.display
        assert app.focused is app.query_one(MessageComposer).text_area


def event(item_id: str, status: str, final: bool, detail: str = "") -> StatusChanged:
    return StatusChanged(
        at=datetime.now(UTC),
        kind="message",
        item_id=item_id,
        status=status,
        final=final,
        detail=detail,
    )


def rows(table: ResultsTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_statuses_before_the_ids_are_kept_bounded_and_cleared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("tui.widgets.send_monitor.EARLY_STATUSES", 2)
    app = PartsApp()
    async with app.run_test(size=(100, 40)) as pilot:
        monitor = app.query_one(SendMonitor)
        table = monitor.query_one(ResultsTable)
        # Three statuses overtake the reply; only the last two are kept.
        monitor.status_changed(event("m1", "Sent", True))
        monitor.status_changed(event("m2", "Sent", True))
        monitor.status_changed(event("m3", "Not Delivered", True, "expired"))
        monitor.show_outcome(
            "SMS", "message", [("9230011", "m1"), ("9230022", "m2"), ("9230033", "m3")],
            unknown=["9230044"], unsent=[], blocked=["9230055"],
        )  # fmt: skip
        await pilot.pause()
        assert [row[3] for row in rows(table)] == [
            "Submitted",
            "Sent",
            "Not Delivered (expired)",
            "Unknown outcome",
            "Not sent: do-not-contact list",
        ]
        summary = str(monitor.query_one("#results-summary", Static).content)
        assert summary == "1 sent · 1 waiting · 1 failed · 1 unknown outcome · 1 blocked"
        monitor.status_changed(event("m1", "Sent", True))
        await pilot.pause()
        assert rows(table)[0][3] == "Sent"

        # A fresh form forgets the rows and any status still waiting for its row.
        monitor.status_changed(event("m4", "Sent", True))
        monitor.clear()
        monitor.show_outcome("SMS", "message", [("9230066", "m4")], [], [])
        monitor.show_held("Call", ["9230077"], "Held until 09:00 (hold 3)")
        await pilot.pause()
        assert rows(table) == [
            ["9230066", "SMS", "m4", "Submitted"],
            ["9230077", "Call", "—", "Held until 09:00 (hold 3)"],
        ]
