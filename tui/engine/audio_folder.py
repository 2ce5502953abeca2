"""Converting every recording in a folder with the same options: each is saved
as ``NAME-8k.wav`` beside it, a file already there is kept (never replaced),
and one that fails does not stop the others. The report says which is which.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tui.audio import AudioError, ConvertOptions
from tui.engine.audio_upload import AudioUploader, FractionCallback
from tui.gateway.errors import CsmsError
from tui.wording import plural

#: Called before each conversion with its number, the count and the source.
StartCallback = Callable[[int, int, Path], None]


@dataclass
class FolderReport:
    """What a folder's conversion did, one line per recording."""

    done: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        notes = [f"Converted {plural(len(self.done), 'recording')}:", *self.done]
        if self.kept:
            notes.append(f"Kept, already there: {', '.join(self.kept)}")
        if self.failed:
            notes.append(f"Not converted ({len(self.failed)}):")
            notes += self.failed
        return notes

    @property
    def error(self) -> str | None:
        """One sentence when some could not be converted, else None."""
        if not self.failed:
            return None
        return f"{plural(len(self.failed), 'recording')} could not be converted."


async def convert_folder(
    uploader: AudioUploader,
    sources: list[Path],
    options: ConvertOptions,
    *,
    on_start: StartCallback,
    on_end: Callable[[], None],
    on_progress: FractionCallback | None = None,
) -> FolderReport:
    """Convert ``sources`` one by one to their default outputs; ``on_start`` and
    ``on_end`` bracket each conversion actually run (a kept file runs none)."""
    report = FolderReport()
    for number, source in enumerate(sources, 1):
        output = uploader.default_output(source)
        if await asyncio.to_thread(output.exists):
            report.kept.append(output.name)
            continue
        on_start(number, len(sources), source)
        try:
            result = await uploader.convert(source, output, options, on_progress=on_progress)
        except (AudioError, CsmsError) as error:
            report.failed.append(f"{source.name}: {error}")
            continue
        finally:
            on_end()
        report.done.append(f"{source.name} -> {result.path.name} ({result.duration_s:.1f} s)")
    return report
