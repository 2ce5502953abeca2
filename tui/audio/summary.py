"""A recording's analysis as the audio form shows it: one fact per line, then
what to tick when it needs converting."""

from __future__ import annotations

from tui.audio.analysis import AudioAnalysis
from tui.audio.units import format_bytes, format_duration
from tui.gateway.codes import AUDIO_MAX_BYTES


def describe(a: AudioAnalysis) -> str:
    """The analysis as the form shows it, one fact per line."""
    channels = {1: "mono", 2: "stereo"}.get(a.channels, f"{a.channels} channels")
    bits = f", {a.bits_per_sample}-bit" if a.bits_per_sample else ""
    clipping = "none"
    if a.clipped_samples:
        clipping = f"{a.clipped_samples:,} samples clipped ({a.clipped_percent:.2f}%)"
    fit = "fits" if a.fits else f"too long: at most {format_duration(a.max_duration_s)} fits"
    lines = [
        f"{a.path.name}",
        f"Format    {a.format_label}, {channels}, {a.sample_rate} Hz{bits}, "
        f"{format_bytes(a.file_bytes)}",
        f"Length    {format_duration(a.duration_s)}",
        f"Level     peak {a.peak_dbfs:.1f} dBFS, RMS {a.rms_dbfs:.1f} dBFS",
        f"Clipping  {clipping}",
        f"Silence   {a.leading_silence_s:.2f} s at the start, "
        f"{a.trailing_silence_s:.2f} s at the end (| on the waveform)",
        f"As WAV    {a.output_bytes:,} of {AUDIO_MAX_BYTES:,} bytes ({fit})",
    ]
    if a.ready:
        lines.append("Gateway   ready to upload as it is")
    else:
        lines.append("Gateway   needs converting: " + "; ".join(p.text for p in a.problems))
    advice = advice_for(a)
    if advice:
        lines.append("Advice    " + "; ".join(advice))
    return "\n".join(lines)


def advice_for(a: AudioAnalysis) -> list[str]:
    """What to tick (or do) for this recording, in the form's words."""
    advice = []
    if not a.fits:
        advice.append("tick Cut to fit, or give a start and end")
    if a.rms_dbfs < -30:
        advice.append("it is quiet: tick Normalise")
    if a.leading_silence_s + a.trailing_silence_s >= 1.0:
        advice.append("tick Trim silence")
    if a.clipped_percent >= 0.01:
        advice.append("it is clipped: record it again at a lower level if you can")
    return advice
