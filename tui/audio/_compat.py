"""Quiet imports of ``audioop`` and pydub.

Python 3.11/3.12 warn that ``audioop`` is deprecated (3.13+ gets it from the
``audioop-lts`` package), and pydub warns at import when no ffmpeg is on PATH
even though csms never lets pydub call ffmpeg (decoding goes through
``tui.audio.decode``). Neither warning means anything to a csms user.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", RuntimeWarning)
    import audioop

    from pydub import AudioSegment
    from pydub.effects import high_pass_filter, low_pass_filter

__all__ = ["AudioSegment", "audioop", "high_pass_filter", "low_pass_filter"]
