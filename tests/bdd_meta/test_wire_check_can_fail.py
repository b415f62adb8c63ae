"""The wire check can fail: a simulator told to break the contract fails its scenario, and the
failure names the message, the channel and the JSON pointer. The same scenario with the
simulator behaving passes, so it is the wire check, not the scenario, that failed.
"""

from __future__ import annotations

import html
import re

import pytest

from tests.bdd_meta.conftest import FeatureRun, PlannedRuns, plan_run

pytestmark = pytest.mark.kafka

FEATURE = """
Feature: The wire check
  Scenario: The file service breaks the contract
    Given the file service publishes messages that break the contract
    When a teacher registers a GUEST batch of 2 essays
    Then the file service publishes 2 EssayContentProvisionedV1 for the batch

  Scenario: The file service keeps the contract
    When a teacher registers a GUEST batch of 2 essays
    Then the file service publishes 2 EssayContentProvisionedV1 for the batch

  Scenario: The file service breaks a rule
    Given the file service publishes messages that break the rule no-unknown-fields
    When a teacher registers a GUEST batch of 2 essays
    Then the file service publishes 2 EssayContentProvisionedV1 for the batch
"""
BROKEN = "test_the_file_service_breaks_the_contract"
KEPT = "test_the_file_service_keeps_the_contract"
RULE = "test_the_file_service_breaks_a_rule"
CHANNEL = "huleedu.file.essay.content.provisioned.v1"
VIOLATION = (
    f"EssayContentProvisionedV1 on channel {CHANNEL} from file_service at /data: [schema] "
    "'file_size_bytes' is a required property"
)
RULE_BREACH = (
    f"EssayContentProvisionedV1 on channel {CHANNEL} from file_service at /data: [schema] "
    "Additional properties are not allowed ('unexpected_field' was unexpected) (x2) - fails"
)


plan_run("wire", {"wire.feature": FEATURE}, "--contract-coverage-gate=off")


@pytest.fixture
def wire_run(planned_runs: PlannedRuns) -> FeatureRun:
    """The one run of the feature, which both tests read."""
    return planned_runs["wire"]


def test_a_broken_simulator_fails_its_scenario_with_message_channel_and_pointer(
    wire_run: FeatureRun,
) -> None:
    run = wire_run
    assert run.exit_code == 1, run.output
    cases = run.testcases()
    assert cases[KEPT].find("failure") is None, run.output
    failure = cases[BROKEN].find("failure")
    assert failure is not None, run.output
    assert "the wire check failed" in failure.attrib["message"]
    assert VIOLATION in (failure.text or "")
    assert VIOLATION in run.output
    # a rule breach by one of this project's own simulators fails too: they must pass strict
    rule_failure = cases[RULE].find("failure")
    assert rule_failure is not None, run.output
    assert "rule no-unknown-fields (2)" in (rule_failure.text or "")
    assert RULE_BREACH in (rule_failure.text or "")


def test_the_failure_shows_in_cucumber_json_and_the_scenario_report(
    wire_run: FeatureRun,
) -> None:
    run = wire_run
    assert run.exit_code == 1, run.output
    (scenario,) = [
        element
        for feature in run.cucumber()
        for element in feature["elements"]
        if element["name"] == "The file service breaks the contract"
    ]
    last = scenario["steps"][-1]
    assert last["result"]["status"] == "failed"
    assert VIOLATION in last["result"]["error_message"]
    report = run.reports() / "scenarios" / "wire-the-file-service-breaks-the-contract.html"
    page = report.read_text(encoding="utf-8")
    assert "result: failed" in page
    assert "wire check: 2 finding(s): 2 breaking, 0 rule breach(es)" in page
    assert html.escape(f"{VIOLATION} (x2)") in page
    assert re.search(r"\d+ messages observed on the wire, 2 breaking the contract", page)
