"""Settings of one simulator instance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from tui.gateway.codes import SESSION_LIFETIME_SECONDS


@dataclass(slots=True)
class SimulatorConfig:
    """How the simulated gateway behaves. Times are simulated seconds."""

    #: Seeds every random choice (call outcomes, options pressed, faults, IDs).
    seed: int = 0
    #: Simulated seconds per real second (real-time clock only).
    speed: float = 1.0
    #: When True the clock stands still until ``sim.clock.advance`` is called.
    manual_clock: bool = False
    #: Simulated start time; None means now.
    start: datetime | None = None
    #: A session expires after this many seconds without a request.
    session_idle: float = float(SESSION_LIFETIME_SECONDS)
    #: Requests per second over all callers (real time); beyond it: error 304.
    max_rps: float | None = None
    #: Recipients one sendsms/makecall/feedback call may carry; beyond it: error 305.
    max_recipients: int | None = None
    #: An uploaded audio file becomes ready this long after upload.
    audio_ready_after: float = 30.0
    #: A quick message goes Not Sent -> Sent this long after submission.
    sms_delivery_delay: float = 5.0
    #: A quick call's first attempt happens this long after submission ...
    call_delay: float = 20.0
    #: ... and each retry this long after the previous attempt.
    call_retry_interval: float = 60.0
    #: A voice campaign waits this long in Pending approval before it is Scheduled.
    voice_approval_after: float = 60.0
    #: A running voice campaign places one call attempt this often.
    voice_call_interval: float = 10.0
    #: Error replies carry the bare code (``102``) or the form seen in traffic (``Error 102``).
    error_style: Literal["bare", "prefixed"] = "bare"
    #: Reproduce the document's own example shapes (missing declarations, the
    #: campaign status ``-`` lines, the unclosed ``<recipient>``) instead of tidy XML.
    doc_shapes: bool = False
    #: Credit charged per SMS segment sent (quick, campaign, voice fallback).
    sms_price: float = 1.0
    #: Credit charged per started minute of an answered call.
    call_minute_price: float = 2.0
    #: Credit charged per segment of an incoming SMS paid for.
    incoming_price: float = 0.5
    #: Incoming SMS handed out by get_incoming_messages when no size is given.
    incoming_default_size: int = 50
    #: Demo data: a new incoming SMS arrives about this often.
    incoming_interval: float = 240.0
