"""Replies that declare a DTD or entities are refused, never expanded."""

from __future__ import annotations

import pytest

from tui.gateway.envelope import parse_reply
from tui.gateway.errors import GatewayUnavailable

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE corpsms [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<corpsms><command>Submit_SM</command><data>&lol9;</data><response>OK</response></corpsms>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE corpsms [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<corpsms><command>Auth_request</command><data>&secret;</data><response>OK</response></corpsms>"""

LOWER_CASE = b"""<?xml version="1.0"?><!DocType corpsms><corpsms><command>Submit_SM</command>
<data>123</data><response>OK</response></corpsms>"""


@pytest.mark.parametrize("body", [LAUGHS, EXTERNAL, LOWER_CASE])
def test_a_reply_with_declarations_is_refused_with_a_sentence(body: bytes) -> None:
    with pytest.raises(GatewayUnavailable) as caught:
        parse_reply(body, command="Submit_SM")
    message = str(caught.value)
    assert "declares a DTD or entities" in message
    assert "lol" not in message.split("reply began")[0]
    assert "root:" not in message  # no file was read


def test_a_plain_reply_still_reads() -> None:
    body = b"<corpsms><command>Submit_SM</command><data>42</data><response>OK</response></corpsms>"
    reply = parse_reply(body, command="Submit_SM")
    assert reply.data is not None and reply.data.raw_text == "42"


@pytest.mark.parametrize(
    ("text", "position", "code"),
    [("Bill\x00due", 5, "U+0000"), ("Rs 500\x1b[31m", 7, "U+001B"), ("ok\x7f", 3, "U+007F")],
)
def test_control_characters_are_refused_with_their_position(
    text: str, position: int, code: str
) -> None:
    from tui.gateway import validate
    from tui.gateway.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        validate.message_text(text)
    assert f"({code}) at character {position}" in str(caught.value)
    assert "Nothing was sent" in str(caught.value)


def test_newlines_and_tabs_pass_and_windows_line_ends_become_plain() -> None:
    from tui.gateway import validate

    assert validate.message_text("Line one\r\nLine\ttwo\rthree") == "Line one\nLine\ttwo\nthree"
