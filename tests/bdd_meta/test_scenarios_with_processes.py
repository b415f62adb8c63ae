"""The Gherkin scenarios with every simulated service in its own process (``--processes``):
the whole cj_assessment flow passes on the real broker with two spellchecker processes, every
message checked; a scenario that changes a simulator's behaviour fails, saying why (the
simulator is in another process), instead of passing without the change.
"""

from __future__ import annotations

import pytest

from tests.bdd_meta.conftest import PlannedRuns, plan_run

pytestmark = pytest.mark.kafka

FEATURE = """
Feature: Services in their own processes
  Scenario: A batch runs the whole pipeline through the service processes
    When a teacher registers a GUEST batch of 3 essays
    Then ELS publishes BatchContentProvisioningCompletedV1 for the batch
    And BOS reports the batch ready for pipeline execution
    When the client requests the "cj_assessment" pipeline
    Then the spellchecker publishes 3 SpellcheckResultV1 for the request
    And CJ assessment publishes CJAssessmentCompletedV1 for the request
    And BOS publishes BatchPipelineCompletedV1 for the request with:
      | field                  | value                     |
      | completed_phases       | spellcheck, cj_assessment |
      | final_status           | completed_successfully    |
    And BOS publishes exactly one BatchPipelineCompletedV1 for the batch

  Scenario: A behaviour change cannot reach another process
    Given the spellchecker fails every essay
    When a teacher registers a GUEST batch of 1 essay
"""
PASSES = "test_a_batch_runs_the_whole_pipeline_through_the_service_processes"
REFUSED = "test_a_behaviour_change_cannot_reach_another_process"

plan_run(
    "processes",
    {"processes.feature": FEATURE},
    "--processes",
    "--replicas",
    "spellchecker=2",
    "--contract-coverage-gate=off",
)


def test_the_flow_passes_with_every_service_in_its_own_process(
    planned_runs: PlannedRuns,
) -> None:
    run = planned_runs["processes"]
    cases = run.testcases()
    assert cases[PASSES].find("failure") is None, run.output
    assert "13 service processes running" in run.output, run.output
    failure = cases[REFUSED].find("failure")
    assert failure is not None, run.output
    assert "spellchecker is not simulated in this process" in (failure.text or ""), run.output
    assert "--processes" in (failure.text or "")
    assert run.exit_code == 1, run.output
