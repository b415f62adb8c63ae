"""ELS decisions, checked exactly: each message handed to the simulator on the test's thread.

Whatever ELS publishes goes through its ServiceEndpoint, so every output here was validated
against the contract before it reached ``recording_bus``.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.contract import Contract
from harness.envelope import JsonObject, new_id
from simulators.els import ELSSimulator, EssayStatus
from tests.unit.simulators import els_script as script
from tests.unit.simulators.conftest import RecordingBus, deliver, registration
from tests.unit.simulators.els_script import ScriptedBatch


@pytest.fixture
def els(contract: Contract, recording_bus: RecordingBus) -> ELSSimulator:
    return ELSSimulator(contract, recording_bus)


def register(els: ELSSimulator, batch: ScriptedBatch) -> None:
    data = registration(
        batch.batch_id, batch.essay_ids, course_code=batch.course_code, class_id=batch.class_id
    )
    deliver(els, "batchEssaysRegistered", data, correlation_id=batch.registration_correlation)


def provision(els: ELSSimulator, batch: ScriptedBatch, *positions: int) -> None:
    for position in positions or range(len(batch.essay_ids)):
        data = script.content_provisioned(batch, position)
        deliver(els, "essayContentProvisioned", data, correlation_id=batch.registration_correlation)


def ready(els: ELSSimulator, count: int, **kwargs: Any) -> ScriptedBatch:
    """A batch registered and fully provisioned."""
    batch = ScriptedBatch.of(count, **kwargs)
    register(els, batch)
    provision(els, batch)
    return batch


def originals(bus: RecordingBus, batch: ScriptedBatch) -> list[tuple[str, str]]:
    """(essay_id, original text id) of the batch, from ELS's provisioning completion."""
    (completed,) = [
        e
        for e in bus.sent("batchContentProvisioningCompleted")
        if e["data"]["batch_id"] == batch.batch_id
    ]
    return [
        (r["essay_id"], r["text_storage_id"]) for r in completed["data"]["essays_for_processing"]
    ]


def command(
    els: ELSSimulator, channel: str, data: JsonObject, batch: ScriptedBatch, **metadata: Any
) -> None:
    deliver(
        els, channel, data, correlation_id=batch.pipeline_correlation, metadata=metadata or None
    )


def spellchecked(
    els: ELSSimulator, bus: RecordingBus, batch: ScriptedBatch, failing: int = 0
) -> list[str]:
    """Run spellcheck on the batch (the first ``failing`` essays fail); the successful ids."""
    command(
        els,
        "batchServiceSpellcheckInitiateCommandData",
        script.spellcheck_command(batch, originals(bus, batch)),
        batch,
    )
    for n, essay_id in enumerate(batch.essay_ids):
        data = script.spellcheck_result(batch, essay_id, succeeded=n >= failing)
        deliver(els, "spellcheckPhaseCompleted", data, correlation_id=batch.pipeline_correlation)
    return batch.essay_ids[failing:]


def outcomes(bus: RecordingBus, batch: ScriptedBatch, phase: str | None = None) -> list[JsonObject]:
    return [
        e
        for e in bus.sent("elsBatchPhaseOutcome")
        if e["data"]["batch_id"] == batch.batch_id and phase in (None, e["data"]["phase_name"])
    ]


# --- slots and content ---------------------------------------------------------------------------


def test_each_file_fills_one_slot_and_the_batch_completes_once(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ready(els, 3)
    assigned = recording_bus.sent("essaySlotAssigned")
    assert sorted(e["data"]["essay_id"] for e in assigned) == sorted(batch.essay_ids)
    assert {e["data"]["file_upload_id"] for e in assigned} == set(batch.uploads)
    (completed,) = recording_bus.sent("batchContentProvisioningCompleted")
    data = completed["data"]
    assert (data["provisioned_count"], data["expected_count"]) == (3, 3)
    assert completed["correlation_id"] == data["correlation_id"] == batch.registration_correlation
    assert {r["text_storage_id"] for r in data["essays_for_processing"]} == {
        f"text-{upload}" for upload in batch.uploads
    }
    assert {els.essay_status(i) for i in batch.essay_ids} == {EssayStatus.READY_FOR_PROCESSING}


def test_a_failed_file_is_accounted_for(els: ELSSimulator, recording_bus: RecordingBus) -> None:
    batch = ScriptedBatch.of(3)
    register(els, batch)
    provision(els, batch, 0, 1)
    assert recording_bus.sent("batchContentProvisioningCompleted") == []
    data = script.validation_failed(batch, 2)
    deliver(els, "essayValidationFailed", data, correlation_id=batch.registration_correlation)
    (completed,) = recording_bus.sent("batchContentProvisioningCompleted")
    assert (completed["data"]["provisioned_count"], completed["data"]["expected_count"]) == (2, 3)


def test_content_that_arrives_before_the_registration_waits_for_it(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ScriptedBatch.of(2)
    provision(els, batch)
    assert recording_bus.sent() == []
    register(els, batch)
    assert len(recording_bus.sent("essaySlotAssigned")) == 2
    assert len(recording_bus.sent("batchContentProvisioningCompleted")) == 1


def test_the_same_file_twice_fills_one_slot_and_excess_files_none(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ScriptedBatch.of(2)
    register(els, batch)
    provision(els, batch, 0, 0)
    envelope = deliver(
        els,
        "essayContentProvisioned",
        script.content_provisioned(batch, 1),
        correlation_id=batch.registration_correlation,
    )
    deliver(els, "essayContentProvisioned", {}, correlation_id="", envelope=envelope)
    provision(els, batch, 2)  # a third file for two slots
    assert len(recording_bus.sent("essaySlotAssigned")) == 2
    assert len(recording_bus.sent("batchContentProvisioningCompleted")) == 1


# --- student matching (REGULAR batches) ----------------------------------------------------------


def test_a_regular_batch_is_matched_and_then_ready(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ready(els, 2, class_id="class-9A", course_code="SV1")
    matching = script.student_matching_command(batch, originals(recording_bus, batch))
    for _ in range(2):
        deliver(
            els,
            "batchServiceStudentMatchingInitiateCommandData",
            matching,
            correlation_id=batch.registration_correlation,
        )
    (requested,) = recording_bus.sent("batchStudentMatchingRequested")
    assert requested["data"]["class_id"] == "class-9A"
    assert requested["correlation_id"] == batch.registration_correlation
    confirmation = new_id()
    for _ in range(2):
        deliver(
            els,
            "studentAssociationsConfirmed",
            script.associations_confirmed(batch),
            correlation_id=confirmation,
        )
    (essays_ready,) = recording_bus.sent("batchEssaysReady")
    data = essays_ready["data"]
    assert (data["class_type"], data["course_language"]) == ("REGULAR", "sv")
    assert sorted(r["essay_id"] for r in data["ready_essays"]) == sorted(batch.essay_ids)
    assert essays_ready["correlation_id"] == confirmation


def test_a_guest_batch_never_gets_batch_essays_ready(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ready(els, 2)
    deliver(
        els,
        "studentAssociationsConfirmed",
        script.associations_confirmed(batch),
        correlation_id=new_id(),
    )
    assert recording_bus.sent("batchEssaysReady") == []


# --- spellcheck ----------------------------------------------------------------------------------


def test_the_spellcheck_command_becomes_one_request_per_essay(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ready(els, 3)
    essays = originals(recording_bus, batch)
    command(
        els,
        "batchServiceSpellcheckInitiateCommandData",
        script.spellcheck_command(batch, essays, "sv"),
        batch,
    )
    requests = recording_bus.sent("essayLifecycleSpellcheckRequest")
    assert sorted(
        (r["data"]["entity_id"], r["data"]["text_storage_id"]) for r in requests
    ) == sorted(essays)
    for request in requests:
        data = request["data"]
        assert request["correlation_id"] == batch.pipeline_correlation
        assert data["parent_id"] == data["system_metadata"]["parent_id"] == batch.batch_id
        assert (data["language"], data["status"]) == ("sv", "awaiting_spellcheck")
    assert {els.essay_status(i) for i in batch.essay_ids} == {EssayStatus.SPELLCHECKING_IN_PROGRESS}


def test_spellcheck_cannot_run_twice_on_an_essay(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ready(els, 2)
    data = script.spellcheck_command(batch, originals(recording_bus, batch))
    command(els, "batchServiceSpellcheckInitiateCommandData", data, batch)
    command(els, "batchServiceSpellcheckInitiateCommandData", data, batch)
    assert len(recording_bus.sent("essayLifecycleSpellcheckRequest")) == 2


@pytest.mark.parametrize(
    ("failing", "status"),
    [(0, "completed_successfully"), (1, "completed_with_failures"), (3, "failed_critically")],
)
def test_the_outcome_carries_the_true_split(
    els: ELSSimulator, recording_bus: RecordingBus, failing: int, status: str
) -> None:
    batch = ready(els, 3)
    succeeded = spellchecked(els, recording_bus, batch, failing=failing)
    (outcome,) = outcomes(recording_bus, batch)
    data = outcome["data"]
    assert (data["phase_name"], data["phase_status"]) == ("spellcheck", status)
    assert data["processed_essays"] == [
        {"essay_id": i, "text_storage_id": f"corrected-{i}"} for i in succeeded
    ]
    assert data["failed_essay_ids"] == batch.essay_ids[:failing]
    assert outcome["correlation_id"] == data["correlation_id"] == batch.pipeline_correlation


def test_no_outcome_while_an_essay_is_still_running(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ready(els, 2)
    command(
        els,
        "batchServiceSpellcheckInitiateCommandData",
        script.spellcheck_command(batch, originals(recording_bus, batch)),
        batch,
    )
    result = script.spellcheck_result(batch, batch.essay_ids[0])
    deliver(els, "spellcheckPhaseCompleted", result, correlation_id=batch.pipeline_correlation)
    assert outcomes(recording_bus, batch) == []


def test_duplicate_results_never_make_a_second_outcome(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ready(els, 2)
    command(
        els,
        "batchServiceSpellcheckInitiateCommandData",
        script.spellcheck_command(batch, originals(recording_bus, batch)),
        batch,
    )
    first, last = batch.essay_ids
    envelope = deliver(
        els,
        "spellcheckPhaseCompleted",
        script.spellcheck_result(batch, first),
        correlation_id=batch.pipeline_correlation,
    )
    deliver(els, "spellcheckPhaseCompleted", {}, correlation_id="", envelope=envelope)  # same event
    for essay_id in (first, last, last, first):  # the same facts again, in new envelopes
        result = script.spellcheck_result(batch, essay_id, succeeded=False)
        deliver(els, "spellcheckPhaseCompleted", result, correlation_id=batch.pipeline_correlation)
    (outcome,) = outcomes(recording_bus, batch)
    assert outcome["data"]["phase_status"] == "completed_with_failures"
    assert outcome["data"]["failed_essay_ids"] == [last]


# --- CJ assessment -------------------------------------------------------------------------------


def test_the_cj_command_becomes_one_request_for_the_batch(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ready(els, 3)
    succeeded = spellchecked(els, recording_bus, batch, failing=1)
    essays = [(i, f"corrected-{i}") for i in batch.essay_ids]  # one failed spellcheck
    command(
        els,
        "batchServiceCjAssessmentInitiateCommandData",
        script.cj_command(batch, essays),
        batch,
        user_id="teacher-7",
        org_id="org-2",
    )
    (request,) = recording_bus.sent("elsCjAssessmentRequest")
    data = request["data"]
    assert [r["essay_id"] for r in data["essays_for_cj"]] == succeeded
    assert (data["user_id"], data["org_id"], data["entity_id"]) == (
        "teacher-7",
        "org-2",
        batch.batch_id,
    )
    assert data["assignment_id"] == "assignment-7"
    assert request["correlation_id"] == batch.pipeline_correlation
    assert els.essay_status(succeeded[0]) == EssayStatus.CJ_ASSESSMENT_IN_PROGRESS
    assert els.essay_status(batch.essay_ids[0]) == EssayStatus.SPELLCHECK_FAILED


def test_without_identity_in_the_command_the_registration_user_is_used(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ready(els, 2)
    spellchecked(els, recording_bus, batch)
    essays = [(i, f"corrected-{i}") for i in batch.essay_ids]
    command(
        els, "batchServiceCjAssessmentInitiateCommandData", script.cj_command(batch, essays), batch
    )
    (request,) = recording_bus.sent("elsCjAssessmentRequest")
    assert (request["data"]["user_id"], request["data"]["org_id"]) == ("teacher-1", None)


def cj_started(els: ELSSimulator, bus: RecordingBus, batch: ScriptedBatch) -> list[str]:
    spellchecked(els, bus, batch)
    essays = [(i, f"corrected-{i}") for i in batch.essay_ids]
    command(
        els, "batchServiceCjAssessmentInitiateCommandData", script.cj_command(batch, essays), batch
    )
    return batch.essay_ids


def test_cj_completion_gives_the_outcome_under_the_original_correlation_id(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ready(els, 3)
    first, second, third = cj_started(els, recording_bus, batch)
    completed = script.cj_completed(batch, [first, second], [third])
    for _ in range(2):  # the same completion twice, in two envelopes
        deliver(els, "cjAssessmentCompleted", completed, correlation_id=new_id())
    (outcome,) = outcomes(recording_bus, batch, "cj_assessment")
    data = outcome["data"]
    assert data["phase_status"] == "completed_with_failures"
    assert data["processed_essays"] == [
        {"essay_id": i, "text_storage_id": f"corrected-{i}"} for i in (first, second)
    ]
    assert outcome["correlation_id"] == batch.pipeline_correlation


def test_a_cj_completion_naming_no_essay_changes_nothing(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ready(els, 2)
    cj_started(els, recording_bus, batch)
    deliver(
        els, "cjAssessmentCompleted", script.cj_completed(batch, [], []), correlation_id=new_id()
    )
    assert outcomes(recording_bus, batch, "cj_assessment") == []


def test_a_cj_failure_ends_the_phase_as_failed_critically(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ready(els, 3)
    cj_started(els, recording_bus, batch)
    comparison_correlation = new_id()  # CJ's callback path fails under a comparison's id
    deliver(
        els, "cjAssessmentFailed", script.cj_failed(batch), correlation_id=comparison_correlation
    )
    deliver(
        els, "cjAssessmentFailed", script.cj_failed(batch), correlation_id=comparison_correlation
    )
    (outcome,) = outcomes(recording_bus, batch, "cj_assessment")
    data = outcome["data"]
    assert (data["phase_status"], data["processed_essays"]) == ("failed_critically", [])
    assert sorted(data["failed_essay_ids"]) == sorted(batch.essay_ids)
    assert outcome["correlation_id"] == data["correlation_id"] == batch.pipeline_correlation
    assert {els.essay_status(i) for i in batch.essay_ids} == {EssayStatus.CJ_ASSESSMENT_FAILED}


# --- NLP -----------------------------------------------------------------------------------------


def test_the_nlp_branch_asks_once_and_reports_the_outcome(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    batch = ready(els, 2)
    spellchecked(els, recording_bus, batch)
    essays = [(i, f"corrected-{i}") for i in batch.essay_ids]
    command(els, "batchServiceNlpInitiateCommandData", script.nlp_command(batch, essays), batch)
    (request,) = recording_bus.sent("batchNlpProcessingRequested")
    assert sorted(r["essay_id"] for r in request["data"]["essays_to_process"]) == sorted(
        batch.essay_ids
    )
    assert request["correlation_id"] == batch.pipeline_correlation
    done = script.nlp_completed(batch, batch.essay_ids, [])
    deliver(els, "batchNlpAnalysisCompleted", done, correlation_id=batch.pipeline_correlation)
    (outcome,) = outcomes(recording_bus, batch, "nlp")
    assert outcome["data"]["phase_status"] == "completed_successfully"


# --- a command no essay can start (issue 13: the batch stayed "nlp: dispatch_initiated") ----------


def test_a_command_for_essays_stuck_in_a_timed_out_phase_fails_at_once(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    """CJ never answered (BOS timed it out): the essays wait in CJ. An nlp command for them
    cannot start; the real ELS would say nothing and the pipeline would hang, this one answers
    the phase as failed critically and says why, under the nlp command's correlation id."""
    batch = ready(els, 2)
    cj_started(els, recording_bus, batch)
    essays = [(i, f"corrected-{i}") for i in batch.essay_ids]
    nlp_run = new_id()
    deliver(
        els,
        "batchServiceNlpInitiateCommandData",
        script.nlp_command(batch, essays),
        correlation_id=nlp_run,
    )
    assert recording_bus.sent("batchNlpProcessingRequested") == []
    (outcome,) = outcomes(recording_bus, batch, "nlp")
    assert outcome["correlation_id"] == nlp_run
    assert outcome["data"]["phase_status"] == "failed_critically"
    assert sorted(outcome["data"]["failed_essay_ids"]) == sorted(batch.essay_ids)
    assert outcome["data"]["processed_essays"] == []
    assert outcome["metadata"]["refused_essays"] == dict.fromkeys(
        batch.essay_ids, EssayStatus.CJ_ASSESSMENT_IN_PROGRESS.value
    )


def test_a_repeated_command_for_essays_already_in_the_phase_is_no_refusal(
    els: ELSSimulator, recording_bus: RecordingBus
) -> None:
    """A redelivered or re-driven command finds the essays in its own phase: the outcome comes
    when they finish (or came), never a failure in between."""
    batch = ready(els, 2)
    cj_started(els, recording_bus, batch)
    essays = [(i, f"corrected-{i}") for i in batch.essay_ids]
    cj = script.cj_command(batch, essays)
    command(els, "batchServiceCjAssessmentInitiateCommandData", cj, batch)
    assert len(recording_bus.sent("elsCjAssessmentRequest")) == 1
    assert outcomes(recording_bus, batch) == [outcomes(recording_bus, batch, "spellcheck")[0]]
