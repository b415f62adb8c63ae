"""ELS decisions before any pipeline: essay slots, content, student matching (contracts 4.1).

Each decision is ``(ledger, envelope) -> [Outgoing]``: it updates the ledger and says what to
publish, with no I/O. A repeated fact (the same file, the same batch) changes nothing.
"""

from __future__ import annotations

from harness.envelope import Envelope, utc_now
from harness.service import Outgoing
from simulators.corpus import language_of_course
from simulators.els.lifecycle import EssayStatus
from simulators.els.messages import event_fields, system_metadata
from simulators.els.records import BatchRecord, Content, EssayRecord, Ledger


def on_batch_registered(ledger: Ledger, envelope: Envelope) -> list[Outgoing]:
    """Create one empty slot per essay id; fill them with any content that came first."""
    data = envelope.data
    batch_id = str(data["entity_id"])
    if batch_id in ledger.batches:
        return []
    slots = {str(i): EssayRecord(str(i), batch_id) for i in data["essay_ids"]}
    batch = BatchRecord(batch_id, dict(data), envelope.correlation_id, slots)
    ledger.batches[batch_id] = batch
    batch.failed_uploads |= ledger.pending_failures.pop(batch_id, set())
    assigned = [m for c in ledger.pending_content.pop(batch_id, []) for m in _assign(batch, c)]
    return assigned + _completion_if_done(batch)


def on_content_provisioned(ledger: Ledger, envelope: Envelope) -> list[Outgoing]:
    """Assign the file to a free slot (EssaySlotAssignedV1); complete the batch when all are in."""
    data = envelope.data
    content = Content(
        str(data["file_upload_id"]), str(data["original_file_name"]), str(data["text_storage_id"])
    )
    batch = ledger.batches.get(str(data["entity_id"]))
    if batch is None:  # content before registration: kept until the batch is registered (5.3)
        pending = ledger.pending_content.setdefault(str(data["entity_id"]), [])
        if content.file_upload_id not in {c.file_upload_id for c in pending}:
            pending.append(content)
        return []
    return _assign(batch, content) + _completion_if_done(batch)


def on_validation_failed(ledger: Ledger, envelope: Envelope) -> list[Outgoing]:
    """Count the failed file against the expected essays; complete the batch when all are in."""
    batch_id, upload = str(envelope.data["entity_id"]), str(envelope.data["file_upload_id"])
    batch = ledger.batches.get(batch_id)
    if batch is None:
        ledger.pending_failures.setdefault(batch_id, set()).add(upload)
        return []
    if batch.holds_upload(upload):
        return []
    batch.failed_uploads.add(upload)
    return _completion_if_done(batch)


def on_student_matching_command(ledger: Ledger, envelope: Envelope) -> list[Outgoing]:
    """Forward BOS's matching command to NLP, once per batch (contracts 0.6, 5.9)."""
    data = envelope.data
    batch = ledger.batches.get(str(data.get("entity_id")))
    if batch is None or batch.matching_requested:
        return []
    batch.matching_requested = True
    request = {
        **event_fields("batch.student.matching.requested", batch.batch_id, "batch"),
        "batch_id": batch.batch_id,
        "essays_to_process": data["essays_to_process"],
        "class_id": data["class_id"],
        "course_code": data["course_code"],
    }
    return [Outgoing("batchStudentMatchingRequested", request, envelope.correlation_id)]


def on_associations_confirmed(ledger: Ledger, envelope: Envelope) -> list[Outgoing]:
    """BatchEssaysReady for a REGULAR batch once its students are confirmed (contracts 5.12)."""
    batch = ledger.batches.get(str(envelope.data["batch_id"]))
    if batch is None or not batch.is_regular or batch.essays_ready_sent:
        return []
    ready = batch.ready_essays()
    if not ready:
        return []  # BOS rejects an empty ready_essays list
    batch.essays_ready_sent = True
    course_code = str(batch.registration["course_code"])
    message = {
        "event": "batch.essays.ready",
        "batch_id": batch.batch_id,
        "ready_essays": [essay.reference() for essay in ready],
        "metadata": system_metadata("batch.essays.ready", batch.batch_id, "batch"),
        "course_code": course_code,
        "course_language": language_of_course(course_code),
        "student_prompt_ref": batch.registration.get("student_prompt_ref"),
        "class_type": "REGULAR",
    }
    # The real ELS answers under the confirmation's correlation id (contracts 5.12).
    return [Outgoing("batchEssaysReady", message, envelope.correlation_id)]


def _assign(batch: BatchRecord, content: Content) -> list[Outgoing]:
    if batch.holds_upload(content.file_upload_id):
        return []
    slot = batch.free_slot()
    if slot is None:
        return []  # the real ELS sends ExcessContentProvisionedV1, which the contract leaves out
    slot.content, slot.status = content, EssayStatus.READY_FOR_PROCESSING
    assigned = {
        "event": "essay.slot.assigned",
        "batch_id": batch.batch_id,
        "essay_id": slot.essay_id,
        "file_upload_id": content.file_upload_id,
        "text_storage_id": content.text_storage_id,
        "original_file_name": content.original_file_name,
        "correlation_id": batch.registration_correlation_id,
        "timestamp": utc_now(),
    }
    return [Outgoing("essaySlotAssigned", assigned, batch.registration_correlation_id)]


def _completion_if_done(batch: BatchRecord) -> list[Outgoing]:
    """BatchContentProvisioningCompletedV1, once, when every slot is filled or accounted for."""
    if batch.provisioning_completed or batch.accounted_for() < batch.expected_count:
        return []
    batch.provisioning_completed = True
    ready = batch.ready_essays()
    correlation_id = batch.registration_correlation_id
    completed = {
        "event": "batch.content.provisioning.completed",
        "batch_id": batch.batch_id,
        "provisioned_count": len(ready),
        # The real ELS writes len(ready) here in its normal path (contracts 5.7); the simulator
        # writes the registered count, which is what the field names.
        "expected_count": batch.expected_count,
        "course_code": batch.registration["course_code"],
        "user_id": batch.registration.get("user_id") or "unknown",
        "essays_for_processing": [essay.reference() for essay in ready],
        "correlation_id": correlation_id,
        "timestamp": utc_now(),
    }
    return [Outgoing("batchContentProvisioningCompleted", completed, correlation_id)]
