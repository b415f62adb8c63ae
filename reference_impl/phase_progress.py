"""Decisions that move an accepted pipeline run: phases start, conclude, time out, and the run
completes exactly once (issue 4, "Phases" and "Completion"; the seed's missing transition).

PIPELINE_ACTIVE (batch status ``processing_pipelines``): every phase whose dependencies are
complete is dispatched (``dispatch_initiated``) with the pipeline's correlation id. An outcome
moves its phase to ``completed_successfully`` / ``completed_with_partial_success`` (the next phases
get the successful essays only) or ``failed`` (its dependents become
``skipped_due_to_dependency_failure``). When every phase is terminal: BatchPipelineCompletedV1,
the run is archived, and the batch is READY_FOR_PIPELINE_EXECUTION again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from harness.service import Outgoing
from reference_impl import payloads
from reference_impl.batch_state import BatchState, EssayRef, PhaseProgress, PipelineRun
from reference_impl.orchestrator_events import ClockTick, Decision, Received, Rules, unchanged
from reference_impl.phases import (
    DEPENDENCIES,
    dependents,
    is_pipeline,
    pipeline_phases,
    ready_phases,
)
from reference_impl.statuses import BatchStatus, PipelineExecutionStatus, RunStatus

Status = PipelineExecutionStatus
_OUTCOME_STATUS = {
    BatchStatus.COMPLETED_SUCCESSFULLY: Status.COMPLETED_SUCCESSFULLY,
    BatchStatus.COMPLETED_WITH_FAILURES: Status.COMPLETED_WITH_PARTIAL_SUCCESS,
}


def phase_concluded(state: BatchState | None, event: Received, rules: Rules) -> Decision:
    """ELSBatchPhaseOutcomeV1: record the phase's result, then start what it unblocks."""
    phase = str(event.data["phase_name"])
    refusal = _stale_outcome(state, event, phase)
    if refusal is not None or state is None or state.active is None:
        return _late_result(state, event, phase) or unchanged(state, refusal or "no batch")
    run, outcome = state.active, BatchStatus(event.data["phase_status"])
    processed = tuple(EssayRef.from_json(e) for e in event.data["processed_essays"])
    failed: Sequence[str] = event.data["failed_essay_ids"]
    progress = replace(
        run.phase(phase),
        completed_at=event.at,
        deadline_at=None,
        essays_successful=len(processed),
        essays_failed=len(failed),
    )
    if outcome in _OUTCOME_STATUS:
        run = run.with_phase(phase, replace(progress, status=_OUTCOME_STATUS[outcome]))
    else:
        run = _fail(run, phase, progress, {"reason": "phase_failed", "phase_status": outcome.value})
    outputs = {**state.phase_outputs, phase: processed}
    return advance(replace(state, active=run, phase_outputs=outputs), event.at, rules)


def _stale_outcome(state: BatchState | None, event: Received, phase: str) -> str | None:
    """Why this outcome must not count (a duplicate, or one of another run), or None."""
    run = state.active if state else None
    if run is None or run.status != RunStatus.ACTIVE:
        return f"outcome for {phase} with no active pipeline (duplicate or late): ignored"
    if phase not in run.phases or not run.phase(phase).in_flight:
        return f"outcome for {phase}, which is not awaiting one (duplicate): ignored"
    carried = {event.correlation_id, str(event.data.get("correlation_id"))}
    if run.correlation_id not in carried:
        return f"outcome for {phase} of another pipeline run: ignored"
    return None


def _late_result(state: BatchState | None, event: Received, phase: str) -> Decision | None:
    """A successful outcome for a phase that timed out in the last run: the run stays failed,
    but the phase's output is kept, because BCS will count the phase as done and prune it."""
    last = state.history[-1] if state and state.history else None
    if state is None or last is None or phase not in last.phases:
        return None
    timed_out = (last.phase(phase).error_info or {}).get("reason") == "phase_timeout"
    running = state.active is not None and phase in state.active.phases
    carried = {event.correlation_id, str(event.data.get("correlation_id"))}
    success = event.data["phase_status"] in _OUTCOME_STATUS
    if not (timed_out and success and last.correlation_id in carried) or running:
        return None
    processed = tuple(EssayRef.from_json(e) for e in event.data["processed_essays"])
    outputs = {**state.phase_outputs, phase: processed}
    return Decision(replace(state, phase_outputs=outputs), note=f"late {phase} output kept")


def phase_deadlines(state: BatchState | None, event: ClockTick, rules: Rules) -> Decision:
    """A tick: phases past their timeout fail (the real system waits for ever). The first tick
    after a restart (``resume``) also re-drives every phase still in flight."""
    run = state.active if state else None
    if state is None or run is None or run.status != RunStatus.ACTIVE:
        return unchanged(state, "nothing in flight")
    overdue = [n for n, p in run.phases.items() if p.in_flight and (p.deadline_at or 0) <= event.at]
    if not overdue:
        if event.resume and (redriven := redrive(state, run)):
            return Decision(state, redriven, note=f"re-driven after a restart: {len(redriven)}")
        return unchanged(state, "no phase overdue")
    for phase in overdue:
        reason = {"reason": "phase_timeout", "timeout_s": rules.phase_timeout_s}
        progress = replace(run.phase(phase), completed_at=event.at, deadline_at=None)
        run = _fail(run, phase, progress, reason)
    outputs = {**state.phase_outputs, **{phase: () for phase in overdue}}
    return advance(replace(state, active=run, phase_outputs=outputs), event.at, rules)


def redrive(state: BatchState, run: PipelineRun) -> tuple[Outgoing, ...]:
    """The command of every phase in flight, again, exactly as first sent (same essays, same
    timestamp, same event_id): after a restart BOS cannot know whether a command it sent was
    acted on, and waiting out the phase timeout would fail a run that can still complete. A
    consumer that took the first copy drops this one by its event_id; the phase's deadline
    stays the first one's."""
    return tuple(
        payloads.phase_command(state, run, phase, essays_for(state, phase), progress.started_at)
        for phase, progress in run.phases.items()
        if progress.in_flight and progress.started_at is not None
    )


def _fail(
    run: PipelineRun, phase: str, progress: PhaseProgress, why: Mapping[str, Any]
) -> PipelineRun:
    """``phase`` failed: it is FAILED and every phase that needs it will never run."""
    run = run.with_phase(phase, replace(progress, status=Status.FAILED, error_info=dict(why)))
    for name in dependents(phase, run.phases):
        if run.phase(name).status == Status.PENDING_DEPENDENCIES:
            skipped = Status.SKIPPED_DUE_TO_DEPENDENCY_FAILURE
            run = run.with_phase(name, replace(run.phase(name), status=skipped))
    return run


def advance(
    state: BatchState, at: float, rules: Rules, outgoing: tuple[Outgoing, ...] = ()
) -> Decision:
    """Start every phase that is ready; complete the run once every phase is terminal."""
    run = state.active
    assert run is not None, "advance() needs an active run"
    started = [n for n, p in run.phases.items() if p.status != Status.PENDING_DEPENDENCIES]
    done = run.phases_where("succeeded")
    for phase in ready_phases(run.phases, done=done, started=started):
        run, command = _dispatch(state, run, phase, at, rules)
        outgoing = (*outgoing, *command)
    if run.all_terminal:
        return complete(replace(state, active=run), at, rules, outgoing)
    return Decision(replace(state, active=run), outgoing)


def _dispatch(
    state: BatchState, run: PipelineRun, phase: str, at: float, rules: Rules
) -> tuple[PipelineRun, tuple[Outgoing, ...]]:
    """DISPATCH_INITIATED with a deadline, and the phase's command (or FAILED: no essays)."""
    essays = essays_for(state, phase)
    progress = replace(run.phase(phase), started_at=at, essays_total=len(essays))
    if not essays:
        why = {"reason": "no_essays", "detail": "no essay survived the phases it depends on"}
        return _fail(run, phase, replace(progress, completed_at=at), why), ()
    progress = replace(
        progress, status=Status.DISPATCH_INITIATED, deadline_at=at + rules.phase_timeout_s
    )
    run = run.with_phase(phase, progress)
    return run, (payloads.phase_command(state, run, phase, essays, at),)


def essays_for(state: BatchState, phase: str) -> tuple[EssayRef, ...]:
    """The essays ``phase`` works on: those that succeeded in every phase it depends on, with
    the text its first dependency produced (the batch's essays when it depends on nothing)."""
    sources = [state.phase_outputs[d] for d in DEPENDENCIES[phase] if d in state.phase_outputs]
    if not sources:
        return state.essays
    survivors = set.intersection(*({e.essay_id for e in source} for source in sources))
    return tuple(e for e in sources[0] if e.essay_id in survivors)


def complete(
    state: BatchState, at: float, rules: Rules, outgoing: tuple[Outgoing, ...] = ()
) -> Decision:
    """The run is over: publish BatchPipelineCompletedV1, archive the run, batch READY again."""
    run = state.active
    assert run is not None, "complete() needs an active run"
    successful = len(_survivors(state, run))
    finished = replace(
        run,
        status=RunStatus.FINISHED,
        finished_at=at,
        final_status=_final_status(run),
        successful_essay_count=successful,
        failed_essay_count=max(run.essays_in - successful, 0),
    )
    history = (*state.history, finished)[-rules.history_limit :]
    ready = replace(
        state, active=None, history=history, status=BatchStatus.READY_FOR_PIPELINE_EXECUTION
    )
    completion = payloads.pipeline_completed(ready, finished, at)
    return Decision(ready, (*outgoing, completion), note=f"pipeline {finished.final_status}")


def _final_status(run: PipelineRun) -> BatchStatus:
    statuses = {p.status for p in run.phases.values()}
    if Status.FAILED in statuses:
        return BatchStatus.FAILED_CRITICALLY
    if Status.COMPLETED_WITH_PARTIAL_SUCCESS in statuses:
        return BatchStatus.COMPLETED_WITH_FAILURES
    return BatchStatus.COMPLETED_SUCCESSFULLY


def _survivors(state: BatchState, run: PipelineRun) -> set[str]:
    """Essays with a result in every phase of the requested pipeline (true counts, not the real
    BOS's placeholder): pruned phases count with their earlier result."""
    survivors = {e.essay_id for e in state.essays}
    wanted = pipeline_phases(run.requested_pipeline) if is_pipeline(run.requested_pipeline) else ()
    for phase in {*wanted, *run.phases}:
        if phase in state.phase_outputs:
            survivors &= {e.essay_id for e in state.phase_outputs[phase]}
    return survivors
