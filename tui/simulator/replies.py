"""Replies in the gateway's shapes: XML by default, JSON with ``response_type=2``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal, TypeAlias
from xml.sax.saxutils import escape

from tui.gateway import codes

Value: TypeAlias = "str | int | float | list[Field]"
Field: TypeAlias = "tuple[str, Value]"

#: Elements that may repeat inside ``<data>``; JSON always renders them as lists.
REPEATED = frozenset({"recipient", "incomingSms"})

#: Pages whose document examples carry the XML declaration (doc_shapes mode).
_DECLARED_IN_DOC = frozenset(
    {
        codes.AUTH.page,
        codes.SEND_SMS.page,
        codes.QUERY_MESSAGE.page,
        codes.CREATE_LIST.page,
        codes.ADD_CONTACTS.page,
        codes.CREATE_CAMPAIGN.page,
        codes.PING.page,
        codes.MAKE_CALL.page,
        codes.QUERY_CALL.page,
        codes.FEEDBACK_CALL.page,
    }
)

DECLARATION = '<?xml version="1.0" encoding="UTF-8" ?>\n'
XML_TYPE = "text/xml;charset=UTF-8"
JSON_TYPE = "application/json;charset=UTF-8"


class ApiError(Exception):
    """A request the gateway refuses with an error code."""

    def __init__(self, code: int) -> None:
        super().__init__(f"gateway error {code}")
        self.code = code


@dataclass(frozen=True, slots=True)
class Reply:
    command: codes.Command
    ok: bool
    #: Plain text (IDs, a status, an error code) or nested elements.
    data: str | list[Field]


def ok(command: codes.Command, data: str | list[Field]) -> Reply:
    return Reply(command, True, data)


def error(command: codes.Command, code: int, style: Literal["bare", "prefixed"]) -> Reply:
    return Reply(command, False, f"Error {code}" if style == "prefixed" else str(code))


def _text(value: str | int | float) -> str:
    if isinstance(value, float):
        return repr(round(value, 2))
    return escape(str(value))


def _xml_fields(fields: list[Field], out: list[str], doc_shapes: bool, page: str) -> None:
    for tag, value in fields:
        if isinstance(value, list):
            if doc_shapes and page == codes.CAMPAIGN_STATUS.page:
                out.append("-\n")
            out.append(f"<{tag}>\n")
            _xml_fields(value, out, doc_shapes, page)
            if doc_shapes and page == codes.QUERY_CALL.page and tag == "recipient":
                out.append(f"<{tag}>\n")  # the document leaves <recipient> unclosed
            else:
                out.append(f"</{tag}>\n")
        elif value == "":
            out.append(f"<{tag}/>\n")
        else:
            out.append(f"<{tag}>{_text(value)}</{tag}>\n")


def render_xml(reply: Reply, *, doc_shapes: bool = False) -> bytes:
    page = reply.command.page
    out: list[str] = []
    if not doc_shapes or page in _DECLARED_IN_DOC:
        out.append(DECLARATION)
    out.append(f"<corpsms>\n<command>{escape(reply.command.name)}</command>\n")
    if isinstance(reply.data, str):
        out.append(f"<data>{escape(reply.data)}</data>\n")
    else:
        sloppy_campaign = doc_shapes and page == codes.CAMPAIGN_STATUS.page and reply.ok
        if sloppy_campaign:
            out.append("-\n")
        out.append("<data>\n")
        _xml_fields(reply.data, out, doc_shapes, page)
        if sloppy_campaign:
            # The document's example stops here: no </data>, <response> or </corpsms>.
            return "".join(out).encode()
        out.append("</data>\n")
    out.append(f"<response>{'OK' if reply.ok else 'ERROR'}</response>\n</corpsms>\n")
    return "".join(out).encode()


def _json_value(value: Value) -> object:
    if not isinstance(value, list):
        return value
    result: dict[str, object] = {}
    for tag, inner in value:
        converted = _json_value(inner)
        if tag in REPEATED:
            bucket = result.setdefault(tag, [])
            assert isinstance(bucket, list)
            bucket.append(converted)
        else:
            result[tag] = converted
    return result


def render_json(reply: Reply) -> bytes:
    body = {
        "corpsms": {
            "command": reply.command.name,
            "data": _json_value(reply.data),
            "response": "OK" if reply.ok else "ERROR",
        }
    }
    return json.dumps(body, ensure_ascii=False).encode()
