"""Scripted messages for driving BOS and BCS: what ELS, CMS and the API gateway would send.

Each builder returns the ``data`` of one message in the contract's shape; tests wrap it in a
``Received`` (pure core) or publish it through a ServiceEndpoint (runner, real broker).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from reference_impl.batch_state import EssayRef, Registration
from reference_impl.orchestrator_events import Received

JsonObject = dict[str, Any]


def new_id() -> str:
    return str(uuid.uuid4())


def essays(count: int, text: str = "original") -> list[EssayRef]:
    return [EssayRef(f"essay-{i}", f"{text}-{i}") for i in range(count)]


def refs(items: list[EssayRef]) -> list[JsonObject]:
    return [e.to_json() for e in items]


def registration(*, class_id: str | None = None, count: int = 3) -> Registration:
    return Registration(
        expected_essay_count=count, course_code="ENG5", user_id="teacher-1", class_id=class_id
    )


def registration_body(*, count: int = 3, class_id: str | None = None) -> JsonObject:
    body: JsonObject = {"expected_essay_count": count, "course_code": "ENG5", "user_id": "t-1"}
    if class_id is not None:
        body["class_id"] = class_id
    return body


def provisioning_completed(batch_id: str, items: list[EssayRef]) -> JsonObject:
    return {
        "batch_id": batch_id,
        "provisioned_count": len(items),
        "expected_count": len(items),
        "course_code": "ENG5",
        "user_id": "teacher-1",
        "essays_for_processing": refs(items),
    }


def associations_confirmed(batch_id: str, items: list[EssayRef]) -> JsonObject:
    return {
        "batch_id": batch_id,
        "class_id": "class-1",
        "course_code": "ENG5",
        "associations": [
            {
                "essay_id": e.essay_id,
                "student_id": f"student-{e.essay_id}",
                "confidence_score": 0.9,
                "validation_method": "human",
                "validated_by": "teacher-1",
            }
            for e in items
        ],
        "validation_summary": {"total_associations": len(items), "confirmed": len(items)},
    }


def essays_ready(batch_id: str, items: list[EssayRef]) -> JsonObject:
    return {
        "batch_id": batch_id,
        "ready_essays": refs(items),
        "metadata": {"entity_id": batch_id, "entity_type": "batch", "event": "batch.essays.ready"},
        "course_code": "ENG5",
        "course_language": "en",
        "class_type": "REGULAR",
    }


def pipeline_request(batch_id: str, pipeline: str, *, is_retry: bool = False) -> JsonObject:
    return {
        "batch_id": batch_id,
        "requested_pipeline": pipeline,
        "user_id": "teacher-1",
        "is_retry": is_retry,
    }


def phase_outcome(
    batch_id: str,
    phase: str,
    status: str,
    processed: list[EssayRef],
    failed: list[str] | None = None,
    correlation_id: str | None = None,
) -> JsonObject:
    data: JsonObject = {
        "batch_id": batch_id,
        "phase_name": phase,
        "phase_status": status,
        "processed_essays": refs(processed),
        "failed_essay_ids": failed or [],
    }
    if correlation_id is not None:
        data["correlation_id"] = correlation_id
    return data


def received(
    channel_id: str, data: JsonObject, correlation_id: str, *, at: float | None = None
) -> Received:
    return Received(channel_id, data, correlation_id, new_id(), time.time() if at is None else at)
