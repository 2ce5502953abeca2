"""Helpers for the simulator tests: plain httpx requests and a small reply reader."""

from __future__ import annotations

import io
import json
import math
import struct
import wave
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from tui.gateway.codes import API_PREFIX
from tui.simulator import Simulator, SimulatorServer

LOGIN = "923001234567"
PASSWORD = "demo"


@dataclass
class Parsed:
    command: str
    response: str
    #: The text of <data> (empty for nested data).
    data: str
    root: ET.Element

    @property
    def ok(self) -> bool:
        return self.response == "OK"

    @property
    def code(self) -> int:
        assert self.response == "ERROR", f"expected an error reply, got {self.response}"
        return int(self.data.removeprefix("Error ").strip())

    def fields(self) -> dict[str, str]:
        """Child elements of <data> as tag -> text (first of each tag)."""
        data = self.root.find("data")
        assert data is not None
        out: dict[str, str] = {}
        for child in data:
            out.setdefault(child.tag, child.text or "")
        return out

    def items(self, tag: str) -> list[dict[str, str]]:
        data = self.root.find("data")
        assert data is not None
        return [{c.tag: c.text or "" for c in item} for item in data.findall(tag)]


def parse(body: bytes) -> Parsed:
    root = ET.fromstring(body)
    assert root.tag == "corpsms"
    assert [c.tag for c in root] == ["command", "data", "response"]
    return Parsed(
        root.findtext("command") or "",
        root.findtext("response") or "",
        (root.findtext("data") or "").strip(),
        root,
    )


class Api:
    """Requests to a simulator exactly as a third-party client would make them."""

    def __init__(self, client: httpx.Client) -> None:
        self.http = client
        self.sid = ""
        self._credentials = (LOGIN, PASSWORD)

    def raw(self, page: str, **params: Any) -> httpx.Response:
        """GET (or POST with ``method="POST"``, multipart with ``files=``)."""
        method: str = params.pop("method", "GET")
        files: dict[str, Any] | None = params.pop("files", None)
        clean = {k: str(v) for k, v in params.items() if v is not None}
        url = API_PREFIX + page
        if method == "GET":
            return self.http.get(url, params=clean)
        if files is not None:
            query = {"session_id": clean.pop("session_id")} if "session_id" in clean else {}
            return self.http.post(url, params=query, data=clean, files=files)
        return self.http.post(url, data=clean)

    def call(self, page: str, **params: object) -> Parsed:
        response = self.raw(page, **params)
        assert response.status_code == 200, response.text
        return parse(response.content)

    def json(self, page: str, **params: object) -> dict[str, Any]:
        response = self.raw(page, response_type=2, **params)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        body = json.loads(response.content)
        assert list(body) == ["corpsms"]
        return body["corpsms"]

    def login(self, msisdn: str | None = None, password: str | None = None) -> str:
        if msisdn is not None:
            self._credentials = (msisdn, password or "")
        msisdn, password = self._credentials
        reply = self.call("auth.jsp", msisdn=msisdn, password=password)
        assert reply.ok, reply.data
        self.sid = reply.data
        return self.sid

    def ok(self, page: str, **params: object) -> Parsed:
        """A successful reply; logs in again once if the session has expired (102),
        as any client would after the clock jumped."""
        explicit = "session_id" in params
        params.setdefault("session_id", self.sid)
        reply = self.call(page, **params)
        if not explicit and not reply.ok and reply.code == 102:
            params["session_id"] = self.login()
            reply = self.call(page, **params)
        assert reply.ok, f"{page} failed with {reply.data}"
        return reply

    def error(self, page: str, **params: object) -> int:
        params.setdefault("session_id", self.sid)
        return self.call(page, **params).code

    def upload(self, name: str | None, data: bytes, filename: str = "clip.wav") -> Parsed:
        files = {"audio_file": (filename, data, "audio/wav")}
        response = self.raw(
            "audio_upload.jsp", method="POST", files=files, session_id=self.sid, name=name
        )
        assert response.status_code == 200
        return parse(response.content)


def wav_bytes(
    *, seconds: float = 0.25, rate: int = 8000, channels: int = 1, width: int = 2
) -> bytes:
    """A PCM WAV of a 440 Hz tone, made with the wave module."""
    frames = int(seconds * rate)
    peak = (1 << (8 * width - 1)) - 1
    samples = bytearray()
    for i in range(frames):
        value = int(peak * 0.3 * math.sin(2 * math.pi * 440 * i / rate))
        if width == 1:
            frame = bytes([value + 128])
        else:
            frame = value.to_bytes(width, "little", signed=True)
        samples += frame * channels
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(bytes(samples))
    return buffer.getvalue()


def float_wav_bytes(seconds: float = 0.1, rate: int = 8000) -> bytes:
    """A mono IEEE-float WAV (format tag 3), which is not PCM."""
    frames = int(seconds * rate)
    data = b"".join(struct.pack("<f", 0.25 * math.sin(i / 5)) for i in range(frames))
    fmt = struct.pack("<HHIIHH", 3, 1, rate, rate * 4, 4, 32)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


@contextmanager
def served(sim: Simulator, *, login: bool = True) -> Iterator[Api]:
    """``sim`` on loopback with a plain client (logged in as the test account)."""
    with SimulatorServer(sim) as server, httpx.Client(base_url=server.base_url) as client:
        api = Api(client)
        if login:
            api.login()
        yield api
