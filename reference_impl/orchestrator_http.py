"""BOS over HTTP: the registration body (``BatchRegistrationRequestV1``) and the batch view.

``POST /v1/batches/register`` -> 202 ``{batch_id, correlation_id, status: "registered"}``;
``GET /v1/batches/{batch_id}`` -> the batch, its readiness and its pipeline state as JSON.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reference_impl.batch_state import BatchState, PhaseProgress, PipelineRun, Registration
from reference_impl.errors import RequestBodyError
from reference_impl.payloads import iso
from reference_impl.statuses import BatchStatus

MODEL = "BatchRegistrationRequestV1"
COURSE_CODES = ("ENG5", "ENG6", "ENG7", "SV1", "SV2", "SV3")
_OPTIONAL_TEXT = ("org_id", "class_id", "cj_default_llm_model")


@dataclass(frozen=True)
class RegistrationRequest:
    """A parsed registration body. ``essay_ids``, when given, are used as the slot ids (the
    real BOS ignores them and makes its own; using them keeps scripted tests deterministic)."""

    registration: Registration
    essay_ids: tuple[str, ...] | None


def parse_registration(body: Any) -> RegistrationRequest:
    """The body as a Registration; RequestBodyError naming the first wrong field."""
    if not isinstance(body, dict):
        raise RequestBodyError(MODEL, "", "the body must be a JSON object")
    count = body.get("expected_essay_count")
    if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
        raise RequestBodyError(MODEL, "expected_essay_count", "must be an integer > 0")
    registration = Registration(
        expected_essay_count=count,
        course_code=_course_code(body),
        user_id=_required_text(body, "user_id"),
        student_prompt_ref=_optional_object(body, "student_prompt_ref"),
        cj_default_temperature=_temperature(body),
        assignment_id=_optional_text(body, "assignment_id", max_length=100),
        **{name: _optional_text(body, name) for name in _OPTIONAL_TEXT},
    )
    return RegistrationRequest(registration, _essay_ids(body, count))


def _course_code(body: Mapping[str, Any]) -> str:
    code = body.get("course_code")
    if code not in COURSE_CODES:
        raise RequestBodyError(MODEL, "course_code", f"{code!r} is not one of {COURSE_CODES}")
    return str(code)


def _required_text(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise RequestBodyError(MODEL, name, "is required: a non-empty string")
    return value


def _optional_text(body: Mapping[str, Any], name: str, max_length: int = 255) -> str | None:
    value = body.get(name)
    if value is not None and (not isinstance(value, str) or len(value) > max_length):
        raise RequestBodyError(MODEL, name, f"must be a string of at most {max_length} chars")
    return value


def _optional_object(body: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    value = body.get(name)
    if value is not None and not isinstance(value, dict):
        raise RequestBodyError(MODEL, name, "must be an object (StorageReferenceMetadata)")
    return value


def _temperature(body: Mapping[str, Any]) -> float | None:
    value = body.get("cj_default_temperature")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 2:
        raise RequestBodyError(MODEL, "cj_default_temperature", "must be a number in 0.0..2.0")
    return float(value)


def _essay_ids(body: Mapping[str, Any], count: int) -> tuple[str, ...] | None:
    ids = body.get("essay_ids")
    if ids is None:
        return None
    if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids):
        raise RequestBodyError(MODEL, "essay_ids", "must be a list of non-empty strings")
    if len(ids) != count or len(set(ids)) != count:
        raise RequestBodyError(MODEL, "essay_ids", f"must hold {count} distinct ids")
    return tuple(ids)


def correlation_from(headers: Mapping[str, str]) -> str:
    """The ``X-Correlation-ID`` header (it must be a UUID), or a new uuid4."""
    raw = headers.get("x-correlation-id")
    if not raw:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise RequestBodyError("request", "X-Correlation-ID", f"{raw!r} is not a UUID") from None


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
