"""The BOS decision core: ``decide(state, event) -> Decision(new state, messages, BCS call)``.

Pure: no bus, no HTTP, no clock, no storage (the runner in ``orchestrator.py`` does those).
The routing table below is the whole map of what BOS consumes and who decides about it::

    decision = decide(batch, Received("elsBatchPhaseOutcome", data, correlation_id, event_id, at))
    decision.state.status            # ready_for_pipeline_execution after the last phase
    decision.outgoing                # (Outgoing("batchPipelineCompleted", ...),)

State transitions (batch status, named as in the seed):
REGISTERED (awaiting_content_validation) -> [REGULAR: awaiting_student_validation ->
student_validation_completed ->] READY_FOR_PIPELINE_EXECUTION -> PIPELINE_ACTIVE
(processing_pipelines: awaiting BCS, then phases) -> READY_FOR_PIPELINE_EXECUTION, with exactly
one BatchPipelineCompletedV1 per run, or a PipelineDeniedV1 for a refused request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from reference_impl.batch_state import BatchState
from reference_impl.orchestrator_events import (
    BatchRegistered,
    ClockTick,
    Decision,
    Event,
    PipelineResolutionFailed,
    PipelineResolved,
    Received,
    Rules,
)
from reference_impl.phase_progress import phase_concluded, phase_deadlines
from reference_impl.pipeline_requests import (
    pipeline_resolved,
    request_pipeline,
    resolution_failed,
    retry_resolution,
)
from reference_impl.readiness import (
    associations_confirmed,
    content_provisioned,
    essays_ready,
    register_batch,
)
from reference_impl.statuses import RunStatus

OrchestratorHandler = Callable[[BatchState | None, Received, Rules], Decision]

ROUTES: Mapping[str, OrchestratorHandler] = MappingProxyType(
    {
        "clientBatchPipelineRequest": request_pipeline,
        "batchContentProvisioningCompleted": content_provisioned,
        "studentAssociationsConfirmed": associations_confirmed,
        "batchEssaysReady": essays_ready,
        "elsBatchPhaseOutcome": phase_concluded,
    }
)
"""Consumed channel id -> the decision about it (checked against the contract by a test)."""


def decide(state: BatchState | None, event: Event, rules: Rules | None = None) -> Decision:
    """What BOS does about ``event`` given what it knows about the batch."""
    rules = rules or Rules()
    match event:
        case Received():
            return ROUTES[event.channel_id](state, event, rules)
        case BatchRegistered():
            return register_batch(state, event, rules)
        case PipelineResolved():
            return pipeline_resolved(state, event, rules)
        case PipelineResolutionFailed():
            return resolution_failed(state, event, rules)
        case ClockTick():
            return clock_tick(state, event, rules)


def clock_tick(state: BatchState | None, event: ClockTick, rules: Rules) -> Decision:
    """Time passed: ask BCS again for a stalled resolution, or time out overdue phases."""
    run = state.active if state else None
    if run is not None and run.status == RunStatus.AWAITING_RESOLUTION:
        return retry_resolution(state, event, rules)
    return phase_deadlines(state, event, rules)
