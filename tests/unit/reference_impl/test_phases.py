"""The dependency graph BCS resolves with and BOS schedules by (contract 5.15)."""

from __future__ import annotations

import pytest

from harness.contract import Contract
from reference_impl.phases import PhaseName, dependents, pipeline_phases, ready_phases
from reference_impl.statuses import BatchStatus, PipelineExecutionStatus


@pytest.mark.parametrize(
    ("pipeline", "phases"),
    [
        ("spellcheck", ("spellcheck",)),
        ("cj_assessment", ("spellcheck", "cj_assessment")),
        ("nlp", ("spellcheck", "nlp")),
        ("ai_feedback", ("spellcheck", "nlp", "ai_feedback")),
    ],
)
def test_a_pipeline_is_its_phase_after_its_dependencies(
    pipeline: str, phases: tuple[str, ...]
) -> None:
    assert pipeline_phases(pipeline) == phases


def test_a_phase_is_ready_when_its_dependencies_in_the_run_are_done() -> None:
    run = ("spellcheck", "nlp", "cj_assessment")
    assert ready_phases(run, done=set(), started=set()) == ("spellcheck",)
    assert ready_phases(run, done={"spellcheck"}, started={"spellcheck"}) == (
        "nlp",
        "cj_assessment",
    )


def test_a_dependency_pruned_from_the_run_does_not_hold_a_phase_back() -> None:
    assert ready_phases(("nlp",), done=set(), started=set()) == ("nlp",)


def test_dependents_are_found_through_other_phases() -> None:
    run = ("spellcheck", "nlp", "ai_feedback")
    assert dependents("spellcheck", run) == ("nlp", "ai_feedback")
    assert dependents("nlp", run) == ("ai_feedback",)


@pytest.mark.parametrize(
    ("schema", "enum"),
    [("PhaseName", PhaseName), ("BatchStatus", BatchStatus)],
)
def test_the_enums_are_the_contracts(
    contract: Contract, schema: str, enum: type[PhaseName] | type[BatchStatus]
) -> None:
    assert [m.value for m in enum] == contract.document["components"]["schemas"][schema]["enum"]


def test_the_execution_statuses_are_the_contracts(contract: Contract) -> None:
    schema = contract.document["components"]["schemas"]["PipelineExecutionStatus"]
    assert [m.value for m in PipelineExecutionStatus] == schema["enum"]


def test_bos_takes_its_course_codes_from_the_contract(contract: Contract) -> None:
    registration = contract.openapi_document["components"]["schemas"]["BatchRegistrationRequestV1"]
    assert registration["properties"]["course_code"] == {
        "$ref": "asyncapi.yaml#/components/schemas/CourseCode"
    }
