"""ELS on the in-memory bus, with the File service and the Result Aggregator around it.

BOS's commands and the services' results are scripted; ELS, File and RAS are the simulators.
Every wait polls against a deadline (``wire.expect``); nothing sleeps a fixed time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from harness.contract import Contract
from harness.envelope import new_id
from harness.expectations import Expectations
from harness.memory_bus import InMemoryBus
from harness.observed import ObservedMessage
from harness.waiting import wait_for
from simulators.base import Simulator
from simulators.els import ELSBehaviour, ELSSimulator
from simulators.file_service import FileServiceSimulator
from simulators.result_aggregator import BatchReport, ResultAggregatorSimulator
from tests.bus_behaviour import Inbox
from tests.unit.simulators import els_script as script
from tests.unit.simulators.conftest import Runner, ScriptedSender, message_violations, registration
from tests.unit.simulators.els_script import ScriptedBatch

WITHIN_S = 5.0


@dataclass
class System:
    """The simulators under test and the means to drive and watch them."""

    els: ELSSimulator
    ras: ResultAggregatorSimulator
    send: ScriptedSender
    wire: Expectations

    def expect(self, channel: str, batch: ScriptedBatch, **kwargs: Any) -> ObservedMessage:
        return self.wire.expect(channel, batch_id=batch.batch_id, within_s=WITHIN_S, **kwargs)


@pytest.fixture
def system(
    contract: Contract,
    memory_bus: InMemoryBus,
    running: Runner,
    send: ScriptedSender,
    wire: Expectations,
) -> System:
    els = running(ELSSimulator(contract, memory_bus))
    ras = running(ResultAggregatorSimulator(contract, memory_bus))
    return System(els, ras, send, wire)


def provisioned(system: System, batch: ScriptedBatch) -> list[tuple[str, str]]:
    """Wait for ELS's provisioning completion; (essay_id, text id) of the batch's essays."""
    completed = system.expect("batchContentProvisioningCompleted", batch)
    return [(r["essay_id"], r["text_storage_id"]) for r in completed.data["essays_for_processing"]]


def register_with_scripted_files(system: System, batch: ScriptedBatch) -> list[tuple[str, str]]:
    data = registration(batch.batch_id, batch.essay_ids)
    system.send("batchEssaysRegistered", data, correlation_id=batch.registration_correlation)
    for position in range(len(batch.essay_ids)):
        content = script.content_provisioned(batch, position)
        system.send(
            "essayContentProvisioned", content, correlation_id=batch.registration_correlation
        )
    return provisioned(system, batch)


def run_spellcheck(system: System, batch: ScriptedBatch, essays: list[tuple[str, str]]) -> None:
    """BOS commands spellcheck; the spellchecker answers each request (the first one fails)."""
    command = script.spellcheck_command(batch, essays)
    system.send(
        "batchServiceSpellcheckInitiateCommandData",
        command,
        correlation_id=batch.pipeline_correlation,
    )
    requests = system.wire.expect(
        "essayLifecycleSpellcheckRequest",
        where={"parent_id": batch.batch_id},
        count=len(essays),
        within_s=WITHIN_S,
    )
    assert requests.correlation_id == batch.pipeline_correlation
    for n, (essay_id, _) in enumerate(essays):
        result = script.spellcheck_result(batch, essay_id, succeeded=n > 0)
        envelope = system.send(
            "spellcheckPhaseCompleted", result, correlation_id=batch.pipeline_correlation
        )
        system.send.again("spellcheckPhaseCompleted", envelope)  # redelivered: same event_id
        system.send("spellcheckPhaseCompleted", result, correlation_id=batch.pipeline_correlation)


def start_cj(system: System, batch: ScriptedBatch, outcome: ObservedMessage) -> ObservedMessage:
    """BOS starts CJ with the spellcheck outcome's processed essays; ELS asks CJ once."""
    essays = [(r["essay_id"], r["text_storage_id"]) for r in outcome.data["processed_essays"]]
    system.send(
        "batchServiceCjAssessmentInitiateCommandData",
        script.cj_command(batch, essays),
        correlation_id=batch.pipeline_correlation,
        metadata={"user_id": "teacher-1", "org_id": None},
    )
    return system.expect("elsCjAssessmentRequest", batch)


def recorded(
    system: System, batch: ScriptedBatch, done: Callable[[BatchReport], bool]
) -> BatchReport:
    """Wait until RAS's report of the batch satisfies ``done``."""

    def probe() -> BatchReport | None:
        report = system.ras.report(batch.batch_id)
        return report if done(report) else None

    return wait_for(
        probe,
        within_s=WITHIN_S,
        awaited=f"RAS's report of batch {batch.batch_id}",
        seen=lambda: [repr(system.ras.report(batch.batch_id))],
    )


ELS_PIPELINE_OUTPUTS = (
    "essayLifecycleSpellcheckRequest",
    "elsCjAssessmentRequest",
    "elsBatchPhaseOutcome",
)


def correlations(system: System, batch: ScriptedBatch, channels: tuple[str, ...]) -> set[str]:
    """The correlation ids of the batch's messages on ``channels`` (each must have some)."""
    seen = [system.wire.copies(c, batch_id=batch.batch_id) for c in channels]
    assert all(seen), "every channel carried a message of the batch"
    return {m.correlation_id or "" for messages in seen for m in messages}


def assert_no_second_outcome(system: System, batch: ScriptedBatch, first: ObservedMessage) -> None:
    """No other outcome of ``first``'s phase shows up (watched for a short while)."""
    phase, event_id = first.data["phase_name"], first.get("/event_id")
    system.wire.expect_none(
        "elsBatchPhaseOutcome",
        batch_id=batch.batch_id,
        where=lambda m: m.data["phase_name"] == phase and m.get("/event_id") != event_id,
        for_s=0.2,
    )


def test_a_guest_batch_goes_from_registration_through_spellcheck_and_cj(
    contract: Contract, memory_bus: InMemoryBus, running: Runner, system: System
) -> None:
    running(FileServiceSimulator(contract, memory_bus))
    batch = ScriptedBatch.of(3)
    data = registration(batch.batch_id, batch.essay_ids)
    system.send("batchEssaysRegistered", data, correlation_id=batch.registration_correlation)
    essays = provisioned(system, batch)
    assert sorted(e for e, _ in essays) == sorted(batch.essay_ids)

    run_spellcheck(system, batch, essays)
    spellcheck = system.expect("elsBatchPhaseOutcome", batch, where={"phase_name": "spellcheck"})
    assert spellcheck.data["phase_status"] == "completed_with_failures"
    assert spellcheck.data["failed_essay_ids"] == [essays[0][0]]

    request = start_cj(system, batch, spellcheck)
    assert [r["essay_id"] for r in request.data["essays_for_cj"]] == [e for e, _ in essays[1:]]
    succeeded = [r["essay_id"] for r in request.data["essays_for_cj"]]
    completed = script.cj_completed(batch, succeeded, [])
    system.send("cjAssessmentCompleted", completed, correlation_id=batch.pipeline_correlation)
    cj = system.expect("elsBatchPhaseOutcome", batch, where={"phase_name": "cj_assessment"})
    assert cj.data["phase_status"] == "completed_successfully"

    report = recorded(system, batch, lambda r: len(r.phase_outcomes) == 2)
    assert report.phases == {
        "spellcheck": "completed_with_failures",
        "cj_assessment": "completed_successfully",
    }
    assert (report.expected_essay_count, len(report.slots)) == (3, 3)
    assert_no_second_outcome(system, batch, spellcheck)
    assert correlations(system, batch, ELS_PIPELINE_OUTPUTS) == {batch.pipeline_correlation}
    assert message_violations(system.wire) == []


def test_a_cj_failure_ends_the_pipeline_with_a_failed_outcome(system: System) -> None:
    batch = ScriptedBatch.of(2)
    essays = register_with_scripted_files(system, batch)
    run_spellcheck(system, batch, essays)
    spellcheck = system.expect("elsBatchPhaseOutcome", batch, where={"phase_name": "spellcheck"})
    start_cj(system, batch, spellcheck)
    system.send("cjAssessmentFailed", script.cj_failed(batch), correlation_id=new_id())
    cj = system.expect("elsBatchPhaseOutcome", batch, where={"phase_name": "cj_assessment"})
    assert cj.data["phase_status"] == "failed_critically"
    assert cj.correlation_id == batch.pipeline_correlation
    report = recorded(system, batch, lambda r: "cj_assessment" in r.phases)
    assert report.phases["cj_assessment"] == "failed_critically"
    assert message_violations(system.wire) == []


def els_with(
    contract: Contract, memory_bus: InMemoryBus, running: Runner, **knobs: Any
) -> Simulator:
    return running(ELSSimulator(contract, memory_bus, ELSBehaviour(**knobs)))


def test_duplicate_outputs_publish_each_message_twice(
    contract: Contract,
    memory_bus: InMemoryBus,
    running: Runner,
    send: ScriptedSender,
    wire: Expectations,
) -> None:
    els_with(contract, memory_bus, running, duplicate_outputs=True)
    batch = ScriptedBatch.of(1)
    data = registration(batch.batch_id, batch.essay_ids)
    send("batchEssaysRegistered", data, correlation_id=batch.registration_correlation)
    content = script.content_provisioned(batch, 0)
    send("essayContentProvisioned", content, correlation_id=batch.registration_correlation)
    copies = wire.expect_copies(
        "batchContentProvisioningCompleted", batch_id=batch.batch_id, count=2, within_s=WITHIN_S
    )
    assert [m.document for m in copies] == [copies[0].document] * 2


def test_a_hung_els_answers_nothing(
    contract: Contract,
    memory_bus: InMemoryBus,
    running: Runner,
    send: ScriptedSender,
    wire: Expectations,
) -> None:
    els_with(contract, memory_bus, running, hang=True)
    batch = ScriptedBatch.of(1)
    data = registration(batch.batch_id, batch.essay_ids)
    send("batchEssaysRegistered", data, correlation_id=batch.registration_correlation)
    content = script.content_provisioned(batch, 0)
    send("essayContentProvisioned", content, correlation_id=batch.registration_correlation)
    wire.expect("essayContentProvisioned", where={"entity_id": batch.batch_id}, within_s=WITHIN_S)
    wire.expect_none("essaySlotAssigned", batch_id=batch.batch_id, for_s=0.3)


def test_broken_output_is_on_the_bus_and_its_consumer_sets_it_aside(
    contract: Contract,
    memory_bus: InMemoryBus,
    running: Runner,
    send: ScriptedSender,
    wire: Expectations,
) -> None:
    dead_letters = Inbox()
    memory_bus.subscribe([contract.dead_letter_channel], group=new_id(), handler=dead_letters)
    els_with(contract, memory_bus, running, broken_output=True)
    ras = running(ResultAggregatorSimulator(contract, memory_bus))
    batch = ScriptedBatch.of(1)
    data = registration(batch.batch_id, batch.essay_ids)
    send("batchEssaysRegistered", data, correlation_id=batch.registration_correlation)
    content = script.content_provisioned(batch, 0)
    send("essayContentProvisioned", content, correlation_id=batch.registration_correlation)
    assigned = wire.expect("essaySlotAssigned", batch_id=batch.batch_id, within_s=WITHIN_S)
    assert any("is a required property" in v.reason and v.breaking for v in assigned.violations)
    dead_letters.wait(1, within_s=WITHIN_S)
    assert ras.report(batch.batch_id).slots == ()


@pytest.mark.parametrize(
    "simulator",
    [ELSSimulator, FileServiceSimulator, ResultAggregatorSimulator],
    ids=["els", "file_service", "result_aggregator"],
)
def test_what_a_simulator_consumes_and_produces_is_what_the_contract_gives_it(
    contract: Contract, simulator: type[Simulator]
) -> None:
    consumed = {c.id for c in contract.consumed_by(simulator.service_id) if not c.beside_the_flow}
    produced = {c.id for c in contract.produced_by(simulator.service_id)}
    assert set(simulator.consumes) == consumed
    assert set(simulator.produces) <= produced
