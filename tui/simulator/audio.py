"""Audio upload and status (sections 14 and 15 of the document)."""

from __future__ import annotations

import io
import wave

from tui.gateway.codes import AUDIO_MAX_BYTES, AUDIO_SAMPLE_RATE
from tui.simulator import checks
from tui.simulator.model import AudioFile
from tui.simulator.replies import ApiError
from tui.simulator.state import Ctx


def inspect_wav(data: bytes) -> float:
    """Seconds of sound in a gateway-ready WAV; the document's code if it is not one."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            channels = wav.getnchannels()
            width = wav.getsampwidth()
            rate = wav.getframerate()
            frames = wav.getnframes()
    except (wave.Error, EOFError, ValueError):
        raise ApiError(606) from None  # not RIFF/WAVE, or not plain PCM
    if channels != 1:
        raise ApiError(607)
    if rate != AUDIO_SAMPLE_RATE:
        raise ApiError(608)
    if width != 2:
        raise ApiError(609)
    return frames / rate


def upload(ctx: Ctx) -> str:
    name = ctx.need("name", 602)
    if not checks.name_ok(name):
        raise ApiError(612)
    state, login = ctx.state, ctx.account.login
    if any(a.login == login and a.name.casefold() == name.casefold() for a in state.audio.values()):
        raise ApiError(603)
    sent = ctx.upload
    if sent is None or not sent.data:
        raise ApiError(604)
    if len(sent.data) > AUDIO_MAX_BYTES:
        raise ApiError(605)
    if not sent.filename.lower().endswith(".wav"):
        raise ApiError(611)
    duration = inspect_wav(sent.data)
    file_id = state.next_id("audio")
    state.audio[file_id] = AudioFile(
        file_id,
        login,
        name,
        sent.filename,
        len(sent.data),
        duration,
        ctx.now,
        ctx.now + ctx.config.audio_ready_after,
    )
    return file_id


def status(ctx: Ctx) -> str:
    file_id = ctx.need("file_id", 700)
    audio = ctx.state.audio.get(file_id)
    if audio is None or audio.login != ctx.account.login:
        raise ApiError(712)
    return "1" if audio.ready(ctx.now) else "0"
