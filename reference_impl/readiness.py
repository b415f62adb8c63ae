"""Decisions that bring a batch to READY_FOR_PIPELINE_EXECUTION (contract 4.1, 7.5).

GUEST (no class_id): content provisioned -> ready. REGULAR: content provisioned -> awaiting
student validation (and the student-matching command); then StudentAssociationsConfirmedV1 and
BatchEssaysReady, in either order (the real BOS has a race here: essays-ready first leaves the
batch stuck), -> ready.
"""

from __future__ import annotations

from dataclasses import replace

from reference_impl import payloads
from reference_impl.batch_state import BatchState, EssayRef
from reference_impl.orchestrator_events import (
    BatchRegistered,
    Decision,
    Received,
    Rules,
    unchanged,
)
from reference_impl.statuses import BatchStatus

_MATCHING = (BatchStatus.AWAITING_STUDENT_VALIDATION, BatchStatus.STUDENT_VALIDATION_COMPLETED)


def register_batch(state: BatchState | None, event: BatchRegistered, _rules: Rules) -> Decision:
    """A new batch with its essay slots: AWAITING_CONTENT_VALIDATION, BatchEssaysRegistered."""
    if state is not None:
        return unchanged(state, "batch already registered")
    batch = BatchState(
        batch_id=event.batch_id,
        correlation_id=event.correlation_id,
        status=BatchStatus.AWAITING_CONTENT_VALIDATION,
        registration=event.registration,
        essay_ids=event.essay_ids,
        registered_at=event.at,
    )
    return Decision(batch, (payloads.essays_registered(batch),), note="registered")


def content_provisioned(state: BatchState | None, event: Received, _rules: Rules) -> Decision:
    """BatchContentProvisioningCompletedV1: GUEST -> ready; REGULAR -> student matching."""
    if state is None:
        return unchanged(state, "content provisioned for an unknown batch")
    if state.status != BatchStatus.AWAITING_CONTENT_VALIDATION:
        return unchanged(state, f"content provisioning repeated in status {state.status}")
    provisioned = _essay_refs(event, "essays_for_processing")
    batch = replace(state, essays=state.essays if state.essays_ready else provisioned)
    if batch.registration.class_id is None:
        return Decision(replace(batch, status=BatchStatus.READY_FOR_PIPELINE_EXECUTION))
    matching = replace(batch, status=BatchStatus.AWAITING_STUDENT_VALIDATION)
    command = payloads.student_matching_command(matching, event.at)
    return Decision(_settle_matching(matching), (command,), note="student matching started")


def associations_confirmed(state: BatchState | None, event: Received, _rules: Rules) -> Decision:
    """StudentAssociationsConfirmedV1 (from CMS): one of the two facts a REGULAR batch awaits."""
    if state is None or state.associations_confirmed:
        return unchanged(state, "associations confirmed for an unknown batch, or again")
    return Decision(_settle_matching(replace(state, associations_confirmed=True)))


def essays_ready(state: BatchState | None, event: Received, _rules: Rules) -> Decision:
    """BatchEssaysReady (from ELS): the other fact; its essays replace the provisioned ones."""
    if state is None or state.essays_ready:
        return unchanged(state, "essays ready for an unknown batch, or again")
    essays = _essay_refs(event, "ready_essays")
    if not essays:
        return unchanged(state, "BatchEssaysReady without essays (the real BOS rejects it too)")
    return Decision(_settle_matching(replace(state, essays_ready=True, essays=essays)))


def _settle_matching(state: BatchState) -> BatchState:
    """The status that the two student-matching facts received so far call for."""
    if state.status not in _MATCHING:
        return state  # a fact that arrives before provisioning is kept for later
    if state.associations_confirmed and state.essays_ready:
        return replace(state, status=BatchStatus.READY_FOR_PIPELINE_EXECUTION)
    if state.associations_confirmed:
        return replace(state, status=BatchStatus.STUDENT_VALIDATION_COMPLETED)
    return state


def _essay_refs(event: Received, field: str) -> tuple[EssayRef, ...]:
    return tuple(EssayRef.from_json(raw) for raw in event.data[field])
