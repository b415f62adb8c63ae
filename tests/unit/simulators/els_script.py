"""Scripted input for the ELS tests: what BOS, the File service and the services would send.

Each function returns the ``data`` of one message, as its real sender writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.envelope import new_id, utc_now


@dataclass
class ScriptedBatch:
    """One batch of a scenario: its ids and the correlation ids of its stages."""

    essay_ids: list[str]
    class_id: str | None = None
    course_code: str = "ENG5"
    batch_id: str = field(default_factory=new_id)
    registration_correlation: str = field(default_factory=new_id)
    pipeline_correlation: str = field(default_factory=new_id)
    uploads: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, count: int, **kwargs: Any) -> ScriptedBatch:
        return cls([new_id() for _ in range(count)], **kwargs)

    def upload(self, position: int) -> str:
        """The file_upload_id of the file at ``position`` (the same id every time)."""
        while len(self.uploads) <= position:
            self.uploads.append(new_id())
        return self.uploads[position]


def content_provisioned(batch: ScriptedBatch, position: int) -> dict[str, Any]:
    """EssayContentProvisionedV1 of the File service for one file of the batch."""
    return {
        "event": "essay.content.provisioned",
        "entity_id": batch.batch_id,
        "file_upload_id": batch.upload(position),
        "original_file_name": f"essay_{position + 1:02d}.txt",
        "raw_file_storage_id": f"raw-{position}",
        "text_storage_id": f"text-{batch.upload(position)}",
        "file_size_bytes": 1200,
        "content_md5_hash": None,
        "correlation_id": batch.registration_correlation,
        "timestamp": utc_now(),
    }


def validation_failed(batch: ScriptedBatch, position: int) -> dict[str, Any]:
    """EssayValidationFailedV1 of the File service for one file of the batch."""
    return {
        "event": "essay.validation.failed",
        "entity_id": batch.batch_id,
        "file_upload_id": batch.upload(position),
        "original_file_name": f"essay_{position + 1:02d}.txt",
        "raw_file_storage_id": f"raw-{position}",
        "validation_error_code": "EMPTY_CONTENT",
        "validation_error_detail": {
            "error_code": "EMPTY_CONTENT",
            "message": "the file is empty",
            "correlation_id": batch.registration_correlation,
            "timestamp": utc_now(),
            "service": "file-service",
            "operation": "validate_file_content",
            "details": {},
        },
        "file_size_bytes": 0,
        "timestamp": utc_now(),
    }


def references(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"essay_id": essay_id, "text_storage_id": text_id} for essay_id, text_id in pairs]


def spellcheck_command(
    batch: ScriptedBatch, essays: list[tuple[str, str]], language: str = "en"
) -> dict[str, Any]:
    """BOS's BatchServiceSpellcheckInitiateCommandDataV1."""
    return {
        **_bos_command("batch.spellcheck.initiate.command", batch),
        "essays_to_process": references(essays),
        "language": language,
    }


def cj_command(batch: ScriptedBatch, essays: list[tuple[str, str]]) -> dict[str, Any]:
    """BOS's BatchServiceCJAssessmentInitiateCommandDataV1 for a GUEST batch."""
    return {
        **_bos_command("batch.cj_assessment.initiate.command", batch),
        "essays_to_process": references(essays),
        "language": "en",
        "course_code": batch.course_code,
        "student_prompt_ref": None,
        "class_type": "REGULAR" if batch.class_id else "GUEST",
        "assignment_id": "assignment-7",
    }


def nlp_command(batch: ScriptedBatch, essays: list[tuple[str, str]]) -> dict[str, Any]:
    """BOS's BatchServiceNLPInitiateCommandDataV2."""
    return {
        **_bos_command("batch.nlp.initiate.command.v2", batch),
        "essays_to_process": references(essays),
        "language": "en",
        "student_prompt_ref": None,
    }


def student_matching_command(batch: ScriptedBatch, essays: list[tuple[str, str]]) -> dict[str, Any]:
    """BOS's BatchServiceStudentMatchingInitiateCommandDataV1 (REGULAR batches)."""
    return {
        **_bos_command("batch.student.matching.initiate.command", batch),
        "essays_to_process": references(essays),
        "class_id": batch.class_id,
        "course_code": batch.course_code,
    }


def associations_confirmed(batch: ScriptedBatch) -> dict[str, Any]:
    """CMS's StudentAssociationsConfirmedV1 (entity_id left null, as the real CMS does)."""
    return {
        "event_name": "student.associations.confirmed",
        "entity_id": None,
        "entity_type": None,
        "parent_id": None,
        "timestamp": utc_now(),
        "batch_id": batch.batch_id,
        "class_id": batch.class_id or "class-of-a-guest-batch",
        "course_code": batch.course_code,
        "associations": [
            {
                "essay_id": essay_id,
                "student_id": f"student-{n}",
                "confidence_score": 0.9,
                "validation_method": "timeout",
                "validated_by": "SYSTEM_TIMEOUT",
                "validated_at": utc_now(),
            }
            for n, essay_id in enumerate(batch.essay_ids)
        ],
        "timeout_triggered": True,
        "validation_summary": {"total_associations": len(batch.essay_ids), "confirmed": 0},
    }


def spellcheck_result(
    batch: ScriptedBatch, essay_id: str, *, succeeded: bool = True
) -> dict[str, Any]:
    """The spellchecker's thin SpellcheckPhaseCompletedV1 for one essay."""
    return {
        "entity_id": essay_id,
        "batch_id": batch.batch_id,
        "correlation_id": batch.pipeline_correlation,
        "status": "completed" if succeeded else "failed",
        "corrected_text_storage_id": f"corrected-{essay_id}" if succeeded else None,
        "error_code": None if succeeded else "{'error_code': 'PROCESSING_ERROR'}",
        "processing_duration_ms": 12,
        "timestamp": utc_now(),
    }


def cj_completed(batch: ScriptedBatch, succeeded: list[str], failed: list[str]) -> dict[str, Any]:
    """CJ's thin CJAssessmentCompletedV1."""
    return {
        **_cj_fields("cj_assessment.completed", batch, "completed"),
        "status": "completed_successfully" if succeeded else "failed_critically",
        "cj_assessment_job_id": "17",
        "processing_summary": {
            "total_essays": len(succeeded) + len(failed),
            "successful": len(succeeded),
            "failed": len(failed),
            "successful_essay_ids": succeeded,
            "failed_essay_ids": failed,
            "processing_time_seconds": 1.5,
        },
    }


def cj_failed(batch: ScriptedBatch) -> dict[str, Any]:
    """CJ's CJAssessmentFailedV1 (as its callback path sends it)."""
    fields = _cj_fields("cj_assessment.failed", batch, "failed")
    fields["system_metadata"]["error_info"] = {"reason": "low_success_rate", "details": {}}
    return {**fields, "status": "failed_critically", "cj_assessment_job_id": "17"}


def nlp_completed(batch: ScriptedBatch, succeeded: list[str], failed: list[str]) -> dict[str, Any]:
    """NLP's BatchNlpAnalysisCompletedV1."""
    completed = cj_completed(batch, succeeded, failed)
    del completed["cj_assessment_job_id"]
    return {
        **completed,
        **_cj_fields("batch.nlp.analysis.completed", batch, "completed"),
        "batch_id": batch.batch_id,
    }


def _bos_command(event_name: str, batch: ScriptedBatch) -> dict[str, Any]:
    return {
        "event_name": event_name,
        "entity_id": batch.batch_id,
        "entity_type": "batch",
        "parent_id": None,
        "timestamp": utc_now(),
    }


def _cj_fields(event: str, batch: ScriptedBatch, stage: str) -> dict[str, Any]:
    return {
        "event_name": event,
        "entity_id": batch.batch_id,
        "entity_type": "batch",
        "parent_id": None,
        "timestamp": utc_now(),
        "system_metadata": {
            "entity_id": batch.batch_id,
            "entity_type": "batch",
            "timestamp": utc_now(),
            "processing_stage": stage,
            "event": event,
        },
    }
