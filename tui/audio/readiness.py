"""What the gateway would reject in a file as it is (errors 605-611)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tui.audio.probe import SourceInfo, probe
from tui.audio.riff import WAVE_FORMAT_PCM
from tui.audio.units import OUTPUT_CHANNELS, OUTPUT_RATE, OUTPUT_WIDTH, format_bytes
from tui.gateway.codes import AUDIO_MAX_BYTES


@dataclass(frozen=True, slots=True)
class GatewayProblem:
    """One reason the upload would fail, with the gateway's error code."""

    code: int
    text: str

    def __str__(self) -> str:
        return f"{self.text} (gateway error {self.code})"


def problems_of(info: SourceInfo, filename: str | None = None) -> list[GatewayProblem]:
    """The problems of a probed file; ``filename`` is the name it will be
    uploaded under (default: its own)."""
    name = filename if filename is not None else info.path.name
    found: list[GatewayProblem] = []
    suffix = Path(name).suffix
    if suffix.lower() != ".wav":
        shown = f"ends in {suffix!r}" if suffix else "has no extension"
        found.append(GatewayProblem(611, f"The file name {shown}; the gateway takes only .wav"))
    wav = info.wav
    if wav is None:
        found.append(
            GatewayProblem(606, f"It is {info.format_label}, not WAV; the gateway takes PCM WAV")
        )
    else:
        if wav.format_tag != WAVE_FORMAT_PCM or wav.extensible:
            kind = f"{wav.codec}, extensible header" if wav.extensible else wav.codec
            found.append(
                GatewayProblem(606, f"Its encoding is {kind}; the gateway takes plain PCM 16-bit")
            )
        elif wav.declared_bytes is None:
            found.append(
                GatewayProblem(
                    606,
                    "Its WAV header leaves the length of the sound open; the gateway takes "
                    "a plain 44-byte header that states it",
                )
            )
        elif not wav.is_plain:
            found.append(
                GatewayProblem(
                    606,
                    f"Its WAV header is {wav.data_offset} bytes with chunks "
                    f"{', '.join(wav.chunks)}; the gateway takes a plain 44-byte header",
                )
            )
        if wav.channels != OUTPUT_CHANNELS:
            found.append(
                GatewayProblem(607, f"It has {wav.channels} channels; the gateway takes mono")
            )
        if wav.sample_rate != OUTPUT_RATE:
            found.append(
                GatewayProblem(
                    608, f"Its sample rate is {wav.sample_rate} Hz; the gateway takes 8000 Hz"
                )
            )
        if wav.bits_per_sample != OUTPUT_WIDTH * 8:
            found.append(
                GatewayProblem(
                    609, f"It has {wav.bits_per_sample}-bit samples; the gateway takes 16-bit"
                )
            )
    if info.file_bytes > AUDIO_MAX_BYTES:
        found.append(
            GatewayProblem(
                605,
                f"It is {format_bytes(info.file_bytes)}, over the gateway's "
                f"{format_bytes(AUDIO_MAX_BYTES)} limit",
            )
        )
    return found


def gateway_problems(
    path: str | os.PathLike[str], *, filename: str | None = None
) -> list[GatewayProblem]:
    """Read ``path``'s header and list what the gateway would reject.

    Raises an ``AudioError`` when the file is missing, unreadable or not audio.
    """
    return problems_of(probe(path), filename)


def check_gateway_ready(path: str | os.PathLike[str]) -> list[str]:
    """Sentences saying why the gateway would reject ``path``; empty when it
    would take it as it is."""
    return [str(problem) for problem in gateway_problems(path)]
