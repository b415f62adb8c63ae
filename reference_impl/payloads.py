"""The messages BOS and BCS write, in the contract's shapes (field names as in the schemas).

Every builder returns an ``Outgoing`` (channel id, data, correlation id, envelope metadata);
ServiceEndpoint wraps it in the envelope and validates it against the contract before it leaves.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from harness.service import Outgoing
from reference_impl.batch_state import BatchState, EssayRef, PipelineRun
from reference_impl.phases import PhaseName

REGISTERED = "batchEssaysRegistered"
STUDENT_MATCHING = "batchServiceStudentMatchingInitiateCommandData"
DENIED = "pipelineDenied"
COMPLETED = "batchPipelineCompleted"
SKIPPED = "phaseSkipped"

PHASE_COMMANDS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        PhaseName.SPELLCHECK.value: (
            "batchServiceSpellcheckInitiateCommandData",
            "batch.spellcheck.initiate.command",
        ),
        PhaseName.CJ_ASSESSMENT.value: (
            "batchServiceCjAssessmentInitiateCommandData",
            "batch.cj_assessment.initiate.command",
        ),
        PhaseName.NLP.value: (
            "batchServiceNlpInitiateCommandData",
            "batch.nlp.initiate.command.v2",
        ),
    }
)
"""Phase -> (command channel id, ProcessingEvent value). ai_feedback has none: the contract has
no channel for BatchServiceAIFeedbackInitiateCommandDataV1 (no service would handle it)."""

_LANGUAGE_BY_COURSE_PREFIX = (("ENG", "en"), ("SV", "sv"))


def iso(at: float) -> str:
    """Epoch seconds as the real system writes an aware UTC datetime (``...Z``)."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def language_of(course_code: str) -> str:
    """``get_course_language``: ENG* -> en, SV* -> sv (contract 6.9)."""
    return next((lang for p, lang in _LANGUAGE_BY_COURSE_PREFIX if course_code.startswith(p)), "en")


def system_metadata(entity_id: str, event: str, at: float) -> dict[str, Any]:
    """``SystemProcessingMetadata`` for a batch-level event."""
    return {"entity_id": entity_id, "entity_type": "batch", "event": event, "timestamp": iso(at)}


def identity(state: BatchState) -> dict[str, Any]:
    """Envelope metadata of BOS commands: identity threading (contract 1.3)."""
    return {"user_id": state.registration.user_id, "org_id": state.registration.org_id}


def essays_registered(state: BatchState) -> Outgoing:
    reg = state.registration
    data = {
        "event": "batch.essays.registered",
        "entity_id": state.batch_id,
        "expected_essay_count": reg.expected_essay_count,
        "essay_ids": list(state.essay_ids),
        "metadata": system_metadata(state.batch_id, "batch.essays.registered", state.registered_at),
        "course_code": reg.course_code,
        "student_prompt_ref": reg.student_prompt_ref,
        "user_id": reg.user_id,
        "org_id": reg.org_id,
        "class_id": reg.class_id,
    }
    return Outgoing(REGISTERED, data, state.correlation_id)


def student_matching_command(state: BatchState, at: float) -> Outgoing:
    data = {
        **_command_head(state, "batch.student.matching.initiate.command", at),
        "essays_to_process": _refs(state.essays),
        "class_id": state.registration.class_id,
        "course_code": state.registration.course_code,
    }
    return Outgoing(STUDENT_MATCHING, data, state.correlation_id, identity(state))


_COMMANDS = uuid.UUID("5d1f0c52-5b7e-4c8e-9a53-0d6f3b2f1a13")
"""The namespace of phase command event ids (uuid5 of the run's correlation id and phase)."""


def phase_command_id(correlation_id: str, phase: str) -> str:
    """The event_id of ``phase``'s command in the run ``correlation_id``: one per phase and run,
    the same when BOS re-drives the phase after a restart, so a consumer that took the first
    copy drops the second as a duplicate and one that never got it acts on it."""
    return str(uuid.uuid5(_COMMANDS, f"{correlation_id}/{phase}"))


def phase_command(
    state: BatchState, run: PipelineRun, phase: str, essays: Sequence[EssayRef], at: float
) -> Outgoing:
    """The initiate command of ``phase``, carrying the pipeline's correlation id, under the
    run's one event_id for it (``phase_command_id``)."""
    channel_id, event_name = PHASE_COMMANDS[phase]
    reg = state.registration
    data: dict[str, Any] = {
        **_command_head(state, event_name, at),
        "essays_to_process": _refs(essays),
        "language": language_of(reg.course_code),
    }
    prompt_ref = (run.prompt or {}).get("cms_prompt_ref") or reg.student_prompt_ref
    if phase == PhaseName.CJ_ASSESSMENT:
        data["course_code"] = reg.course_code
        data["class_type"] = reg.class_type
        data["assignment_id"] = (run.prompt or {}).get("assignment_id") or reg.assignment_id
    if phase in (PhaseName.CJ_ASSESSMENT, PhaseName.NLP):
        data["student_prompt_ref"] = prompt_ref
    command_id = phase_command_id(run.correlation_id, phase)
    return Outgoing(channel_id, data, run.correlation_id, identity(state), command_id)


def pipeline_denied(
    request: Mapping[str, Any],
    reason: str,
    detail: str,
    correlation_id: str,
    at: float,
    org_id: str | None = None,
    *,
    credits: tuple[int, int] = (0, 0),
) -> Outgoing:
    """``PipelineDeniedV1``; the detail travels in envelope metadata (the model has no field).
    ``credits`` is (required, available) for a credit denial."""
    data = {
        "event_name": "pipeline.denied",
        "entity_id": request["batch_id"],
        "entity_type": "batch",
        "timestamp": iso(at),
        "batch_id": request["batch_id"],
        "user_id": request["user_id"],
        "org_id": org_id,
        "requested_pipeline": request["requested_pipeline"],
        "denial_reason": reason,
        "required_credits": credits[0],
        "available_credits": credits[1],
        "resource_breakdown": None,
        "denied_at": iso(at),
    }
    return Outgoing(DENIED, data, correlation_id, {"denial_detail": detail})


def pipeline_completed(state: BatchState, run: PipelineRun, at: float) -> Outgoing:
    """``BatchPipelineCompletedV1`` for a finished ``run`` (final status and counts set)."""
    completed = [name for name, p in run.phases.items() if p.succeeded]
    final_status = str(run.final_status)
    data = {
        "event": "batch.pipeline.completed",
        "batch_id": state.batch_id,
        "completed_phases": completed,
        "final_status": final_status,
        "processing_duration_seconds": _duration(run, at),
        "successful_essay_count": run.successful_essay_count,
        "failed_essay_count": run.failed_essay_count,
        "correlation_id": run.correlation_id,
        "metadata": system_metadata(state.batch_id, "batch.pipeline.completed", at),
    }
    timed_out = [
        name
        for name, progress in run.phases.items()
        if (progress.error_info or {}).get("reason") == "phase_timeout"
    ]
    metadata = {
        "batch_id": state.batch_id,
        "completed_phases": completed,
        "final_status": final_status,
        "timed_out_phases": timed_out,
    }
    return Outgoing(COMPLETED, data, run.correlation_id, metadata)


def _duration(run: PipelineRun, at: float) -> float:
    """Seconds from the first phase's dispatch to now (contract 5.31 clean rule; 0.0 when no
    phase was dispatched, e.g. every phase was already done)."""
    started = [p.started_at for p in run.phases.values() if p.started_at is not None]
    return round(at - min(started), 6) if started else 0.0


def phase_skipped(batch_id: str, phase: str, correlation_id: str, at: float) -> Outgoing:
    """``PhaseSkippedV1`` (BCS): one per phase pruned because it already completed."""
    data = {
        "event": "batch.phase.skipped",
        "batch_id": batch_id,
        "phase_name": phase,
        "skip_reason": "already_completed",
        "storage_id": None,
        "correlation_id": correlation_id,
        "metadata": system_metadata(batch_id, "batch.phase.skipped", at),
    }
    return Outgoing(SKIPPED, data, correlation_id)


def _command_head(state: BatchState, event_name: str, at: float) -> dict[str, Any]:
    return {
        "event_name": event_name,
        "entity_id": state.batch_id,
        "entity_type": "batch",
        "parent_id": None,
        "timestamp": iso(at),
    }


def _refs(essays: Iterable[EssayRef]) -> list[dict[str, Any]]:
    return [essay.to_json() for essay in essays]
