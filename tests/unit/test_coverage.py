"""Contract coverage, measured from observed messages: no broker, the contract's own examples."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

import pytest

from harness.contract import Contract
from harness.coverage import measure_coverage
from harness.errors import Violation
from harness.exchanges import HttpExchange
from harness.observed import ObservedMessage

BROKEN = Violation("huleedu.x.v1", "X", "/data", "[schema] broken on purpose")


def observed(
    contract: Contract, channel_id: str, *, violations: Iterable[Violation] = ()
) -> ObservedMessage:
    """The channel's first example, as the observer would record it."""
    channel = contract.channel(channel_id)
    document: dict[str, Any] = copy.deepcopy(dict(channel.message.examples[0]))
    return ObservedMessage(
        channel, channel.address, None, 0, 0, 0.0, document, violations=tuple(violations)
    )


def every_message(contract: Contract) -> list[ObservedMessage]:
    return [observed(contract, channel.id) for channel in contract]


def every_exchange(contract: Contract, *, leave_out: str = "") -> list[HttpExchange]:
    """One conforming exchange of every HTTP operation (but ``leave_out``)."""
    return [
        HttpExchange(op.method, op.path, 200, op.service_id, "x", op.id, None, 0.0)
        for op in contract.http_operations.values()
        if op.id != leave_out
    ]


def test_every_message_seen_once_passes_the_gate(contract: Contract) -> None:
    coverage = measure_coverage(
        contract, every_message(contract), exchanges=every_exchange(contract)
    )
    assert coverage.unexercised() == []
    assert coverage.gate_failures() == []
    single = [
        s for s in coverage.sends if not contract.channel(s.operation.channel_id).several_senders
    ]
    assert all(send.count == 1 for send in single)
    assert "Gate: PASSES" in coverage.report()


def test_a_message_never_seen_fails_the_gate_by_name(contract: Contract) -> None:
    seen = [m for m in every_message(contract) if m.channel.id != "cjAssessmentFailed"]
    coverage = measure_coverage(contract, seen, exchanges=every_exchange(contract))
    assert [m.name for m in coverage.unexercised()] == ["CJAssessmentFailedV1"]
    (failure,) = coverage.gate_failures()
    assert failure.startswith("CJAssessmentFailedV1 (huleedu.cj_assessment.failed.v1) was never")
    assert "[ ] CJAssessmentFailedV1" in coverage.report()
    assert "Gate: FAILS (1 reasons)" in coverage.report()


def test_a_message_only_seen_broken_is_not_exercised(contract: Contract) -> None:
    seen = [m for m in every_message(contract) if m.channel.id != "phaseSkipped"]
    seen.append(observed(contract, "phaseSkipped", violations=[BROKEN]))
    coverage = measure_coverage(
        contract, seen, violations=[BROKEN], exchanges=every_exchange(contract)
    )
    (skipped,) = [m for m in coverage.messages if m.name == "PhaseSkippedV1"]
    assert (skipped.seen, skipped.conforming, skipped.exercised) == (1, 0, False)
    assert coverage.gate_failures() == [
        "PhaseSkippedV1 (huleedu.batch.phase.skipped.v1) was never exercised: 1 seen, none "
        "conforming",
        f"broke the contract: {BROKEN}",
    ]


def test_a_send_counts_only_for_the_service_that_published(contract: Contract) -> None:
    impostor = observed(contract, "batchPipelineCompleted")
    assert impostor.document is not None
    impostor.document["source_service"] = "essay-lifecycle-service"
    coverage = measure_coverage(contract, [impostor])
    (send,) = [s for s in coverage.sends if s.operation.channel_id == "batchPipelineCompleted"]
    assert (send.operation.service_id, send.count) == ("bos", 0)


def test_receives_come_from_the_consumer_groups_counts(contract: Contract) -> None:
    received = {"bcs": {"batchPipelineCompleted": 3}}
    coverage = measure_coverage(contract, every_message(contract), received=received)
    by_id = {r.operation.id: r.count for r in coverage.receives}
    assert by_id["bcs_receive_batchPipelineCompleted"] == 3
    assert by_id["bcs_receive_elsBatchPhaseOutcome"] == 0
    assert by_id["result_aggregator_receive_batchPipelineCompleted"] is None  # not measured
    assert "receive operations" in coverage.summary()


def test_without_counts_receives_are_reported_unmeasured(contract: Contract) -> None:
    coverage = measure_coverage(contract, every_message(contract))
    assert all(r.count is None for r in coverage.receives)
    assert "Receive operations: not measured" in coverage.report()
    channels = len([c for c in contract if not c.beside_the_flow])
    sends = len(coverage.sends)
    # one example per channel exercises one of the senders of a channel with several
    exercised = sends - sum(len(contract.senders(c)) - 1 for c in contract if c.several_senders)
    gated = len([o for o in contract.http_operations.values() if not o.coverage_exempt])
    assert coverage.summary() == (
        f"contract coverage: {channels}/{channels} messages, {exercised}/{sends} send operations, "
        f"0/{gated} HTTP operations, 0 contract violations"
    )


@pytest.mark.parametrize("channel_id", ["llmComparisonRequest", "pipelineDenied"])
def test_every_channel_of_the_contract_is_a_line_of_the_report(
    contract: Contract, channel_id: str
) -> None:
    report = measure_coverage(contract, []).report()
    assert contract.channel(channel_id).message.name in report
    in_flow = [c for c in contract if not c.beside_the_flow]
    assert len(measure_coverage(contract, []).unexercised()) == len(in_flow)


def test_an_http_operation_never_exercised_fails_the_gate_by_name(contract: Contract) -> None:
    exchanges = every_exchange(contract, leave_out="storeContent")
    coverage = measure_coverage(contract, every_message(contract), exchanges=exchanges)
    assert coverage.gate_failures() == ["HTTP POST /v1/content (storeContent) was never exercised"]
    assert "[ ] storeContent" in coverage.report()


def test_an_exempt_http_operation_is_reported_but_not_gated(contract: Contract) -> None:
    exempt = contract.http_operation("completePhase")
    assert exempt.coverage_exempt  # openapi.yaml says why the flow never calls it
    exchanges = every_exchange(contract, leave_out="completePhase")
    coverage = measure_coverage(contract, every_message(contract), exchanges=exchanges)
    assert coverage.gate_failures() == []
    assert "[-] completePhase" in coverage.report()
    assert "exempt: no BOS calls it" in coverage.report()


def test_a_channel_beside_the_flow_is_exempt_from_the_gate_and_says_why(
    contract: Contract,
) -> None:
    beside = [c for c in contract if c.beside_the_flow]
    assert {"teacherNotificationRequested", "resourceConsumption"} <= {c.id for c in beside}
    seen = [m for m in every_message(contract) if not m.channel.beside_the_flow]
    coverage = measure_coverage(contract, seen, exchanges=every_exchange(contract))
    assert coverage.gate_failures() == []
    report = coverage.report()
    notification = contract.channel("teacherNotificationRequested")
    assert f"[-] {notification.message.name}" in report
    assert f"(exempt: {notification.coverage_exempt})" in report


def test_a_real_services_rule_breach_still_exercises_its_message_under_a_lenient_judgement(
    contract: Contract,
) -> None:
    """pytest --without bos: a real BOS's completion (event_type not the topic, source_service
    misspelt) counts for the coverage of its message and of BOS's send, unless strict."""
    from dataclasses import replace

    from harness.rules import Judgement, Level

    breach = Violation(
        "huleedu.batch.pipeline.completed.v1",
        "BatchPipelineCompletedV1",
        "/event_type",
        "[schema] not the topic",
        level=Level.RULE,
        rule="event-type-is-topic",
        sender="bos",
    )
    real = replace(observed(contract, "batchPipelineCompleted", violations=[breach]), sender="bos")
    assert real.document is not None
    real.document["source_service"] = "batch-service"
    others = [m for m in every_message(contract) if m.channel.id != "batchPipelineCompleted"]
    lenient = Judgement.for_run(contract.services, without=["bos"], strict=False)
    coverage = measure_coverage(contract, [*others, real], judgement=lenient)
    assert "BatchPipelineCompletedV1" not in [m.name for m in coverage.unexercised()]
    (send,) = [s for s in coverage.sends if s.operation.id == "bos_send_batchPipelineCompleted"]
    assert send.exercised
    strict = Judgement.for_run(contract.services, without=["bos"], strict=True)
    strictly = measure_coverage(contract, [*others, real], judgement=strict)
    assert [m.name for m in strictly.unexercised()] == ["BatchPipelineCompletedV1"]
