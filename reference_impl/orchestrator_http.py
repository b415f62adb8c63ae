"""BOS over HTTP: the registration body (``BatchRegistrationRequestV1``) and the batch view.

``POST /v1/batches/register`` -> 202 ``{batch_id, correlation_id, status: "registered"}``;
``GET /v1/batches/{batch_id}`` -> the batch, its readiness and its pipeline state as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.http_app import HttpProblem
from reference_impl.batch_state import BatchState, PhaseProgress, PipelineRun, Registration
from reference_impl.payloads import iso
from reference_impl.statuses import BatchStatus

_OPTIONAL_TEXT = ("org_id", "class_id", "cj_default_llm_model")


@dataclass(frozen=True)
class RegistrationRequest:
    """A parsed registration body. ``essay_ids``, when given, are used as the slot ids (the
    real BOS ignores them and makes its own; using them keeps scripted tests deterministic)."""

    registration: Registration
    essay_ids: tuple[str, ...] | None


def registration_from(body: Mapping[str, Any]) -> RegistrationRequest:
    """A registration body the contract's schema has already checked; HttpProblem (400) for
    what a schema cannot say (``essay_ids`` must hold ``expected_essay_count`` distinct ids)."""
    count = int(body["expected_essay_count"])
    registration = Registration(
        expected_essay_count=count,
        course_code=str(body["course_code"]),
        user_id=str(body["user_id"]),
        student_prompt_ref=body.get("student_prompt_ref"),
        cj_default_temperature=body.get("cj_default_temperature"),
        assignment_id=body.get("assignment_id"),
        **{name: body.get(name) for name in _OPTIONAL_TEXT},
    )
    ids = body.get("essay_ids")
    if ids is not None and (len(ids) != count or len(set(ids)) != count):
        raise HttpProblem(
            400,
            "VALIDATION_ERROR",
            f"essay_ids must hold {count} distinct ids",
            field="/essay_ids",
            part="request body",
        )
    return RegistrationRequest(registration, tuple(ids) if ids is not None else None)


# --- views ---------------------------------------------------------------------------------


def batch_view(state: BatchState) -> dict[str, Any]:
    """What ``GET /v1/batches/{id}`` shows: enough to follow the state machine."""
    reg = state.registration
    return {
        "batch_id": state.batch_id,
        "status": state.status,
        "batch_type": reg.class_type,
        "class_id": reg.class_id,
        "course_code": reg.course_code,
        "user_id": reg.user_id,
        "org_id": reg.org_id,
        "correlation_id": state.correlation_id,
        "registered_at": iso(state.registered_at),
        "expected_essay_count": reg.expected_essay_count,
        "essay_ids": list(state.essay_ids),
        "essays": [e.to_json() for e in state.essays],
        "student_matching": {
            "associations_confirmed": state.associations_confirmed,
            "essays_ready": state.essays_ready,
        },
        "accepts_pipeline_request": state.active is None
        and state.status == BatchStatus.READY_FOR_PIPELINE_EXECUTION,
        "pipeline_state": run_view(state.active) if state.active else None,
        "completed_pipelines": [run_view(run) for run in reversed(state.history)],
    }


def run_view(run: PipelineRun) -> dict[str, Any]:
    """One run, shaped like ``ProcessingPipelineState`` plus the run's own facts."""
    return {
        "correlation_id": run.correlation_id,
        "requested_pipeline": run.requested_pipeline,
        "status": run.status,
        "is_retry": run.is_retry,
        "requested_at": iso(run.requested_at),
        "requested_pipelines": list(run.phases),
        "phases": {name: phase_view(p) for name, p in run.phases.items()},
        "finished_at": iso(run.finished_at) if run.finished_at else None,
        "final_status": run.final_status,
        "essays_in": run.essays_in,
        "successful_essay_count": run.successful_essay_count,
        "failed_essay_count": run.failed_essay_count,
    }


def phase_view(progress: PhaseProgress) -> dict[str, Any]:
    """``PipelineStateDetail``: status, timestamps, ``EssayProcessingCounts``."""
    pending = progress.essays_total if progress.in_flight else 0
    return {
        "status": progress.status,
        "started_at": iso(progress.started_at) if progress.started_at else None,
        "completed_at": iso(progress.completed_at) if progress.completed_at else None,
        "essay_counts": {
            "total": progress.essays_total,
            "pending_dispatch_or_processing": pending,
            "successful": progress.essays_successful,
            "failed": progress.essays_failed,
        },
        "error_info": dict(progress.error_info) if progress.error_info else None,
    }


PIPELINE_STATE_PHASES = ("spellcheck", "nlp", "ai_feedback", "cj_assessment")
"""The phases ``ProcessingPipelineState`` has a slot for (common_core.pipeline_models)."""


def pipeline_state_view(state: BatchState) -> dict[str, Any]:
    """What the real ``GET /internal/v1/batches/{id}/pipeline-state`` answers: the active run
    (else the latest) as ``ProcessingPipelineState``, with the batch owner."""
    run = state.active or (state.history[-1] if state.history else None)
    phases = dict(run.phases) if run else {}
    pipeline_state: dict[str, Any] = {
        "batch_id": state.batch_id,
        "requested_pipelines": [p for p in phases if p in PIPELINE_STATE_PHASES],
        **{
            name: _state_detail(phases[name]) if name in phases else None
            for name in PIPELINE_STATE_PHASES
        },
        "last_updated": iso(_last_change(state, run)),
    }
    return {
        "batch_id": state.batch_id,
        "pipeline_state": pipeline_state,
        "user_id": state.registration.user_id,
    }


def _state_detail(progress: PhaseProgress) -> dict[str, Any]:
    view = phase_view(progress)
    done = view["essay_counts"]["successful"] + view["essay_counts"]["failed"]
    total = view["essay_counts"]["total"]
    view["progress_percentage"] = round(100 * done / total, 1) if total else None
    return view


def _last_change(state: BatchState, run: PipelineRun | None) -> float:
    if run is None:
        return state.registered_at
    moments = [run.requested_at, run.finished_at or 0.0]
    for progress in run.phases.values():
        moments += [progress.started_at or 0.0, progress.completed_at or 0.0]
    return max(moments)
