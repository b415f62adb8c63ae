"""The status vocabularies of the real system (contract section 6), and our denial reasons.

The values are the real enum values (``BatchStatus``, ``PipelineExecutionStatus``); a unit test
checks them against the contract's schemas so the two cannot drift apart.
"""

from __future__ import annotations

from enum import StrEnum


class BatchStatus(StrEnum):
    """``common_core.status_enums.BatchStatus``: a batch's lifecycle, and a phase's outcome."""

    AWAITING_CONTENT_VALIDATION = "awaiting_content_validation"
    CONTENT_INGESTION_FAILED = "content_ingestion_failed"
    AWAITING_PIPELINE_CONFIGURATION = "awaiting_pipeline_configuration"
    READY_FOR_PIPELINE_EXECUTION = "ready_for_pipeline_execution"
    PROCESSING_PIPELINES = "processing_pipelines"
    AWAITING_STUDENT_VALIDATION = "awaiting_student_validation"
    STUDENT_VALIDATION_COMPLETED = "student_validation_completed"
    VALIDATION_TIMEOUT_PROCESSED = "validation_timeout_processed"
    COMPLETED_SUCCESSFULLY = "completed_successfully"
    COMPLETED_WITH_FAILURES = "completed_with_failures"
    FAILED_CRITICALLY = "failed_critically"
    CANCELLED = "cancelled"


class PipelineExecutionStatus(StrEnum):
    """``common_core.pipeline_models.PipelineExecutionStatus``: one phase within a pipeline run."""

    REQUESTED_BY_USER = "requested_by_user"
    PENDING_DEPENDENCIES = "pending_dependencies"
    DISPATCH_INITIATED = "dispatch_initiated"
    IN_PROGRESS = "in_progress"
    COMPLETED_SUCCESSFULLY = "completed_successfully"
    COMPLETED_WITH_PARTIAL_SUCCESS = "completed_with_partial_success"
    FAILED = "failed"
    SKIPPED_DUE_TO_DEPENDENCY_FAILURE = "skipped_due_to_dependency_failure"
    SKIPPED_BY_USER_CONFIG = "skipped_by_user_config"
    CANCELLED = "cancelled"


TERMINAL_PHASE_STATUSES = frozenset(
    {
        PipelineExecutionStatus.COMPLETED_SUCCESSFULLY,
        PipelineExecutionStatus.COMPLETED_WITH_PARTIAL_SUCCESS,
        PipelineExecutionStatus.FAILED,
        PipelineExecutionStatus.SKIPPED_DUE_TO_DEPENDENCY_FAILURE,
        PipelineExecutionStatus.SKIPPED_BY_USER_CONFIG,
        PipelineExecutionStatus.CANCELLED,
    }
)
SUCCESSFUL_PHASE_STATUSES = frozenset(
    {
        PipelineExecutionStatus.COMPLETED_SUCCESSFULLY,
        PipelineExecutionStatus.COMPLETED_WITH_PARTIAL_SUCCESS,
    }
)


class DenialReason(StrEnum):
    """Why BOS refused a pipeline request (``PipelineDeniedV1.denial_reason``).

    The real BOS only ever denies for credits; the other refusals it raises or drops silently
    (huleedu-behaviour.md 1.1). The reference makes every refusal visible (issue 4).
    """

    UNKNOWN_BATCH = "unknown_batch"
    BATCH_NOT_READY = "batch_not_ready"
    PIPELINE_ACTIVE = "pipeline_active"
    UNKNOWN_PIPELINE = "unknown_pipeline"
    RESOLUTION_FAILED = "resolution_failed"
    INSUFFICIENT_CREDITS = "insufficient_credits"
    """The real BOS's denial (Entitlements answered 402)."""
    RATE_LIMIT_EXCEEDED = "rate_limit_exceeded"
    """The real BOS's denial (Entitlements answered 429)."""


class RunStatus(StrEnum):
    """Where one pipeline run stands, in BOS (``active`` ends in an archived final status)."""

    AWAITING_RESOLUTION = "awaiting_resolution"
    ACTIVE = "active"
    FINISHED = "finished"
