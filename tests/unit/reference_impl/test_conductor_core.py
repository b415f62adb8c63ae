"""The BCS decision core: resolution, pruning with PhaseSkippedV1, runs to their end."""

from __future__ import annotations

from dataclasses import replace

import pytest

from harness.contract import Contract
from reference_impl.conductor_core import (
    ROUTES,
    ConductorBatch,
    ConductorRules,
    ConductorRunStatus,
    decode_conductor,
    define_pipeline,
    encode_conductor,
    phase_outcome,
    pipeline_completed,
)
from reference_impl.payloads import PHASE_COMMANDS
from reference_impl.resolution import (
    PipelineDefinition,
    PipelineDefinitionRequest,
    ResolutionFailure,
)
from tests.unit.reference_impl import scripted
from tests.unit.reference_impl.conftest import CheckMessages

BATCH = "batch-1"
T0 = 1_700_000_000.0
RULES = ConductorRules()


def request(pipeline: str, cid: str = "", **metadata: object) -> PipelineDefinitionRequest:
    return PipelineDefinitionRequest(BATCH, pipeline, cid or scripted.new_id(), metadata or None)


def learned(state: ConductorBatch | None, phase: str, status: str, cid: str) -> ConductorBatch:
    data = scripted.phase_outcome(BATCH, phase, status, scripted.essays(2))
    batch = phase_outcome(state, scripted.received("elsBatchPhaseOutcome", data, cid)).state
    assert batch is not None
    return batch


def completed(state: ConductorBatch, phases: list[str], final: str, cid: str) -> ConductorBatch:
    data = {
        "batch_id": BATCH,
        "completed_phases": phases,
        "final_status": final,
        "processing_duration_seconds": 1.0,
        "successful_essay_count": 2,
        "failed_essay_count": 0,
        "correlation_id": cid,
        "metadata": {"entity_id": BATCH, "entity_type": "batch"},
    }
    batch = pipeline_completed(state, scripted.received("batchPipelineCompleted", data, cid)).state
    assert batch is not None
    return batch


def after_cj_run() -> ConductorBatch:
    cid = scripted.new_id()
    batch = define_pipeline(None, request("cj_assessment", cid), T0, RULES).state
    assert batch is not None and batch.unsettled_run() is not None  # resolved, not yet seen done
    batch = learned(batch, "spellcheck", "completed_successfully", cid)
    batch = learned(batch, "cj_assessment", "completed_successfully", cid)
    return completed(batch, ["spellcheck", "cj_assessment"], "completed_successfully", cid)


def test_the_routing_table_covers_what_bcs_consumes_in_the_contract(contract: Contract) -> None:
    assert set(ROUTES) == {c.id for c in contract.consumed_by("bcs") if not c.beside_the_flow}


def test_a_fresh_batch_runs_every_phase_of_the_pipeline() -> None:
    decision = define_pipeline(None, request("cj_assessment"), T0, RULES)
    assert decision.answer == PipelineDefinition(
        BATCH,
        ("spellcheck", "cj_assessment"),
        decision.answer.analysis_summary,  # type: ignore[union-attr]
    )
    assert decision.outgoing == ()
    assert decision.state is not None
    assert decision.state.runs[0].status == ConductorRunStatus.REQUESTED


def test_a_phase_completed_earlier_is_pruned_with_one_phase_skipped(
    check_messages: CheckMessages,
) -> None:
    cid = scripted.new_id()
    decision = define_pipeline(after_cj_run(), request("nlp", cid), T0, RULES)
    assert isinstance(decision.answer, PipelineDefinition)
    assert decision.answer.final_pipeline == ("nlp",)
    (skipped,) = decision.outgoing
    assert skipped.channel_id == "phaseSkipped"
    assert skipped.data["phase_name"] == "spellcheck"
    assert skipped.correlation_id == cid
    check_messages(decision.outgoing)


def test_the_same_pipeline_again_has_nothing_left_to_run() -> None:
    decision = define_pipeline(after_cj_run(), request("cj_assessment"), T0, RULES)
    assert isinstance(decision.answer, PipelineDefinition)
    assert decision.answer.final_pipeline == ()
    assert [m.data["phase_name"] for m in decision.outgoing] == ["spellcheck", "cj_assessment"]


def test_a_retry_runs_the_requested_phase_again_but_not_its_done_dependencies() -> None:
    decision = define_pipeline(after_cj_run(), request("cj_assessment", is_retry=True), T0, RULES)
    assert isinstance(decision.answer, PipelineDefinition)
    assert decision.answer.final_pipeline == ("cj_assessment",)
    assert [m.data["phase_name"] for m in decision.outgoing] == ["spellcheck"]


def test_asking_again_for_the_same_run_gives_the_same_answer_and_skips_nothing_again() -> None:
    cid = scripted.new_id()
    first = define_pipeline(after_cj_run(), request("nlp", cid), T0, RULES)
    again = define_pipeline(first.state, request("nlp", cid), T0 + 1, RULES)
    assert again.answer == first.answer
    assert again.outgoing == ()


def test_completed_with_failures_counts_as_done_but_failed_critically_does_not() -> None:
    cid = scripted.new_id()
    batch = learned(None, "spellcheck", "completed_with_failures", cid)
    answer = define_pipeline(batch, request("nlp"), T0, RULES).answer
    assert isinstance(answer, PipelineDefinition) and answer.final_pipeline == ("nlp",)
    batch = learned(batch, "spellcheck", "failed_critically", cid)
    answer = define_pipeline(batch, request("nlp"), T0, RULES).answer
    assert isinstance(answer, PipelineDefinition)
    assert answer.final_pipeline == ("spellcheck", "nlp")


@pytest.mark.parametrize("pipeline", ["comprehensive", "student_matching"])
def test_an_unknown_pipeline_is_refused(pipeline: str) -> None:
    decision = define_pipeline(None, request(pipeline), T0, RULES)
    assert isinstance(decision.answer, ResolutionFailure)
    assert decision.answer.reason == "unknown_pipeline"
    assert decision.state is None


def test_ai_feedback_is_refused_because_nothing_can_run_it() -> None:
    answer = define_pipeline(None, request("ai_feedback"), T0, RULES).answer
    assert isinstance(answer, ResolutionFailure)
    assert answer.reason == "phase_unavailable" and "ai_feedback" in answer.detail


def test_the_contract_has_no_command_for_ai_feedback(contract: Contract) -> None:
    """Why ai_feedback is unavailable; if this fails, BOS and BCS can learn to run it."""
    commands = {c.message.name for c in contract.produced_by("bos")}
    assert not any("AIFeedback" in name for name in commands)
    assert "ai_feedback" not in PHASE_COMMANDS


def test_the_prompt_rule_applies_only_when_enforced() -> None:
    strict = replace(RULES, enforce_prompt_rule=True)
    refused = define_pipeline(None, request("nlp", prompt_attached=False), T0, strict).answer
    assert isinstance(refused, ResolutionFailure) and refused.reason == "compatibility_failed"
    allowed = define_pipeline(None, request("nlp", prompt_attached=True), T0, strict).answer
    assert isinstance(allowed, PipelineDefinition)
    assert isinstance(define_pipeline(None, request("nlp"), T0, RULES).answer, PipelineDefinition)


def test_a_run_goes_requested_active_completed() -> None:
    cid = scripted.new_id()
    batch = define_pipeline(None, request("cj_assessment", cid), T0, RULES).state
    assert batch is not None and batch.unsettled_run() is not None  # resolved, not yet seen done
    batch = learned(batch, "spellcheck", "completed_successfully", cid)
    assert batch.run(cid).status == ConductorRunStatus.ACTIVE  # type: ignore[union-attr]
    assert batch.unsettled_run() is not None
    batch = completed(batch, ["spellcheck"], "failed_critically", cid)
    assert batch.run(cid).status == ConductorRunStatus.FAILED  # type: ignore[union-attr]
    assert batch.unsettled_run() is None


def test_the_completion_event_teaches_completed_phases_too() -> None:
    cid = scripted.new_id()
    batch = define_pipeline(None, request("nlp", cid), T0, RULES).state
    assert batch is not None
    batch = completed(batch, ["spellcheck", "nlp"], "completed_successfully", cid)
    assert batch.phases == {"spellcheck": "completed", "nlp": "completed"}
    assert batch.run(cid).status == ConductorRunStatus.COMPLETED  # type: ignore[union-attr]


def test_per_essay_results_are_noted_once() -> None:
    data = {
        "entity_id": "essay-1",
        "batch_id": BATCH,
        "correlation_id": "c",
        "status": "completed",
        "processing_duration_ms": 5,
        "timestamp": "2025-01-01T00:00:00.000000Z",
    }
    route = ROUTES["spellcheckPhaseCompleted"]
    batch = route(None, scripted.received("spellcheckPhaseCompleted", data, "c")).state
    batch = route(batch, scripted.received("spellcheckPhaseCompleted", data, "c")).state
    assert batch is not None and batch.essay_results == {"spellcheck": ("essay-1",)}


def test_the_state_survives_the_json_round_trip() -> None:
    batch = after_cj_run()
    assert decode_conductor(encode_conductor(batch)) == batch
