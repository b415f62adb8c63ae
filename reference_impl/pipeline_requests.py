"""Decisions on a pipeline request: accept it (and ask BCS), or deny it visibly.

A request is accepted only when the batch is READY_FOR_PIPELINE_EXECUTION and no run is active;
every refusal is a PipelineDeniedV1 whose ``denial_reason`` says why (the real BOS raises, or
drops an active-pipeline request silently: huleedu-behaviour.md 1.1). An accepted run waits for
BCS (``awaiting_resolution``); BCS's answer arrives as an internal event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from reference_impl import payloads
from reference_impl.batch_state import BatchState, PhaseProgress, PipelineRun
from reference_impl.orchestrator_events import (
    ClockTick,
    Decision,
    PipelineResolutionFailed,
    PipelineResolved,
    Received,
    Rules,
    unchanged,
)
from reference_impl.phase_progress import advance
from reference_impl.phases import PhaseName
from reference_impl.resolution import PipelineDefinitionRequest
from reference_impl.statuses import BatchStatus, DenialReason, RunStatus

Refusal = tuple[DenialReason, str]


def request_pipeline(state: BatchState | None, event: Received, rules: Rules) -> Decision:
    """ClientBatchPipelineRequestV1: deny, or accept and ask BCS to resolve the pipeline."""
    if state is not None and _seen_before(state, event.correlation_id):
        return unchanged(state, "the same pipeline request again (same correlation id): ignored")
    refusal = _refusal(state, event.data)
    if refusal is not None or state is None:
        reason, detail = refusal or (DenialReason.UNKNOWN_BATCH, "")
        org_id = state.registration.org_id if state else None
        denial = payloads.pipeline_denied(
            event.data, reason, detail, event.correlation_id, event.at, org_id
        )
        return Decision(state, (denial,), note=f"denied: {reason}")
    run = PipelineRun(
        correlation_id=event.correlation_id,
        requested_pipeline=str(event.data["requested_pipeline"]),
        user_id=str(event.data["user_id"]),
        requested_at=event.at,
        org_id=state.registration.org_id,
        is_retry=bool(event.data.get("is_retry")),
        prompt=event.data.get("prompt_payload"),
        retry_resolution_at=event.at + rules.resolution_retry_s,
    )
    accepted = replace(state, active=run, status=BatchStatus.PROCESSING_PIPELINES)
    return Decision(accepted, resolve=definition_request(accepted, run), note="asking BCS")


def _seen_before(state: BatchState, correlation_id: str) -> bool:
    runs = (*state.history, *((state.active,) if state.active else ()))
    return any(run.correlation_id == correlation_id for run in runs)


def _refusal(state: BatchState | None, request: Mapping[str, Any]) -> Refusal | None:
    requested = str(request["requested_pipeline"])
    if state is None:
        return DenialReason.UNKNOWN_BATCH, f"batch {request['batch_id']} is not registered"
    if requested not in set(PhaseName):
        known = ", ".join(PhaseName)
        return DenialReason.UNKNOWN_PIPELINE, f"{requested!r} is not a PhaseName ({known})"
    if state.active is not None:
        run = state.active
        detail = f"pipeline {run.requested_pipeline!r} ({run.correlation_id}) is {run.status}"
        return DenialReason.PIPELINE_ACTIVE, detail
    if state.status != BatchStatus.READY_FOR_PIPELINE_EXECUTION:
        detail = f"batch status is {state.status}, not {BatchStatus.READY_FOR_PIPELINE_EXECUTION}"
        return DenialReason.BATCH_NOT_READY, detail
    return None


def definition_request(state: BatchState, run: PipelineRun) -> PipelineDefinitionRequest:
    """What BOS sends BCS. prompt_attached is computed as the real BOS does; the reference BCS
    only enforces the prompt rule when configured to (ConductorConfig.enforce_prompt_rule)."""
    prompt = run.prompt or {}
    source = (
        "cms"
        if prompt.get("cms_prompt_ref")
        else "canonical"
        if prompt.get("assignment_id")
        else "context"
        if state.registration.student_prompt_ref
        else "none"
    )
    metadata: dict[str, Any] = {"prompt_attached": source != "none", "prompt_source": source}
    assignment_id = prompt.get("assignment_id") or state.registration.assignment_id
    if assignment_id:
        metadata["assignment_id"] = assignment_id
    if run.is_retry:
        metadata["is_retry"] = True
    return PipelineDefinitionRequest(
        state.batch_id, run.requested_pipeline, run.correlation_id, metadata
    )


def pipeline_resolved(state: BatchState | None, event: PipelineResolved, rules: Rules) -> Decision:
    """BCS resolved the run: start its first phases (or complete at once if all were done)."""
    run = _awaiting(state, event.correlation_id)
    if state is None or run is None:
        return unchanged(state, "a BCS answer for no awaiting run (answered twice): ignored")
    unstartable = [p for p in event.final_pipeline if p not in payloads.PHASE_COMMANDS]
    if unstartable:
        detail = f"BCS resolved phases no service can run here: {', '.join(unstartable)}"
        return _deny_run(state, run, DenialReason.RESOLUTION_FAILED, detail, event.at)
    active = replace(
        run,
        status=RunStatus.ACTIVE,
        phases={phase: PhaseProgress() for phase in event.final_pipeline},
        essays_in=len(state.essays),
        retry_resolution_at=None,
    )
    return advance(replace(state, active=active), event.at, rules)


def resolution_failed(
    state: BatchState | None, event: PipelineResolutionFailed, _rules: Rules
) -> Decision:
    """BCS refused (or could not be asked): deny, and the batch is ready again."""
    run = _awaiting(state, event.correlation_id)
    if state is None or run is None:
        return unchanged(state, "a BCS refusal for no awaiting run: ignored")
    known = {r.value: r for r in DenialReason}
    reason = known.get(event.reason, DenialReason.RESOLUTION_FAILED)
    if reason in (DenialReason.INSUFFICIENT_CREDITS, DenialReason.RATE_LIMIT_EXCEEDED):
        credits = (event.required_credits, event.available_credits)
        return _deny_run(state, run, reason, event.detail, event.at, credits)
    if reason not in (DenialReason.UNKNOWN_PIPELINE, DenialReason.RESOLUTION_FAILED):
        reason = DenialReason.RESOLUTION_FAILED
    return _deny_run(state, run, reason, f"BCS: {event.detail}", event.at)


def retry_resolution(state: BatchState | None, event: ClockTick, rules: Rules) -> Decision:
    """No BCS answer was recorded (BOS stopped mid-call): ask again, same correlation id."""
    run = _awaiting(state, (state.active.correlation_id if state and state.active else ""))
    if state is None or run is None:
        return unchanged(state, "no run awaiting BCS")
    if not event.resume and event.at < (run.retry_resolution_at or 0):
        return unchanged(state, "BCS answer not yet overdue")
    retried = replace(run, retry_resolution_at=event.at + rules.resolution_retry_s)
    resumed = replace(state, active=retried)
    return Decision(resumed, resolve=definition_request(resumed, retried), note="asking BCS again")


def _awaiting(state: BatchState | None, correlation_id: str) -> PipelineRun | None:
    run = state.active if state else None
    if run and run.status == RunStatus.AWAITING_RESOLUTION and run.correlation_id == correlation_id:
        return run
    return None


def _deny_run(
    state: BatchState,
    run: PipelineRun,
    reason: DenialReason,
    detail: str,
    at: float,
    credits: tuple[int, int] = (0, 0),
) -> Decision:
    request = {
        "batch_id": state.batch_id,
        "user_id": run.user_id,
        "requested_pipeline": run.requested_pipeline,
    }
    denial = payloads.pipeline_denied(
        request, reason, detail, run.correlation_id, at, run.org_id, credits=credits
    )
    ready = replace(state, active=None, status=BatchStatus.READY_FOR_PIPELINE_EXECUTION)
    return Decision(ready, (denial,), note=f"denied after resolution: {reason}")
