"""Quick calls and feedback calls (sections 9, 10 and 20 of the document)."""

from __future__ import annotations

from tui.gateway.codes import CallStatus
from tui.simulator import checks
from tui.simulator.model import Account, Call, CallAttempt
from tui.simulator.replies import ApiError, Field
from tui.simulator.state import Ctx, SimState


def _plan(state: SimState, account: Account, call: Call) -> None:
    """Decide every attempt now (outcomes are fixed by seed and number) and
    charge the answered one when its time comes."""
    at = call.submitted_at + state.config.call_delay
    for attempt in range(call.max_retries + 1):
        result = state.call_attempt(call.recipient, attempt, at, call.valid_options)
        call.plan.append(result)
        if result.outcome is CallStatus.SENT:
            cost = state.call_cost(result.seconds)

            def charge(_at: float, cost: float = cost) -> None:
                state.charge(account, cost)

            state.schedule(at, charge)
            return
        at += state.config.call_retry_interval


def _submit(ctx: Ctx, *, feedback: bool) -> str:
    numbers = checks.recipients(ctx)
    account = ctx.account
    file_id = ctx.need("file_id", 700)
    max_retries = checks.retries(ctx)
    mask = checks.mask(ctx, account.ivr_masks, 704)
    checks.audio_file(ctx, file_id, unknown=701, not_ready=701)
    valid_options = valid_file = invalid_file = None
    if feedback:
        valid_options = checks.positive_int(ctx.get("valid_options"), 0, 9)
        if valid_options is None:
            raise ApiError(705)
        valid_file = ctx.need("valid_feedback_file_id", 706)
        checks.audio_file(ctx, valid_file, unknown=706, not_ready=706)
        invalid_file = ctx.need("invalid_feedback_file_id", 707)
        checks.audio_file(ctx, invalid_file, unknown=707, not_ready=707)
    if account.credit <= 0:
        raise ApiError(100)
    state = ctx.state
    ids: list[str] = []
    for number in numbers:
        call_id = state.next_id("call")
        call = Call(
            call_id,
            account.login,
            number,
            file_id,
            mask,
            max_retries,
            ctx.now,
            [],
            feedback,
            valid_options,
            valid_file,
            invalid_file,
        )
        _plan(state, account, call)
        state.calls[call_id] = call
        ids.append(call_id)
    return ",".join(ids)


def make_call(ctx: Ctx) -> str:
    return _submit(ctx, feedback=False)


def make_feedback_call(ctx: Ctx) -> str:
    return _submit(ctx, feedback=True)


def visible_attempts(call: Call, now: float) -> list[CallAttempt]:
    return [a for a in call.plan if a.at <= now]


def query_call(ctx: Ctx) -> list[Field]:
    call_id = ctx.need("call_id", 101)
    call = ctx.state.calls.get(call_id)
    if call is None or call.login != ctx.account.login:
        raise ApiError(703)
    done = visible_attempts(call, ctx.now)
    status = done[-1].outcome if done else CallStatus.SCHEDULED
    fields: list[Field] = [("msisdn", call.recipient), ("status", int(status))]
    if call.feedback and done and done[-1].option is not None:
        fields.append(("optionSelected", done[-1].option))
    return [("recipient", fields)]
