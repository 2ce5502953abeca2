"""The gateway's reply envelope: XML or JSON into a ``Reply``, or an error.

The document's examples are sloppy (no declaration, ``-`` lines copied from a
browser, an unclosed ``<recipient>``, a missing ``</corpsms>``), and real
replies carry ``Error 102`` where the document shows ``102``. The standard
library's parser reads well-formed replies; a small recovering reader takes
the known sloppy shapes, and anything else becomes ``GatewayUnavailable`` with
the HTTP status and a short, redacted excerpt.

The per-command parsers that turn a ``Reply`` into results are in
``tui.gateway.protocol``, which re-exports this module's public names.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from tui.gateway.codes import SESSION_EXPIRED, THROTTLE_CODES
from tui.gateway.errors import (
    GatewayError,
    GatewayUnavailable,
    LoginFailed,
    SessionExpired,
    Throttled,
)
from tui.gateway.redaction import Redactor

ROOT = "corpsms"
_ERROR_TEXT = re.compile(r"error\W*\d{1,9}", re.IGNORECASE)
LOGIN_FAILED_CODES = frozenset({200, 300})
EXCERPT_CHARS = 80


@dataclass(frozen=True, slots=True)
class Node:
    """One element of a reply: its text and its children, names lower-cased.

    XML elements and JSON objects both become nodes, so the per-command
    parsers read either the same way.
    """

    name: str
    raw_text: str = ""
    children: tuple[Node, ...] = ()

    @property
    def text(self) -> str:
        return self.raw_text.strip()

    def get(self, name: str) -> Node | None:
        key = name.lower()
        for child in self.children:
            if child.name == key:
                return child
        return None

    def all(self, name: str) -> list[Node]:
        key = name.lower()
        return [child for child in self.children if child.name == key]

    def value(self, name: str) -> str | None:
        child = self.get(name)
        return None if child is None else child.text


@dataclass(frozen=True, slots=True)
class Reply:
    """A decoded reply: the command it echoes, OK or not, and its data."""

    command: str
    ok: bool
    data: Node = field(default_factory=lambda: Node("data"))
    #: True when the reply was only readable by the recovering reader.
    recovered: bool = False

    @property
    def error_code(self) -> int | None:
        """The code of an ERROR reply (``102`` and ``Error 102`` alike)."""
        if self.ok:
            return None
        match = re.search(r"\d{1,9}", self.data.text)
        return int(match.group()) if match else None


#: Takes out what looks like a secret by its name (``password=...``); the
#: connection passes its own redactor, which also knows the values in use.
_BY_NAME = Redactor()

#: Turns a reply's text into what may be shown and logged.
Redact = Callable[[str], str]


def excerpt(body: bytes, redact: Redact = _BY_NAME.redact) -> str:
    """The start of a reply, whitespace collapsed and secrets removed."""
    text = body[: EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    text = " ".join(text.split())
    return redact(text)[:EXCERPT_CHARS]


def unavailable(
    reason: str,
    body: bytes,
    *,
    status: int | None = None,
    command: str | None = None,
    redact: Redact = _BY_NAME.redact,
) -> GatewayUnavailable:
    return GatewayUnavailable(reason, command=command, status=status, excerpt=excerpt(body, redact))


def error_for(code: int, command: str | None = None) -> GatewayError:
    """The ``GatewayError`` subclass for an error code."""
    if code == SESSION_EXPIRED:
        return SessionExpired(code, command=command)
    if code in LOGIN_FAILED_CODES:
        return LoginFailed(code, command=command)
    if code in THROTTLE_CODES:
        return Throttled(code, command=command)
    return GatewayError(code, command=command)


def decode_reply(
    body: bytes,
    *,
    status: int = 200,
    command: str | None = None,
    redact: Redact = _BY_NAME.redact,
) -> Reply:
    """Decode an envelope without judging OK/ERROR.

    Raises ``GatewayUnavailable`` for anything that is not a readable reply:
    HTTP errors, web pages, empty, truncated or foreign bodies.
    """
    if not 200 <= status < 300:
        kind = "a web page" if _looks_like_html(body) else "an HTTP error"
        raise unavailable(
            f"The gateway answered with {kind} instead of an API reply.",
            body,
            status=status,
            command=command,
            redact=redact,
        )
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n\x00")
    if not stripped:
        raise unavailable(
            "The gateway sent an empty reply.", body, status=status, command=command, redact=redact
        )
    if _looks_like_html(stripped):
        raise unavailable(
            "The gateway sent a web page instead of an API reply; it may be down or "
            "the base URL may be wrong.",
            body,
            status=status,
            command=command,
            redact=redact,
        )
    try:
        if stripped[:1] in (b"{", b"["):
            reply = _from_json(stripped)
        else:
            reply = _from_xml(stripped)
    except (ValueError, RecursionError, SyntaxError) as exc:  # ParseError is a SyntaxError
        reason = str(exc) if isinstance(exc, _Unreadable) else "the reply could not be read"
        raise unavailable(
            f"The gateway's reply was unusable ({reason}).",
            body,
            status=status,
            command=command,
            redact=redact,
        ) from None
    return reply


def parse_reply(
    body: bytes,
    *,
    status: int = 200,
    command: str | None = None,
    redact: Redact = _BY_NAME.redact,
) -> Reply:
    """Decode a reply and raise the ``GatewayError`` of an ERROR reply."""
    reply = decode_reply(body, status=status, command=command, redact=redact)
    raise_for_error(reply, body, status=status, command=command, redact=redact)
    return reply


def raise_for_error(
    reply: Reply,
    body: bytes,
    *,
    status: int = 200,
    command: str | None = None,
    redact: Redact = _BY_NAME.redact,
) -> None:
    """Raise the error an ERROR reply stands for; return for an OK reply."""
    if reply.ok:
        return
    code = reply.error_code
    if code is None:
        raise unavailable(
            "The gateway answered ERROR without an error code.",
            body,
            status=status,
            command=command,
            redact=redact,
        )
    raise error_for(code, command or reply.command or None)


# Envelopes ----------------------------------------------------------------------


class _Unreadable(ValueError):
    """Why a body is not a reply (a short phrase, no reply content)."""


def _looks_like_html(body: bytes) -> bool:
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype", b"<html"))


def _envelope(root: Node, *, recovered: bool) -> Reply:
    if root.name != ROOT:
        raise _Unreadable(f"unexpected root element <{root.name}>")
    command = root.value("command") or ""
    data = root.get("data") or Node("data")
    response = root.value("response")
    if response is None:
        # Campaign status as the document shows it carries no <response>;
        # accept only records, or an unmistakable "Error NNN", never bare text.
        if _ERROR_TEXT.fullmatch(data.text):
            return Reply(command, False, data, recovered)
        if not data.children:
            raise _Unreadable("no <response> element")
        return Reply(command, True, data, recovered)
    response = response.upper()
    if response not in ("OK", "ERROR"):
        raise _Unreadable(f"unknown response {response[:20]!r}")
    return Reply(command, response == "OK", data, recovered)


def _from_json(body: bytes) -> Reply:
    doc = json.loads(body.decode("utf-8-sig"))
    if not isinstance(doc, dict):
        raise _Unreadable("JSON reply is not an object")
    inner = next((v for k, v in doc.items() if k.lower() == ROOT), None)
    if inner is None and any(k.lower() == "response" for k in doc):
        inner = doc
    if not isinstance(inner, dict):
        raise _Unreadable("JSON reply has no corpsms object")
    return _envelope(Node(ROOT, "", tuple(_json_nodes(inner))), recovered=False)


def _json_nodes(obj: dict[object, object]) -> Iterator[Node]:
    for key, value in obj.items():
        name = str(key).lower()
        if isinstance(value, list) and any(isinstance(item, dict) for item in value):
            for item in value:
                yield _json_node(name, item)
        else:
            yield _json_node(name, value)


def _json_node(name: str, value: object) -> Node:
    if isinstance(value, dict):
        return Node(name, "", tuple(_json_nodes(value)))
    if isinstance(value, list):
        return Node(name, ",".join(_scalar(v) for v in value))
    return Node(name, _scalar(value))


def _scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        raise _Unreadable("nested JSON value where text was expected")
    return str(value)


#: A document type or entity declaration: a gateway reply never has one, and one
#: can expand entities into IDs (``&lol9;``) or read local files.
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)


def _from_xml(body: bytes) -> Reply:
    if _DECLARATION.search(body):
        raise _Unreadable("it declares a DTD or entities, which a gateway reply never does")
    try:
        # defusedxml refuses DTDs and entities here too, whatever the check above missed.
        element = SafeET.fromstring(body, forbid_dtd=True)
    except ET.ParseError:
        return _envelope(_recover(body.decode("utf-8", errors="replace")), recovered=True)
    except DefusedXmlException:
        raise _Unreadable(
            "it declares a DTD or entities, which a gateway reply never does"
        ) from None
    return _envelope(_element_node(element), recovered=False)


def _element_node(element: ET.Element) -> Node:
    name = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
    text = [element.text or ""]
    children = []
    for child in element:
        children.append(_element_node(child))
        text.append(child.tail or "")
    return Node(name, "".join(text), tuple(children))


# The recovering reader ------------------------------------------------------------

_TAG = re.compile(r"<(/?)([A-Za-z_][\w.:-]*)[^<>]*?(/?)>|<\?[^<>]*\?>|<!--.*?-->|<![^<>]*>", re.S)
#: Elements the document leaves open at the end of a reply (missing closing tags).
_MAY_END_OPEN = frozenset({ROOT, "data"})


class _Open:
    __slots__ = ("children", "name", "text")

    def __init__(self, name: str) -> None:
        self.name = name
        self.text: list[str] = []
        self.children: list[Node] = []

    def close(self) -> Node:
        return Node(self.name, html.unescape("".join(self.text)), tuple(self.children))


def _recover(text: str) -> Node:
    """Build a tree from tag soup, closing what the document leaves open.

    An opening tag of the element that is innermost open closes it first
    (query call's unclosed ``<recipient>``); a closing tag closes every element
    opened inside it; a stray closing tag is ignored. A body cut short (inside a
    tag, or inside a value) is refused rather than guessed at.
    """
    document = _Open("#document")
    stack = [document]
    position = 0
    for match in _TAG.finditer(text):
        stack[-1].text.append(text[position : match.start()])
        position = match.end()
        closing, raw_name, self_closing = match.group(1, 2, 3)
        if raw_name is None:  # declaration, comment or doctype
            continue
        name = raw_name.rsplit(":", 1)[-1].lower()
        if closing:
            names = [node.name for node in stack]
            if name in names[1:]:
                while True:
                    node = stack.pop()
                    stack[-1].children.append(node.close())
                    if node.name == name:
                        break
            continue
        if len(stack) > 1 and stack[-1].name == name:
            node = stack.pop()
            stack[-1].children.append(node.close())
        if self_closing:
            stack[-1].children.append(Node(name))
        else:
            stack.append(_Open(name))
    tail = text[position:]
    if "<" in tail:
        raise _Unreadable("the reply was cut short inside a tag")
    if tail.strip(" \t\r\n-"):
        stack[-1].text.append(tail)
    while len(stack) > 1:
        node = stack.pop()
        if node.name not in _MAY_END_OPEN or (node.name == "data" and not node.children):
            raise _Unreadable(f"the reply was cut short inside <{node.name}>")
        stack[-1].children.append(node.close())
    roots = document.children
    if len(roots) != 1:
        raise _Unreadable("no single root element")
    return roots[0]
