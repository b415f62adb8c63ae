"""ResultAggregatorSimulator: what reaches RAS is recorded per batch and reported faithfully.

The inputs are the contract's own examples, moved to a fresh batch id; each is validated before
it is handed over, as the simulator's endpoint would.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from harness.contract import Contract
from harness.envelope import JsonObject, new_id
from harness.expectations import Expectations
from harness.memory_bus import InMemoryBus
from harness.waiting import wait_for
from simulators.result_aggregator import (
    PipelineCompletion,
    ResultAggregatorBehaviour,
    ResultAggregatorSimulator,
)
from tests.unit.simulators.conftest import Runner, ScriptedSender, deliver, registration

BATCH_FIELDS = ("batch_id", "entity_id", "parent_id")


@pytest.fixture
def ras(contract: Contract, memory_bus: InMemoryBus) -> ResultAggregatorSimulator:
    return ResultAggregatorSimulator(contract, memory_bus)


def example(contract: Contract, channel: str, batch_id: str, **changes: Any) -> JsonObject:
    """The data of the contract's example for ``channel``, moved to ``batch_id``."""
    data: JsonObject = copy.deepcopy(contract.channel(channel).message.examples[0]["data"])
    example_batch = data.get("batch_id") or data.get("entity_id")
    for key in BATCH_FIELDS:
        if data.get(key) == example_batch:
            data[key] = batch_id
    return {**data, **changes}


def hand(ras: ResultAggregatorSimulator, channel: str, data: JsonObject) -> str:
    """Deliver one message; returns its correlation id."""
    correlation_id = new_id()
    deliver(ras, channel, data, correlation_id=correlation_id)
    return correlation_id


def test_an_unknown_batch_has_an_empty_report(ras: ResultAggregatorSimulator) -> None:
    report = ras.report("never-seen")
    assert (report.batch_id, report.completions, report.phases) == ("never-seen", (), {})


def test_registration_and_slots_are_recorded(
    contract: Contract, ras: ResultAggregatorSimulator
) -> None:
    batch_id = new_id()
    hand(ras, "batchEssaysRegistered", registration(batch_id, [new_id(), new_id()]))
    slot = example(contract, "essaySlotAssigned", batch_id)
    hand(ras, "essaySlotAssigned", slot)
    report = ras.report(batch_id)
    assert report.expected_essay_count == 2
    assert [s.essay_id for s in report.slots] == [slot["essay_id"]]


def test_phase_outcomes_are_recorded_in_order_with_their_split(
    contract: Contract, ras: ResultAggregatorSimulator
) -> None:
    batch_id = new_id()
    spellcheck = example(contract, "elsBatchPhaseOutcome", batch_id)
    cj = example(
        contract,
        "elsBatchPhaseOutcome",
        batch_id,
        phase_name="cj_assessment",
        phase_status="completed_with_failures",
        processed_essays=spellcheck["processed_essays"][:2],
        failed_essay_ids=[spellcheck["processed_essays"][2]["essay_id"]],
    )
    correlation_id = hand(ras, "elsBatchPhaseOutcome", spellcheck)
    hand(ras, "elsBatchPhaseOutcome", cj)
    report = ras.report(batch_id)
    assert report.phases == {
        "spellcheck": "completed_successfully",
        "cj_assessment": "completed_with_failures",
    }
    first, second = report.phase_outcomes
    assert first.correlation_id == correlation_id
    assert len(first.processed_essays) == 3
    assert second.failed_essay_ids == (spellcheck["processed_essays"][2]["essay_id"],)


def test_a_redelivered_completion_counts_once_and_a_second_one_twice(
    contract: Contract, ras: ResultAggregatorSimulator
) -> None:
    batch_id, correlation_id = new_id(), new_id()
    data = example(contract, "batchPipelineCompleted", batch_id)
    envelope = deliver(ras, "batchPipelineCompleted", data, correlation_id=correlation_id)
    deliver(ras, "batchPipelineCompleted", data, correlation_id="", envelope=envelope)
    assert ras.report(batch_id).completions == (
        PipelineCompletion(
            ("spellcheck", "cj_assessment"), "completed_successfully", 3, 0, correlation_id
        ),
    )
    deliver(ras, "batchPipelineCompleted", data, correlation_id=correlation_id)
    assert len(ras.report(batch_id).completions) == 2  # a duplicate completion shows


def test_denials_and_skipped_phases_are_recorded(
    contract: Contract, ras: ResultAggregatorSimulator
) -> None:
    batch_id = new_id()
    hand(ras, "pipelineDenied", example(contract, "pipelineDenied", batch_id))
    hand(ras, "phaseSkipped", example(contract, "phaseSkipped", batch_id))
    report = ras.report(batch_id)
    (denial,) = report.denials
    assert (denial.denial_reason, denial.required_credits, denial.available_credits) == (
        "insufficient_credits",
        3,
        0,
    )
    assert [(s.phase_name, s.skip_reason) for s in report.skipped_phases] == [
        ("spellcheck", "already_completed")
    ]


def test_essay_results_and_the_cj_ranking_are_recorded(
    contract: Contract, ras: ResultAggregatorSimulator
) -> None:
    batch_id = new_id()
    spellcheck = example(contract, "spellcheckResult", batch_id)
    hand(ras, "spellcheckResult", spellcheck)
    assessment = example(contract, "assessmentResult", batch_id)
    assessment["essay_results"] = list(reversed(assessment["essay_results"]))
    hand(ras, "assessmentResult", assessment)
    report = ras.report(batch_id)
    (result,) = report.essay_results
    assert (result.essay_id, result.corrections_made) == (
        spellcheck["entity_id"],
        spellcheck["corrections_made"],
    )
    assert [e.rank for e in report.cj_ranking] == sorted(
        e["rank"] for e in assessment["essay_results"]
    )
    assert report.cj_ranking[0].essay_id == assessment["essay_results"][-1]["essay_id"]


def test_batches_are_kept_apart(contract: Contract, ras: ResultAggregatorSimulator) -> None:
    first, second = new_id(), new_id()
    hand(ras, "batchPipelineCompleted", example(contract, "batchPipelineCompleted", first))
    assert ras.report(second).completions == ()
    assert ras.batch_ids() == [first]


def test_on_the_bus_it_records_what_arrives_and_publishes_nothing(
    contract: Contract,
    memory_bus: InMemoryBus,
    running: Runner,
    send: ScriptedSender,
    wire: Expectations,
) -> None:
    ras = running(ResultAggregatorSimulator(contract, memory_bus))
    batch_id = new_id()
    send(
        "batchPipelineCompleted",
        example(contract, "batchPipelineCompleted", batch_id),
        correlation_id=new_id(),
    )
    wire.expect("batchPipelineCompleted", batch_id=batch_id, within_s=5)
    wait_for(
        lambda: ras.report(batch_id).completions, within_s=5, awaited="the completion recorded"
    )
    assert ResultAggregatorSimulator.produces == ()


def test_a_hung_aggregator_records_nothing(
    contract: Contract,
    memory_bus: InMemoryBus,
    running: Runner,
    send: ScriptedSender,
    wire: Expectations,
) -> None:
    ras = running(
        ResultAggregatorSimulator(contract, memory_bus, ResultAggregatorBehaviour(hang=True))
    )
    batch_id = new_id()
    send(
        "batchPipelineCompleted",
        example(contract, "batchPipelineCompleted", batch_id),
        correlation_id=new_id(),
    )
    wire.expect("batchPipelineCompleted", batch_id=batch_id, within_s=5)
    deadline = time.monotonic() + 0.2  # watched for a while: nothing may be recorded
    while time.monotonic() < deadline:
        assert ras.report(batch_id).completions == ()
        time.sleep(0.01)
