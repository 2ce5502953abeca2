"""Recordings on disk: the ones a folder holds, and whether a conversion's
output would replace another file."""

from __future__ import annotations

from pathlib import Path

from tui.audio.wavout import CONVERTED_SUFFIX

#: The extensions converted when a whole folder is chosen.
AUDIO_EXTENSIONS = frozenset(
    ".wav .mp3 .m4a .aac .mp4 .ogg .oga .opus .flac .wma .amr .3gp .webm .aif .aiff".split()
)


def recordings_in(folder: Path) -> list[Path]:
    """The recordings directly in ``folder`` (not converted copies), by name."""
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file()
        and not path.name.startswith(".")
        and path.suffix.lower() in AUDIO_EXTENSIONS
        and not path.stem.endswith(CONVERTED_SUFFIX)
    )


def replaces_other_file(source: Path, output: Path) -> bool:
    """An existing output that is not the source (that one is refused outright
    by the conversion, with its own sentence)."""
    return output.exists() and output.resolve() != source.resolve()
