"""Opening a clip for conversion: its format and its mono s16le samples from
one ffmpeg run.

A separate ``ffmpeg -i`` to read the format first costs a whole ffmpeg
start-up (50-150 ms, a third of converting a 5-minute MP3), so the decoding
run itself reports the format: it logs at info level with each line tagged by
level, the input's description is read from its first lines before any sample
is used, and only its error-level lines explain a failure, as with
``-loglevel error``. WAV files need no ffmpeg to read their format, and a
chosen end needs the length first; both go through
:func:`tui.audio.decode.open_pcm`.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from tui.audio.decode import PcmStream, ffmpeg_command, open_pcm, pipe_chunks
from tui.audio.errors import AudioDecodeError, FfmpegMissing
from tui.audio.probe import (
    PROBE_TIMEOUT_S,
    SourceInfo,
    ffmpeg_for,
    parse_ffmpeg_info,
    probe,
    probe_header,
)

_LEVEL = re.compile(
    r"^(?P<context>\[[^\]]*@ 0x[0-9a-f]+\] )?"
    r"\[(?P<level>trace|debug|verbose|info|warning|error|fatal|panic)\] "
)
_ERROR_LEVELS = frozenset({"error", "fatal", "panic"})
#: Where ffmpeg's description of its input ends.
_HEADER_END = ("Stream mapping:", "Output #")
#: Error lines kept for the failure message (only the last meaningful one is used).
_KEPT_ERRORS = 64


class _FfmpegLog:
    """Reads ffmpeg's stderr on a thread (so neither pipe can fill and stall
    ffmpeg): the lines up to the end of the input's description, then only the
    last error-level lines, so memory stays flat whatever ffmpeg prints."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.header: list[str] = []
        self.header_done = threading.Event()
        self._errors: deque[str] = deque(maxlen=_KEPT_ERRORS)
        self._thread = threading.Thread(target=self._run, name="ffmpeg-log", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        level = "info"
        try:
            for raw in self._stream:
                for line in raw.decode("utf-8", "replace").splitlines():
                    tag = _LEVEL.match(line)
                    if tag is not None:
                        level = tag["level"]
                        line = (tag["context"] or "") + line[tag.end() :]
                    if not self.header_done.is_set():
                        if line.startswith(_HEADER_END):
                            self.header_done.set()
                        else:
                            self.header.append(line)
                    if level in _ERROR_LEVELS:
                        self._errors.append(line)
        finally:
            self.header_done.set()

    def error_text(self) -> str:
        """What ffmpeg printed at error level (waits for it to finish)."""
        self._thread.join()
        return "\n".join(self._errors)

    def close(self) -> None:
        self._thread.join()
        self._stream.close()


@contextmanager
def open_source(
    src: str | os.PathLike[str],
    *,
    rate: int,
    start_s: float = 0.0,
    end_s: float | None = None,
    phone_band: bool = False,
) -> Iterator[tuple[SourceInfo, PcmStream]]:
    """Check ``src``, read its format and decode it to mono s16le at ``rate``
    from ``start_s`` up to ``end_s``, optionally through the telephone band
    filter. Raises the same errors as :func:`tui.audio.probe.probe` before
    yielding; decoding errors are raised at the end of iteration, and leaving
    the block early stops the decoder."""
    path, size, info = probe_header(src)
    if info is not None or end_s is not None:
        # An end past the clip's end is moved to it, as ffmpeg's ``-t`` counts
        # the last stretch of some codecs (AAC's padding) differently: that
        # needs the length before decoding, so the format is read first.
        if info is None:
            info = probe(path)
        duration_s = None if end_s is None else max(0.0, clipped_end(info, end_s) - start_s)
        with open_pcm(
            info,
            rate=rate,
            mono=True,
            start_s=start_s,
            duration_s=duration_s,
            phone_band=phone_band,
        ) as stream:
            yield info, stream
        return
    exe = ffmpeg_for(path)
    cmd = ffmpeg_command(
        exe,
        path,
        rate=rate,
        out_rate=rate,
        channels=1,
        mono=True,
        start_s=start_s,
        phone_band=phone_band,
        log=("-nostats", "-loglevel", "level+info"),
    )
    try:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except OSError as exc:
        raise FfmpegMissing(f"ffmpeg at {exe} could not be started ({exc.strerror}).") from None
    assert proc.stdout is not None and proc.stderr is not None
    log = _FfmpegLog(proc.stderr)
    try:
        if not log.header_done.wait(PROBE_TIMEOUT_S):
            raise AudioDecodeError(f"{path} could not be read: ffmpeg took too long.")
        info = parse_ffmpeg_info(path, size, exe, "\n".join(log.header))
        yield (
            info,
            PcmStream(
                pipe_chunks(proc, proc.stdout, log.error_text, info, 1),
                channels=1,
                rate=rate,
                band_filtered=phone_band,
            ),
        )
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.wait()
        log.close()


def clipped_end(info: SourceInfo, end_s: float) -> float:
    """``end_s``, moved back to the clip's end when the header gives its exact length."""
    if info.duration_s is not None and info.duration_exact:
        return min(end_s, info.duration_s)
    return end_s
