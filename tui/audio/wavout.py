"""Writing the gateway-ready WAV: a plain 44-byte header, atomically."""

from __future__ import annotations

import errno
import io
import os
import tempfile
from pathlib import Path

from tui.audio._compat import AudioSegment
from tui.audio.errors import AudioOutputExists, AudioWriteError

#: Added to the source's name for the converted WAV.
CONVERTED_SUFFIX = "-8k"


def check_destination(dst: Path, src: Path | None = None, *, replace: bool = False) -> None:
    """Refuse, before any work, an output the gateway or the disk won't take,
    the input itself, and an existing file unless ``replace``."""
    if dst.suffix.lower() != ".wav":
        raise AudioWriteError(
            f"{dst} must end in .wav: the gateway accepts only .wav files; "
            "choose a name like prompt.wav."
        )
    if dst.is_dir():
        raise AudioWriteError(f"{dst} is a folder; give a file name ending in .wav.")
    parent = dst.parent
    if not parent.is_dir():
        raise AudioWriteError(f"The folder {parent} does not exist; create it or choose another.")
    if src is not None and _same_file(src, dst):
        raise AudioWriteError(
            f"{dst} is the file being converted and is never replaced; choose another "
            f"output name, such as {converted_name(src).name}."
        )
    if not replace and (dst.exists() or dst.is_symlink()):
        raise AudioOutputExists(
            f"{dst} already exists; choose another name or allow replacing it.", path=str(dst)
        )


def converted_name(src: Path) -> Path:
    """Where a converted file goes by default: ``<name>-8k.wav`` next to the source."""
    return src.with_name(f"{src.stem}{CONVERTED_SUFFIX}.wav")


def _same_file(src: Path, dst: Path) -> bool:
    try:
        return dst.exists() and src.exists() and os.path.samefile(src, dst)
    except OSError:
        return src.resolve() == dst.resolve()


def write_wav(segment: AudioSegment, dst: Path) -> None:
    """Write ``segment`` as WAV to ``dst`` through a temporary file in the same
    folder and ``os.replace``: ``dst`` is either the complete new file or left
    as it was."""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".part", dir=dst.parent)
    except OSError as exc:
        raise AudioWriteError(
            f"Cannot write in {dst.parent} ({exc.strerror}); choose another folder."
        ) from None
    tmp = Path(tmp_name)
    # pydub writes WAV itself (no ffmpeg) with the plain 44-byte header. It is
    # rendered in memory first (a gateway clip is a few megabytes at most), so a
    # disk that fills up fails one plain write, not the ``wave`` writer half-way
    # (whose clean-up would then fail again, loudly, on a closed file).
    rendered = io.BytesIO()
    segment.export(rendered, format="wav")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(rendered.getbuffer())
            f.flush()
            os.fsync(f.fileno())
        tmp.chmod(0o644)
        os.replace(tmp, dst)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise AudioWriteError(
                f"No space left on the disk holding {dst.parent}; free some space and"
                " convert again. Nothing was written."
            ) from None
        raise AudioWriteError(
            f"Cannot write {dst} ({exc.strerror}); nothing was written."
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
