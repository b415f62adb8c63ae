"""What CJ writes: comparison requests to the LLM and its results (huleedu-contracts.md 5.25-5.29).

Pure functions of an Assessment; the simulator publishes what they return. The prompt has the
layout the real CJ writes (``**Essay A (ID: ...):**`` then the text, the same for B, then how to
answer), which is what the LLM Provider reads the essays from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.envelope import utc_now
from harness.service import Outgoing
from simulators.cj_assessment.assessment import Assessment, CJRequest, Comparison
from simulators.cj_assessment.ranking import RankedEssay, letter_grade

SERVICE_NAME = "cj_assessment_service"
INITIALIZATION_FAILED = "INITIALIZATION_FAILED"
"""The job id the real request handler writes when a request fails before a batch exists."""
DEFAULT_LLM_CONFIG = {"provider_override": "openai", "model_override": "gpt-5.1"}
DEFAULT_TEMPERATURE = 0.1
"""CJ's defaults for every comparison (5.25)."""
_HTTP_OVERRIDES = (
    "provider_override",
    "model_override",
    "temperature_override",
    "system_prompt_override",
    "max_tokens_override",
    "reasoning_effort",
    "output_verbosity",
)
RESPONSE_INSTRUCTIONS = (
    "Using the essays above, decide which one is the better piece of writing. Answer in JSON "
    "with the `winner` ('Essay A' or 'Essay B'), a short `justification` and a `confidence` "
    "from 1 to 5 (5 = very confident)."
)


def comparison_prompt(essay_a: str, text_a: str, essay_b: str, text_b: str) -> str:
    """The user prompt of one comparison, laid out as the real CJ lays it out."""
    essay_a_block = f"**Essay A (ID: {essay_a}):**\n{text_a}"
    essay_b_block = f"**Essay B (ID: {essay_b}):**\n{text_b}"
    return "\n\n".join((essay_a_block, essay_b_block, RESPONSE_INSTRUCTIONS))


def comparison_request(
    assessment: Assessment, comparison: Comparison, callback_topic: str
) -> Outgoing:
    """LLMComparisonRequestV1 for one pair, under the comparison's own correlation id."""
    pair, request = comparison.pair, assessment.request
    data = {
        "user_prompt": comparison_prompt(
            pair.essay_a,
            assessment.texts[pair.essay_a],
            pair.essay_b,
            assessment.texts[pair.essay_b],
        ),
        "callback_topic": callback_topic,
        "llm_config_overrides": llm_config(request.llm_config_overrides),
        "correlation_id": comparison.correlation_id,
        "metadata": {
            "essay_a_id": pair.essay_a,
            "essay_b_id": pair.essay_b,
            "bos_batch_id": request.batch_id,
            "cj_batch_id": assessment.job_id,
            "cj_source": "els",
            "cj_request_type": "cj_comparison",
            "comparison_iteration": comparison.wave,
        },
    }
    return Outgoing("llmComparisonRequest", data, comparison.correlation_id)


def llm_config(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """CJ's defaults, overridden by what the request asks for (sent without nulls)."""
    asked = {k: overrides[k] for k in _HTTP_OVERRIDES if overrides.get(k) is not None}
    return {**DEFAULT_LLM_CONFIG, "temperature_override": DEFAULT_TEMPERATURE, **asked}


def completed(assessment: Assessment) -> list[Outgoing]:
    """CJAssessmentCompletedV1 (thin) and AssessmentResultV1 (rich), original correlation id."""
    request = assessment.request
    successful, failed = assessment.successful_essays, assessment.failed_essays
    summary = {
        "total_essays": len(request.essays),
        "successful": len(successful),
        "failed": len(failed),
        "successful_essay_ids": successful,
        "failed_essay_ids": failed,
        "processing_time_seconds": assessment.elapsed_s,
        "single_essay_batch": len(request.essays) == 1,
    }
    thin = {
        **_batch_event(request, "cj_assessment.completed"),
        "status": "completed_successfully" if successful else "failed_critically",
        "system_metadata": _system_metadata(assessment, request, "completed", {}),
        "cj_assessment_job_id": assessment.job_id,
        "processing_summary": summary,
    }
    return [
        Outgoing("cjAssessmentCompleted", thin, request.correlation_id),
        Outgoing("assessmentResult", assessment_result(assessment), request.correlation_id),
    ]


def assessment_result(assessment: Assessment) -> dict[str, Any]:
    """AssessmentResultV1: the ranking with scores and projected grades (5.29)."""
    request = assessment.request
    provider, model = assessment.judge or (
        DEFAULT_LLM_CONFIG["provider_override"],
        DEFAULT_LLM_CONFIG["model_override"],
    )
    return {
        **_batch_event(request, "assessment.result.published"),
        "batch_id": request.batch_id,
        "cj_assessment_job_id": assessment.job_id,
        "assignment_id": request.assignment_id,
        "assessment_method": "cj_assessment",
        "model_used": model,
        "model_provider": provider,
        "model_version": None,
        "essay_results": [_essay_result(assessment, r) for r in assessment.ranking()],
        "assessment_metadata": {
            "anchor_essays_used": 0,
            "calibration_method": "none",
            "comparison_count": len(assessment.outcomes),
            "failed_comparisons": assessment.failed_comparisons,
            "processing_duration_seconds": assessment.elapsed_s,
            "llm_temperature": llm_config(request.llm_config_overrides)["temperature_override"],
            "assignment_id": request.assignment_id,
            "course_code": request.course_code,
        },
        "assessed_at": utc_now(),
    }


def _essay_result(assessment: Assessment, ranked: RankedEssay) -> dict[str, Any]:
    """EssayResultV1; confidence grows with the share of the other essays it was judged against."""
    others = max(len(assessment.successful_essays) - 1, 1)
    confidence = min(1.0, assessment.comparisons_of(ranked.essay_id) / others)
    label = "HIGH" if confidence >= 0.75 else "MID" if confidence >= 0.4 else "LOW"
    return {
        "essay_id": ranked.essay_id,
        "normalized_score": round(ranked.normalized_score, 4),
        "letter_grade": letter_grade(ranked.normalized_score),
        "confidence_score": round(confidence, 4),
        "confidence_label": label,
        "bt_score": round(ranked.bt_score, 6),
        "rank": ranked.rank,
        "is_anchor": False,
    }


def failed(assessment: Assessment, reason: str, details: Mapping[str, Any]) -> Outgoing:
    """CJAssessmentFailedV1 for a batch whose comparisons did not go well enough (5.28)."""
    request = assessment.request
    error_info = {"reason": reason, "details": dict(details)}
    data = {
        **_batch_event(request, "cj_assessment.failed"),
        "status": "failed_critically",
        "system_metadata": _system_metadata(assessment, request, "failed", error_info),
        "cj_assessment_job_id": assessment.job_id,
    }
    return Outgoing("cjAssessmentFailed", data, request.correlation_id)


def request_failed(request: CJRequest, error_code: str, message: str) -> Outgoing:
    """CJAssessmentFailedV1 for a request that failed before any comparison (5.28)."""
    error_info = {
        "error_code": error_code,
        "error_message": message,
        "correlation_id": request.correlation_id,
        "timestamp": utc_now(),
        "service": SERVICE_NAME,
        "details": {"batch_id": request.batch_id},
    }
    data = {
        **_batch_event(request, "cj_assessment.failed"),
        "status": "failed_critically",
        "system_metadata": _system_metadata(None, request, "failed", error_info),
        "cj_assessment_job_id": INITIALIZATION_FAILED,
    }
    return Outgoing("cjAssessmentFailed", data, request.correlation_id)


def _batch_event(request: CJRequest, event_name: str) -> dict[str, Any]:
    """The BaseEventData fields of a batch-level event."""
    return {
        "event_name": event_name,
        "entity_id": request.batch_id,
        "entity_type": "batch",
        "parent_id": None,
        "timestamp": utc_now(),
    }


def _system_metadata(
    assessment: Assessment | None, request: CJRequest, stage: str, error_info: Mapping[str, Any]
) -> dict[str, Any]:
    now = utc_now()
    return {
        "entity_id": request.batch_id,
        "entity_type": "batch",
        "parent_id": None,
        "timestamp": now,
        "processing_stage": stage,
        "started_at": assessment.started_at if assessment else now,
        "completed_at": now,
        "event": f"cj_assessment.{stage}",
        "error_info": dict(error_info),
    }
