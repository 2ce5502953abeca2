"""Fault injection: what can go wrong between the client and the gateway.

Rules are matched per command, fire with a probability (drawn from a seeded
generator, so a run is repeatable) and optionally a limited number of times
after letting some requests through. The ``--faults`` string of ``csms simulate``
is parsed by :func:`parse_spec`; :data:`SPEC_HELP` documents it.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Literal, cast, get_args

from tui.gateway import codes

FaultKind = Literal["latency", "late", "drop", "cut", "html500", "malformed", "expire"]
KINDS: tuple[str, ...] = get_args(FaultKind)
_TIMED = frozenset({"latency", "late"})

SPEC_HELP = """\
Faults are comma-separated rules COMMAND:KIND[=SECONDS][:PROBABILITY[xCOUNT][@SKIP]].
COMMAND is a page name without .jsp (sendsms, querymsg, auth, ...) or * for every
command. KIND is one of:
  latency=S  wait S seconds before handling the request (a client that gave
             up meanwhile is never served: the request does nothing);
  late=S     handle the request, then wait S seconds before replying (it still
             takes effect even if the client has given up);
  drop       handle the request, then close the connection without a reply;
  cut        close the connection without a reply before handling the request;
  html500    reply HTTP 500 with an HTML error page (the request does nothing);
  malformed  handle the request, then reply with truncated XML;
  expire     expire the caller's session first (the reply is error 102).
PROBABILITY is 0..1 (default 1); xCOUNT fires at most COUNT times; @SKIP lets the
first SKIP matching requests through. Draws use --seed, so runs repeat.
Example: sendsms:drop:0.1,querymsg:latency=2.0:0.5,*:html500:0.05,sendsms:late=40:1x1"""

_PAGES = {c.page.removesuffix(".jsp") for c in codes.COMMANDS}


class FaultSpecError(ValueError):
    """A fault rule that cannot be understood; the message says which and why."""


@dataclass(slots=True)
class FaultRule:
    command: str
    kind: FaultKind
    probability: float = 1.0
    count: int | None = None
    skip: int = 0
    seconds: float = 0.0
    seen: int = 0
    fired: int = 0

    def matches(self, page: str) -> bool:
        return self.command == "*" or self.command == page.removesuffix(".jsp")


@dataclass(slots=True)
class FaultDecision:
    """What the faults chose for one request."""

    latency: float = 0.0
    late: float | None = None
    drop: bool = False
    cut: bool = False
    html500: bool = False
    malformed: bool = False
    expire: bool = False
    kinds: list[str] = field(default_factory=list)


def _command_name(command: str) -> str:
    name = command.strip().removesuffix(".jsp")
    if name != "*" and name not in _PAGES:
        known = ", ".join(sorted(_PAGES))
        raise FaultSpecError(
            f"Unknown command {command!r} in a fault rule; use * or one of {known}."
        )
    return name


def make_rule(
    command: str,
    kind: str,
    probability: float = 1.0,
    count: int | None = None,
    *,
    seconds: float | None = None,
    skip: int = 0,
) -> FaultRule:
    """A checked rule; raises FaultSpecError with one clear sentence."""
    if kind not in KINDS:
        raise FaultSpecError(f"Unknown fault kind {kind!r}; use one of {', '.join(KINDS)}.")
    if kind in _TIMED and (seconds is None or seconds < 0):
        raise FaultSpecError(f"Fault {kind!r} needs a delay in seconds, e.g. {kind}=2.0.")
    if kind not in _TIMED and seconds is not None:
        raise FaultSpecError(f"Fault {kind!r} takes no delay; write it without '='.")
    if not 0.0 <= probability <= 1.0:
        raise FaultSpecError(f"Fault probability {probability} is outside 0..1.")
    if count is not None and count < 1:
        raise FaultSpecError("A fault count must be at least 1.")
    if skip < 0:
        raise FaultSpecError("A fault skip must not be negative.")
    return FaultRule(
        _command_name(command),
        cast(FaultKind, kind),
        probability,
        count,
        skip,
        seconds or 0.0,
    )


def _number(text: str, what: str, rule: str, kind: type[int] | type[float]) -> float:
    try:
        return kind(text)
    except ValueError:
        raise FaultSpecError(f"Fault rule {rule!r}: {what} {text!r} is not a number.") from None


def parse_rule(text: str) -> FaultRule:
    parts = text.strip().split(":")
    if len(parts) not in (2, 3) or not all(parts):
        raise FaultSpecError(
            f"Fault rule {text!r} is not COMMAND:KIND[=SECONDS][:PROBABILITY[xCOUNT][@SKIP]]."
        )
    command, kind_text = parts[0], parts[1]
    seconds: float | None = None
    kind, eq, delay = kind_text.partition("=")
    if eq:
        seconds = _number(delay, "delay", text, float)
    probability, count, skip = 1.0, None, 0
    if len(parts) == 3:
        rest = parts[2]
        rest, at, skip_text = rest.partition("@")
        if at:
            skip = int(_number(skip_text, "skip", text, int))
        rest, x, count_text = rest.partition("x")
        if x:
            count = int(_number(count_text, "count", text, int))
        if rest:
            probability = _number(rest, "probability", text, float)
    return make_rule(command, kind.strip(), probability, count, seconds=seconds, skip=skip)


def parse_spec(spec: str) -> list[FaultRule]:
    """Rules of a ``--faults`` string (see SPEC_HELP); empty string gives no rules."""
    return [parse_rule(item) for item in spec.split(",") if item.strip()]


class FaultPlan:
    """The active fault rules of one simulator; thread-safe and seeded."""

    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(f"faults:{seed}")
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        #: (page, kind) of every fault fired, in order.
        self.fired: list[tuple[str, str]] = []

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def add(
        self,
        command: str,
        kind: str,
        probability: float = 1.0,
        count: int | None = None,
        *,
        seconds: float | None = None,
        skip: int = 0,
    ) -> FaultRule:
        """Add a rule, e.g. ``add("sendsms", "drop", count=1)`` or
        ``add("*", "latency", 0.5, seconds=2.0)``."""
        rule = make_rule(command, kind, probability, count, seconds=seconds, skip=skip)
        with self._lock:
            self._rules.append(rule)
        return rule

    def load(self, spec: str) -> None:
        rules = parse_spec(spec)
        with self._lock:
            self._rules.extend(rules)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def decide(self, page: str) -> FaultDecision:
        decision = FaultDecision()
        with self._lock:
            for rule in self._rules:
                if not rule.matches(page):
                    continue
                rule.seen += 1
                if rule.seen <= rule.skip:
                    continue
                if rule.count is not None and rule.fired >= rule.count:
                    continue
                if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                self.fired.append((page, rule.kind))
                decision.kinds.append(rule.kind)
                if rule.kind == "latency":
                    decision.latency += rule.seconds
                elif rule.kind == "late":
                    decision.late = (decision.late or 0.0) + rule.seconds
                else:
                    setattr(decision, rule.kind, True)
        return decision
