"""The coverage gate can fail: a whole run that never exercises most of the contract fails the
session though every scenario passed, naming each message never seen; the same suite narrowed
with ``-k`` is a partial run, reported but not gated.
"""

from __future__ import annotations

import pytest

from tests.bdd_meta.conftest import PlannedRuns, plan_run

pytestmark = pytest.mark.kafka

FEATURE = """
Feature: Refusals only
  Scenario: A batch that was never registered is refused
    When the client requests the "cj_assessment" pipeline for a batch that was never registered
    Then the request is denied with reason "unknown_batch"

  Scenario: An unknown pipeline is refused
    Given a GUEST batch of 1 essay ready for pipelines
    When the client requests the "translation" pipeline
    Then the request is denied with reason "unknown_pipeline"
"""
plan_run("whole", {"refusals.feature": FEATURE}, "--contract-coverage-gate=auto")
plan_run(
    "narrowed",
    {"refusals.feature": FEATURE},
    "--contract-coverage-gate=auto",
    "-k",
    "never_registered",
)
plan_run("opt-in", {"refusals.feature": FEATURE})
NEVER_SEEN = (
    "LLMComparisonRequestV1 (huleedu.llm_provider.comparison_request.v1) was never exercised"
)


def test_a_whole_run_missing_contract_messages_fails_the_session(
    planned_runs: PlannedRuns,
) -> None:
    run = planned_runs["whole"]

    assert run.exit_code == 1, run.output
    assert {case.find("failure") for case in run.testcases().values()} == {None}, run.output
    assert "CONTRACT COVERAGE GATE FAILED" in run.output
    assert "--contract-coverage-gate=off or the ini option contract_coverage_gate" in run.output
    assert NEVER_SEEN in run.output
    coverage = (run.reports() / "coverage.txt").read_text(encoding="utf-8")
    assert "gate: applied (--contract-coverage-gate=auto)" in coverage
    assert "[ ] LLMComparisonRequestV1" in coverage
    assert "[x] PipelineDeniedV1" in coverage
    assert "Gate: FAILS" in coverage


def test_a_run_narrowed_with_k_is_reported_but_not_gated(planned_runs: PlannedRuns) -> None:
    run = planned_runs["narrowed"]

    assert run.exit_code == 0, run.output
    assert "gate: not applied, a partial run (1 tests were deselected" in run.output
    assert "CONTRACT COVERAGE GATE FAILED" not in run.output


def test_in_another_project_the_gate_is_opt_in(planned_runs: PlannedRuns) -> None:
    """A team's own feature over the plugin's steps runs green without the option."""
    run = planned_runs["opt-in"]

    assert run.exit_code == 0, run.output
    assert "gate: not applied (--contract-coverage-gate=off)" in run.output
    assert "CONTRACT COVERAGE GATE FAILED" not in run.output
