"""Two verdicts on the wire (in-memory bus): the wire check's own rules (key, source_service)
are rule findings laid at their sender; the simulated consumers accept what the real consumers
accept and dead-letter only breaking messages; the live check judges a real service by the
run's setting and this project's own services strict."""

from __future__ import annotations

import copy
import json
import threading
from typing import Any

import pytest

from harness.bus import DEAD_LETTER_REASON, Delivery
from harness.contract import Contract
from harness.envelope import new_id
from harness.expectations import Expectations
from harness.live import LiveWireCheck
from harness.memory_bus import InMemoryBus
from harness.observed import ObservedMessage
from harness.rules import Judgement
from harness.service import ServiceEndpoint
from harness.waiting import wait_for
from reference_impl import BatchConductorService, ConductorConfig
from simulators.result_aggregator import ResultAggregatorSimulator

Doc = dict[str, Any]
NAIVE = "2026-01-01T12:00:00.123456"
WITHIN_S = 5.0


class DeadLetters:
    def __init__(self, contract: Contract, memory_bus: InMemoryBus) -> None:
        self.seen: list[Delivery] = []
        self._lock = threading.Lock()
        memory_bus.subscribe([contract.dead_letter_channel], group=new_id(), handler=self._add)

    def _add(self, delivery: Delivery) -> None:
        with self._lock:
            self.seen.append(delivery)

    def reasons(self) -> list[str]:
        with self._lock:
            return [d.headers.get(DEAD_LETTER_REASON, "") for d in self.seen]


@pytest.fixture
def dead_letters(contract: Contract, memory_bus: InMemoryBus) -> DeadLetters:
    return DeadLetters(contract, memory_bus)


def example(contract: Contract, channel: str, **data: Any) -> Doc:
    """The contract's example for ``channel``, on a fresh batch id (and event id)."""
    document = copy.deepcopy(dict(contract.channel(channel).message.examples[0]))
    pointer = contract.channel(channel).message.batch_pointer or "/data/batch_id"
    old = document["data"].get(pointer.removeprefix("/data/"))
    raw = json.dumps(document)
    document = json.loads(raw.replace(old, new_id())) if isinstance(old, str) else document
    document["event_id"] = new_id()
    document["data"].update(data)
    return document


def publish(
    memory_bus: InMemoryBus, contract: Contract, channel: str, document: Doc, key: Any
) -> None:
    memory_bus.publish(contract.channel(channel), json.dumps(document).encode(), key=key)


def publish_real_completion(memory_bus: InMemoryBus, contract: Contract) -> Doc:
    """A BatchPipelineCompletedV1 as the real BOS writes it: event_type not the topic."""
    completion = example(contract, "batchPipelineCompleted")
    completion["event_type"] = "batch.pipeline.completed"
    key = completion["data"]["batch_id"]
    publish(memory_bus, contract, "batchPipelineCompleted", completion, key)
    return completion


def seen(wire: Expectations, channel: str, event_id: str) -> ObservedMessage:
    def found() -> ObservedMessage | None:
        hits = wire.copies(channel, where=lambda m: m.get("/event_id") == event_id)
        return hits[0] if hits else None

    return wait_for(found, within_s=WITHIN_S, awaited=f"{channel} {event_id}")


SENDER = {  # who the wire check must lay each finding at (the examples' senders)
    "batchServiceCjAssessmentInitiateCommandData": "bos",
    "pipelineDenied": "bos",
    "llmComparisonResult": "llm_provider",
    "assessmentResult": "cj_assessment",
    "teacherNotificationRequested": "bos",
    "batchServiceNlpInitiateCommandData": "bos",
}


@pytest.mark.parametrize(
    ("channel", "key_of"),
    [
        ("batchServiceCjAssessmentInitiateCommandData", lambda d: d["correlation_id"]),
        ("pipelineDenied", lambda d: d["correlation_id"]),
        ("llmComparisonResult", lambda d: None),
        ("assessmentResult", lambda d: d["data"]["cj_assessment_job_id"]),
        ("teacherNotificationRequested", lambda d: d["correlation_id"]),
        ("batchServiceNlpInitiateCommandData", lambda d: d["correlation_id"]),
    ],
    ids=[
        "cj command by correlation",
        "denial by correlation",
        "llm result unkeyed",
        "by job id",
        "BOS notification by correlation",
        "NLP command by correlation",
    ],
)
def test_the_real_keys_are_key_by_batch_rule_findings_laid_at_their_sender(
    contract: Contract, memory_bus: InMemoryBus, wire: Expectations, channel: str, key_of: Any
) -> None:
    document = example(contract, channel)
    document["source_service"] = contract.service(SENDER[channel]).source_service
    publish(memory_bus, contract, channel, document, key_of(document))
    message = seen(wire, channel, document["event_id"])
    (violation,) = message.violations
    assert violation.rule == "key-by-batch" and not violation.breaking
    assert violation.sender == SENDER[channel]


@pytest.mark.parametrize(
    ("channel", "spelling", "key_at"),
    [
        ("batchEssaysRegistered", "batch-service", "entity_id"),
        ("batchServiceSpellcheckInitiateCommandData", "batch-orchestrator-service", "entity_id"),
    ],
)
def test_the_real_bos_source_service_spellings_are_rule_findings(
    contract: Contract,
    memory_bus: InMemoryBus,
    wire: Expectations,
    channel: str,
    spelling: str,
    key_at: str,
) -> None:
    document = example(contract, channel)
    document["source_service"] = spelling
    publish(memory_bus, contract, channel, document, document["data"][key_at])
    (violation,) = seen(wire, channel, document["event_id"]).violations
    assert violation.rule == "canonical-source-service" and violation.sender == "bos"
    assert "non-canonical name of bos (the contract says 'batch_orchestrator_service')" in (
        violation.reason
    )


@pytest.mark.parametrize("source", [["bos"], {"a": 1}], ids=["a list", "an object"])
def test_a_source_service_that_is_no_string_is_recorded_as_a_finding(
    contract: Contract, memory_bus: InMemoryBus, wire: Expectations, source: Any
) -> None:
    """The fuzz found the wire check raising TypeError (unhashable) on it: not recorded."""
    document = example(contract, "batchEssaysRegistered")
    document["source_service"] = source
    publish(memory_bus, contract, "batchEssaysRegistered", document, document["data"]["entity_id"])
    message = seen(wire, "batchEssaysRegistered", document["event_id"])
    assert any("may not publish here" in v.reason for v in message.violations)


def test_a_consumer_accepts_a_rule_breach_and_dead_letters_only_a_breaking_message(
    contract: Contract, memory_bus: InMemoryBus, dead_letters: DeadLetters
) -> None:
    received: list[str] = []
    endpoint = ServiceEndpoint(contract, memory_bus, "result_aggregator", group=new_id())
    endpoint.on("pipelineDenied", lambda envelope: received.append(envelope.event_id))
    endpoint.start()
    endpoint.wait_ready()
    real = example(contract, "pipelineDenied", denied_at=NAIVE)
    real["event_type"] = "pipeline.denied"
    del real["event_id"]  # the real envelope defaults it on the consumer side
    broken = example(contract, "pipelineDenied", denied_at="yesterday")
    for document in (real, broken):
        publish(memory_bus, contract, "pipelineDenied", document, document["data"]["batch_id"])
    wait_for(lambda: received and dead_letters.reasons(), within_s=WITHIN_S, awaited="both")
    endpoint.stop()
    assert len(received) == 1  # the real shape, with an event id of the consumer's own
    (reason,) = dead_letters.reasons()
    assert "/data/denied_at: 'yesterday'" in reason and "utc-timestamps" not in reason
    breaches = {rule for (_, rule, _) in endpoint.rule_breaches}
    assert breaches == {"utc-timestamps", "event-type-is-topic", "complete-envelope"}


def test_the_result_aggregator_records_the_real_completion_and_denial(
    contract: Contract, memory_bus: InMemoryBus, dead_letters: DeadLetters
) -> None:
    ras = ResultAggregatorSimulator(contract, memory_bus)
    ras.start()
    ras.wait_ready()
    batch_id = publish_real_completion(memory_bus, contract)["data"]["batch_id"]
    denial = example(contract, "pipelineDenied", batch_id=batch_id, denied_at=NAIVE)
    publish(memory_bus, contract, "pipelineDenied", denial, denial["correlation_id"])
    try:
        report = wait_for(
            lambda: (r := ras.report(batch_id)).completions and r.denials and r,
            within_s=WITHIN_S,
            awaited="the completion and the denial recorded",
        )
    finally:
        ras.stop()
    assert len(report.completions) == 1 and len(report.denials) == 1
    assert dead_letters.reasons() == []


def test_the_reference_bcs_accepts_the_real_bos_completion(
    contract: Contract, memory_bus: InMemoryBus, dead_letters: DeadLetters
) -> None:
    bcs = BatchConductorService(contract, memory_bus, ConductorConfig(consumer_group=new_id()))
    bcs.start()
    try:
        publish_real_completion(memory_bus, contract)
        wait_for(
            lambda: sum(bcs.endpoint.rule_breaches.values()) or None,
            within_s=WITHIN_S,
            awaited="BCS to take the completion",
        )
    finally:
        bcs.stop()
    assert dead_letters.reasons() == []
    ((_, rule, sender),) = bcs.endpoint.rule_breaches
    assert (rule, sender) == ("event-type-is-topic", "batch_orchestrator_service")


def _live(
    contract: Contract, memory_bus: InMemoryBus, wire: Expectations, judgement: Judgement
) -> tuple[LiveWireCheck, list[str]]:
    lines: list[str] = []
    check = LiveWireCheck(
        contract, memory_bus, wire.observer, say=lines.append, poll_s=0.05, judgement=judgement
    )
    check.start()
    return check, lines


@pytest.mark.parametrize(
    ("without", "strict", "fails"),
    [((), False, True), (("bos",), False, False), (("bos",), True, True)],
    ids=["our own BOS: strict", "a real BOS: reported", "a real BOS with --strict: fails"],
)
def test_the_live_check_judges_a_real_service_by_the_runs_setting_and_ours_strict(
    contract: Contract,
    memory_bus: InMemoryBus,
    wire: Expectations,
    without: tuple[str, ...],
    strict: bool,
    fails: bool,
) -> None:
    judgement = Judgement.for_run(contract.services, without=without, strict=strict)
    check, lines = _live(contract, memory_bus, wire, judgement)
    try:
        publish_real_completion(memory_bus, contract)
        line = wait_for(
            lambda: next((x for x in lines if "event-type-is-topic" in x), None),
            within_s=WITHIN_S,
            awaited="the rule line",
        )
        summary = check.summary()
    finally:
        check.stop()
    assert "RULE event-type-is-topic" in line
    assert ("(reported)" not in line) is fails
    assert summary.broken is fails
    text = "\n".join(summary.lines())
    assert "0 breaking, 1 rule breach(es) (event-type-is-topic 1)" in text
    assert ("- reported" in text) is not fails
    (finding,) = summary.to_json()["violations"]
    assert finding["level"] == "rule" and finding["rule"] == "event-type-is-topic"
    assert finding["fails"] is fails


def test_a_consumer_drops_unknown_fields_as_a_real_model_does(
    contract: Contract, memory_bus: InMemoryBus, dead_letters: DeadLetters
) -> None:
    """So that what a real producer adds never travels on in what this project's services
    publish (which must pass strict)."""
    received: list[Any] = []
    endpoint = ServiceEndpoint(contract, memory_bus, "bos", group=new_id())
    endpoint.on("batchContentProvisioningCompleted", received.append)
    endpoint.start()
    endpoint.wait_ready()
    document = example(contract, "batchContentProvisioningCompleted", debug_note="x")
    document["data"]["essays_for_processing"][0]["extra_inside"] = 1
    document["trace"] = "top-level"
    publish(memory_bus, contract, "batchContentProvisioningCompleted", document, None)
    wait_for(lambda: received, within_s=WITHIN_S, awaited="the message")
    endpoint.stop()
    (envelope,) = received
    assert "debug_note" not in envelope.data
    assert "extra_inside" not in envelope.data["essays_for_processing"][0]
    assert envelope.data["essays_for_processing"][0]["essay_id"]  # the rest is kept
    assert dead_letters.reasons() == []
