"""The BOS decision core, transition by transition (issue 4), with no bus and no threads."""

from __future__ import annotations

import pytest

from harness.contract import Contract
from reference_impl import payloads
from reference_impl.batch_state import BatchState, EssayRef, decode_batch, encode_batch
from reference_impl.orchestrator_core import ROUTES, decide
from reference_impl.orchestrator_events import (
    BatchRegistered,
    ClockTick,
    Decision,
    Event,
    PipelineResolutionFailed,
    PipelineResolved,
    Rules,
)
from reference_impl.statuses import BatchStatus, PipelineExecutionStatus, RunStatus
from tests.unit.reference_impl import scripted
from tests.unit.reference_impl.conftest import CheckMessages

BATCH = "batch-1"
CID = "11111111-1111-4111-8111-111111111111"
T0 = 1_700_000_000.0
RULES = Rules(phase_timeout_s=60.0)
ESSAYS = scripted.essays(3)
Status = PipelineExecutionStatus


def registered(class_id: str | None = None) -> BatchState:
    event = BatchRegistered(
        BATCH, scripted.new_id(), scripted.registration(class_id=class_id), ("e0", "e1", "e2"), T0
    )
    state = decide(None, event, RULES).state
    assert state is not None
    return state


def ready_guest() -> BatchState:
    data = scripted.provisioning_completed(BATCH, ESSAYS)
    event = scripted.received("batchContentProvisioningCompleted", data, scripted.new_id())
    return state_of(step(registered(), event))


def step(state: BatchState | None, event: Event) -> Decision:
    return decide(state, event, RULES)


def state_of(decision: Decision) -> BatchState:
    assert decision.state is not None, decision.note
    return decision.state


def requested(state: BatchState, pipeline: str = "cj_assessment", cid: str = "") -> Decision:
    data = scripted.pipeline_request(BATCH, pipeline)
    return step(state, scripted.received("clientBatchPipelineRequest", data, cid or CID, at=T0))


def resolved(state: BatchState, phases: tuple[str, ...], at: float = T0 + 1) -> Decision:
    return step(state, PipelineResolved(BATCH, CID, phases, at))


def outcome(
    state: BatchState,
    phase: str,
    status: str = "completed_successfully",
    processed: list[EssayRef] | None = None,
    failed: list[str] | None = None,
    cid: str = "",
    at: float = T0 + 10,
) -> Decision:
    data = scripted.phase_outcome(
        BATCH, phase, status, ESSAYS if processed is None else processed, failed
    )
    return step(state, scripted.received("elsBatchPhaseOutcome", data, cid or CID, at=at))


def active_cj() -> BatchState:
    """A GUEST batch running cj_assessment: spellcheck dispatched."""
    return state_of(resolved(state_of(requested(ready_guest())), ("spellcheck", "cj_assessment")))


def channels(decision: Decision) -> list[str]:
    return [o.channel_id for o in decision.outgoing]


def test_the_routing_table_covers_what_bos_consumes_in_the_contract(contract: Contract) -> None:
    assert set(ROUTES) == {c.id for c in contract.consumed_by("bos") if not c.beside_the_flow}


# --- registration and readiness ------------------------------------------------------------


def test_registration_creates_the_batch_and_announces_its_essay_slots(
    check_messages: CheckMessages,
) -> None:
    event = BatchRegistered(BATCH, CID, scripted.registration(), ("e0", "e1", "e2"), T0)
    decision = decide(None, event, RULES)
    assert decision.state is not None
    assert decision.state.status == BatchStatus.AWAITING_CONTENT_VALIDATION
    assert channels(decision) == ["batchEssaysRegistered"]
    assert decision.outgoing[0].data["essay_ids"] == ["e0", "e1", "e2"]
    assert decision.outgoing[0].correlation_id == CID
    check_messages(decision.outgoing)


def test_registering_the_same_batch_again_changes_nothing() -> None:
    state = registered()
    event = BatchRegistered(BATCH, CID, scripted.registration(), ("x",), T0)
    assert decide(state, event, RULES).state is state


def test_content_provisioned_makes_a_guest_batch_ready() -> None:
    state = ready_guest()
    assert state.status == BatchStatus.READY_FOR_PIPELINE_EXECUTION
    assert state.essays == tuple(ESSAYS)


def test_content_provisioned_starts_student_matching_for_a_regular_batch(
    check_messages: CheckMessages,
) -> None:
    data = scripted.provisioning_completed(BATCH, ESSAYS)
    decision = step(
        registered("class-1"), scripted.received("batchContentProvisioningCompleted", data, CID)
    )
    assert decision.state is not None
    assert decision.state.status == BatchStatus.AWAITING_STUDENT_VALIDATION
    assert channels(decision) == ["batchServiceStudentMatchingInitiateCommandData"]
    check_messages(decision.outgoing)


def test_content_provisioned_twice_starts_student_matching_once() -> None:
    data = scripted.provisioning_completed(BATCH, ESSAYS)
    first = step(
        registered("class-1"), scripted.received("batchContentProvisioningCompleted", data, CID)
    )
    again = step(first.state, scripted.received("batchContentProvisioningCompleted", data, CID))
    assert again.outgoing == () and again.state is first.state


@pytest.mark.parametrize(
    "order",
    [
        ("studentAssociationsConfirmed", "batchEssaysReady"),
        ("batchEssaysReady", "studentAssociationsConfirmed"),
    ],
)
def test_a_regular_batch_is_ready_whichever_matching_fact_arrives_first(
    order: tuple[str, str],
) -> None:
    provisioned = scripted.provisioning_completed(BATCH, ESSAYS)
    state = step(
        registered("class-1"),
        scripted.received("batchContentProvisioningCompleted", provisioned, CID),
    ).state
    facts = {
        "studentAssociationsConfirmed": scripted.associations_confirmed(BATCH, ESSAYS),
        "batchEssaysReady": scripted.essays_ready(BATCH, scripted.essays(3, "ready")),
    }
    middle = step(state, scripted.received(order[0], facts[order[0]], CID)).state
    assert middle is not None
    expected_middle = (
        BatchStatus.STUDENT_VALIDATION_COMPLETED
        if order[0] == "studentAssociationsConfirmed"
        else BatchStatus.AWAITING_STUDENT_VALIDATION
    )
    assert middle.status == expected_middle
    final = step(middle, scripted.received(order[1], facts[order[1]], CID)).state
    assert final is not None
    assert final.status == BatchStatus.READY_FOR_PIPELINE_EXECUTION
    assert final.essays == tuple(scripted.essays(3, "ready"))


def test_messages_about_unknown_batches_change_nothing() -> None:
    data = scripted.provisioning_completed("nobody", ESSAYS)
    decision = step(None, scripted.received("batchContentProvisioningCompleted", data, CID))
    assert decision.state is None and decision.outgoing == ()


# --- pipeline requests -----------------------------------------------------------------------


def test_a_request_for_a_ready_batch_is_accepted_and_sent_to_bcs() -> None:
    decision = requested(ready_guest())
    assert decision.state is not None and decision.state.active is not None
    assert decision.state.status == BatchStatus.PROCESSING_PIPELINES
    assert decision.state.active.status == RunStatus.AWAITING_RESOLUTION
    assert decision.outgoing == ()
    assert decision.resolve is not None
    assert decision.resolve.to_json() == {
        "batch_id": BATCH,
        "requested_pipeline": "cj_assessment",
        "correlation_id": CID,
        "batch_metadata": {"prompt_attached": False, "prompt_source": "none"},
    }


def test_a_retry_request_tells_bcs_in_batch_metadata() -> None:
    data = scripted.pipeline_request(BATCH, "cj_assessment", is_retry=True)
    decision = step(ready_guest(), scripted.received("clientBatchPipelineRequest", data, CID))
    assert decision.resolve is not None
    assert decision.resolve.is_retry


def denial_of(decision: Decision) -> tuple[str, str]:
    (message,) = decision.outgoing
    assert message.channel_id == "pipelineDenied"
    return message.data["denial_reason"], message.metadata["denial_detail"]  # type: ignore[index]


def test_a_request_for_an_unknown_batch_is_denied(check_messages: CheckMessages) -> None:
    data = scripted.pipeline_request("nobody", "cj_assessment")
    decision = step(None, scripted.received("clientBatchPipelineRequest", data, CID))
    assert denial_of(decision)[0] == "unknown_batch"
    check_messages(decision.outgoing)


def test_a_request_for_a_batch_not_ready_is_denied() -> None:
    reason, detail = denial_of(requested(registered()))
    assert reason == "batch_not_ready"
    assert "awaiting_content_validation" in detail


def test_a_request_while_a_pipeline_is_active_is_denied_not_dropped(
    check_messages: CheckMessages,
) -> None:
    decision = requested(active_cj(), "nlp", cid=scripted.new_id())
    assert denial_of(decision)[0] == "pipeline_active"
    assert decision.state is not None and decision.state.active is not None
    check_messages(decision.outgoing)


def test_a_request_for_something_that_is_no_phase_is_denied() -> None:
    assert denial_of(requested(ready_guest(), "comprehensive"))[0] == "unknown_pipeline"


def test_the_same_request_delivered_again_is_ignored_not_denied() -> None:
    state = active_cj()
    decision = requested(state)
    assert decision.outgoing == () and decision.state is state


@pytest.mark.parametrize(
    ("bcs_reason", "denial"),
    [("unknown_pipeline", "unknown_pipeline"), ("phase_unavailable", "resolution_failed")],
)
def test_a_bcs_refusal_is_a_denial_and_the_batch_is_ready_again(
    bcs_reason: str, denial: str, check_messages: CheckMessages
) -> None:
    state = requested(ready_guest()).state
    decision = step(state, PipelineResolutionFailed(BATCH, CID, bcs_reason, "no such thing", T0))
    assert denial_of(decision)[0] == denial
    assert decision.state is not None and decision.state.active is None
    assert decision.state.status == BatchStatus.READY_FOR_PIPELINE_EXECUTION
    check_messages(decision.outgoing)


def test_phases_bos_cannot_start_are_a_resolution_failure() -> None:
    state = requested(ready_guest(), "ai_feedback").state
    assert state is not None
    decision = step(state, PipelineResolved(BATCH, CID, ("spellcheck", "nlp", "ai_feedback"), T0))
    reason, detail = denial_of(decision)
    assert reason == "resolution_failed" and "ai_feedback" in detail


def test_a_late_second_bcs_answer_is_ignored() -> None:
    state = active_cj()
    assert resolved(state, ("spellcheck", "cj_assessment")).state is state


# --- phases ----------------------------------------------------------------------------------


def test_resolution_starts_the_first_phase_with_the_original_correlation_id(
    check_messages: CheckMessages,
) -> None:
    state = requested(ready_guest()).state
    assert state is not None
    decision = resolved(state, ("spellcheck", "cj_assessment"))
    assert channels(decision) == ["batchServiceSpellcheckInitiateCommandData"]
    command = decision.outgoing[0]
    assert command.correlation_id == CID
    assert command.data["essays_to_process"] == scripted.refs(ESSAYS)
    assert decision.state is not None and decision.state.active is not None
    phases = decision.state.active.phases
    assert phases["spellcheck"].status == Status.DISPATCH_INITIATED
    assert phases["spellcheck"].deadline_at == T0 + 1 + RULES.phase_timeout_s
    assert phases["cj_assessment"].status == Status.PENDING_DEPENDENCIES
    check_messages(decision.outgoing)


def test_a_completed_phase_starts_the_next_with_its_output_texts(
    check_messages: CheckMessages,
) -> None:
    corrected = scripted.essays(3, "corrected")
    decision = outcome(active_cj(), "spellcheck", processed=corrected)
    assert channels(decision) == ["batchServiceCjAssessmentInitiateCommandData"]
    command = decision.outgoing[0]
    assert command.correlation_id == CID
    assert command.data["essays_to_process"] == scripted.refs(corrected)
    assert command.data["class_type"] == "GUEST"
    check_messages(decision.outgoing)


def test_completed_with_failures_continues_with_the_successful_essays_only() -> None:
    good = scripted.essays(2, "corrected")
    decision = outcome(active_cj(), "spellcheck", "completed_with_failures", good, ["essay-2"])
    assert decision.outgoing[0].data["essays_to_process"] == scripted.refs(good)
    assert decision.state is not None and decision.state.active is not None
    spellcheck = decision.state.active.phases["spellcheck"]
    assert spellcheck.status == Status.COMPLETED_WITH_PARTIAL_SUCCESS
    assert (spellcheck.essays_successful, spellcheck.essays_failed) == (2, 1)


def finished(state: BatchState) -> Decision:
    after_spellcheck = outcome(state, "spellcheck", at=T0 + 5).state
    assert after_spellcheck is not None
    return outcome(after_spellcheck, "cj_assessment", at=T0 + 9)


def test_the_last_outcome_completes_the_pipeline_once_and_the_batch_is_ready_again(
    check_messages: CheckMessages,
) -> None:
    decision = finished(active_cj())
    assert channels(decision) == ["batchPipelineCompleted"]
    completion = decision.outgoing[0]
    assert completion.correlation_id == CID
    assert completion.data["completed_phases"] == ["spellcheck", "cj_assessment"]
    assert completion.data["final_status"] == "completed_successfully"
    assert completion.data["successful_essay_count"] == 3
    assert completion.data["failed_essay_count"] == 0
    assert completion.data["processing_duration_seconds"] == pytest.approx(8.0)
    check_messages(decision.outgoing)
    state = decision.state
    assert state is not None
    assert state.status == BatchStatus.READY_FOR_PIPELINE_EXECUTION
    assert state.active is None
    assert [run.final_status for run in state.history] == [BatchStatus.COMPLETED_SUCCESSFULLY]


def test_a_duplicated_last_outcome_publishes_no_second_completion() -> None:
    state = finished(active_cj()).state
    assert state is not None
    again = outcome(state, "cj_assessment")  # a new event_id: the real outbox re-sends so
    assert again.outgoing == () and again.state is state


def test_an_outcome_of_another_run_is_ignored() -> None:
    state = active_cj()
    decision = outcome(state, "spellcheck", cid=scripted.new_id())
    assert decision.outgoing == () and decision.state is state


def test_failed_critically_ends_the_pipeline_with_a_failed_completion(
    check_messages: CheckMessages,
) -> None:
    decision = outcome(
        active_cj(), "spellcheck", "failed_critically", [], ["essay-0", "essay-1", "essay-2"]
    )
    assert channels(decision) == ["batchPipelineCompleted"]
    completion = decision.outgoing[0].data
    assert completion["final_status"] == "failed_critically"
    assert completion["completed_phases"] == []
    assert (completion["successful_essay_count"], completion["failed_essay_count"]) == (0, 3)
    check_messages(decision.outgoing)
    assert decision.state is not None
    run = decision.state.history[-1]
    assert run.phases["spellcheck"].status == Status.FAILED
    assert run.phases["cj_assessment"].status == Status.SKIPPED_DUE_TO_DEPENDENCY_FAILURE
    assert decision.state.status == BatchStatus.READY_FOR_PIPELINE_EXECUTION


def test_partial_success_makes_a_completed_with_failures_pipeline() -> None:
    state = outcome(
        active_cj(), "spellcheck", "completed_with_failures", ESSAYS[:2], ["essay-2"]
    ).state
    assert state is not None
    decision = outcome(state, "cj_assessment", processed=ESSAYS[:2])
    completion = decision.outgoing[0].data
    assert completion["final_status"] == "completed_with_failures"
    assert (completion["successful_essay_count"], completion["failed_essay_count"]) == (2, 1)


def test_independent_phases_are_dispatched_together() -> None:
    state = requested(ready_guest()).state
    assert state is not None
    state = resolved(state, ("spellcheck", "nlp", "cj_assessment")).state
    assert state is not None
    decision = outcome(state, "spellcheck")
    assert sorted(channels(decision)) == [
        "batchServiceCjAssessmentInitiateCommandData",
        "batchServiceNlpInitiateCommandData",
    ]


# --- after a completion ----------------------------------------------------------------------


def test_after_a_completion_a_new_request_is_accepted() -> None:
    state = finished(active_cj()).state
    assert state is not None
    decision = requested(state, "nlp", cid=scripted.new_id())
    assert decision.resolve is not None and decision.outgoing == ()


def test_a_later_pipeline_reads_the_output_of_the_pruned_phase() -> None:
    corrected = scripted.essays(3, "corrected")
    cj = outcome(active_cj(), "spellcheck", processed=corrected).state
    assert cj is not None
    done = outcome(cj, "cj_assessment").state
    assert done is not None
    second = scripted.new_id()
    state = requested(done, "nlp", cid=second).state
    assert state is not None
    decision = step(state, PipelineResolved(BATCH, second, ("nlp",), T0 + 20))
    assert channels(decision) == ["batchServiceNlpInitiateCommandData"]
    assert decision.outgoing[0].data["essays_to_process"] == scripted.refs(corrected)
    assert decision.outgoing[0].correlation_id == second


def test_a_pipeline_whose_phases_are_all_done_completes_at_once() -> None:
    done = finished(active_cj()).state
    assert done is not None
    again = scripted.new_id()
    state = requested(done, "cj_assessment", cid=again).state
    assert state is not None
    decision = step(state, PipelineResolved(BATCH, again, (), T0 + 30))
    assert channels(decision) == ["batchPipelineCompleted"]
    completion = decision.outgoing[0].data
    assert completion["final_status"] == "completed_successfully"
    assert completion["successful_essay_count"] == 3
    assert completion["processing_duration_seconds"] == 0.0
    assert decision.state is not None and decision.state.active is None


# --- the clock -------------------------------------------------------------------------------


def test_a_phase_without_an_outcome_times_out_and_ends_the_pipeline(
    check_messages: CheckMessages,
) -> None:
    state = active_cj()
    assert step(state, ClockTick(BATCH, T0 + 1 + 59)).state is state
    decision = step(state, ClockTick(BATCH, T0 + 1 + 60))
    assert channels(decision) == ["batchPipelineCompleted"]
    assert decision.outgoing[0].data["final_status"] == "failed_critically"
    check_messages(decision.outgoing)
    assert decision.state is not None
    failed = decision.state.history[-1].phases["spellcheck"]
    assert failed.error_info == {"reason": "phase_timeout", "timeout_s": 60.0}
    assert decision.state.status == BatchStatus.READY_FOR_PIPELINE_EXECUTION


def test_a_late_outcome_after_a_timeout_publishes_nothing_but_keeps_the_output() -> None:
    state = step(active_cj(), ClockTick(BATCH, T0 + 100)).state
    assert state is not None and state.phase_outputs["spellcheck"] == ()
    corrected = scripted.essays(3, "corrected")
    late = outcome(state, "spellcheck", processed=corrected)
    assert late.outgoing == ()
    assert late.state is not None
    assert late.state.phase_outputs["spellcheck"] == tuple(corrected)
    assert late.state.history == state.history


def test_a_run_still_awaiting_bcs_asks_again_when_overdue_or_resumed() -> None:
    state = requested(ready_guest()).state
    assert state is not None and state.active is not None
    assert step(state, ClockTick(BATCH, T0 + 1)).resolve is None
    assert step(state, ClockTick(BATCH, T0 + 1, resume=True)).resolve is not None
    overdue = T0 + RULES.resolution_retry_s
    assert step(state, ClockTick(BATCH, overdue)).resolve is not None
    assert state.next_deadline() == overdue


def test_the_first_tick_after_a_restart_re_drives_a_phase_in_flight_exactly_as_first_sent(
    check_messages: CheckMessages,
) -> None:
    first = resolved(state_of(requested(ready_guest())), ("spellcheck", "cj_assessment"))
    state = state_of(first)
    assert step(state, ClockTick(BATCH, T0 + 30)).outgoing == ()  # a plain tick: nothing
    again = step(state, ClockTick(BATCH, T0 + 30, resume=True))
    assert again.state is state  # the deadline stays the first dispatch's
    assert again.outgoing == first.outgoing  # same essays, timestamp and event_id
    assert again.outgoing[0].event_id == payloads.phase_command_id(CID, "spellcheck")
    check_messages(again.outgoing)


def test_each_phase_and_run_has_its_own_command_event_id() -> None:
    ids = {
        payloads.phase_command_id(cid, phase)
        for cid in (CID, "22222222-2222-4222-8222-222222222222")
        for phase in ("spellcheck", "cj_assessment")
    }
    assert len(ids) == 4


def test_a_restart_after_the_deadline_times_the_phase_out_instead_of_re_driving_it() -> None:
    decision = step(active_cj(), ClockTick(BATCH, T0 + 1 + 60, resume=True))
    assert channels(decision) == ["batchPipelineCompleted"]


# --- storage form ----------------------------------------------------------------------------


def test_a_batch_survives_the_json_round_trip_at_every_stage() -> None:
    for state in (registered("class-1"), active_cj(), finished(active_cj()).state):
        assert state is not None
        assert decode_batch(encode_batch(state)) == state


def test_the_batch_type_follows_the_class_id() -> None:
    assert registered().registration.class_type == "GUEST"
    assert registered("c").registration.class_type == "REGULAR"
